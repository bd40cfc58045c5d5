"""Offers and matched bets: make, accept (all or part), cancel, expire.

Reserve at creation: an offer's max_stake moves from the offerer's account to the `offers`
system account when the offer is made (`offer-reserve:<offer_id>`). An acceptance therefore
never fails for the offerer's lack of money, and an offerer cannot promise the same credits
in two offers. Accepting moves the offerer's matched stake from the reserve and the taker's
stake from the taker's account into escrow (`match:<bet_id>`); cancelling or expiring
releases the unfilled remainder (`offer-release:<offer_id>`).

Price maths, and the rule that no bet strays a point from its offer's price, live in
bets/betting/prices.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import SupportsFloat

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bets.betting.ledger import (
    InsufficientFunds,
    Posting,
    accounts_for,
    participant_account,
    post_transaction,
    user_balance,
)
from bets.betting.ledger import system_account as _system
from bets.betting.prices import (
    max_taker_stake,
    offerer_stake_for,
    parse_stake,
    stake_is_fair,
    unfair_stake_message,
)
from bets.claims.arbiters import arbiter_may_not_bet
from bets.claims.forecasts import probability_parse
from bets.claims.locking import claim_lock
from bets.common import sql
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.common.outbox import event_publish
from bets.common.types import AuthUser
from bets.models import Account, Bet, Claim, LedgerTransaction, Offer

Kind = LedgerTransaction.Kind
User = get_user_model()
NOTE_MAX = 300


# --- locks and checks ---------------------------------------------------------------------


def claim_accepts_bets(claim: Claim, *, now: datetime) -> bool:
    return claim.status == Claim.Status.OPEN and claim.open_time <= now < claim.close_time


def _check_claim_open(claim: Claim, now: datetime) -> Claim:
    # Bets on a threshold or an option settle from a non-binary resolution: not built yet.
    if claim.kind != Claim.Kind.BINARY:
        raise Conflict("Bets are on yes/no claims (bets on a threshold or an option are "
                       "not built yet).")
    if not claim_accepts_bets(claim, now=now):
        if claim.status == Claim.Status.OPEN and now < claim.open_time:
            raise Conflict("This claim does not take bets before it opens.")
        raise Conflict(f"This claim no longer takes bets (it is {claim.get_status_display()}).")
    return claim


def _parse_expiry(expires_at: object, now: datetime) -> datetime:
    if not isinstance(expires_at, datetime):
        raise InvalidInput("Expected a date and time.", field="expires_at")
    if timezone.is_naive(expires_at):
        raise InvalidInput("Give a time zone (times are stored in UTC).", field="expires_at")
    if expires_at <= now:
        raise InvalidInput("The offer must expire in the future.", field="expires_at")
    return expires_at


# --- services -----------------------------------------------------------------------------


@transaction.atomic
def offer_create(
    *,
    claim_id: int,
    offerer: AuthUser,
    side: str,
    probability: str | SupportsFloat,
    max_stake: object,
    expires_at: datetime,
    counterparty: AuthUser | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Offer:
    """Make an offer and reserve its max_stake. Locks the claim row (FOR UPDATE: the first
    offer freezes the claim's criteria)."""
    now = now or timezone.now()
    if side not in Offer.Side.values:
        raise InvalidInput("Side must be 'yes' or 'no'.", field="side")
    p = probability_parse(probability)
    stake = parse_stake(max_stake, field="max_stake")
    expires_at = _parse_expiry(expires_at, now)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"At most {NOTE_MAX} characters.", field="note")
    if counterparty is not None and counterparty.pk == offerer.pk:
        raise InvalidInput("You cannot address an offer to yourself.", field="counterparty")
    claim = _check_claim_open(claim_lock(claim_id), now)
    arbiter_may_not_bet(claim_id=claim.pk, user_id=offerer.pk)
    if max_taker_stake(p, stake) == 0:
        raise InvalidInput(
            "At this price no taker could match so small a stake at a fair price; raise your "
            "max stake.", field="max_stake")
    if claim.criteria_frozen_at is None:
        Claim.objects.filter(pk=claim.pk).update(criteria_frozen_at=now)
    account = participant_account(offerer)
    offer = Offer.objects.create(
        claim=claim,
        offerer=offerer,
        side=side,
        probability=p,
        max_stake=stake,
        expires_at=expires_at,
        counterparty=counterparty,
        note=note,
    )
    posting = Posting(
        key=f"offer-reserve:{offer.pk}",
        kind=Kind.OFFER_RESERVE,
        entries=[(account.pk, -stake), (_system(Account.Kind.OFFERS).pk, stake)],
        memo=f"Offer {offer.pk} reserved",
        claim_id=claim.pk,
        offer_id=offer.pk,
    )
    try:
        post_transaction(posting)
    except InsufficientFunds:
        raise Conflict(
            f"You have {account.balance} credits; this offer needs {stake}.", field="max_stake"
        ) from None
    return offer


