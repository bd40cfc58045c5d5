"""The event outbox: events recorded with the state change that caused them, so the periodic
job can dispatch again any whose fan-out was lost."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("bets", "0010_private_evidence"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventOutbox",
            fields=[
                ("key", models.CharField(max_length=120, primary_key=True, serialize=False)),
                ("event", models.CharField(max_length=40)),
                ("object_id", models.BigIntegerField()),
                ("seq", models.IntegerField(default=0)),
                ("created_at", models.DateTimeField()),
                ("dispatched_at", models.DateTimeField()),
                ("dispatches", models.PositiveIntegerField(default=1)),
            ],
            options={"verbose_name_plural": "event outbox"},
        ),
    ]
