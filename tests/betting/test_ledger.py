import pytest
from django.db import IntegrityError, connection, transaction

from bets.betting.checks import ledger_violations
from bets.betting.ledger import (
    InsufficientFunds,
    Posting,
    participant_account,
    post_transaction,
    system_account,
    user_balance,
)
from bets.models import Account, LedgerEntry, LedgerTransaction
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_every_new_participant_gets_the_starting_grant_once(ann, settings):
    assert user_balance(ann) == settings.CRUX_STARTING_GRANT
    participant_account(ann)
    participant_account(ann)
    assert LedgerTransaction.objects.filter(idempotency_key=f"grant:{ann.pk}").count() == 1
    assert user_balance(ann) == settings.CRUX_STARTING_GRANT
    assert ledger_violations() == []


def test_createsuperuser_path_also_grants_credits(settings):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123-xyz")
    assert user_balance(admin) == settings.CRUX_STARTING_GRANT


def test_users_created_without_signals_get_their_grant_on_first_use(settings):
    from django.contrib.auth import get_user_model

    from bets.signals import accounts_open_missing

    (imported,) = get_user_model().objects.bulk_create([get_user_model()(username="imported")])
    assert ledger_violations() == [f"missing account: user {imported.pk} (imported) has no "
                                   "account (no starting grant)"]
    assert accounts_open_missing() == 1
    assert accounts_open_missing() == 0
    assert user_balance(imported) == settings.CRUX_STARTING_GRANT
    assert ledger_violations() == []


def test_posting_the_same_key_twice_moves_money_once(ann, bob):
    a, b = participant_account(ann), participant_account(bob)
    posting = Posting(key="test:1", kind="grant", entries=[(a.pk, -10), (b.pk, 10)])
    first, created = post_transaction(posting)
    again, created_again = post_transaction(posting)
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert (user_balance(ann), user_balance(bob)) == (990, 1010)


def test_an_unbalanced_posting_is_refused_before_touching_the_database(ann):
    a = participant_account(ann)
    grants = system_account(Account.Kind.GRANTS)
    with pytest.raises(ValueError, match="sum to zero"):
        post_transaction(Posting(key="bad", kind="grant", entries=[(a.pk, 5), (grants.pk, -4)]))
    assert not LedgerTransaction.objects.filter(idempotency_key="bad").exists()


def test_a_debit_beyond_the_balance_is_refused_and_changes_nothing(ann, bob):
    a, b = participant_account(ann), participant_account(bob)
    with pytest.raises(InsufficientFunds):
        post_transaction(Posting(key="big", kind="grant", entries=[(a.pk, -1001), (b.pk, 1001)]))
    assert (user_balance(ann), user_balance(bob)) == (1000, 1000)
    assert not LedgerTransaction.objects.filter(idempotency_key="big").exists()


def test_the_database_refuses_to_update_or_delete_ledger_entries(ann):
    entry = LedgerEntry.objects.filter(account__user=ann).first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=5)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerTransaction.objects.filter(pk=entry.transaction_id).update(memo="edited")


def test_the_database_refuses_a_transaction_whose_entries_do_not_sum_to_zero(ann):
    account = participant_account(ann)
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        txn = LedgerTransaction.objects.create(kind="grant", idempotency_key="raw")
        LedgerEntry.objects.create(transaction=txn, account=account, amount=-7)
        with connection.cursor() as cursor:  # the trigger is deferred: fire it now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_negative_participant_balance_is_refused_by_the_database(ann):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(user=ann).update(balance=-1)


def test_make_user_helper_is_granted_too():
    assert user_balance(make_user("dan")) == 1000
