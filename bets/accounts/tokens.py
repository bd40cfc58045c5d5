"""API tokens for scripts and bots: one per participant, shown once when created."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from bets.common.errors import Forbidden
from bets.common.types import AuthUser, Viewer


def _require_active(user: Viewer | None) -> None:
    if not (user and user.is_authenticated and user.is_active):
        raise Forbidden("Log in to manage your API token.")


@transaction.atomic
def token_create(*, user: AuthUser) -> str:
    """Create a fresh token, replacing any earlier one (which stops working at once).

    Returns the key; callers show it to the participant once and never again.
    """
    _require_active(user)
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def token_revoke(*, user: AuthUser) -> bool:
    """Delete the participant's token; False when there was none."""
    _require_active(user)
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
