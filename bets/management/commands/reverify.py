"""`manage.py reverify ATTEMPT_ID`: re-run an attempt's frozen spec against the files it
read, check every sha256, and say whether it reaches the same verdict and measurement.

Writes nothing. Exit status 0 when everything matches, 1 when anything differs (a file
changed or is missing, a different verdict or measurement), so it can run in a loop.
"""

from django.core.management.base import BaseCommand, CommandError

from bets.autoresolve.evidence.reverify import attempt_reverify
from bets.common.errors import ServiceError


class Command(BaseCommand):
    help = "Re-run a resolver attempt from its stored files and compare the outcome."

    def add_arguments(self, parser):
        parser.add_argument("attempt_id", type=int, help="The attempt's id (see its evidence).")

    def handle(self, *args, attempt_id: int, **options):
        try:
            report = attempt_reverify(attempt_id=attempt_id)
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(f"verdict then {report.verdict_then or '-'}, now "
                          f"{report.verdict_now or '-'}")
        if report.ok:
            self.stdout.write("SAME: every file matches its sha256, and the verdict and "
                              "measurement are the same.")
            return
        self.stdout.write("DIFFERENT: see above.")
        raise SystemExit(1)
