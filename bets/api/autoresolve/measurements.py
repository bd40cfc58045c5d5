"""The measured quantity over a claim's runs: `GET /api/claims/{id}/measurements/`.

The same series the claim page charts (bets.autoresolve.evidence.measurements), disclosed to the
caller exactly as the attempts are: private evidence leaves only verdicts.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.autoresolve.evidence.measurements import RUN_KINDS, claim_measurement_series
from bets.claims.selectors import claim_visible_or_404


class MeasurementRunSerializer(serializers.Serializer):
    run = serializers.IntegerField(help_text="1, 2, ...: the run's place, oldest first.")
    attempt = serializers.IntegerField(help_text="The attempt's id (GET /api/attempts/{id}/).")
    number = serializers.IntegerField(allow_null=True, help_text="#1, #2, ... per claim.")
    at = serializers.DateTimeField(help_text="When the run finished (UTC).")
    kind = serializers.ChoiceField(
        choices=RUN_KINDS,
        help_text="scheduled: a measurement-only run of the spec's schedule (never proposes); "
                  "resolution: a run due at or after resolve_after, which may decide; manual: "
                  "an admin's run now.")
    slot = serializers.IntegerField(allow_null=True, help_text=(
        "The schedule slot (0 at the open time, 1 a period later, ...); null unless scheduled."))
    verdict = serializers.CharField(help_text="yes, no or inconclusive (always public).")
    proposed = serializers.BooleanField(help_text="Whether this run proposed the outcome.")
    withheld = serializers.BooleanField(
        help_text="True when the run's numbers are not public to the caller.")


class MeasurementPointSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    attempt = serializers.IntegerField()
    value = serializers.FloatField()
    lower = serializers.FloatField(allow_null=True, help_text="Interval from the stderr.")
    upper = serializers.FloatField(allow_null=True)


class MeasurementSeriesSerializer(serializers.Serializer):
    # A field named like Field.label: DRF's metaclass takes it out of the class attributes.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="What is measured, e.g. a model, or a model's gap.")
    points = MeasurementPointSerializer(many=True)


class MeasurementsSerializer(serializers.Serializer):
    what = serializers.CharField(help_text="The quantity, e.g. `accuracy` or `cot - snap gap`.")
    bar = serializers.FloatField(allow_null=True, help_text="The criterion's decision bar.")
    runs = MeasurementRunSerializer(many=True)
    series = MeasurementSeriesSerializer(many=True)
    withheld = serializers.CharField(help_text="What the caller is not shown; empty if nothing.")


class ClaimMeasurementsView(APIView):
    @extend_schema(responses=MeasurementsSerializer, summary=(
        "The measured quantity over the claim's finished runs (scheduled measurements and "
        "resolution runs), as the caller may see it."))
    def get(self, request: Request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        data = claim_measurement_series(claim=claim, user=request.user)
        return Response(MeasurementsSerializer(data).data)
