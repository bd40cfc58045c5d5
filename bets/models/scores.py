"""Scores: one row per participant and resolved claim, written by the scoring task."""

from django.conf import settings
from django.db import models


class Score(models.Model):
    """One participant's scores on one resolved claim (all score types in one row).

    Written by the scoring task; re-resolution replaces the claim's rows. Leaderboards and
    calibration are folds over this table. `resolved_at` is copied from the claim so time
    windows filter without a join.
    """

    # No single-column indexes on the two keys: score_once_per_claim (claim, participant) and
    # (participant, resolved_at) lead with them, and every index costs each scoring's
    # 1,000-row insert (bench/bench_scoring.py).
    claim = models.ForeignKey(
        "bets.Claim", on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    baseline = models.FloatField()
    peer = models.FloatField()
    coverage = models.FloatField()
    # Brier and log score have no meaning for a numeric, date or multiple-choice claim: null
    # there. CRPS (docs/scoring.md) is a numeric and date claim's only (null otherwise).
    brier = models.FloatField(null=True, blank=True)
    log = models.FloatField(null=True, blank=True)
    crps = models.FloatField(null=True, blank=True)
    resolution_seq = models.PositiveIntegerField()
    resolved_at = models.DateTimeField(db_index=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "participant"], name="score_once_per_claim"),
        ]
        indexes = [models.Index(fields=["participant", "resolved_at"])]

    def __str__(self) -> str:
        return f"Scores of {self.participant_id} on claim {self.claim_id}"
