"""The public leaderboard: a thin page over bets.selectors."""

from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.generics import GenericAPIView

from bets import selectors

from . import serializers as s
from .common import query_params


# A read-only view: outside ATOMIC_REQUESTS it skips a BEGIN/COMMIT round trip per request,
# which matters for the leaderboard's p95 under many concurrent readers.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
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
