"""A proposal overtaken by a manual resolution or annulment is superseded and loses its
dispute form; the moderation queue lists open disputes and flagged claims."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bets.autoresolve import runs as autoresolve
from bets.autoresolve.disputes import proposal_dispute
from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_annul, claim_resolve
from bets.models import Claim, ResolutionProposal
from tests.autoresolve.conftest import GAP_YES, make_spec_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_queue")]



@pytest.fixture
def proposed(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:a")
    return claim, ResolutionProposal.objects.get(claim=claim)


@pytest.mark.parametrize("action", ["resolve", "annul"])
def test_a_manual_resolution_or_annulment_supersedes_the_live_proposal(proposed, mod, action,
                                                                       client):
    claim, proposal = proposed
    if action == "resolve":
        claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    else:
        claim_annul(claim_id=claim.pk, actor=mod)
    proposal.refresh_from_db()
    assert proposal.status == ResolutionProposal.Status.SUPERSEDED
    assert proposal.decided_at is not None
    client.force_login(mod)
    page = client.get(f"/claims/{claim.pk}/resolution/").content.decode()
    assert "Superseded" in page
    assert f"/proposals/{proposal.pk}/dispute/" not in page


def test_an_automatic_finalization_is_not_a_supersession(proposed):
    from bets.autoresolve.disputes import proposals_finalize_due

    claim, proposal = proposed
    ResolutionProposal.objects.filter(pk=proposal.pk).update(finalize_after=timezone.now())
    assert proposals_finalize_due() == 1
    proposal.refresh_from_db()
    assert proposal.status == ResolutionProposal.Status.FINALIZED


def test_the_moderation_queue_lists_open_disputes_and_flagged_claims(ann, bob, mod, client):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.3)
    autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:a")
    proposal = ResolutionProposal.objects.get(claim=claim)
    proposal_dispute(proposal_id=proposal.pk, participant=bob, reason="The gap is noise.")
    Claim.objects.filter(pk=claim.pk).update(resolver_flagged_at=timezone.now(),
                                             resolver_flag_reason="Past its deadline.")
    client.force_login(mod)
    page = client.get("/moderation/").content.decode()
    assert "The gap is noise." in page and "disputed by bob" in page
    assert "Past its deadline." in page
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    page = client.get("/moderation/").content.decode()
    assert "The gap is noise." not in page  # its proposal was superseded
