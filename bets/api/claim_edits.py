"""Editing a claim before its criteria freeze, and clarifying it afterwards."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api import serializers as s
from bets.api.claims import claim_detail_data
from bets.api.common import validated
from bets.claims import services as claim_services
from bets.claims.selectors import claim_visible_or_404
from bets.models import ClaimClarification


class ClarificationSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)

    class Meta:
        model = ClaimClarification
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


@extend_schema(tags=["claims"])
class ClaimEditView(APIView):
    """Change any proposal field (PATCH semantics) until the first forecast or offer freezes
    the criteria; author or moderator only. Every change is validated as proposing is."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.ClaimProposeSerializer, responses=s.ClaimDetailSerializer)
    def patch(self, request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        changes = validated(s.ClaimProposeSerializer, request.data, partial=True)
        claim = claim_services.claim_edit(claim_id=claim.pk, editor=request.user, changes=changes)
        return Response(claim_detail_data(request, claim))


@extend_schema(tags=["claims"])
class ClaimClarificationsView(APIView):
    """Append-only clarifications of a claim; the author or a moderator may add one."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ClarificationSerializer(many=True))
    def get(self, request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        return Response(ClarificationSerializer(claim.clarifications.all(), many=True).data)

    @extend_schema(request=ClarificationSerializer, responses={201: ClarificationSerializer})
    def post(self, request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        data = validated(ClarificationSerializer, request.data)
        clarification = claim_services.claim_clarify(
            claim_id=claim.pk, author=request.user, text=data["text"]
        )
        return Response(ClarificationSerializer(clarification).data, status=status.HTTP_201_CREATED)
