"""The claim list: search, sort, filters, featured claims (the site's list and the API's).

The community forecast, its 7-day move and the number of forecasters come from the stored
aggregates (bets.models.community), so a page of claims costs a few indexed reads whatever
the number of forecasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from bets.claims.selectors import HIDDEN_STATUSES, claims_visible_to
from bets.common.types import AuthUser, Viewer
from bets.models import (
    Bet,
    Claim,
    ClaimFollow,
    Comment,
    Forecast,
    Offer,
)
from bets.models.claims import claim_search_vector

# ordering key -> (label, what it sorts by)
ORDERINGS = {
    "newest": "Newest",
    "closing": "Closing soon",
    "forecasters": "Most forecasters",
    "move": "Biggest 7-day move",
    "resolved": "Recently resolved",
}
MINE = {"forecast": "I forecast", "bet": "I bet", "follow": "I follow"}
MOVE_WINDOW = timedelta(days=7)
SEARCH_MAX = 200
# What a list shows (the site's rows, bets.web.claims.rows, and the API's
# ClaimListSerializer): the other columns, long texts among them, stay in the database.
LIST_FIELDS = ("id", "title", "kind", "status", "open_time", "close_time", "resolve_after",
               "outcome", "featured", "resolved_at", "resolver_spec", "dry_run")


@dataclass(frozen=True)
class ListingQuery:
    search: str = ""
    ordering: str = ""
    status: str = ""
    tag: str = ""
    resolver: bool | None = None  # has an automatic resolver
    resolved_by_hand: bool = False  # resolved, and by a moderator rather than a resolver
    mine: str = ""
    featured: bool | None = None


def _search(qs: QuerySet, text: str) -> QuerySet:
    """Full-text search on PostgreSQL (English stemming, websearch syntax: "quotes", -not,
    or); on SQLite every word must appear in the title, statement or criteria."""
    text = text.strip()[:SEARCH_MAX]
    if not text:
        return qs
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        vector = claim_search_vector()  # exactly the GIN index's expression
        query = SearchQuery(text, search_type="websearch", config="english")
        return qs.annotate(document=vector, rank=SearchRank(vector, query)).filter(
            document=query
        )
    for word in text.split():
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(statement__icontains=word)
            | Q(resolution_criteria__icontains=word)
            | Q(fine_print__icontains=word)
        )
    return qs.annotate(rank=Value(1.0, output_field=FloatField()))


# Correlated subqueries on the claim row ("bets_claim", the listing's base table), written
# once in SQL: as ORM expressions, building and compiling them cost more than PostgreSQL
# spends running the whole query. They name the table, not an alias: count, slice, filter
# or page the listing freely, but never correlate it inside another query (OuterRef), where
# Django renames the inner table and "bets_claim" would mean the outer one.
_COMMENTS_SQL = (
    "SELECT COUNT(*) FROM bets_comment c WHERE c.claim_id = bets_claim.id"
    " AND c.deleted_at IS NULL AND c.hidden_at IS NULL"
)
_THEN_SQL = (
    "COALESCE((SELECT p.probability FROM bets_communitypoint p WHERE p.claim_id = bets_claim.id"
    " AND p.at <= %s ORDER BY p.at DESC LIMIT 1),"
    " (SELECT p.probability FROM bets_communitypoint p WHERE p.claim_id = bets_claim.id"
    " ORDER BY p.at LIMIT 1))"
)


def _with_aggregates(qs: QuerySet) -> QuerySet:
    """The stored community forecast, forecasters and the move since 7 days ago (or since
    the first forecast for a younger claim)."""
    # Adapted as the ORM adapts a datetime for this database (SQLite compares text).
    week_ago = connection.ops.adapt_datetimefield_value(timezone.now() - MOVE_WINDOW)
    return qs.only(*LIST_FIELDS).annotate(
        community_now=F("community__probability"),
        forecasters=Coalesce(F("community__forecasters"), 0),
        # Constant SQL; the one value is a bound parameter.
        comment_count=RawSQL(_COMMENTS_SQL, (), output_field=IntegerField()),  # noqa: S611
        move=Abs(
            F("community__probability")
            - RawSQL(_THEN_SQL, (week_ago,), output_field=FloatField())  # noqa: S611
        ),
    )


def _followed_by(user: AuthUser) -> Q:
    """The claims `user` follows, as bets.conversation.selectors.FOLLOWERS_SQL defines them:
    an explicit follow, or (automatically) authoring, forecasting, offering, taking a bet or
    commenting, unless they unfollowed."""
    def mine(model: type[Forecast | Offer | Bet | Comment | ClaimFollow],
             **match: AuthUser | bool) -> Exists:
        return Exists(model.objects.filter(claim=OuterRef("pk"), **match))

    involved = (
        Q(author=user)
        | mine(Forecast, participant=user)
        | mine(Offer, offerer=user)
        | mine(Bet, taker=user)
        | mine(Comment, author=user)
    )
    return mine(ClaimFollow, user=user, following=True) | (
        involved & ~mine(ClaimFollow, user=user, following=False)
    )


def claims_listing(*, query: ListingQuery, user: Viewer | None) -> QuerySet:
    """Claims for the list page and GET /api/claims/. Public claims, or for a hidden status
    (proposed, rejected) the ones `user` may see. Refuses nothing: the caller validated."""
    if query.status in HIDDEN_STATUSES:
        qs = claims_visible_to(user) if user is not None else Claim.objects.none()
    else:
        qs = Claim.objects.exclude(status__in=HIDDEN_STATUSES)
    if query.status:
        qs = qs.filter(status=query.status)
    if query.tag:
        qs = qs.filter(tags__name=query.tag)
    if query.resolver is not None:
        qs = qs.filter(resolver_spec__isnull=not query.resolver)
    if query.resolved_by_hand:
        qs = qs.filter(status=Claim.Status.RESOLVED, resolution_method=Claim.Method.MANUAL)
    if query.featured is not None:
        qs = qs.filter(featured=query.featured)
    if query.mine and user is not None and user.is_authenticated:
        if query.mine == "forecast":
            qs = qs.filter(Exists(Forecast.objects.filter(claim=OuterRef("pk"), participant=user)))
        elif query.mine == "bet":
            qs = qs.filter(
                Exists(
                    Bet.objects.filter(claim=OuterRef("pk")).filter(
                        Q(offerer=user) | Q(taker=user)
                    )
                )
            )
        elif query.mine == "follow":
            qs = qs.filter(_followed_by(user))
    elif query.mine:
        qs = qs.none()  # "mine" of an anonymous visitor is nothing
    # dry_run: "would resolve as ... today" in each row, without a query per row.
    qs = _with_aggregates(_search(qs, query.search)).prefetch_related("tags").select_related(
        "dry_run")
    # Every ordering ends in the id, so pages of the list never overlap.
    if query.ordering == "closing":
        now = timezone.now()
        return qs.annotate(past=Q(close_time__lt=now)).order_by("past", "close_time", "id")
    if query.ordering == "forecasters":
        return qs.order_by(F("forecasters").desc(), "-created_at", "-id")
    if query.ordering == "move":
        return qs.order_by(F("move").desc(nulls_last=True), "-created_at", "-id")
    if query.ordering == "resolved":
        return qs.order_by(F("resolved_at").desc(nulls_last=True), "-id")
    if query.search and not query.ordering:
        return qs.order_by(F("rank").desc(), "-created_at", "-id")
    return qs.order_by("-created_at", "-id")


def claims_featured(*, limit: int = 6) -> list[Claim]:
    """Staff-chosen claims for the top of the home page, open ones first."""
    qs = _with_aggregates(
        Claim.objects.filter(featured=True).exclude(status__in=HIDDEN_STATUSES)
    ).prefetch_related("tags").select_related("dry_run")
    qs = qs.annotate(is_open=Q(status=Claim.Status.OPEN))
    return list(qs.order_by("-is_open", "close_time", "id")[:limit])
