"""Non-public evidence over the API: download a file, reveal it, see who opened it, name a
claim's arbiters. Thin: each action is one service call (bets.autoresolve.evidence.visibility,
bets.claims.arbiters); refusals become 400/403/404/409 through bets.api.plumbing.errors."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api.autoresolve.attempts import ArtifactSerializer
from bets.api.plumbing.common import validated
from bets.api.plumbing.schema import may_forbid
from bets.autoresolve.evidence.visibility import (
    artifact_accesses,
    artifact_open,
    artifact_visibility_widen,
)
from bets.claims.arbiters import claim_arbiters_set
from bets.claims.selectors import claim_visible_or_404
from bets.common.types import SignedInApiRequest
from bets.models import ArtifactAccess, ClaimArtifact


class VisibilityInput(serializers.Serializer):
    visibility = serializers.ChoiceField(choices=ClaimArtifact.Visibility.choices)


class ArbitersInput(serializers.Serializer):
    arbiters = serializers.ListField(
        child=serializers.CharField(max_length=150), max_length=10, allow_empty=True
    )


class ArbitersSerializer(serializers.Serializer):
    arbiters = serializers.ListField(child=serializers.CharField())


class AccessSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, allow_null=True)

    class Meta:
        model = ArtifactAccess
        fields = ["user", "via", "at"]


def _artifact_for(request: Request, pk: int) -> ClaimArtifact:
    artifact = get_object_or_404(ClaimArtifact, pk=pk)
    claim_visible_or_404(claim_id=artifact.claim_id, user=request.user)
    return artifact


class ArtifactDownloadView(APIView):
    """The file's bytes: anyone for a public file; staff, its uploader and the claim's
    arbiters for a non-public one (each such download is recorded)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @may_forbid
    def get(self, request: Request, pk: int):
        _artifact_for(request, pk)
        artifact = artifact_open(artifact_id=pk, user=request.user, via=ArtifactAccess.Via.API)
        # Always bytes to save, never rendered: a file named .html must not become a page.
        return FileResponse(artifact.file.open("rb"), as_attachment=True, filename=artifact.name,
                            content_type="application/octet-stream")


class ArtifactVisibilityView(APIView):
    """Show a file to more people: private -> aggregates -> public (never back)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=VisibilityInput, responses=ArtifactSerializer)
    def post(self, request: SignedInApiRequest, pk: int):
        _artifact_for(request, pk)
        data = validated(VisibilityInput, request.data)
        artifact = artifact_visibility_widen(artifact_id=pk, actor=request.user,
                                             visibility=data["visibility"])
        return Response(ArtifactSerializer(artifact).data)


class ArtifactAccessesView(APIView):
    """Who opened a non-public file (staff and the file's uploader)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=AccessSerializer(many=True))
    @may_forbid
    def get(self, request: SignedInApiRequest, pk: int):
        artifact = _artifact_for(request, pk)
        rows = artifact_accesses(artifact=artifact, viewer=request.user)
        return Response(AccessSerializer(rows, many=True).data)


class ClaimArbitersView(APIView):
    """The claim's arbiters; its author or staff name them (never a party to a bet on it)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ArbitersSerializer)
    def get(self, request: Request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        names = list(claim.arbiters.order_by("username").values_list("username", flat=True))
        return Response({"arbiters": names})

    @extend_schema(request=ArbitersInput, responses=ArbitersSerializer)
    def put(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        data = validated(ArbitersInput, request.data)
        claim = claim_arbiters_set(claim_id=claim.pk, actor=request.user,
                                   usernames=data["arbiters"])
        names = list(claim.arbiters.order_by("username").values_list("username", flat=True))
        return Response({"arbiters": names})
