"""The play-money ledger: double entry, integer credits, append-only.

Every money-moving event posts one LedgerTransaction whose entries sum to zero, under a
deterministic idempotency key (`grant:<user_id>`, `offer-reserve:<offer_id>`,
`match:<bet_id>`, `settle:<bet_id>:<seq>`, `refund:<bet_id>:<seq>`, `reverse:<txn_id>`, ...).
Posting a key that already exists returns the existing transaction and moves nothing, so a
retried request or task can never move money twice.

Balances: participant accounts keep a cached `balance`, changed only here, by relative
UPDATEs (`balance = balance + x`) in the same database transaction as the entries, each one
conditional (`balance + x >= 0`), so a balance can never go negative even under
concurrency. System accounts (grants, offer reserve, escrow) keep NO cached balance: every
acceptance touches the escrow and reserve accounts, and a cached figure there would make all
acceptances queue on one hot row. Their balance is the sum of their entries (see `account_balance`).

The database enforces the rest (migration 0002): entries and transactions are never updated or
deleted, and a deferred constraint trigger refuses any transaction whose entries do not sum
to zero. `bets.betting.checks.ledger_violations` re-checks every invariant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from bets.common import sql
from bets.common.errors import Conflict, InvalidInput
from bets.common.types import AuthUser
from bets.models import Account, LedgerEntry, LedgerTransaction

Kind = LedgerTransaction.Kind


class InsufficientFunds(Conflict):
    """A participant account would go below zero; `balance` is what it holds."""

    def __init__(self, message: str, *, balance: int | None = None):
        super().__init__(message)
        self.balance = balance


@dataclass(frozen=True)
class Posting:
    """One transaction to post: what `post_transaction` / `post_many` take."""

    key: str
    kind: str
    entries: Sequence[tuple[int, int]]  # (account_id, amount)
    memo: str = ""
    claim_id: int | None = None
    bet_id: int | None = None
    offer_id: int | None = None
    reverses_id: int | None = None
    agreement_id: int | None = None


# --- accounts -----------------------------------------------------------------------------


def system_account(kind: str) -> Account:
    """The one account of a system kind, created on first use (UNIQUE keeps it single)."""
    if kind == Account.Kind.PARTICIPANT:
        raise ValueError("participant accounts belong to a user")
    account = sql.select_one(Account, "kind = %s", [kind])
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=kind)
    except IntegrityError:  # another process created it first
        return Account.objects.get(kind=kind)


def participant_account(user: AuthUser) -> Account:
    """The user's account, opened with its starting grant if it does not exist yet.

    The post_save signal opens it at user creation; this also covers users created without
    signals (bulk imports, raw fixtures), so every path ends with exactly one grant.
    """
    account = sql.select_one(Account, "user_id = %s", [user.pk])
    if account is not None:
        return account  # opened with its grant, in one database transaction
    try:
        with transaction.atomic():
            account = Account.objects.create(kind=Account.Kind.PARTICIPANT, user_id=user.pk)
            grant_starting_credits(user_id=user.pk, account=account)
    except IntegrityError:  # opened (and granted) concurrently
        account = Account.objects.get(user_id=user.pk)
    return account


def accounts_for(user: AuthUser, *system_kinds: str) -> tuple[int, list[int]]:
    """The ids of the user's account and of the named system accounts, read in one query
    (an acceptance needs the taker's, the offer reserve's and escrow's)."""
    marks = ", ".join(["%s"] * len(system_kinds))
    rows = sql.fetch_all(
        f"SELECT id, kind, user_id FROM bets_account "  # noqa: S608
        f"WHERE user_id = %s OR kind IN ({marks})",
        [user.pk, *system_kinds],
    )
    found = {kind if user_id is None else "user": pk for pk, kind, user_id in rows}
    account_id = found["user"] if "user" in found else participant_account(user).pk
    ids = [found[k] if k in found else system_account(k).pk for k in system_kinds]
    return account_id, ids


def grant_starting_credits(*, user_id: int, account: Account | None = None) -> LedgerTransaction:
    """Give a participant the starting grant, once: the key `grant:<user_id>` makes it so."""
    key = f"grant:{user_id}"
    existing = _transaction_with_key(key)
    if existing is not None:
        return existing
    account = account or Account.objects.get(user_id=user_id)
    amount = int(settings.CRUX_STARTING_GRANT)
    if amount <= 0:
        raise InvalidInput("CRUX_STARTING_GRANT must be positive.")
    grants = system_account(Account.Kind.GRANTS)
    txn, _ = post_transaction(
        Posting(
            key=key,
            kind=Kind.GRANT,
            entries=[(grants.pk, -amount), (account.pk, amount)],
            memo="Starting grant",
        )
    )
    return txn


def account_balance(account: Account) -> int:
    """Cached for participants; the sum of entries for system accounts (never cached)."""
    if account.kind == Account.Kind.PARTICIPANT:
        return Account.objects.values_list("balance", flat=True).get(pk=account.pk)
    return LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or 0


def user_balance(user: AuthUser) -> int:
    value = Account.objects.filter(user_id=user.pk).values_list("balance", flat=True).first()
    return value or 0


# --- posting ------------------------------------------------------------------------------


def _validate(posting: Posting) -> None:
    if not posting.entries:
        raise ValueError(f"{posting.key}: a transaction needs entries")
    for _account_id, amount in posting.entries:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
            raise ValueError(f"{posting.key}: amounts are non-zero integers, got {amount!r}")
    if sum(amount for _, amount in posting.entries) != 0:
        raise ValueError(f"{posting.key}: entries must sum to zero")


def _participant_ids(account_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(account_ids))
    marks = ", ".join(["%s"] * len(ids))
    rows = sql.fetch_all(
        f"SELECT id FROM bets_account WHERE kind = 'participant' AND id IN ({marks})",  # noqa: S608
        ids,
    )
    return {row[0] for row in rows}


def _apply_deltas(deltas: dict[int, int]) -> None:
    """Move cached participant balances by `deltas`, in account-id order (a fixed lock order
    keeps concurrent posters from deadlocking). A debit only happens if the balance covers
    it; otherwise InsufficientFunds (and the caller's transaction rolls back)."""
    for account_id in sorted(_participant_ids(deltas)):
        delta = deltas[account_id]
        if delta == 0:
            continue
        changed = sql.execute(
            "UPDATE bets_account SET balance = balance + %s WHERE id = %s AND balance + %s >= 0",
            [delta, account_id, delta],
        )
        if changed != 1:
            # The row exists: _participant_ids just read it, and accounts are never deleted.
            [have] = cast(tuple, sql.fetch_one("SELECT balance FROM bets_account WHERE id = %s",
                                               [account_id]))
            raise InsufficientFunds("Not enough credits in the account for this.", balance=have)


def _transaction_with_key(key: str) -> LedgerTransaction | None:
    return sql.select_one(LedgerTransaction, "idempotency_key = %s", [key])


def _net(postings: Iterable[Posting]) -> dict[int, int]:
    deltas: dict[int, int] = defaultdict(int)
    for posting in postings:
        for account_id, amount in posting.entries:
            deltas[account_id] += amount
    return deltas


def post_transaction(posting: Posting, *, fresh: bool = False) -> tuple[LedgerTransaction, bool]:
    """Post one balanced transaction. Returns (transaction, created); when the idempotency
    key already exists nothing moves and the existing transaction is returned.

    fresh=True: the caller's key names a row it created in this database transaction (a new
    bet's `match:<bet_id>`), so it cannot exist yet: the lookup is skipped (the UNIQUE index
    still refuses a duplicate), and so is the savepoint, since a failure here fails the
    caller's new row with it. An acceptance is the hot path: plain SQL (bets.common.sql)."""
    _validate(posting)
    with transaction.atomic(savepoint=not fresh):
        return _post(posting, fresh=fresh)


def _post(posting: Posting, *, fresh: bool) -> tuple[LedgerTransaction, bool]:
    txn = LedgerTransaction(**_txn_fields(posting))
    if fresh:
        sql.insert_instance(txn)
    else:
        existing = _transaction_with_key(posting.key)
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                sql.insert_instance(txn)
        except IntegrityError:
            # A concurrent poster committed the same key between our read and our insert,
            # so the row with that key now exists.
            return cast(LedgerTransaction, _transaction_with_key(posting.key)), False
    _apply_deltas(_net([posting]))
    sql.insert_rows("bets_ledgerentry", ("transaction_id", "account_id", "amount"),
                    [(txn.pk, account_id, amount) for account_id, amount in posting.entries])
    return txn, True


def _txn_fields(posting: Posting) -> dict:
    return {
        "idempotency_key": posting.key,
        "kind": posting.kind,
        "memo": posting.memo[:300],
        "claim_id": posting.claim_id,
        "bet_id": posting.bet_id,
        "offer_id": posting.offer_id,
        "reverses_id": posting.reverses_id,
        "agreement_id": posting.agreement_id,
    }


@transaction.atomic
def post_many(postings: Sequence[Posting], *, fresh: bool = False) -> int:
    """Post many transactions with a handful of statements (settling 10,000 bets must be
    quick). Keys that already exist are skipped; a caller whose locks guarantee the keys are
    new (settlement, under the claim's row lock and its settled_seq) passes fresh=True to
    skip that lookup, and the UNIQUE index still refuses a duplicate. Returns how many were
    posted."""
    for posting in postings:
        _validate(posting)
    keys = [p.key for p in postings]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate idempotency keys in one batch")
    done = set()
    if not fresh:
        done = set(
            LedgerTransaction.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
    todo = [p for p in postings if p.key not in done]
    if not todo:
        return 0
    _apply_deltas_bulk(_net(todo))
    if connection.vendor == "postgresql":
        _copy_in(todo)
        return len(todo)
    txns = LedgerTransaction.objects.bulk_create(LedgerTransaction(**_txn_fields(p)) for p in todo)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction_id=txn.pk, account_id=a, amount=amt)
        for txn, p in zip(txns, todo, strict=True)
        for a, amt in p.entries
    )
    return len(todo)


