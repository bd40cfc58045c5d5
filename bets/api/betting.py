"""Offers, acceptances (matched bets), cancellation, bets and the bettors' leaderboard."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api.plumbing.common import query_params, validated
from bets.api.plumbing.idempotency import idempotent
from bets.api.serializers import AwareDateTimeField, ProbabilityField
from bets.betting import offers as offer_services
from bets.betting import selectors as sel
from bets.betting.prices import MAX_STAKE_LIMIT, max_taker_stake
from bets.claims.selectors import claim_visible_or_404
from bets.common.errors import NotFound
from bets.common.ids import MAX_ID
from bets.common.types import SignedInApiRequest
from bets.models import Bet, Offer

User = get_user_model()


class OfferSerializer(serializers.ModelSerializer):
    offerer = serializers.CharField(source="offerer.username", read_only=True)
    counterparty = serializers.CharField(
        source="counterparty.username", read_only=True, default=None, allow_null=True
    )
    remaining_stake = serializers.IntegerField(read_only=True)
    max_taker_stake = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id", "claim", "offerer", "side", "probability", "max_stake", "filled_stake",
            "remaining_stake", "max_taker_stake", "status", "expires_at", "counterparty",
            "note", "created_at",
        ]

    def get_max_taker_stake(self, offer) -> int:
        if offer.status != Offer.Status.OPEN:
            return 0
        return max_taker_stake(offer.probability, offer.remaining_stake)


class OfferCreateSerializer(serializers.Serializer):
    claim = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    side = serializers.ChoiceField(choices=Offer.Side.choices)
    probability = ProbabilityField()
    max_stake = serializers.IntegerField(min_value=1, max_value=MAX_STAKE_LIMIT)
    # Naive and far-future times are refused, as everywhere a user gives a time.
    expires_at = AwareDateTimeField()
    counterparty = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                         max_length=150)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AcceptSerializer(serializers.Serializer):
    stake = serializers.IntegerField(min_value=1, max_value=MAX_STAKE_LIMIT)


class BetSerializer(serializers.ModelSerializer):
    offerer = serializers.CharField(source="offerer.username", read_only=True)
    taker = serializers.CharField(source="taker.username", read_only=True)
    winner = serializers.CharField(source="winner.username", read_only=True, default=None,
                                   allow_null=True)

    class Meta:
        model = Bet
        fields = [
            "id", "claim", "offer", "offerer", "taker", "offerer_side", "probability",
            "offerer_stake", "taker_stake", "note", "status", "winner", "settled_seq",
            "settled_at", "created_at",
        ]


_when = serializers.DateTimeField()


def bet_payload(bet: Bet) -> dict:
    """BetSerializer's output for one bet, built directly: every acceptance answers with it,
    and the ModelSerializer cost 0.7 ms here (tests/betting/test_api.py keeps them equal)."""
    winner = bet.winner.username if bet.winner is not None else None
    return {
        "id": bet.pk, "claim": bet.claim_id, "offer": bet.offer_id,
        "offerer": bet.offerer.username, "taker": bet.taker.username,
        "offerer_side": bet.offerer_side, "probability": bet.probability,
        "offerer_stake": bet.offerer_stake, "taker_stake": bet.taker_stake, "note": bet.note,
        "status": bet.status, "winner": winner, "settled_seq": bet.settled_seq,
        "settled_at": _when.to_representation(bet.settled_at) if bet.settled_at else None,
        "created_at": _when.to_representation(bet.created_at),
    }


class BettorSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    username = serializers.CharField()
    profit = serializers.IntegerField()
    balance = serializers.IntegerField()


class ListQuerySerializer(serializers.Serializer):
    claim = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    participant = serializers.CharField(required=False, max_length=150)


def _participant(username: str | None):
    if not username:
        return None
    user = User.objects.filter(username=username.replace("\x00", "")).first()
    if user is None:
        raise NotFound(f"No participant named {username!r}.", field="participant")
    return user



@extend_schema(tags=["bets"])
class OfferListView(generics.ListAPIView):
    """Open offers (filter by `claim` or `participant`); POST makes an offer."""

    serializer_class = OfferSerializer

    def get_queryset(self):
        params = query_params(ListQuerySerializer, self.request)
        qs = sel.open_offers(user=_participant(params.get("participant")))
        if params.get("claim"):
            qs = qs.filter(claim_id=params["claim"])
        return qs.order_by("-created_at", "-id")

    @extend_schema(parameters=[ListQuerySerializer])
    def get(self, request: Request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=OfferCreateSerializer, responses={201: OfferSerializer})
    @idempotent
    def post(self, request: SignedInApiRequest):
        data = validated(OfferCreateSerializer, request.data)
        # A hidden claim answers 404 exactly as a missing one: its id must not be discoverable.
        claim_visible_or_404(claim_id=data["claim"], user=request.user)
        counterparty = None
        if data.get("counterparty"):
            counterparty = User.objects.filter(username=data["counterparty"]).first()
            if counterparty is None:
                raise NotFound("No participant by that username.", field="counterparty")
        offer = offer_services.offer_create(
            claim_id=data["claim"],
            offerer=request.user,
            side=data["side"],
            probability=data["probability"],
            max_stake=data["max_stake"],
            expires_at=data["expires_at"],
            counterparty=counterparty,
            note=data.get("note") or "",
        )
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


# The service is one database transaction of its own; outside ATOMIC_REQUESTS it is the
# outermost one, which saves a savepoint's two round trips on the busiest write path.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
@extend_schema(tags=["bets"])
class OfferAcceptView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AcceptSerializer, responses={201: BetSerializer})
    @idempotent
    def post(self, request: SignedInApiRequest, pk: int):
        """Accept all or part of an offer: `stake` is the taker's stake."""
        offer_id = pk
        data = validated(AcceptSerializer, request.data)
        bet = offer_services.offer_accept(offer_id=offer_id, taker=request.user,
                                          stake=data["stake"])
        return Response(bet_payload(bet), status=status.HTTP_201_CREATED)


@extend_schema(tags=["bets"])
class OfferCancelView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: OfferSerializer})
    @idempotent
    def post(self, request: SignedInApiRequest, pk: int):
        """Cancel the unfilled remainder of your own offer."""
        offer = offer_services.offer_cancel(offer_id=pk, actor=request.user)
        return Response(OfferSerializer(offer).data)


@extend_schema(tags=["bets"], parameters=[ListQuerySerializer])
class BetListView(generics.ListAPIView):
    """Matched bets, newest first (filter by `claim` or `participant`)."""

    serializer_class = BetSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        params = query_params(ListQuerySerializer, self.request)
        qs = sel.bets_queryset(user=_participant(params.get("participant")))
        if params.get("claim"):
            qs = qs.filter(claim_id=params["claim"])
        return qs


@extend_schema(tags=["bets"])
class BettorsLeaderboardView(APIView):
    """Bettors ranked by realized profit (settled bets)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=BettorSerializer(many=True))
    def get(self, request: Request):
        rows = sel.bettors_leaderboard()
        return Response(BettorSerializer(rows, many=True).data)
