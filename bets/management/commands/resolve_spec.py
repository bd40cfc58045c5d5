"""`manage.py resolve_spec SPEC.json [--artifacts DIR]`: run a resolver spec, write nothing.

Prints one JSON object: verdict (yes, no or inconclusive), reason, measurement, evidence.
A spec that cannot run, or evidence that cannot be read, is an error line on stderr and a
non-zero exit, so spec authors can test their specs in a shell loop.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bets.autoresolve.bridge import execute_spec, verdict_as_dict


class Command(BaseCommand):
    help = "Run a resolver spec against local files and print its verdict as JSON."

    def add_arguments(self, parser):
        parser.add_argument("spec", help="Path to the spec JSON file.")
        parser.add_argument(
            "--artifacts",
            help="Directory that {'path': ...} and {'artifact': name} locations resolve in.",
        )
        parser.add_argument(
            "--keep-logs",
            help="Live runs (inspect_run): write the inspect logs here instead of a "
                 "temporary directory (run again, it resumes).",
        )

    def handle(self, *args, spec, artifacts=None, keep_logs=None, **options):
        from resolvers.base import SourceError, SpecError

        data = _load_spec(Path(spec))
        base_dir = None
        if artifacts:
            base_dir = Path(artifacts)
            if not base_dir.is_dir():
                raise CommandError(f"--artifacts {artifacts}: not a directory.")
        try:
            verdict = execute_spec(data, base_dir=base_dir, artifacts_dir=base_dir,
                                   keep_logs=Path(keep_logs) if keep_logs else None)
        except SpecError as exc:
            raise CommandError("The spec is invalid:\n  " + "\n  ".join(exc.errors)) from None
        except SourceError as exc:
            hint = " (may work later)" if exc.retryable else ""
            raise CommandError(f"Evidence could not be read{hint}: {exc}") from None
        self.stdout.write(json.dumps(verdict_as_dict(verdict), indent=2, sort_keys=True))


def _load_spec(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CommandError(f"{path} is not valid JSON: {exc}") from None
