"""Featured claims and stored forecast aggregates for the pages (pages issue)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bets", "0008_live_runs")]

    operations: list[migrations.operations.base.Operation] = []
