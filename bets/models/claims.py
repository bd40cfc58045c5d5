from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.db.models.expressions import CombinedExpression
from django.urls import reverse

# The one definition of the probability bounds: the forecast and offer services, the API's
# schema, the import checks and the web forms (in percent) all read these.
PROBABILITY_MIN = 0.001
PROBABILITY_MAX = 0.999
PERCENT_MIN = round(PROBABILITY_MIN * 100, 9)  # 0.1
PERCENT_MAX = round(PROBABILITY_MAX * 100, 9)  # 99.9
# Longest texts of a claim, the same for the model, forms, API, services and imports.
TITLE_MAX = 200
CLAIM_TEXT_MAX = 20_000  # statement, resolution criteria, fine print
# Numeric, date and multiple-choice claims, as Metaculus has them (bets/claims/continuous.py
# holds their rules): a unit of at most 25 characters, 2 to 20 option labels of at most 200.
UNIT_MAX = 25
OPTION_LABEL_MAX = 200
OPTIONS_MIN = 2
OPTIONS_MAX = 20
# A non-binary resolution as Metaculus writes it: a number, an ISO datetime, an option label,
# or below_lower_bound / above_upper_bound.
RESOLUTION_MAX = OPTION_LABEL_MAX


def percent_in_bounds(value: float) -> bool:
    """Whether a probability given in percent is one Crux takes (rounding noise forgiven:
    99.9 is in, although 99.9 / 100 is 0.9990000000000001)."""
    return PERCENT_MIN <= round(value, 9) <= PERCENT_MAX


