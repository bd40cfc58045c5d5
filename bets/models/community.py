"""Stored community-forecast aggregates, so claim pages and listings never recompute the
community forecast from every forecast row (a claim may have 10,000 forecasters).

Written only by bets.claims.community under the claim's row lock, in the same transaction as
the forecast that changed them, so they are never out of step with the forecasts.
"""

from django.db import models

from bets.models.claims import Claim

# Standing forecasts are counted in 20 bins of 5 percentage points for the histogram.
HISTOGRAM_BINS = 20


class ClaimCommunity(models.Model):
    """The community forecast of a claim now, and how the standing forecasts spread."""

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.CASCADE, related_name="community"
    )
    # Null while no forecast stands (there is no median of nothing).
    probability = models.FloatField(null=True, blank=True)
    forecasters = models.PositiveIntegerField(default=0)
    # HISTOGRAM_BINS counts of standing forecasts, bin i covering [i*5%, (i+1)*5%).
    histogram = models.JSONField(default=list)
    # Numeric and date claims: the aggregate CDF (201 floats); multiple choice: one
    # probability per option ever offered. Null for binary claims (`probability` holds theirs).
    distribution = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Community of claim {self.claim_id}: {self.probability}"


class CommunityPoint(models.Model):
    """The community forecast from `at` until the next point: the same steps as
    bets.claims.aggregation.community_history, stored as they happen."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="community_points")
    at = models.DateTimeField()
    probability = models.FloatField()
    forecasters = models.PositiveIntegerField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "at"], name="community_point_one_per_moment")
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} at {self.at}: {self.probability}"