def _check_acceptable(offer: Offer, taker: AuthUser, now: datetime) -> None:
    if offer.offerer_id == taker.pk:
        raise Forbidden("You cannot accept your own offer.")
    if offer.counterparty_id is not None and offer.counterparty_id != taker.pk:
        raise Forbidden("This offer is meant for someone else.")
    if offer.status == Offer.Status.FILLED:
        raise Conflict("That is more than what is left: this offer is filled.", field="stake")
    if offer.status != Offer.Status.OPEN:
        raise Conflict(f"This offer is {offer.get_status_display().lower()}.")
    if offer.expires_at <= now:
        raise Conflict("This offer has expired.")


OFFER_COLUMNS = ("id", "claim_id", "offerer_id", "side", "probability", "max_stake",
                 "filled_stake", "status", "expires_at", "counterparty_id", "note")
CLAIM_COLUMNS = ("id", "status", "open_time", "close_time")


def _lock_claim_and_offer(offer_id: int) -> tuple[Claim, Offer] | None:
    """The offer locked FOR UPDATE (two takers never fill the same credits) and its claim
    FOR SHARE (acceptances on one claim run side by side, but never while a resolution,
    FOR UPDATE, is changing it, so no bet is matched behind a settlement), claim first as
    everywhere; with the offerer's username for the response. One statement: the hot path."""
    claim_columns = ", ".join(f"c.{c}" for c in CLAIM_COLUMNS)
    offer_columns = ", ".join(f"o.{c}" for c in OFFER_COLUMNS)
    row = sql.fetch_one(
        f"SELECT {claim_columns}, {offer_columns}, u.username "  # noqa: S608
        f"FROM bets_claim c JOIN bets_offer o ON o.claim_id = c.id "
        f"JOIN auth_user u ON u.id = o.offerer_id WHERE o.id = %s"
        f"{sql.lock('FOR SHARE OF c FOR UPDATE OF o')}",
        [offer_id],
    )
    if row is None:
        return None
    split = len(CLAIM_COLUMNS)
    claim = sql.model_from_row(Claim, CLAIM_COLUMNS, row[:split])
    offer = sql.model_from_row(Offer, OFFER_COLUMNS, row[split:-1])
    offer.offerer = User(id=offer.offerer_id, username=row[-1])
    return claim, offer


@transaction.atomic
def offer_accept(*, offer_id: int, taker: AuthUser, stake: object, now: datetime | None = None
                 ) -> Bet:
    """Accept all or part of an offer: one matched Bet, both stakes into escrow, in one
    database transaction. Locks the claim FOR SHARE, then the offer FOR UPDATE, then the
    taker's account (conditional debit). The busiest write path of betting: its reads and
    writes are plain SQL (bets.common.sql)."""
    now = now or timezone.now()
    taker_stake = parse_stake(stake)
    locked = _lock_claim_and_offer(offer_id)
    if locked is None:
        raise NotFound("No such offer.")
    claim, offer = locked
    _check_acceptable(offer, taker, now)
    _check_claim_open(claim, now)
    arbiter_may_not_bet(claim_id=claim.pk, user_id=taker.pk)
    offerer_stake = offer_quote_check(offer, taker_stake)
    bet = _insert_bet(offer, taker, offerer_stake=offerer_stake, taker_stake=taker_stake)
    _post_match(bet)
    offer.filled_stake += offerer_stake
    if offer.remaining_stake == 0:
        offer.status = Offer.Status.FILLED
    sql.update(Offer, {"filled_stake": offer.filled_stake, "status": offer.status},
               "id = %s", [offer.pk])
    event_publish(event="bet.matched", object_id=bet.pk)
    return bet


def offer_quote_check(offer: Offer, taker_stake: int) -> int:
    """The offerer's stake that matches `taker_stake` on this offer, or the refusal: more than
    is left, or a stake whose whole credits would move the price (PRICE_TOLERANCE)."""
    offerer_stake = offerer_stake_for(offer.probability, taker_stake)
    if offerer_stake > offer.remaining_stake:
        most = max_taker_stake(offer.probability, offer.remaining_stake)
        raise Conflict(f"That is more than what is left: stake at most {most}.", field="stake")
    if not stake_is_fair(offer.probability, taker_stake):
        most = max_taker_stake(offer.probability, offer.remaining_stake)
        raise InvalidInput(
            unfair_stake_message(offer.probability, offer.side, taker_stake, most=most),
            field="stake")
    return offerer_stake


