"""Fixtures for the conversation tests: an open claim, and helpers for verified emails."""

from datetime import timedelta

import pytest

from bets.models import Profile
from tests.factories import make_open_claim


@pytest.fixture
def claim(ann, mod):
    return make_open_claim(author=ann, moderator=mod, title="Gap widens",
                           opened_ago=timedelta(days=2))


def verify_email(user, email: str | None = None) -> None:
    """Give `user` a verified address, as the verification link would."""
    user.email = email or f"{user.username}@example.org"
    user.save(update_fields=["email"])
    Profile.objects.update_or_create(user=user, defaults={"verified_email": user.email})