def claim_search_vector() -> CombinedExpression:
    """The claim list's full-text document on PostgreSQL: the title weighs most. One
    definition, because the search (bets/claims/listing.py) only uses the GIN index below
    when its expression is exactly the indexed one."""
    return SearchVector("title", weight="A", config="english") + SearchVector(
        "statement", "resolution_criteria", "fine_print", weight="B", config="english"
    )


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    class Kind(models.TextChoices):
        BINARY = "binary", "Binary"
        NUMERIC = "numeric", "Numeric"
        DATE = "date", "Date"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        RESOLVED = "resolved", "Resolved"
        ANNULLED = "annulled", "Annulled"
        REJECTED = "rejected", "Rejected"

    class Outcome(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"

    class Method(models.TextChoices):
        MANUAL = "manual", "Manual"
        AUTOMATIC = "automatic", "Automatic"
        IMPORT = "import", "Import"

    title = models.CharField(max_length=TITLE_MAX)
    statement = models.TextField()
    resolution_criteria = models.TextField()
    fine_print = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BINARY)
    # Numeric and date claims (null otherwise). A date claim's range is stored as POSIX
    # seconds (UTC), as Metaculus stores it, so the CDF maths is one for both kinds; the
    # services and serializers turn datetimes into seconds and back.
    range_min = models.FloatField(null=True, blank=True)
    range_max = models.FloatField(null=True, blank=True)
    # An open bound: the answer may fall beyond it (the CDF keeps >= 0.001 outside).
    open_lower_bound = models.BooleanField(default=False)
    open_upper_bound = models.BooleanField(default=False)
    # Log scale through this point (null = linear); numeric claims only, outside the range.
    zero_point = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=UNIT_MAX, blank=True)
    # Multiple choice: the current labels in order (the last is the catch-all, as Metaculus
    # has it) and their history [[iso time, labels], ...]; options are added before the
    # catch-all with a grace period (bets/claims/continuous.py, options_added).
    options = models.JSONField(null=True, blank=True)
    options_history = models.JSONField(null=True, blank=True)
    # When spot scores are taken (Metaculus' spot_scoring_time); null: none. Carried by
    # crux-export version 2.
    spot_scoring_time = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="claims")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_authored",
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    open_time = models.DateTimeField()
    close_time = models.DateTimeField()
    resolve_after = models.DateTimeField()
    # A resolver spec (JSON data, validated by resolvers.registry); null for manual claims.
    resolver_spec = models.JSONField(null=True, blank=True)
    # Criteria freeze once the first forecast or bet exists; later changes are clarifications.
    criteria_frozen_at = models.DateTimeField(null=True, blank=True)
    # Chosen by staff (admin); featured claims lead the home page.
    featured = models.BooleanField(default=False, db_index=True)
    # Participants who adjudicate the claim's disputes and may read its non-public evidence.
    # Never a party to a bet on the claim (bets.autoresolve.evidence.visibility enforces both ways).
    arbiters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="claims_arbitrated"
    )

    # Moderation.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    # The current resolution (history lives in ResolutionEvent).
    # NULL (not "") while unresolved: the outcome_iff_resolved constraint relies on it.
    outcome = models.CharField(  # noqa: DJ001
        max_length=8, choices=Outcome.choices, null=True, blank=True
    )
    # The resolution of a numeric, date or multiple-choice claim (null while unresolved and
    # for binary claims): a number, an ISO datetime, an option label, "below_lower_bound" or
    # "above_upper_bound", as Metaculus stores it.
    resolution = models.CharField(  # noqa: DJ001
        max_length=RESOLUTION_MAX, null=True, blank=True
    )
    actual_resolve_time = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_resolved",
    )
    resolution_method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    # Bumped by every resolve, annul and unresolve. Scoring and settlement tasks carry the
    # sequence they were dispatched for and do nothing when it is stale, so a late or
    # duplicated task can never write scores or move money for an outdated resolution.
    resolution_seq = models.PositiveIntegerField(default=0)
    scored_seq = models.PositiveIntegerField(default=0)
    settled_seq = models.PositiveIntegerField(default=0)

    # Auto-resolution bookkeeping (see bets/services/autoresolve.py).
    resolver_lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    resolver_next_run_at = models.DateTimeField(null=True, blank=True)
    resolver_flagged_at = models.DateTimeField(null=True, blank=True)
    resolver_flag_reason = models.TextField(blank=True)
    # A spec with a `schedule` is measured every N days until resolve_after: when its next
    # measurement slot falls due (null: no schedule, or no slot left). The sweep takes a slot
    # by compare-and-swap on this column (bets/autoresolve/schedules.py).
    resolver_schedule_next_at = models.DateTimeField(null=True, blank=True, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(close_time__gt=models.F("open_time")), name="claim_close_after_open"
            ),
            models.CheckConstraint(
                condition=Q(resolve_after__gte=models.F("open_time")),
                name="claim_resolve_after_not_before_open",
            ),
            models.CheckConstraint(
                condition=Q(status="resolved", kind="binary", outcome__isnull=False,
                            resolution__isnull=True)
                | (Q(status="resolved", outcome__isnull=True, resolution__isnull=False)
                   & ~Q(kind="binary"))
                | (~Q(status="resolved") & Q(outcome__isnull=True, resolution__isnull=True)),
                name="claim_outcome_iff_resolved",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["binary", "numeric", "date", "multiple_choice"]),
                name="claim_kind_known",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["numeric", "date"], range_min__isnull=False,
                             range_max__isnull=False)
                           & Q(range_max__gt=models.F("range_min")))
                | (~Q(kind__in=["numeric", "date"])
                   & Q(range_min__isnull=True, range_max__isnull=True, open_lower_bound=False,
                       open_upper_bound=False, unit="")),
                name="claim_range_iff_continuous",
            ),
            models.CheckConstraint(
                condition=Q(zero_point__isnull=True)
                | (Q(kind="numeric") & (Q(zero_point__lt=models.F("range_min"))
                                        | Q(zero_point__gt=models.F("range_max")))),
                name="claim_zero_point_outside_numeric_range",
            ),
            models.CheckConstraint(
                condition=Q(kind="multiple_choice", options__isnull=False,
                            options_history__isnull=False)
                | (~Q(kind="multiple_choice") & Q(options__isnull=True,
                                                  options_history__isnull=True)),
                name="claim_options_iff_multiple_choice",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "close_time"]),
            # Built on PostgreSQL only (migration 0013): SQLite has no tsvector, and searches
            # there with LIKE.
            GinIndex(claim_search_vector(), name="claim_search_document"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("claim-detail", args=[self.pk])


class ClaimClarification(models.Model):
    """Append-only text added to a claim after its criteria froze."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="clarifications")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Clarification of claim {self.claim_id}"


class Forecast(models.Model):
    """A forecast that stood over [start_time, end_time); end_time null while it stands.

    Exactly one of its values is set, by the claim's kind: `probability` (binary), `cdf`
    (numeric and date: 201 floats, Metaculus' continuous_cdf) or `probabilities` (multiple
    choice: one per option ever offered, in the order of options_history, null for an option
    added after the forecast, as Metaculus stores probability_yes_per_category)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="forecasts")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forecasts"
    )
    probability = models.FloatField(null=True, blank=True)
    cdf = models.JSONField(null=True, blank=True)
    probabilities = models.JSONField(null=True, blank=True)
    # What the participant typed (quantiles, a date ladder, numbers per option), kept beside
    # the CDF as Metaculus keeps distribution_input, so a form can show it again.
    distribution_input = models.JSONField(null=True, blank=True)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__isnull=True)
                | (Q(probability__gte=PROBABILITY_MIN) & Q(probability__lte=PROBABILITY_MAX)),
                name="forecast_probability_in_range",
            ),
            models.CheckConstraint(
                condition=Q(probability__isnull=False, cdf__isnull=True,
                            probabilities__isnull=True)
                | Q(probability__isnull=True, cdf__isnull=False, probabilities__isnull=True)
                | Q(probability__isnull=True, cdf__isnull=True, probabilities__isnull=False),
                name="forecast_exactly_one_value",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(end_time__gt=models.F("start_time")),
                name="forecast_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["claim", "participant"],
                condition=Q(end_time__isnull=True),
                name="forecast_one_standing_per_participant",
            ),
        ]
        indexes = [
            models.Index(fields=["claim", "start_time"]),
            models.Index(fields=["participant", "claim"]),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.claim_id}: {self.probability}"


class ResolutionEvent(models.Model):
    """Append-only history of who resolved, annulled or unresolved a claim, when, how and why."""

    class Action(models.TextChoices):
        RESOLVE = "resolve", "Resolve"
        ANNUL = "annul", "Annul"
        UNRESOLVE = "unresolve", "Unresolve"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="resolution_events")
    action = models.CharField(max_length=16, choices=Action.choices)
    outcome = models.CharField(max_length=8, blank=True)
    # A non-binary claim's resolution (Claim.resolution); blank for binary claims.
    resolution = models.CharField(max_length=RESOLUTION_MAX, blank=True)
    actual_resolve_time = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    method = models.CharField(max_length=16, choices=Claim.Method.choices)
    note = models.TextField(blank=True)
    resolution_seq = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} of claim {self.claim_id}"


