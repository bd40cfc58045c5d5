"""Model endpoints and live evaluation runs (benchmark resolvers that run the benchmark)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bets", "0007_evidence")]

    operations: list[migrations.operations.base.Operation] = []
