"""Fixtures for the betting tests: a moderator, an open claim."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.betting.checks import ledger_violations
from tests.factories import make_open_claim, make_user


@pytest.fixture
def mod(db):
    return make_user("mod", staff=True)


@pytest.fixture
def claim(mod):
    return make_open_claim(author=mod, moderator=mod, opened_ago=timedelta(days=1))


@pytest.fixture
def ann(db):
    return make_user("ann")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def cat(db):
    return make_user("cat")


def in_a_week():
    return timezone.now() + timedelta(days=7)


def assert_ledger_sound():
    assert ledger_violations() == []
