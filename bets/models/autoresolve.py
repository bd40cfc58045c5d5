"""Automatic resolution: resolver runs, proposed outcomes, disputes and uploaded eval files."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ClaimArtifact(models.Model):
    """An evaluation result file uploaded to a claim; resolver specs refer to it by name.

    Its sha256 is public from the moment of upload (a commitment): whoever sees the file
    later can check it is the one that decided the claim. `visibility` says who sees more.
    """

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        # The verdict, the measurement the criterion used, sha256, size and upload time.
        AGGREGATES = "aggregates", "Aggregates only"
        # Only that a file with this sha256 exists, and the verdict.
        PRIVATE = "private", "Private"

    claim = models.ForeignKey("bets.Claim", on_delete=models.CASCADE, related_name="artifacts")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="artifacts/%Y/%m/")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC,
        db_default=Visibility.PUBLIC,
    )
    # When a non-public file was switched to public (revealed); null otherwise.
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "name"], name="artifact_name_once_per_claim")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"


class ResolutionAttempt(models.Model):
    # What a viewer is not shown of this attempt, and why: set on display copies by
    # bets.autoresolve.evidence.disclosure; not a column.
    withheld = ""

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        MANUAL = "manual", "Run now"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DECIDED = "decided", "Decided"
        INCONCLUSIVE = "inconclusive", "Inconclusive"
        FAILED_TRANSIENT = "failed_transient", "Failed (will retry)"
        FAILED_PERMANENT = "failed_permanent", "Failed"

    claim = models.ForeignKey(
        "bets.Claim", on_delete=models.CASCADE, related_name="resolution_attempts"
    )
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Deterministic per dispatch so a redelivered task records its run once.
    run_key = models.CharField(max_length=200, unique=True)
    spec = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    verdict = models.CharField(max_length=16, blank=True)  # yes | no | inconclusive
    reason = models.TextField(blank=True)
    measurement = models.JSONField(default=dict, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The scheduled measurement slot (0, 1, ...) this run measured: it records its numbers
    # and verdict as evidence and never proposes. Null for the deciding and manual runs.
    schedule_slot = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # The ledger of slots: each slot of a claim runs once, whoever races for it.
            models.UniqueConstraint(fields=["claim", "schedule_slot"],
                                    condition=Q(schedule_slot__isnull=False),
                                    name="attempt_schedule_slot_once"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.pk} on claim {self.claim_id}: {self.status}"

    @property
    def measures_only(self) -> bool:
        return self.schedule_slot is not None


class ResolutionProposal(models.Model):
    """An outcome a resolver proposed; final after the dispute window unless disputed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending (dispute window open)"
        DISPUTED = "disputed", "Disputed"
        FINALIZED = "finalized", "Finalized"
        OVERTURNED = "overturned", "Overturned"
        SUPERSEDED = "superseded", "Superseded"

    claim = models.ForeignKey("bets.Claim", on_delete=models.CASCADE, related_name="proposals")
    attempt = models.OneToOneField(
        ResolutionAttempt, on_delete=models.PROTECT, related_name="proposal"
    )
    outcome = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    finalize_after = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status__in=["pending", "disputed"]),
                name="proposal_one_live_per_claim",
            )
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk}: {self.outcome} ({self.status})"


class Dispute(models.Model):
    class Decision(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld (proposal overturned)"
        REJECTED = "rejected", "Rejected (proposal stands)"

    proposal = models.ForeignKey(
        ResolutionProposal, on_delete=models.CASCADE, related_name="disputes"
    )
    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.TextField()
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes_decided",
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Dispute {self.pk} ({self.decision})"


class SnapshotSource(models.Model):
    """A published file (a benchmark table, a leaderboard) that claims resolve from: its URL,
    its licence and attribution line, and where polling it stands."""

    url = models.URLField(max_length=2000, unique=True)
    licence = models.CharField(max_length=300, blank=True)
    attribution = models.CharField(max_length=500, blank=True)
    # The preset whose layout the snapshot page reads to list what changed ("" for none).
    preset = models.CharField(max_length=20, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    poll_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class Snapshot(models.Model):
    """One version of a published file as Crux retrieved it (or staff uploaded it).

    The bytes are stored once, content-addressed by sha256 (bets.autoresolve.snapshots.store);
    a row is a version in the file's history: a new row when a retrieval returns bytes other
    than the latest row's, and `last_seen_at` moves on while retrievals (or 304 answers)
    return the same. So the version current at any moment, and the first retrieval at or
    after a claim's resolve_after, can be told exactly.
    """

    source = models.ForeignKey(SnapshotSource, on_delete=models.PROTECT,
                               related_name="snapshots")
    url = models.URLField(max_length=2000)  # as requested (redirects end elsewhere)
    retrieved_at = models.DateTimeField(db_index=True)  # the first retrieval of this version
    last_seen_at = models.DateTimeField()  # the latest retrieval that found these bytes
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)  # null: uploaded
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    licence = models.CharField(max_length=300, blank=True)
    attribution = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)  # an upload's provenance (Wayback URL)

    class Meta:
        ordering = ["source_id", "retrieved_at", "id"]

    def __str__(self) -> str:
        return f"{self.url} @ {self.retrieved_at:%Y-%m-%d %H:%M} ({self.sha256[:12]})"


class FetchedSnapshot(models.Model):
    """The exact bytes of one published file as Crux got them: fetched from `url` by a
    resolver run (or, later, a poll of a published table), or uploaded by hand for it.

    Content-addressed: the bytes lie once under snapshots/<sha[:2]>/<sha256> whichever URL
    or upload brought them (bets.autoresolve.evidence.snapshots). A row is one distinct
    version of one source, kept once however often the same bytes come back: `retrieved_at`
    is the first retrieval that returned them, `last_seen_at` the latest. Each attempt's
    evidence also records its own retrieval (time, status, ETag, Last-Modified).
    """

    class Origin(models.TextChoices):
        FETCHED = "fetched", "Fetched"
        UPLOADED = "uploaded", "Uploaded by hand"

    url = models.CharField(max_length=2000)  # what was asked for: the source's key
    final_url = models.CharField(max_length=2000, blank=True)  # after redirects
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)  # None: uploaded
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    retrieved_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FETCHED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # What the publisher asks of whoever shows the bytes (published tables; blank for now).
    licence = models.CharField(max_length=200, blank=True)
    attribution = models.TextField(blank=True)

    class Meta:
        ordering = ["-retrieved_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url", "sha256"],
                                    name="snapshot_once_per_source_and_bytes"),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.sha256[:12]})"
