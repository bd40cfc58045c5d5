"""Offers and the matched bets they make; stakes move through the ledger (models/ledger.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Offer(models.Model):
    class Side(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    claim = models.ForeignKey("bets.Claim", on_delete=models.PROTECT, related_name="offers")
    offerer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offers_made"
    )
    side = models.CharField(max_length=3, choices=Side.choices)
    # The offerer's price for their side: at 0.7 the offerer stakes 70 for every 30 taken.
    probability = models.FloatField()
    max_stake = models.BigIntegerField()
    # Offerer stake already matched by acceptances.
    filled_stake = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField()
    counterparty = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers_addressed",
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_stake__gt=0), name="offer_max_stake_positive"),
            models.CheckConstraint(
                condition=Q(filled_stake__gte=0) & Q(filled_stake__lte=models.F("max_stake")),
                name="offer_never_overfilled",
            ),
            models.CheckConstraint(
                condition=Q(probability__gt=0) & Q(probability__lt=1),
                name="offer_probability_in_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"Offer {self.pk}: {self.side} at {self.probability}"

    @property
    def remaining_stake(self) -> int:
        return self.max_stake - self.filled_stake



class Bet(models.Model):
    class Status(models.TextChoices):
        MATCHED = "matched", "Matched"
        SETTLED = "settled", "Settled"
        REFUNDED = "refunded", "Refunded"

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="bets")
    claim = models.ForeignKey("bets.Claim", on_delete=models.PROTECT, related_name="bets")
    offerer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bets_offered"
    )
    taker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bets_taken"
    )
    offerer_side = models.CharField(max_length=3, choices=Offer.Side.choices)
    probability = models.FloatField()
    offerer_stake = models.BigIntegerField()
    taker_stake = models.BigIntegerField()
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.MATCHED)
    winner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bets_won",
    )
    settled_seq = models.PositiveIntegerField(default=0)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offerer_stake__gt=0) & Q(taker_stake__gt=0), name="bet_stakes_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Bet {self.pk} on claim {self.claim_id}"
