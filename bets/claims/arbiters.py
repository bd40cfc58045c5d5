"""A claim's arbiters: participants who adjudicate its disputes and may read its non-public
evidence. An arbiter is never a party to a bet on the claim: naming a bettor is refused, and
so is an arbiter's offer or acceptance (both sides check under the claim's row lock)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from bets.claims.locking import claim_lock
from bets.common import sql
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.common.types import Viewer
from bets.models import Bet, Claim, Offer

ARBITERS_MAX = 10


def claim_arbiter_ids(claim_id: int) -> set[int]:
    return set(
        Claim.arbiters.through.objects.filter(claim_id=claim_id).values_list("user_id", flat=True)
    )


def arbiter_may_not_bet(*, claim_id: int, user_id: int) -> None:
    """Raise Conflict when the user arbitrates the claim. Call it holding the claim's row
    lock (FOR UPDATE or FOR SHARE) so it cannot race claim_arbiters_set."""
    if sql.fetch_one("SELECT 1 FROM bets_claim_arbiters WHERE claim_id = %s AND user_id = %s",
                     [claim_id, user_id]):
        raise Conflict(
            "You are an arbiter of this claim: you may read its private evidence and decide "
            "its disputes, so you cannot bet on it."
        )


def _bettors(claim_id: int) -> set[int]:
    """Everyone with a bet or an offer on the claim (a party, or about to be one)."""
    pairs = Bet.objects.filter(claim_id=claim_id).values_list("offerer_id", "taker_id")
    offerers = Offer.objects.filter(claim_id=claim_id).values_list("offerer_id", flat=True)
    return {u for pair in pairs for u in pair} | set(offerers)


@transaction.atomic
def claim_arbiters_set(*, claim_id: int, actor: Viewer | None, usernames: Iterable[str]) -> Claim:
    """Name the claim's arbiters (its author or staff, before resolution). Takes the claim's
    row lock (FOR UPDATE), so no offer or acceptance can slip between check and write."""
    claim = claim_lock(claim_id)
    if not (actor and actor.is_authenticated
            and (actor.is_staff or actor.pk == claim.author_id)):
        raise Forbidden("Only the claim's author and admins can name its arbiters.")
    if claim.status in (Claim.Status.RESOLVED, Claim.Status.ANNULLED):
        raise Conflict(f"This claim is {claim.status}; its arbiters can no longer change.")
    names = sorted({str(n).strip() for n in usernames} - {""})
    if len(names) > ARBITERS_MAX:
        raise InvalidInput(f"At most {ARBITERS_MAX} arbiters.", field="arbiters")
    users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise InvalidInput(f"No participant named {', '.join(missing)}.", field="arbiters")
    bettors = _bettors(claim.pk)
    parties = sorted(u.username for u in users if u.pk in bettors)
    if parties:
        raise Conflict(
            f"{', '.join(parties)} {'has' if len(parties) == 1 else 'have'} a bet or an offer "
            "on this claim, and an arbiter may not be a party to a bet on the claim they "
            "arbitrate.",
            field="arbiters",
        )
    claim.arbiters.set(users)
    return claim
