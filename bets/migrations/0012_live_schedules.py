"""Scheduled measurement runs: when a claim's next slot falls due, and which slot an attempt
measured (each slot of a claim once)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("bets", "0011_event_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="resolver_schedule_next_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="resolutionattempt",
            name="schedule_slot",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="resolutionattempt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("schedule_slot__isnull", False)),
                fields=("claim", "schedule_slot"),
                name="attempt_schedule_slot_once",
            ),
        ),
    ]
