"""Fixtures for the betting tests: an open claim and the ledger check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.betting.checks import ledger_violations
from tests.factories import make_open_claim


@pytest.fixture
def claim(mod):
    return make_open_claim(author=mod, moderator=mod, opened_ago=timedelta(days=1))


def in_a_week():
    return timezone.now() + timedelta(days=7)


def assert_ledger_sound():
    assert ledger_violations() == []
