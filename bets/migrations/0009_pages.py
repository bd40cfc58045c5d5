"""Featured claims and stored community-forecast aggregates for the pages (pages issue)."""

from datetime import UTC, datetime

import django.db.models.deletion
import numpy as np
from django.db import migrations, models
from django.utils import timezone

from bets.claims import aggregation as maths

BINS = 20


def backfill_community(apps, schema_editor):
    """Store the community history of every claim that already has forecasts (the same
    arithmetic as bets.claims.community.community_rebuild, on the historical models)."""
    Forecast = apps.get_model("bets", "Forecast")
    ClaimCommunity = apps.get_model("bets", "ClaimCommunity")
    CommunityPoint = apps.get_model("bets", "CommunityPoint")
    claim_ids = Forecast.objects.values_list("claim_id", flat=True).distinct().order_by()
    for claim_id in list(claim_ids):
        rows = list(
            Forecast.objects.filter(claim_id=claim_id)
            .order_by("start_time", "participant_id")
            .values_list("participant_id", "probability", "start_time", "end_time")
        )
        history = maths.community_history(
            participants=np.array([r[0] for r in rows]),
            probabilities=np.array([r[1] for r in rows], dtype=float),
            start_times=np.array([r[2].timestamp() for r in rows]),
            end_times=np.array([r[3].timestamp() if r[3] else np.inf for r in rows]),
            until=float("inf"),
        )
        CommunityPoint.objects.bulk_create(
            CommunityPoint(
                claim_id=claim_id, at=datetime.fromtimestamp(t, tz=UTC), probability=p,
                forecasters=n,
            )
            for t, p, n in history
        )
        standing = [r[1] for r in rows if r[3] is None]
        counts, _ = np.histogram(np.array(standing, dtype=float), bins=BINS, range=(0.0, 1.0))
        ClaimCommunity.objects.create(
            claim_id=claim_id,
            probability=maths.community_forecast(np.array(standing)) if standing else None,
            forecasters=len(standing),
            histogram=[int(c) for c in counts],
            updated_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("bets", "0008_live_runs")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="featured",
            field=models.BooleanField(db_index=True, default=False),
        ),
        migrations.CreateModel(
            name="ClaimCommunity",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="community",
                        serialize=False,
                        to="bets.claim",
                    ),
                ),
                ("probability", models.FloatField(blank=True, null=True)),
                ("forecasters", models.PositiveIntegerField(default=0)),
                ("histogram", models.JSONField(default=list)),
                ("updated_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="CommunityPoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                ("probability", models.FloatField()),
                ("forecasters", models.PositiveIntegerField()),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="community_points",
                        to="bets.claim",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("claim", "at"), name="community_point_one_per_moment"
                    )
                ],
            },
        ),
        migrations.RunPython(backfill_community, migrations.RunPython.noop),
    ]
