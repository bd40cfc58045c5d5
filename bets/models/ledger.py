"""Play-money ledger (double entry, integer credits, append-only) and the bets it funds.

Database-level guarantees (entries never updated or deleted, every transaction sums to zero)
are installed by a PostgreSQL migration; see bets/ledger.py for the write paths.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Account(models.Model):
    class Kind(models.TextChoices):
        PARTICIPANT = "participant", "Participant"
        GRANTS = "grants", "Grants (system)"
        OFFERS = "offers", "Offer reserve (system)"
        ESCROW = "escrow", "Escrow (system)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    # Cached sum of this account's entries, maintained with F() in the same transaction.
    balance = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="grants") | Q(balance__gte=0), name="account_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(kind="participant") & Q(user__isnull=False))
                | (~Q(kind="participant") & Q(user__isnull=True)),
                name="account_user_iff_participant",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=~Q(kind="participant"),
                name="account_one_per_system_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.user_id or ''}"


class LedgerTransaction(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", "Starting grant"
        OFFER_RESERVE = "offer_reserve", "Offer reserved"
        OFFER_RELEASE = "offer_release", "Offer released"
        BET_MATCH = "bet_match", "Bet matched"
        SETTLE = "settle", "Bet settled"
        REFUND = "refund", "Bet refunded"
        REVERSAL = "reversal", "Reversal"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Deterministic per money-moving event: repeating the event finds this key and moves nothing.
    idempotency_key = models.CharField(max_length=200, unique=True)
    memo = models.CharField(max_length=300, blank=True)
    claim = models.ForeignKey(
        "bets.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bet = models.ForeignKey(
        "bets.Bet", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    offer = models.ForeignKey(
        "bets.Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="transactions"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"


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
