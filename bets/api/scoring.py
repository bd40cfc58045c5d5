"""Scores in the API: the public leaderboard, and a participant's public track record
(totals, calibration and recent scores)."""

from __future__ import annotations

from dataclasses import asdict
from typing import cast

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.accounts.profiles import profile_public
from bets.api import serializers as s
from bets.api.plumbing.common import query_params
from bets.api.plumbing.pagination import CruxPagination
from bets.betting.ledger import user_balance
from bets.common.types import AuthUser
from bets.scoring import selectors


# A read-only view: outside ATOMIC_REQUESTS it skips a BEGIN/COMMIT round trip per request,
# which matters for the leaderboard's p95 under many concurrent readers.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
@extend_schema(tags=["scores"], parameters=[s.LeaderboardQuerySerializer])
class LeaderboardView(GenericAPIView):
    """Participants ranked by a score type over resolved claims, optionally by tag and time."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.LeaderboardRowSerializer

    def get_queryset(self):
        # The browsable API's filter form asks for it too, so the ranking lives here.
        return selectors.leaderboard_queryset(
            **query_params(s.LeaderboardQuerySerializer, self.request)
        )

    @extend_schema(responses=s.LeaderboardRowSerializer(many=True))
    def get(self, request: Request):
        # Anonymous JSON readers are mostly served whole from bets.common.caching's response cache.
        # DEFAULT_PAGINATION_CLASS (config/settings.py) is CruxPagination, and with PAGE_SIZE
        # set every request has a limit, so paginate_queryset gives a page (never None) and
        # has just set the offset.
        page = cast(list[dict], self.paginate_queryset(self.get_queryset()))
        paginator = cast(CruxPagination, self.paginator)
        ranked = selectors.leaderboard_rows(page, offset=cast(int, paginator.offset))
        # Plain dicts in LeaderboardRowSerializer's shape (the schema): DRF's field-by-field
        # serializer cost more than everything else a leaderboard request does.
        return self.get_paginated_response([vars(row) for row in ranked])


User = get_user_model()
RECENT_SCORES = 20


def participant_data(user: AuthUser) -> dict:
    history = selectors.participant_score_history(user=user)
    recent = list(history.reverse()[:RECENT_SCORES])
    return {
        "username": user.username,
        **profile_public(user),
        "date_joined": user.date_joined,
        "balance": user_balance(user),  # play-money credits (bets.betting.ledger)
        "track_record": selectors.participant_track_record(user=user),
        "calibration": [asdict(b) for b in selectors.participant_calibration(user=user)],
        "recent_scores": recent,
    }


@extend_schema(tags=["scores"])
class ParticipantView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.ParticipantSerializer)
    def get(self, request: Request, username: str):
        if "\x00" in username:  # PostgreSQL text cannot hold NUL; no username contains it
            raise Http404
        user = get_object_or_404(User, username=username, is_active=True)
        return Response(s.ParticipantSerializer(participant_data(user)).data)
