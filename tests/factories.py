"""Small builders for tests: real rows through the real services."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from bets.claims.services import claim_approve, claim_propose, claims_close_due
from bets.models import Claim

User = get_user_model()


def make_user(username: str, *, staff: bool = False, password: str = "correct-horse-battery"):
    user = User.objects.create_user(username=username, password=password)
    if staff:
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def make_open_claim(
    *,
    author,
    moderator,
    title: str = "A claim",
    days_open: int = 30,
    opened_ago: timedelta = timedelta(hours=1),
    **extra,
) -> Claim:
    now = timezone.now()
    claim = claim_propose(
        author=author,
        title=title,
        statement=extra.pop("statement", "Something will happen."),
        resolution_criteria=extra.pop("resolution_criteria", "Resolves YES if it happens."),
        open_time=now - opened_ago,
        close_time=now + timedelta(days=days_open),
        resolve_after=now + timedelta(days=days_open),
        **extra,
    )
    return claim_approve(claim_id=claim.pk, moderator=moderator)


def make_closed_claim(*, author, moderator, title: str = "A closed claim", **extra) -> Claim:
    """An approved claim whose close time passed an hour ago, closed by the periodic sweep
    (the close time is moved back, as the passing of time would have)."""
    claim = make_open_claim(author=author, moderator=moderator, title=title,
                            opened_ago=timedelta(days=3), **extra)
    Claim.objects.filter(pk=claim.pk).update(close_time=timezone.now() - timedelta(hours=1))
    claims_close_due()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.CLOSED
    return claim


def client_for(user) -> APIClient:
    """An API client authenticated as `user`."""
    client = APIClient()
    client.force_authenticate(user)
    return client
