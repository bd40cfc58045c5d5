"""API serializers: input validation for every write and the shapes every read returns.

Inputs only check types and shapes; the rules (ranges, lifecycle, permissions) live in the
services, so the API, the site and the CLI refuse the same things with the same messages.
"""

import json

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from bets.api import claim_kinds as kinds
from bets.claims.forecasts import PROBABILITY_MAX, PROBABILITY_MIN, probability_parse
from bets.claims.listing import MINE, ORDERINGS, SEARCH_MAX
from bets.claims.services import claim_close_time_problem, claim_time_problem
from bets.common.errors import InvalidInput
from bets.models import Claim, Forecast, ResolutionEvent, Tag
from bets.models.claims import CLAIM_TEXT_MAX, TITLE_MAX
from bets.scoring.selectors import LEADERBOARD_TYPES

LATEST_YEAR = 9000


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an explicit offset; a naive time is refused rather than guessed."""

    default_error_messages = {
        "naive": "Give a time zone, e.g. 2026-01-01T00:00:00Z (times are stored in UTC).",
        "too_far": f"Give a time before the year {LATEST_YEAR}.",
    }

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        # Far-future times overflow the arithmetic done on them later (windows, expiries,
        # time zone conversion at year 9999): refuse them here, where the input is.
        if value.year >= LATEST_YEAR:
            self.fail("too_far")
        return super().enforce_timezone(value)


@extend_schema_field({"type": "number", "format": "double",
                      "minimum": PROBABILITY_MIN, "maximum": PROBABILITY_MAX})
class ProbabilityField(serializers.Field):
    """A number in [0.001, 0.999]; checked by the same function the forecast service uses."""

    json_types = (int, float)  # bets.api.plumbing.common: a JSON body gives a number, not text
    json_words = "a number"

    def to_internal_value(self, data):
        try:
            return probability_parse(data)
        except InvalidInput as exc:
            raise serializers.ValidationError(exc.message) from None
        except OverflowError:  # an integer too large for a float, e.g. 10**400
            raise serializers.ValidationError("A probability must be a number.") from None

    def to_representation(self, value):
        return value


# --- claims -----------------------------------------------------------------------------


class DryRunSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["yes", "no", "inconclusive"])
    reason = serializers.CharField()
    checked_at = serializers.DateTimeField()
    changed_at = serializers.DateTimeField()


class ClaimListSerializer(serializers.ModelSerializer):
    # Quoted: DRF's fields are generic only in the stubs, not at run time.
    tags: "serializers.SlugRelatedField[Tag]" = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    forecasters = serializers.IntegerField(read_only=True, default=0)
    community_forecast = serializers.FloatField(
        source="community_now", read_only=True, allow_null=True, default=None
    )
    community_move_7d = serializers.FloatField(
        source="move", read_only=True, allow_null=True, default=None
    )
    would_resolve = serializers.SerializerMethodField(
        help_text="The latest scheduled dry run of the claim's spec: what it would resolve as "
        "today (yes, no or inconclusive), why, and when it was checked; null when none.")

    class Meta:
        model = Claim
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "tags",
            "open_time",
            "close_time",
            "resolve_after",
            "outcome",
            "featured",
            "forecasters",
            "community_forecast",
            "community_move_7d",
            "would_resolve",
        ]

    @extend_schema_field(DryRunSerializer(allow_null=True))
    def get_would_resolve(self, obj) -> dict | None:
        try:
            dry_run = obj.dry_run  # select_related by the claim listing
        except ObjectDoesNotExist:
            return None
        return DryRunSerializer(dry_run).data


class ResolutionSerializer(serializers.Serializer):
    outcome = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True, help_text="A non-binary claim's resolution.")
    method = serializers.CharField()
    actual_resolve_time = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class ResolutionEventSerializer(serializers.ModelSerializer):
    actor: "serializers.SlugRelatedField[AbstractBaseUser]" = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )

    class Meta:
        model = ResolutionEvent
        fields = ["action", "outcome", "resolution", "actual_resolve_time", "actor", "method",
                  "note", "created_at"]


class ClaimDetailSerializer(kinds.KindDetailSerializer, ClaimListSerializer):
    author: "serializers.SlugRelatedField[AbstractBaseUser]" = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )
    community_forecast = serializers.FloatField(read_only=True, allow_null=True)
    resolution = serializers.SerializerMethodField()
    resolution_events = ResolutionEventSerializer(many=True, read_only=True)

    class Meta(ClaimListSerializer.Meta):
        fields = [
            *ClaimListSerializer.Meta.fields,
            "statement",
            "resolution_criteria",
            "fine_print",
            "author",
            "actual_resolve_time",
            "criteria_frozen_at",
            "resolver_spec",
            "community_forecast",
            "resolution",
            "resolution_events",
            "created_at",
            *kinds.KIND_DETAIL_FIELDS,
        ]

    @extend_schema_field(ResolutionSerializer(allow_null=True))
    def get_resolution(self, claim):
        if claim.status not in (Claim.Status.RESOLVED, Claim.Status.ANNULLED):
            return None
        return {
            "outcome": claim.outcome if claim.status == Claim.Status.RESOLVED else "annulled",
            "value": claim.resolution,
            "method": claim.resolution_method,
            "actual_resolve_time": claim.actual_resolve_time,
            "resolved_at": claim.resolved_at,
            "resolved_by": claim.resolved_by.username if claim.resolved_by else None,
            "note": claim.resolution_note,
        }


@extend_schema_field({"type": "object", "additionalProperties": {}, "nullable": True,
                      "description": "A resolver spec (docs/resolver-specs.md)."})
class SpecField(serializers.JSONField):
    """A resolver spec: a JSON object (or null for none)."""

    json_types = (dict,)  # bets.api.plumbing.common: the schema says object, so a list is refused
    json_words = "a JSON object"


class ClaimProposeSerializer(kinds.KindFieldsSerializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    statement = serializers.CharField(max_length=CLAIM_TEXT_MAX)
    resolution_criteria = serializers.CharField(max_length=CLAIM_TEXT_MAX)
    fine_print = serializers.CharField(max_length=CLAIM_TEXT_MAX, required=False,
                                       allow_blank=True)
    open_time = AwareDateTimeField()
    close_time = AwareDateTimeField()
    resolve_after = AwareDateTimeField()
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=10
    )
    resolver_spec = SpecField(required=False, allow_null=True)

    def _computable(self, value, field: str):
        problem = claim_time_problem(value, field)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_open_time(self, value):
        return self._computable(value, "open_time")

    def validate_close_time(self, value):
        problem = claim_close_time_problem(value)  # as the web form: nobody could forecast
        if problem:
            raise serializers.ValidationError(problem)
        return self._computable(value, "close_time")

    def validate_resolve_after(self, value):
        return self._computable(value, "resolve_after")

    def validate_resolver_spec(self, value):
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError("A resolver spec is a JSON object.")
        # PostgreSQL's jsonb cannot store the NUL character.
        if value is not None and "\\u0000" in json.dumps(value):
            raise serializers.ValidationError("A resolver spec must not contain NUL characters.")
        return value


class QueryTextField(serializers.CharField):
    """A text filter (blank: none): its length judged as sent, as the schema's maxLength
    judges it, then trimmed. DRF's trimming first let 51 spaces pass a 50-character limit."""

    def __init__(self, **kwargs):
        super().__init__(**{"required": False, "allow_blank": True, **kwargs,
                            "trim_whitespace": False})

    def run_validation(self, data=empty):
        value = super().run_validation(data)
        return value.strip() if isinstance(value, str) else value


