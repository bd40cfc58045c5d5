"""Evidence people can read and re-check: the scheduled dry run of each claim's spec
(resolver fidelity issue). Attempt numbers are computed per claim from ids, not stored."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bets", "0006_conversation")]

    operations = [
        migrations.CreateModel(
            name="ClaimDryRun",
            fields=[
                ("claim", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                               primary_key=True, related_name="dry_run",
                                               serialize=False, to="bets.claim")),
                ("verdict", models.CharField(max_length=16)),
                ("reason", models.TextField()),
                ("key", models.CharField(max_length=64)),
                ("checked_at", models.DateTimeField()),
                ("changed_at", models.DateTimeField()),
            ],
        ),
    ]
