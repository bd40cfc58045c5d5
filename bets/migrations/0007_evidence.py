"""Evidence people can read and re-check: attempt numbers, dry-run results (resolver fidelity issue)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bets", "0006_conversation")]

    operations: list[migrations.operations.base.Operation] = []
