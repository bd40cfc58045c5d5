"""Play-money ledger: accounts, transactions and entries (double entry, integer credits,
append-only). Offers and bets are in models/betting.py.

Database-level guarantees (entries never updated or deleted, every transaction sums to zero)
are installed by a PostgreSQL migration; see bets/betting/ledger.py for the write paths.
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
        # Credits locked by binding agreements, apart from escrow so each sum is checkable.
        AGREEMENTS = "agreements", "Agreement escrow (system)"

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
        AGREEMENT_LOCK = "agreement_lock", "Agreement credits locked"
        AGREEMENT_PAY = "agreement_pay", "Agreement paid out"
        AGREEMENT_REFUND = "agreement_refund", "Agreement refunded"

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
    agreement = models.ForeignKey(
        "bets.Agreement", null=True, blank=True, on_delete=models.PROTECT,
        related_name="transactions",
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


