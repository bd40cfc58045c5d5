"""The public leaderboard: a thin page over bets.selectors."""

from typing import cast

from django.db import transaction
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.generics import GenericAPIView

from bets.api import serializers as s
from bets.api.common import query_params
from bets.api.pagination import CruxPagination
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
    def get(self, request):
        # Anonymous JSON readers are mostly served whole from bets.caching's response cache.
        page = self.paginate_queryset(self.get_queryset())
        # DEFAULT_PAGINATION_CLASS (config/settings.py) is CruxPagination, and with PAGE_SIZE
        # set every request has a limit, so paginate_queryset has just set the offset.
        paginator = cast(CruxPagination, self.paginator)
        ranked = selectors.leaderboard_rows(page, offset=cast(int, paginator.offset))
        # Plain dicts in LeaderboardRowSerializer's shape (the schema): DRF's field-by-field
        # serializer cost more than everything else a leaderboard request does.
        return self.get_paginated_response([vars(row) for row in ranked])
