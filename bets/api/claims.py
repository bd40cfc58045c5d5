"""Claims, forecasts, the moderators' review and resolution actions, and editing a claim
before its criteria freeze (clarifying it afterwards)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api import serializers as s
from bets.api.plumbing.common import query_params, validated
from bets.claims import forecasts as forecast_services
from bets.claims import resolution as resolution_services
from bets.claims import selectors
from bets.claims import services as claim_services
from bets.claims.listing import ListingQuery, claims_listing
from bets.claims.selectors import claim_visible_or_404
from bets.common.types import AuthUser, SignedInApiRequest
from bets.models import Claim, ClaimClarification, Forecast


def claim_detail_data(request: Request, claim) -> dict:
    claim.community_forecast = selectors.claims_community_now([claim.pk]).get(claim.pk)
    claim.forecasters = Forecast.objects.filter(claim=claim, end_time__isnull=True).count()
    return s.ClaimDetailSerializer(claim, context={"request": request}).data


@extend_schema(tags=["claims"])
class ClaimListView(generics.ListAPIView):
    """Claims, newest first unless `ordering` says otherwise; `search`, `status`, `tag`,
    `has_resolver`, `featured` and `mine` narrow the list. Proposals and rejections are
    listed for moderators and authors."""

    serializer_class = s.ClaimListSerializer

    # The query parameters are the GET's alone (on the class they would document POST too).
    @extend_schema(parameters=[s.ClaimListQuerySerializer])
    def get(self, request: Request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = query_params(s.ClaimListQuerySerializer, self.request)
        query = ListingQuery(
            search=params.get("search") or "",
            ordering=params.get("ordering") or "",
            status=params.get("status") or "",
            tag=params.get("tag") or "",
            resolver=params.get("has_resolver"),
            featured=params.get("featured"),
            mine=params.get("mine") or "",
        )
        return claims_listing(query=query, user=self.request.user)

    @extend_schema(request=s.ClaimProposeSerializer, responses={201: s.ClaimDetailSerializer})
    def post(self, request: SignedInApiRequest):
        """Propose a claim; a moderator approves or rejects it."""
        data = validated(s.ClaimProposeSerializer, request.data)
        claim = claim_services.claim_propose(author=request.user, **data)
        return Response(claim_detail_data(request, claim), status=status.HTTP_201_CREATED)


@extend_schema(tags=["claims"])
class ClaimDetailView(APIView):
    @extend_schema(responses=s.ClaimDetailSerializer)
    def get(self, request: Request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        return Response(claim_detail_data(request, claim))


@extend_schema(tags=["forecasts"])
class ClaimForecastsView(generics.ListAPIView):
    """The public forecast history of a claim (every interval, oldest first).

    POST records the caller's forecast (closing their standing one); DELETE withdraws it.
    """

    serializer_class = s.ForecastSerializer

    def get_queryset(self):
        claim = claim_visible_or_404(claim_id=self.kwargs["pk"], user=self.request.user)
        params = query_params(s.ForecastQuerySerializer, self.request)
        qs = Forecast.objects.filter(claim=claim).select_related("participant")
        if params.get("participant"):
            qs = qs.filter(participant__username=params["participant"])
        return qs.order_by("start_time", "id")

    @extend_schema(parameters=[s.ForecastQuerySerializer])
    def get(self, request: Request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.ForecastSubmitSerializer, responses={201: s.ForecastSerializer})
    def post(self, request: SignedInApiRequest, pk: int):
        """Record the caller's forecast: `probability` on a binary claim; on a numeric or
        date claim `quantiles` (with `below`/`above` for open bounds), `by_date` (date
        claims) or a raw `cdf`; on a multiple-choice claim `probabilities` or `weights`."""
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        data = validated(s.ForecastSubmitSerializer, request.data)
        if claim.kind == Claim.Kind.BINARY:
            others = sorted(set(data) - {"probability"})
            if others or "probability" not in data:
                raise serializers.ValidationError(
                    {others[0]: ["A binary claim takes only a probability."]} if others
                    else {"probability": ["This field is required."]})
        if "probability" in data:
            # The service refuses a probability for another kind, naming the field.
            forecast = forecast_services.forecast_submit(
                claim_id=claim.pk, participant=request.user, probability=data["probability"]
            )
        else:
            forecast = forecast_services.forecast_submit_distribution(
                claim_id=claim.pk, participant=request.user, given=data)
        return Response(s.ForecastSerializer(forecast).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.ForecastSerializer})
    def delete(self, request: SignedInApiRequest, pk: int):
        """Withdraw the caller's standing forecast; returns the interval it closed."""
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        forecast = forecast_services.forecast_withdraw(claim_id=claim.pk, participant=request.user)
        return Response(s.ForecastSerializer(forecast).data)


