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


# --- signed agreements (bets/betting/agreements/, docs/agreements.md) -----------------------


class SshKey(models.Model):
    """An SSH public key a participant signs agreements with. Never deleted: a revoked key
    keeps its row, so signatures it made before stay checkable and the page can say when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ssh_keys"
    )
    key_type = models.CharField(max_length=64)
    # The base64 wire encoding, exactly as in the .pub line (no comment, no options).
    key_data = models.TextField()
    comment = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, unique=True)  # "SHA256:...", as ssh-keygen -l
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.key_type} {self.fingerprint}"

    @property
    def public_line(self) -> str:
        return f"{self.key_type} {self.key_data}"


class Agreement(models.Model):
    """One draft of a written bet: `canonical` is the exact RFC 8785 JSON both parties sign;
    its sha256 is its identity. A counter-proposal is a new row pointing at the draft it
    replaces; nothing is binding until both parties have signed the same row."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        BINDING = "binding", "Binding"
        RESOLVED = "resolved", "Resolved (payment due)"
        SETTLED = "settled", "Settled"
        VOID = "void", "Void"
        AMENDED = "amended", "Amended"  # replaced by a binding amendment (`amendments`)

    claim = models.ForeignKey("bets.Claim", on_delete=models.PROTECT, related_name="agreements")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreements_proposed"
    )
    counterparty = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreements_received"
    )
    # Who wrote this draft: the proposer, or the counterparty when it is a counter-proposal.
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # The binding agreement this draft amends (its sha256 is in the terms' `amends`); when
    # this one binds, that one becomes `amended` and its credits move to these terms.
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    canonical = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    proposer_side = models.CharField(max_length=3, choices=Offer.Side.choices)
    # Credits each party locks when the agreement binds (0 for an off-platform stake).
    proposer_credits = models.BigIntegerField(default=0)
    counterparty_credits = models.BigIntegerField(default=0)
    payment_days = models.PositiveIntegerField(default=30)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    bound_at = models.DateTimeField(null=True, blank=True)
    winner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    payment_due_at = models.DateTimeField(null=True, blank=True)
    # Payment reminders sent for the current resolution: 1 before the deadline, 2 after it.
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    settled_seq = models.PositiveIntegerField(default=0)
    void_reason = models.CharField(max_length=300, blank=True)
    # Set when the parties (or the arbiter) call the agreement off, or an amendment replaces
    # it: settlement leaves it be.
    called_off_at = models.DateTimeField(null=True, blank=True)
    # Set when the arbiter decides a dispute about the resolution: the agreement's outcome is
    # the arbiter's from then on, and settlement of the claim leaves it be.
    ruled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposer_credits__gte=0) & Q(counterparty_credits__gte=0),
                name="agreement_credits_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(proposer=models.F("counterparty")),
                name="agreement_two_people",
            ),
        ]
        indexes = [models.Index(fields=["status", "payment_due_at"])]

    def __str__(self) -> str:
        return f"Agreement {self.pk} ({self.sha256[:12]})"

    @property
    def credits(self) -> int:
        return self.proposer_credits + self.counterparty_credits


class AgreementSignature(models.Model):
    """A verified SSH signature over the agreement's canonical bytes: a party's, or the named
    arbiter's acceptance of the role."""

    class Role(models.TextChoices):
        PARTY = "party", "Party"
        ARBITER = "arbiter", "Arbiter"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    key = models.ForeignKey(SshKey, on_delete=models.PROTECT, related_name="signatures")
    signature = models.TextField()  # armored, as `ssh-keygen -Y sign` writes it
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.PARTY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "signer"], name="agreement_signed_once"),
        ]

    def __str__(self) -> str:
        return f"Signature of {self.signer_id} on agreement {self.agreement_id}"


class AgreementMark(models.Model):
    """A party's public, timestamped mark about an off-platform payment."""

    class Kind(models.TextChoices):
        PAID = "paid", "Paid"
        RECEIVED = "received", "Received"
        NOT_RECEIVED = "not_received", "Not received"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the resolution the mark was made under no longer stands (the claim was
    # re-resolved with another winner, unresolved or annulled, or the arbiter ruled another
    # winner): the mark stays on the page as history and counts for nothing.
    annulled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="agreement_mark_once",
                                    condition=Q(annulled_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on agreement {self.agreement_id}"


class AgreementVoid(models.Model):
    """A proposal to call a binding agreement off (a call-off clause applies, or the parties
    agree): its own canonical JSON naming the agreement's sha256, signed by both parties like
    the agreement. It takes effect when the second signature verifies."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="voids")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    reason = models.CharField(max_length=300)
    canonical = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    # Set when the arbiter decides the agreement stands (the parties disagreed on the void).
    rejected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Void of agreement {self.agreement_id} ({self.sha256[:12]})"


class AgreementVoidSignature(models.Model):
    void = models.ForeignKey(AgreementVoid, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    key = models.ForeignKey(SshKey, on_delete=models.PROTECT, related_name="void_signatures")
    signature = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["void", "signer"], name="agreement_void_signed_once"),
        ]

    def __str__(self) -> str:
        return f"Signature of {self.signer_id} on void {self.void_id}"


class ArbiterDocument(models.Model):
    """A signed document about who arbitrates a binding agreement, or what the arbiter
    decided: the arbiter declining (signed by them), the parties' pick of an arbiter under
    the fallback rule (signed by both), or an arbiter's decision on a dispute (signed by the
    arbiter). Its canonical JSON names the agreement's sha256; it takes effect when its last
    signature verifies (`effective_at`)."""

    class Kind(models.TextChoices):
        DECLINE = "decline", "Arbiter declines"
        PICK = "pick", "Parties pick an arbiter"
        DECISION = "decision", "Arbiter's decision"

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT,
                                  related_name="arbiter_documents")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    # The arbiter the document is about: who declines, who is picked, who decides.
    arbiter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    dispute = models.CharField(max_length=16, blank=True)  # decisions: resolution|payment|void
    decision = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    canonical = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    effective_at = models.DateTimeField(null=True, blank=True)
    # A payment decision is about one "not received" mark; annulled with it, it stops counting.
    mark = models.ForeignKey(AgreementMark, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="decisions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on agreement {self.agreement_id} ({self.sha256[:12]})"


class ArbiterDocumentSignature(models.Model):
    document = models.ForeignKey(ArbiterDocument, on_delete=models.PROTECT,
                                 related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    key = models.ForeignKey(SshKey, on_delete=models.PROTECT, related_name="document_signatures")
    signature = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "signer"],
                                    name="arbiter_document_signed_once"),
        ]

    def __str__(self) -> str:
        return f"Signature of {self.signer_id} on arbiter document {self.document_id}"
