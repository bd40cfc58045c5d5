"""The public leaderboard: a thin page over bets.selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.generics import GenericAPIView

from bets import selectors

from . import serializers as s
from .common import query_params


@extend_schema(tags=["scores"], parameters=[s.LeaderboardQuerySerializer])
class LeaderboardView(GenericAPIView):
    """Participants ranked by a score type over resolved claims, optionally by tag and time."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.LeaderboardRowSerializer

    def get(self, request):
        params = query_params(s.LeaderboardQuerySerializer, request)
        rows = selectors.leaderboard_queryset(**params)
        page = self.paginate_queryset(rows)
        ranked = selectors.leaderboard_rows(page, offset=self.paginator.offset)
        return self.get_paginated_response(self.get_serializer(ranked, many=True).data)
