"""Fixtures for the API tests: an open claim built through the real services (people and
clients come from tests/conftest.py)."""

from datetime import timedelta

import pytest

from tests.factories import make_open_claim


@pytest.fixture
def claim(ann, mod):
    return make_open_claim(
        author=ann, moderator=mod, opened_ago=timedelta(days=2), tags=["llm", "reasoning"]
    )
