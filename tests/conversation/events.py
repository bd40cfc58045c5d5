"""One event of every kind that notifies, made through the real services, and who should hear
of each: shared by the outbox tests in the test process and with a real worker."""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from bets.autoresolve.disputes import dispute_adjudicate, proposal_dispute
from bets.autoresolve.runs import attempt_record_verdict
from bets.betting.offers import offer_accept, offer_create, offers_expire_due
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.claims.services import claim_propose, claim_reject
from bets.conversation import comments as svc
from bets.models import Dispute, Offer, ResolutionAttempt, ResolutionProposal
from resolvers.base import Verdict
from tests.factories import make_open_claim

# (recipient, kind) of every notification the events below cause, each exactly once.
EXPECTED = Counter({
    ("ann", "claim_reviewed"): 2,  # the other claim approved, the vague one rejected
    ("ann", "comment_reply"): 1,
    ("ann", "offer_taken"): 1,
    ("ann", "offer_expired"): 1,
    ("ann", "proposal_created"): 1,
    ("ann", "dispute_decided"): 1,
    ("ann", "claim_resolved"): 1,
    ("ann", "bet_settled"): 1,
    ("bob", "claim_resolved"): 1,
    ("bob", "bet_settled"): 1,
    ("bob", "proposal_created"): 1,
    ("bob", "dispute_opened"): 1,
    ("bob", "dispute_decided"): 1,
    ("mod", "staff_queue"): 1,
})


def make_every_event(*, claim, ann, bob, mod) -> list[tuple[str, int, int]]:
    """(event, object id, seq) of one event of each kind, on `claim` (open, by ann) and on a
    second claim of ann's that an automatic run proposes to resolve."""
    now = timezone.now()
    events = []
    vague = claim_propose(author=ann, title="Vague", statement="s", resolution_criteria="c",
                          open_time=now, close_time=now + timedelta(days=3),
                          resolve_after=now + timedelta(days=3))
    claim_reject(claim_id=vague.pk, moderator=mod, note="Not checkable")
    events.append(("claim.reviewed", vague.pk, 0))

    top = svc.comment_create(claim_id=claim.pk, author=ann, body="Yes, clearly.")
    reply = svc.comment_create(claim_id=claim.pk, author=bob, body="No.", parent_id=top.pk)
    events += [("comment.created", top.pk, 0), ("comment.created", reply.pk, 0)]

    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.5,
                         max_stake=100, expires_at=claim.close_time)
    bet = offer_accept(offer_id=offer.pk, taker=bob, stake=40)
    events.append(("bet.matched", bet.pk, 0))
    short = offer_create(claim_id=claim.pk, offerer=ann, side="no", probability=0.4,
                         max_stake=10, expires_at=now + timedelta(seconds=1))
    assert offers_expire_due(now=now + timedelta(seconds=2)) == 1
    assert Offer.objects.get(pk=short.pk).status == "expired"
    events.append(("offer.expired", short.pk, 0))

    other = make_open_claim(author=ann, moderator=mod, title="Other")
    svc.claim_follow_set(claim_id=other.pk, user=bob, following=True)
    events.append(("claim.reviewed", other.pk, 0))
    attempt = ResolutionAttempt.objects.create(claim=other, trigger="manual",
                                               run_key=f"test:{other.pk}", spec={})
    attempt_record_verdict(attempt=attempt, verdict=Verdict("yes", "Measured.", {}, {}))
    proposal = ResolutionProposal.objects.get(claim=other)
    events.append(("proposal.created", proposal.pk, 0))
    dispute = proposal_dispute(proposal_id=proposal.pk, participant=ann, reason="Wrong log")
    events.append(("dispute.opened", dispute.pk, 0))
    dispute_adjudicate(dispute_id=dispute.pk, admin=mod, decision=Dispute.Decision.REJECTED,
                       note="The log is right")
    events.append(("dispute.decided", dispute.pk, 0))

    claim = claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    events.append(("claim.resolution", claim.pk, claim.resolution_seq))
    claim_settle_bets(claim_id=claim.pk, seq=claim.resolution_seq)
    events.append(("claim.settled", claim.pk, claim.resolution_seq))
    return events