class QueryBooleanField(serializers.BooleanField):
    """A yes/no filter that is off when left out: exactly `true` or `false`, the two values
    the schema's boolean allows (DRF's own also took "yes", "on", "1", "null" and a blank)."""

    default_empty_html = empty  # left out of a query string: no filter, not False

    def __init__(self, **kwargs):
        super().__init__(**{"required": False, "default": None, **kwargs})

    def to_internal_value(self, data):
        if data in ("true", True):
            return True
        if data in ("false", False):
            return False
        raise serializers.ValidationError('Must be "true" or "false".')


class ClaimListQuerySerializer(serializers.Serializer):
    # Blank means "no filter", as an empty select in a form sends it.
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False, allow_blank=True)
    tag = QueryTextField(max_length=50)
    search = QueryTextField(max_length=SEARCH_MAX,
                            help_text="Full-text search of title, statement and criteria.")
    ordering = serializers.ChoiceField(
        choices=sorted(ORDERINGS), required=False, allow_blank=True,
        help_text="newest (default; by relevance when searching), closing, forecasters, move "
        "(biggest change of the community forecast over 7 days), resolved.",
    )
    has_resolver = QueryBooleanField()
    featured = QueryBooleanField()
    mine = serializers.ChoiceField(
        choices=sorted(MINE), required=False, allow_blank=True,
        help_text="forecast or bet: only claims the caller forecast or bet on.",
    )


