"""The fan-out of each event: read the new state by id, pick the recipients, write the
notifications once (keyed by the event) and queue their emails after commit.

Other domains never import this package: their services record the event in the outbox
and dispatch `bets.tasks.notify_event(event, object_id, seq)` after commit
(bets.common.outbox.event_publish), and this module reads what happened from the database.
Unknown or vanished objects are ignored (a claim deleted since).
"""

import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from bets.claims.selectors import HIDDEN_STATUSES
from bets.common.markdown import markdown_text
from bets.common.outbox import event_done
from bets.conversation import selectors
from bets.conversation.agreement_events import AGREEMENT_HANDLERS
from bets.conversation.comments import mentioned_usernames
from bets.conversation.jobs import STAFF_SQL
from bets.conversation.notify import (
    Message,
    emails_queue_on_commit,
    event_claim,
    notifications_write,
    notify_users,
)
from bets.models import (
    Bet,
    Claim,
    Comment,
    Dispute,
    Offer,
    ResolutionEvent,
    ResolutionProposal,
)

logger = logging.getLogger(__name__)


def _url(claim_id: int, anchor: str = "") -> str:
    return reverse("claim-detail", args=[claim_id]) + anchor


def _to_followers(key: str, claim_id: int, message: Message, exclude=()) -> int:
    query, params = selectors.followers_sql(claim_id)
    return notifications_write(
        key=key, message=message, recipients_sql=query, params=params, exclude=exclude
    )


def _resolution(claim_id: int, seq: int) -> str | None:
    event = (
        ResolutionEvent.objects.select_related("claim")
        .filter(claim_id=claim_id, resolution_seq=seq)
        .first()
    )
    if event is None:
        return None
    claim = event.claim
    key = f"resolution:{claim_id}:{seq}"
    if not event_claim(key):
        return key
    earlier = ResolutionEvent.objects.filter(claim_id=claim_id, resolution_seq__lt=seq).exists()
    why = f" ({event.note})" if event.note else ""
    if event.action == "resolve":
        kind = "claim_reresolved" if earlier else "claim_resolved"
        verb = "was re-resolved" if earlier else "resolved"
        title = f"“{claim.title}” {verb} {event.outcome.upper()}{why}"
    elif event.action == "annul":
        kind, title = "claim_annulled", f"“{claim.title}” was annulled{why}"
    else:
        kind, title = "claim_reresolved", f"“{claim.title}” was unresolved{why}"
    _to_followers(key, claim_id, Message(kind, title, _url(claim_id), claim_id=claim_id))
    return key


def _proposal(proposal_id: int, seq: int) -> str | None:
    proposal = ResolutionProposal.objects.select_related("claim").filter(pk=proposal_id).first()
    if proposal is None:
        return None
    key = f"proposal:{proposal_id}"
    if event_claim(key):
        deadline = proposal.finalize_after.strftime("%Y-%m-%d %H:%M UTC")
        title = (f"Automatic resolution proposed for “{proposal.claim.title}”: "
                 f"{proposal.outcome.upper()}; disputes are open until {deadline}")
        _to_followers(key, proposal.claim_id, Message(
            "proposal_created", title, _url(proposal.claim_id, "#resolution"),
            claim_id=proposal.claim_id))
    return key


def _dispute_opened(dispute_id: int, seq: int) -> str | None:
    dispute = Dispute.objects.select_related("proposal__claim").filter(pk=dispute_id).first()
    if dispute is None:
        return None
    claim = dispute.proposal.claim
    key = f"dispute:{dispute_id}"
    if event_claim(key):
        url = _url(claim.pk, "#resolution")
        title = f"The proposed {dispute.proposal.outcome.upper()} for “{claim.title}” is disputed"
        _to_followers(key, claim.pk, Message("dispute_opened", title, url, claim_id=claim.pk),
                      exclude=[dispute.participant_id])
        notifications_write(key=key, message=Message(
            "staff_queue", f"Dispute waiting: {title}", url, claim_id=claim.pk),
            recipients_sql=STAFF_SQL)
    return key


def _dispute_decided(dispute_id: int, seq: int) -> str | None:
    dispute = Dispute.objects.select_related("proposal__claim").filter(pk=dispute_id).first()
    if dispute is None or dispute.decision == Dispute.Decision.OPEN:
        return None
    claim = dispute.proposal.claim
    key = f"dispute-decided:{dispute_id}"
    if event_claim(key):
        title = (f"A dispute on “{claim.title}” was {dispute.decision}"
                 + (f": {dispute.decision_note}" if dispute.decision_note else ""))
        _to_followers(key, claim.pk, Message(
            "dispute_decided", title, _url(claim.pk, "#resolution"), claim_id=claim.pk))
    return key


def _bet_matched(bet_id: int, seq: int) -> str | None:
    bet = Bet.objects.select_related("claim", "taker").filter(pk=bet_id).first()
    if bet is None:
        return None
    key = f"bet-matched:{bet_id}"
    if event_claim(key):
        title = (f"{bet.taker.username} took your offer on “{bet.claim.title}”: "
                 f"{bet.offerer_stake} credits of yours against {bet.taker_stake}")
        notify_users(key=key, message=Message(
            "offer_taken", title, _url(bet.claim_id, "#betting"), claim_id=bet.claim_id),
            user_ids=[bet.offerer_id])
    return key


