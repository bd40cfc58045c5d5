"""Private evidence, public verdicts: artifact visibility, claim arbiters, access records."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bets", "0009_pages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="arbiters",
            field=models.ManyToManyField(
                blank=True, related_name="claims_arbitrated", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="claimartifact",
            name="revealed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="claimartifact",
            name="visibility",
            field=models.CharField(
                choices=[
                    ("public", "Public"),
                    ("aggregates", "Aggregates only"),
                    ("private", "Private"),
                ],
                db_default="public",
                default="public",
                max_length=12,
            ),
        ),
        migrations.CreateModel(
            name="ArtifactAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "via",
                    models.CharField(
                        choices=[
                            ("download", "Download"),
                            ("api", "API download"),
                            ("bundle", "Evidence bundle"),
                        ],
                        max_length=12,
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "artifact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="accesses",
                        to="bets.claimartifact",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-at", "-id"]},
        ),
    ]