# --- forecasts ----------------------------------------------------------------------------


class ForecastSerializer(serializers.ModelSerializer):
    participant: "serializers.SlugRelatedField[AbstractBaseUser]" = serializers.SlugRelatedField(
        read_only=True, slug_field="username"
    )

    class Meta:
        model = Forecast
        fields = ["id", "participant", "probability", "cdf", "probabilities", "start_time",
                  "end_time"]


class ForecastSubmitSerializer(kinds.DistributionFieldsSerializer):
    """A binary claim takes `probability`; the other kinds one of the distribution forms."""

    probability = ProbabilityField(required=False)


class ForecastQuerySerializer(serializers.Serializer):
    participant = serializers.CharField(max_length=150, required=False)


# --- moderation and resolution ------------------------------------------------------------


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ResolveSerializer(NoteSerializer):
    outcome = serializers.ChoiceField(choices=Claim.Outcome.choices, required=False,
                                      help_text="A binary claim's outcome.")
    value = kinds.ResolutionValueField(required=False, help_text="Any other kind's resolution.")
    actual_resolve_time = AwareDateTimeField(required=False)


class AnnulSerializer(NoteSerializer):
    actual_resolve_time = AwareDateTimeField(required=False)


# --- leaderboard and participants ---------------------------------------------------------


class LeaderboardQuerySerializer(serializers.Serializer):
    score_type = serializers.ChoiceField(choices=sorted(LEADERBOARD_TYPES), default="peer")
    tag = QueryTextField(max_length=50)
    since = AwareDateTimeField(required=False)
    until = AwareDateTimeField(required=False)
    min_claims = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and until <= since:
            raise serializers.ValidationError({"until": ["Must be after 'since'."]})
        return attrs


class LeaderboardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    username = serializers.CharField()
    value = serializers.FloatField()
    claims = serializers.IntegerField()
    coverage = serializers.FloatField()


class TrackRecordSerializer(serializers.Serializer):
    claims = serializers.IntegerField()
    forecast_claims = serializers.IntegerField()
    peer_total = serializers.FloatField(allow_null=True)
    baseline_total = serializers.FloatField(allow_null=True)
    peer_mean = serializers.FloatField(allow_null=True)
    baseline_mean = serializers.FloatField(allow_null=True)
    brier_mean = serializers.FloatField(allow_null=True)
    log_mean = serializers.FloatField(allow_null=True)
    crps_mean = serializers.FloatField(allow_null=True, help_text="numeric and date claims")
    coverage_mean = serializers.FloatField(allow_null=True)


class CalibrationBinSerializer(serializers.Serializer):
    lower = serializers.FloatField()
    upper = serializers.FloatField()
    mean_forecast = serializers.FloatField()
    observed_frequency = serializers.FloatField()
    count = serializers.IntegerField()
    weight = serializers.FloatField()
    ci_low = serializers.FloatField()
    ci_high = serializers.FloatField()


class ScoreHistorySerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="claim_id")
    title = serializers.CharField(source="claim.title")
    resolved_at = serializers.DateTimeField()
    baseline = serializers.FloatField()
    peer = serializers.FloatField()
    coverage = serializers.FloatField()
    brier = serializers.FloatField(allow_null=True, help_text="binary claims only")
    log = serializers.FloatField(allow_null=True, help_text="binary claims only")
    crps = serializers.FloatField(allow_null=True, help_text="numeric and date claims only")


class ParticipantSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField(
        allow_blank=True, help_text="The name they chose; empty when they chose none.")
    bio = serializers.CharField(
        allow_blank=True, help_text="Plain text as they wrote it: show it as text, never as HTML.")
    date_joined = serializers.DateTimeField()
    balance = serializers.IntegerField(help_text="Play-money credits (the ledger's balance).")
    track_record = TrackRecordSerializer()
    calibration = CalibrationBinSerializer(many=True)
    recent_scores = ScoreHistorySerializer(many=True)
