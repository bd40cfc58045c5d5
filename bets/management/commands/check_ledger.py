"""`manage.py check_ledger`: verify every ledger invariant; exit 1 naming each violation."""

from django.core.management.base import BaseCommand, CommandError

from bets.betting.checks import ledger_violations, system_balances


class Command(BaseCommand):
    help = "Check every play-money ledger invariant; exits non-zero naming each violation."

    def handle(self, *args, **options):
        violations = ledger_violations()
        for violation in violations:
            self.stderr.write(f"VIOLATION {violation}")
        if violations:
            raise CommandError(f"{len(violations)} ledger invariant violation(s).")
        balances = ", ".join(f"{k} {v}" for k, v in sorted(system_balances().items()))
        self.stdout.write(f"Ledger OK: every invariant holds ({balances or 'no accounts'}).")
