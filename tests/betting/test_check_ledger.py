import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bets.betting.offers import offer_accept, offer_create
from bets.models import Account, LedgerEntry
from tests.betting.conftest import in_a_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def bet(claim, ann, bob):
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="no", probability=0.5,
                         max_stake=50, expires_at=in_a_week())
    return offer_accept(offer_id=offer.pk, taker=bob, stake=20)


def test_check_ledger_passes_on_a_sound_ledger(bet, capsys):
    call_command("check_ledger")
    assert "every invariant holds" in capsys.readouterr().out


def test_check_ledger_names_a_corrupted_cached_balance(bet, ann, capsys):
    Account.objects.filter(user=ann).update(balance=5)
    with pytest.raises(CommandError, match="1 ledger invariant violation"):
        call_command("check_ledger")
    assert "cached balance" in capsys.readouterr().err


def test_check_ledger_names_every_violation_of_an_entry_edited_behind_the_trigger(bet, capsys):
    match_entry = LedgerEntry.objects.filter(transaction__kind="bet_match",
                                             account__kind="escrow").get()
    with connection.cursor() as cursor:  # DDL is transactional: undone with the test
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush the deferred zero-sum checks
        cursor.execute("ALTER TABLE bets_ledgerentry DISABLE TRIGGER ledgerentry_append_only")
        cursor.execute("UPDATE bets_ledgerentry SET amount = amount + 1 WHERE id = %s",
                       [match_entry.pk])
    with pytest.raises(CommandError, match="2 ledger invariant violation"):
        call_command("check_ledger")
    err = capsys.readouterr().err
    assert "unbalanced transaction" in err and "escrow: escrow holds 41" in err


def test_the_daily_task_reports_the_same_violations(bet, ann, caplog):
    from bets.betting.tasks import ledger_check_task

    Account.objects.filter(user=ann).update(balance=5)
    assert ledger_check_task() == 1
    assert "LEDGER INVARIANT BROKEN" in caplog.text