class ModeratorAction(APIView):
    """POST-only staff action on one claim: validate the body, call one service."""

    permission_classes = [permissions.IsAdminUser]
    body = s.NoteSerializer

    def act(self, claim_id: int, actor: AuthUser, data: dict):
        raise NotImplementedError

    def post(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        data = validated(self.body, request.data)
        claim = self.act(claim.pk, request.user, data)
        return Response(claim_detail_data(request, claim))


def _moderation_schema(body):
    return extend_schema(
        tags=["moderation"], request=body, responses={200: s.ClaimDetailSerializer}
    )


@_moderation_schema(s.NoteSerializer)
class ClaimApproveView(ModeratorAction):
    """Approve a proposed claim (moderators only)."""

    def act(self, claim_id, actor: AuthUser, data):
        return claim_services.claim_approve(claim_id=claim_id, moderator=actor, note=data["note"])


@_moderation_schema(s.NoteSerializer)
class ClaimRejectView(ModeratorAction):
    """Reject a proposed claim (moderators only)."""

    def act(self, claim_id, actor: AuthUser, data):
        return claim_services.claim_reject(claim_id=claim_id, moderator=actor, note=data["note"])


@_moderation_schema(s.ResolveSerializer)
class ClaimResolveView(ModeratorAction):
    """Resolve an open or closed claim (moderators only): a binary one with `outcome` YES or
    NO, any other kind with `value` (a number, an ISO datetime, an option label,
    below_lower_bound or above_upper_bound); scoring follows."""

    body = s.ResolveSerializer

    def act(self, claim_id, actor: AuthUser, data):
        return resolution_services.claim_resolve(
            claim_id=claim_id,
            actor=actor,
            outcome=data.get("outcome"),
            value=data.get("value"),
            actual_resolve_time=data.get("actual_resolve_time"),
            note=data["note"],
        )


@_moderation_schema(s.AnnulSerializer)
class ClaimAnnulView(ModeratorAction):
    """Annul an open or closed claim: no scores, bets refunded (moderators only)."""

    body = s.AnnulSerializer

    def act(self, claim_id, actor: AuthUser, data):
        return resolution_services.claim_annul(
            claim_id=claim_id,
            actor=actor,
            actual_resolve_time=data.get("actual_resolve_time"),
            note=data["note"],
        )


@_moderation_schema(s.NoteSerializer)
class ClaimUnresolveView(ModeratorAction):
    """Undo a resolution or annulment (moderators only); scores are removed."""

    def act(self, claim_id, actor: AuthUser, data):
        return resolution_services.claim_unresolve(
            claim_id=claim_id, actor=actor, note=data["note"]
        )


class ClarificationSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True,
                                   allow_null=True)

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
    def patch(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        changes = validated(s.ClaimProposeSerializer, request.data, partial=True)
        claim = claim_services.claim_edit(claim_id=claim.pk, editor=request.user, changes=changes)
        return Response(claim_detail_data(request, claim))


@extend_schema(tags=["claims"])
class ClaimClarificationsView(APIView):
    """Append-only clarifications of a claim; the author or a moderator may add one."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ClarificationSerializer(many=True))
    def get(self, request: Request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        return Response(ClarificationSerializer(claim.clarifications.all(), many=True).data)

    @extend_schema(request=ClarificationSerializer, responses={201: ClarificationSerializer})
    def post(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        data = validated(ClarificationSerializer, request.data)
        clarification = claim_services.claim_clarify(
            claim_id=claim.pk, author=request.user, text=data["text"]
        )
        return Response(ClarificationSerializer(clarification).data, status=status.HTTP_201_CREATED)