@dataclass(frozen=True)
class Quote:
    """What accepting an offer with a stake would do, before anything is written."""

    offer: Offer
    taker_stake: int
    offerer_stake: int  # what the taker wins

    @property
    def taker_side(self) -> str:
        return "no" if self.offer.side == "yes" else "yes"


def offer_quote(
    *, offer_id: int, taker: AuthUser, stake: object, now: datetime | None = None
) -> Quote:
    """The bet that offer_accept would match, refused for the same reasons (and for a stake
    beyond the taker's balance), for the taker to confirm before any credit moves. Reads
    only: offer_accept checks everything again under its locks."""
    now = now or timezone.now()
    taker_stake = parse_stake(stake)
    offer = Offer.objects.select_related("claim", "offerer").filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("No such offer.")
    _check_acceptable(offer, taker, now)
    _check_claim_open(offer.claim, now)
    arbiter_may_not_bet(claim_id=offer.claim_id, user_id=taker.pk)
    offerer_stake = offer_quote_check(offer, taker_stake)
    balance = user_balance(taker)
    if taker_stake > balance:
        raise Conflict(f"That is more than your balance ({balance} credits).", field="stake")
    return Quote(offer=offer, taker_stake=taker_stake, offerer_stake=offerer_stake)


def _insert_bet(offer: Offer, taker: AuthUser, *, offerer_stake: int, taker_stake: int) -> Bet:
    bet = Bet(offer=offer, claim_id=offer.claim_id, offerer=offer.offerer, taker=taker,
              offerer_side=offer.side, probability=offer.probability,
              offerer_stake=offerer_stake, taker_stake=taker_stake, note=offer.note)
    sql.insert_instance(bet)
    return bet


def _post_match(bet: Bet) -> None:
    taker_account, (offers, escrow) = accounts_for(
        bet.taker, Account.Kind.OFFERS, Account.Kind.ESCROW
    )
    posting = Posting(
        key=f"match:{bet.pk}",
        kind=Kind.BET_MATCH,
        entries=[
            (offers, -bet.offerer_stake),
            (taker_account, -bet.taker_stake),
            (escrow, bet.offerer_stake + bet.taker_stake),
        ],
        memo=f"Bet {bet.pk} matched",
        claim_id=bet.claim_id,
        bet_id=bet.pk,
        offer_id=bet.offer_id,
    )
    try:
        post_transaction(posting, fresh=True)
    except InsufficientFunds as short:
        raise Conflict(
            f"That is more than your balance ({short.balance} credits).", field="stake"
        ) from None


def _release(offer: Offer, new_status: str) -> Offer:
    """Close an open offer (already locked) and give back its unfilled remainder."""
    remaining = offer.remaining_stake
    offer.status = new_status
    offer.save(update_fields=["status"])
    if remaining > 0:
        account = participant_account(offer.offerer)
        post_transaction(
            Posting(
                key=f"offer-release:{offer.pk}",
                kind=Kind.OFFER_RELEASE,
                entries=[(_system(Account.Kind.OFFERS).pk, -remaining), (account.pk, remaining)],
                memo=f"Offer {offer.pk} {new_status}",
                claim_id=offer.claim_id,
                offer_id=offer.pk,
            )
        )
    return offer


@transaction.atomic
def offer_cancel(*, offer_id: int, actor: AuthUser) -> Offer:
    """Cancel the unfilled remainder of one's own offer. Locks the offer row."""
    offer = Offer.objects.select_for_update().filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("No such offer.")
    if offer.offerer_id != actor.pk:
        raise Forbidden("Only the offerer can cancel an offer.")
    if offer.status != Offer.Status.OPEN:
        raise Conflict(f"This offer is already {offer.get_status_display().lower()}.")
    return _release(offer, Offer.Status.CANCELLED)


def offers_due_q(now: datetime) -> Q:
    """Open offers past their expiry, or on a claim that no longer takes bets."""
    return Q(status=Offer.Status.OPEN) & (
        Q(expires_at__lte=now) | ~Q(claim__status=Claim.Status.OPEN) | Q(claim__close_time__lte=now)
    )


def offers_expire_due(*, now: datetime | None = None) -> int:
    """Expire every due offer, each in its own transaction (offer row locked, state
    re-checked), releasing its remainder. Idempotent: an expired offer is never due again."""
    now = now or timezone.now()
    expired = 0
    for offer_id in Offer.objects.filter(offers_due_q(now)).values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            offer = (
                Offer.objects.select_for_update(of=("self",))
                .filter(offers_due_q(now), pk=offer_id)
                .first()
            )
            if offer is not None:
                _release(offer, Offer.Status.EXPIRED)
                event_publish(event="offer.expired", object_id=offer.pk)
                expired += 1
    return expired
