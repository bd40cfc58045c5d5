"""Comments, votes, follows and notifications (issue: the conversation around a claim)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("bets", "0005_score_drop_redundant_key_indexes")]

    operations: list[migrations.operations.base.Operation] = []
