"""Fixtures for the betting tests: an open claim and the ledger check."""

from datetime import timedelta

from django.utils import timezone

from bets.betting.checks import ledger_violations


def in_a_week():
    return timezone.now() + timedelta(days=7)


def assert_ledger_sound():
    assert ledger_violations() == []