def _offer_expired(offer_id: int, seq: int) -> str | None:
    offer = Offer.objects.select_related("claim").filter(pk=offer_id).first()
    if offer is None or offer.status != Offer.Status.EXPIRED:
        return None
    key = f"offer-expired:{offer_id}"
    if event_claim(key):
        title = f"Your offer on “{offer.claim.title}” expired; its unfilled stake is back"
        notify_users(key=key, message=Message(
            "offer_expired", title, _url(offer.claim_id, "#betting"), claim_id=offer.claim_id),
            user_ids=[offer.offerer_id])
    return key


def _net_by_bettor(claim: Claim, seq: int) -> dict[int, int]:
    net: dict[int, int] = {}
    for bet in Bet.objects.filter(claim=claim, settled_seq=seq):
        for user_id, own, other in ((bet.offerer_id, bet.offerer_stake, bet.taker_stake),
                                    (bet.taker_id, bet.taker_stake, bet.offerer_stake)):
            change = 0
            if bet.status == Bet.Status.SETTLED:
                change = other if bet.winner_id == user_id else -own
            net[user_id] = net.get(user_id, 0) + change
    return net


def _settled(claim_id: int, seq: int) -> str | None:
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None or claim.settled_seq != seq or claim.status not in (
        Claim.Status.RESOLVED, Claim.Status.ANNULLED
    ):
        return None
    key = f"settled:{claim_id}:{seq}"
    if event_claim(key):
        for user_id, net in sorted(_net_by_bettor(claim, seq).items()):
            if claim.status == Claim.Status.ANNULLED:
                title = f"Your bets on “{claim.title}” were refunded (the claim was annulled)"
            else:
                title = (f"Your bets on “{claim.title}” settled {(claim.outcome or '').upper()}: "
                         f"{'won' if net >= 0 else 'lost'} {abs(net)} credits")
            notify_users(key=key, message=Message(
                "bet_settled", title, _url(claim_id, "#betting"), claim_id=claim_id),
                user_ids=[user_id])
    return key


def _reviewed(claim_id: int, seq: int) -> str | None:
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None or claim.author_id is None or claim.reviewed_at is None:
        return None
    if claim.status == Claim.Status.PROPOSED:
        return None
    approved = claim.status != Claim.Status.REJECTED
    key = f"review:{claim_id}"
    if event_claim(key):
        title = (f"Your claim “{claim.title}” was "
                 + ("approved" if approved else "rejected")
                 + (f": {claim.review_note}" if claim.review_note else ""))
        notify_users(key=key, message=Message(
            "claim_reviewed", title, _url(claim_id), body=claim.review_note, claim_id=claim_id),
            user_ids=[claim.author_id])
    return key


def _comment(comment_id: int, seq: int) -> str | None:
    """Who hears of a new comment, each once, under the most specific kind that applies:
    the author of the comment replied to, then the people mentioned, then the claim's
    author. Someone who switched that kind off is not told under a broader one."""
    comment = (Comment.objects.select_related("claim", "author", "parent")
               .filter(pk=comment_id).first())
    if comment is None or not comment.visible:
        return None
    key = f"comment:{comment_id}"
    if not event_claim(key):
        return key
    claim, author = comment.claim, comment.author
    url = _url(claim.pk, f"#comment-{comment.pk}")
    # Inboxes and emails are plain text: the comment as it reads on the page, no markup.
    body = markdown_text(comment.body)[:500]
    told = {author.pk}
    if comment.parent and comment.parent.author_id not in told:
        replied = comment.parent.author_id
        told.add(replied)
        notify_users(key=key, user_ids=[replied], message=Message(
            "comment_reply", f"{author.username} replied to you on “{claim.title}”", url,
            body=body, claim_id=claim.pk))
    names = mentioned_usernames(comment.body)
    if names and claim.status not in HIDDEN_STATUSES:
        users = get_user_model().objects.filter(username__in=list(names)[:50])
        ids = [u for u in users.values_list("pk", flat=True) if u not in told]
        told.update(ids)
        notify_users(key=key, user_ids=ids, message=Message(
            "comment_mention", f"{author.username} mentioned you on “{claim.title}”", url,
            body=body, claim_id=claim.pk))
    if claim.author_id is not None and claim.author_id not in told:
        notify_users(key=key, user_ids=[claim.author_id], message=Message(
            "comment_on_claim", f"{author.username} commented on your claim “{claim.title}”",
            url, body=body, claim_id=claim.pk))
    return key


HANDLERS: dict[str, Callable[[int, int], str | None]] = {
    "claim.resolution": _resolution,
    "proposal.created": _proposal,
    "dispute.opened": _dispute_opened,
    "dispute.decided": _dispute_decided,
    "bet.matched": _bet_matched,
    "offer.expired": _offer_expired,
    "claim.settled": _settled,
    "claim.reviewed": _reviewed,
    "comment.created": _comment,
    **AGREEMENT_HANDLERS,
}


@transaction.atomic
def event_notify(*, event: str, object_id: int, seq: int = 0) -> str | None:
    """Write the notifications of one event (once, whatever the number of deliveries), take
    it out of the outbox and queue its emails after commit. Returns the event's key, or None
    when there is nothing to say (unknown event, object gone)."""
    handler = HANDLERS.get(event)
    if handler is None:
        logger.warning("Unknown notification event %r for object %s.", event, object_id)
        return None
    key = handler(object_id, seq)
    if key is not None:
        emails_queue_on_commit(key)
    # Fanned out (or nothing to say, which will not change): the outbox forgets it in the
    # transaction that wrote the notifications, so a crash before commit leaves it due.
    event_done(event=event, object_id=object_id, seq=seq)
    return key
