"""The rows of a claim list (home page, featured claims), rendered once per distinct content.

A row of the list is a pure function of the values it shows. `ClaimRow` holds exactly those
values and the row template reads nothing else (it is rendered with `row` as its whole
context), so a `ClaimRow` is a complete key for its HTML: a rendered row is kept per process
and reused until any value it shows changes, when the new row is simply a different key.
Rendering a row with Django's template engine costs about 0.3 ms, a list page shows 20 to 26
of them, and most rows are the same from one request to the next.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from bets.common.caching import VersionedLRU

ROW_TEMPLATE = "bets/_claim_row.html"
# A row is about 1.5 KB of HTML plus its key; a long dry-run reason is cut to REASON_SHOWN
# characters (it is a tooltip here; the claim page shows it whole), so an entry stays under
# ~3 KB and the memo under ~12 MB per process.
_rendered: VersionedLRU[SafeString] = VersionedLRU(4096)
REASON_SHOWN = 300


@dataclass(frozen=True)
class DryRunShown:
    verdict: str
    reason: str
    checked_at: datetime


def _utc(when: datetime, now: datetime) -> str:
    """"14:00 UTC" today, "2031-01-05 14:00 UTC" on another day."""
    when, now = when.astimezone(UTC), now.astimezone(UTC)
    return when.strftime("%H:%M UTC" if when.date() == now.date() else "%Y-%m-%d %H:%M UTC")


def claim_badge(claim: Any, *, now: datetime) -> tuple[str, str]:
    """The status a person should read (CSS class suffix, label). An approved claim whose
    open time is still ahead is not "Open" (it takes no forecasts yet), and an open claim
    past its close time reads as closed before the periodic sweep catches up."""
    if claim.status == "open" and now < claim.open_time:
        return "upcoming", f"Opens at {_utc(claim.open_time, now)}"
    if claim.status == "open" and now >= claim.close_time:
        return "closed", "Closed"
    return claim.status, claim.get_status_display()


@dataclass(frozen=True)
class ClaimRow:
    """Everything one row shows, and nothing else (it is the memo's key)."""

    url: str
    title: str
    status: str
    status_label: str
    outcome_label: str
    close_time: datetime
    resolved_at: datetime | None
    automatic: bool  # has an automatic resolver
    dry_run: DryRunShown | None
    tags: tuple[str, ...]
    community: float | None
    forecasters: int
    comments: int
    move: float | None


def claim_row(claim: Any) -> ClaimRow:
    """The row of a Claim from bets.claims.listing, which annotates it with the community
    forecast, forecasters, comment count and 7-day move, and fetches its dry run and tags."""
    dry_run = getattr(claim, "dry_run", None)  # a reverse one-to-one: absent raises
    # The badge depends on the time only through the open and close times: it is part of
    # the row's key, so a row cached before the claim opened is not shown after.
    status, label = claim_badge(claim, now=timezone.now())
    return ClaimRow(
        url=claim.get_absolute_url(),
        title=claim.title,
        status=status,
        status_label=label,
        outcome_label=claim.get_outcome_display().upper() if claim.outcome else "",
        close_time=claim.close_time,
        resolved_at=claim.resolved_at,
        automatic=bool(claim.resolver_spec),
        dry_run=DryRunShown(dry_run.verdict, Truncator(dry_run.reason).chars(REASON_SHOWN),
                            dry_run.checked_at)
        if dry_run is not None
        else None,
        tags=tuple(t.name for t in claim.tags.all()),
        community=claim.community_now,
        forecasters=claim.forecasters,
        comments=claim.comment_count,
        move=claim.move,
    )


def claim_row_html(row: ClaimRow) -> SafeString:
    html = _rendered.get(row)
    if html is None:
        html = cast(SafeString, get_template(ROW_TEMPLATE).render({"row": row}))  # it is one
        _rendered.put(row, html)
    return html


def claim_rows_html(claims) -> SafeString:
    """The <li> of each claim, in order."""
    # Each part is escaped HTML from the row template, so the whole is too.
    return SafeString("".join(claim_row_html(claim_row(c)) for c in claims))