def _copy_in(todo: Sequence[Posting]) -> None:
    """Write transactions and entries with COPY: ids are drawn from the sequence first, so
    10,000 settlements cost two COPY streams instead of building 30,000 model objects."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('bets_ledgertransaction', 'id')) "
            "FROM generate_series(1, %s)",
            [len(todo)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.connection
        columns = ("id, kind, idempotency_key, memo, claim_id, bet_id, offer_id, reverses_id, "
                   "agreement_id")
        with raw.cursor().copy(
            f"COPY bets_ledgertransaction ({columns}, created_at) FROM STDIN"
        ) as copy:
            for txn_id, p in zip(ids, todo, strict=True):
                fields = _txn_fields(p)
                copy.write_row(
                    (txn_id, p.kind, p.key, fields["memo"], p.claim_id, p.bet_id, p.offer_id,
                     p.reverses_id, p.agreement_id, now)
                )
        with raw.cursor().copy(
            "COPY bets_ledgerentry (transaction_id, account_id, amount) FROM STDIN"
        ) as copy:
            for txn_id, p in zip(ids, todo, strict=True):
                for account_id, amount in p.entries:
                    copy.write_row((txn_id, account_id, amount))


def _apply_deltas_bulk(deltas: dict[int, int]) -> None:
    """Like _apply_deltas, for many accounts: lock them in id order, check every debit is
    covered, then move all balances in one UPDATE (PostgreSQL) or one per account."""
    ids = sorted(a for a in _participant_ids(deltas) if deltas[a])
    if not ids:
        return
    balances = dict(
        Account.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "balance")
    )
    short = [a for a in ids if balances[a] + deltas[a] < 0]
    if short:
        raise InsufficientFunds(
            f"{len(short)} account(s) no longer hold the credits this needs to take back."
        )
    if connection.vendor != "postgresql":
        _apply_deltas({a: deltas[a] for a in ids})
        return
    values = ", ".join(["(%s::bigint, %s::bigint)"] * len(ids))
    params = [x for a in ids for x in (a, deltas[a])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE bets_account AS a SET balance = a.balance + v.delta "  # noqa: S608
            f"FROM (VALUES {values}) AS v(id, delta) WHERE a.id = v.id",
            params,
        )


def reversal_of(txn: LedgerTransaction, entries: Sequence[tuple[int, int]],
                **extra: int | None) -> Posting:
    """The compensating transaction of `txn`: the same entries negated. Never an edit."""
    return Posting(
        key=f"reverse:{txn.pk}",
        kind=Kind.REVERSAL,
        entries=[(a, -amt) for a, amt in entries],
        memo=f"Reverses {txn.idempotency_key}",
        reverses_id=txn.pk,
        **extra,
    )
