"""GET /api/export/: the whole public history as one crux-export document."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.interchange import services as interchange


class ExportParticipantSerializer(serializers.Serializer):
    username = serializers.CharField()


class ExportResolutionSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="yes, no or annulled")
    actual_resolve_time = serializers.DateTimeField(allow_null=True)


class ExportForecastSerializer(serializers.Serializer):
    participant = serializers.CharField()
    probability = serializers.FloatField()
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField(allow_null=True)


class ExportScoreSerializer(serializers.Serializer):
    participant = serializers.CharField()
    baseline = serializers.FloatField()
    peer = serializers.FloatField()
    coverage = serializers.FloatField()
    brier = serializers.FloatField()
    log = serializers.FloatField()


class ExportClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    statement = serializers.CharField()
    kind = serializers.CharField(help_text="binary")
    open_time = serializers.DateTimeField()
    close_time = serializers.DateTimeField()
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
