"""GET /api/export/: the whole public history as one crux-export document."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api.claim_kinds import LocationField, ResolutionValueField
from bets.interchange import services as interchange


class ExportParticipantSerializer(serializers.Serializer):
    username = serializers.CharField()


class ExportResolutionSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, help_text="yes, no or annulled (binary), "
                                    "or annulled (other kinds)")
    value = ResolutionValueField(required=False, help_text="A numeric, date or "
                                 "multiple-choice claim's resolution (version 2)")
    actual_resolve_time = serializers.DateTimeField(allow_null=True)


class ExportForecastSerializer(serializers.Serializer):
    participant = serializers.CharField()
    probability = serializers.FloatField(required=False, help_text="binary claims")
    cdf = serializers.ListField(child=serializers.FloatField(), required=False,
                                help_text="numeric and date claims: 201 values")
    probabilities = serializers.ListField(child=serializers.FloatField(allow_null=True),
                                          required=False, help_text="multiple choice: one "
                                          "per option, in option order")
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField(allow_null=True)


class ExportScoreSerializer(serializers.Serializer):
    participant = serializers.CharField()
    baseline = serializers.FloatField()
    peer = serializers.FloatField()
    coverage = serializers.FloatField()
    brier = serializers.FloatField(allow_null=True, help_text="binary claims; null otherwise")
    log = serializers.FloatField(allow_null=True, help_text="binary claims; null otherwise")
    crps = serializers.FloatField(required=False,
                                  help_text="numeric and date claims only (version 2)")


class ExportClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    statement = serializers.CharField()
    kind = serializers.CharField(help_text="binary, numeric, date or multiple_choice")
    range_min = LocationField(required=False, help_text="numeric and date claims")
    range_max = LocationField(required=False, help_text="numeric and date claims")
    open_lower_bound = serializers.BooleanField(required=False)
    open_upper_bound = serializers.BooleanField(required=False)
    zero_point = serializers.FloatField(required=False, allow_null=True,
                                        help_text="null: a linear scale")
    unit = serializers.CharField(required=False)
    options = serializers.ListField(child=serializers.CharField(), required=False)
    open_time = serializers.DateTimeField()
    close_time = serializers.DateTimeField()
    spot_scoring_time = serializers.DateTimeField(required=False)
    resolution = ExportResolutionSerializer(allow_null=True)
    forecasts = ExportForecastSerializer(many=True)
    scores = ExportScoreSerializer(many=True)


class ExportDocumentSerializer(serializers.Serializer):
    """Documents the crux-export format (docs/interchange.md) for the OpenAPI schema."""

    format = serializers.CharField(help_text=interchange.FORMAT)
    version = serializers.IntegerField()
    participants = ExportParticipantSerializer(many=True)
    claims = ExportClaimSerializer(many=True)


@extend_schema(tags=["data"], responses=ExportDocumentSerializer)
class ExportView(APIView):
    """Every public claim with its forecasts and scores, in the crux-export format."""

    permission_classes = [permissions.AllowAny]

    def get(self, request: Request):
        response = Response(interchange.export_document())
        response["Content-Disposition"] = 'attachment; filename="crux-export.json"'
        return response
