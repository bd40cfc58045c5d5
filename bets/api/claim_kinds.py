"""The API's shapes for numeric, date and multiple-choice claims: their fields in and out,
forecasts in three forms (quantiles, by-date points, or a raw CDF / probabilities) and a
non-binary resolution. bets/api/serializers.py builds its claim, forecast and resolution
serializers on these; as everywhere in the API, they check types and shapes only, and the
services (bets/claims/continuous/) judge the values with the same messages as the site."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bets.claims.continuous.cdf import cdf_quantile
from bets.claims.continuous.fields import claim_scale
from bets.claims.continuous.scale import CDF_POINTS, location_text
from bets.models import Claim
from bets.models.claims import OPTION_LABEL_MAX, OPTIONS_MAX, OPTIONS_MIN, UNIT_MAX

LOCATION_TEXT_MAX = 64
POINTS_MAX = CDF_POINTS - 2
LOCATION_SCHEMA = {"oneOf": [{"type": "number"},
                             {"type": "string", "maxLength": LOCATION_TEXT_MAX}],
                   "description": "A number, or for a date claim an ISO 8601 date and time."}


@extend_schema_field(LOCATION_SCHEMA)
class LocationField(serializers.Field):
    """A number, or an ISO 8601 date and time for a date claim: the service reads it by the
    claim's kind."""

    json_types = (int, float, str)  # bets.api.plumbing.common
    json_words = "a number, or an ISO 8601 date and time"

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError(f"Give {self.json_words}.")
        if isinstance(data, str) and len(data) > LOCATION_TEXT_MAX:
            raise serializers.ValidationError(f"At most {LOCATION_TEXT_MAX} characters.")
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"oneOf": [
    {"type": "array", "items": {"type": "number"}, "maxItems": OPTIONS_MAX},
    {"type": "object", "additionalProperties": {"type": "number"}, "maxProperties": OPTIONS_MAX},
], "description": "One probability per option, in option order, or {label: probability}."})
class ProbabilitiesField(serializers.Field):
    json_types = (list, dict)
    json_words = "a list of numbers or an object of label: number"

    def to_internal_value(self, data):
        if not isinstance(data, list | dict) or len(data) > OPTIONS_MAX:
            raise serializers.ValidationError(f"Give {self.json_words} (at most {OPTIONS_MAX}).")
        return data

    def to_representation(self, value):
        return value


class KindFieldsSerializer(serializers.Serializer):
    """What proposing or editing a claim takes beside its text and times."""

    kind = serializers.ChoiceField(choices=Claim.Kind.choices, required=False)
    range_min = LocationField(required=False, allow_null=True)
    range_max = LocationField(required=False, allow_null=True)
    open_lower_bound = serializers.BooleanField(required=False)
    open_upper_bound = serializers.BooleanField(required=False)
    zero_point = serializers.FloatField(required=False, allow_null=True)
    unit = serializers.CharField(max_length=UNIT_MAX, required=False, allow_blank=True)
    options = serializers.ListField(
        child=serializers.CharField(max_length=OPTION_LABEL_MAX), required=False,
        allow_null=True, min_length=OPTIONS_MIN, max_length=OPTIONS_MAX)


KIND_DETAIL_FIELDS = ["range_min", "range_max", "open_lower_bound", "open_upper_bound",
                      "zero_point", "unit", "options", "community_distribution",
                      "community_median"]


def _location(value: float | None, claim: Claim) -> float | str | None:
    if value is None:
        return None
    return location_text(value, kind="date") if claim.kind == Claim.Kind.DATE else value


class KindDetailSerializer(serializers.Serializer):
    """A claim's kind fields as read: a date claim's range as ISO datetimes."""

    range_min = serializers.SerializerMethodField()
    range_max = serializers.SerializerMethodField()
    options = serializers.ListField(child=serializers.CharField(), read_only=True,
                                    allow_null=True)
    community_distribution = serializers.SerializerMethodField(
        help_text="The community's CDF (201 numbers; numeric and date claims) or one "
        "probability per option (multiple choice); null for binary claims and before any "
        "forecast.")
    community_median = serializers.SerializerMethodField(
        help_text="The community's median, in the claim's unit (an ISO datetime for a date "
        "claim); null when none.")

    @extend_schema_field(LOCATION_SCHEMA | {"nullable": True})
    def get_range_min(self, claim: Claim):
        return _location(claim.range_min, claim)

    @extend_schema_field(LOCATION_SCHEMA | {"nullable": True})
    def get_range_max(self, claim: Claim):
        return _location(claim.range_max, claim)

    @extend_schema_field({"type": "array", "items": {"type": "number", "nullable": True},
                          "nullable": True})
    def get_community_distribution(self, claim: Claim):
        try:
            return claim.community.distribution
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(LOCATION_SCHEMA | {"nullable": True})
    def get_community_median(self, claim: Claim):
        scale = claim_scale(claim)
        cdf = self.get_community_distribution(claim)
        if scale is None or not cdf:
            return None
        return _location(cdf_quantile(cdf, 0.5, scale), claim)


class QuantileRowSerializer(serializers.Serializer):
    value = LocationField()
    p = serializers.FloatField(help_text="P(answer < value)")


class DateRowSerializer(serializers.Serializer):
    date = serializers.CharField(max_length=LOCATION_TEXT_MAX,
                                 help_text="ISO 8601 date, or date and time")
    p = serializers.FloatField(help_text="P(answer before date)")


class DistributionFieldsSerializer(serializers.Serializer):
    """A forecast of a numeric, date or multiple-choice claim: exactly one form."""

    cdf = serializers.ListField(
        child=serializers.FloatField(), required=False, min_length=CDF_POINTS,
        max_length=CDF_POINTS, help_text="Metaculus' continuous_cdf: 201 values on the range.")
    quantiles = serializers.ListField(
        child=QuantileRowSerializer(), required=False, min_length=1, max_length=POINTS_MAX,
        help_text="Points of the CDF, e.g. the 10th, 50th and 90th percentiles.")
    by_date = serializers.ListField(
        child=DateRowSerializer(), required=False, min_length=1, max_length=POINTS_MAX,
        help_text="A date claim's ladder: P(before date) = p.")
    below = serializers.FloatField(required=False, allow_null=True,
                                   help_text="Mass below an open lower bound.")
    above = serializers.FloatField(required=False, allow_null=True,
                                   help_text="Mass above an open upper bound.")
    probabilities = ProbabilitiesField(required=False)
    weights = serializers.ListField(
        child=serializers.FloatField(), required=False, max_length=OPTIONS_MAX,
        help_text="Numbers per option, renormalised to sum to 1.")


@extend_schema_field({"oneOf": [{"type": "number"},
                                {"type": "string", "maxLength": OPTION_LABEL_MAX}],
                      "description": "A number, an ISO datetime, an option label, "
                      "below_lower_bound or above_upper_bound."})
class ResolutionValueField(serializers.Field):
    json_types = (int, float, str)
    json_words = "a number or a string"

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError(f"Give {self.json_words}.")
        if isinstance(data, str) and len(data) > OPTION_LABEL_MAX:
            raise serializers.ValidationError(f"At most {OPTION_LABEL_MAX} characters.")
        return data

    def to_representation(self, value):
        return value
