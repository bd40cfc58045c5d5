"""A participant's public track record: totals, calibration and recent scores."""

from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.accounts.profiles import profile_public
from bets.api import serializers as s
from bets.betting.ledger import user_balance
from bets.scoring import selectors

User = get_user_model()
RECENT_SCORES = 20


def participant_data(user) -> dict:
    history = selectors.participant_score_history(user=user)
    recent = list(history.reverse()[:RECENT_SCORES])
    return {
        "username": user.username,
        **profile_public(user),
        "date_joined": user.date_joined,
        "balance": user_balance(user),  # play-money credits (bets.ledger)
        "track_record": selectors.participant_track_record(user=user),
        "calibration": [asdict(b) for b in selectors.participant_calibration(user=user)],
        "recent_scores": recent,
    }


@extend_schema(tags=["scores"])
class ParticipantView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.ParticipantSerializer)
    def get(self, request, username: str):
        if "\x00" in username:  # PostgreSQL text cannot hold NUL; no username contains it
            raise Http404
        user = get_object_or_404(User, username=username, is_active=True)
        return Response(s.ParticipantSerializer(participant_data(user)).data)
