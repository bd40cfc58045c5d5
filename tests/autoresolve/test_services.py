"""Sweep, run, propose, finalize, dispute and adjudicate, through the real services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.autoresolve import bridge
from bets.autoresolve import runs as autoresolve
from bets.autoresolve.disputes import dispute_adjudicate, proposal_dispute, proposals_finalize_due
from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.models import Claim, ResolutionAttempt, ResolutionEvent, ResolutionProposal
from tests.autoresolve.conftest import GAP_YES, THRESHOLD_NO, UNKNOWN_MODEL, make_spec_claim
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_queue")]



def run(claim, key="k1"):
    return autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:{key}")


def test_sweep_leases_each_due_claim_once_so_a_second_sweep_dispatches_nothing(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    first = autoresolve.resolver_sweep()
    assert [c for c, _ in first] == [claim.pk]
    assert autoresolve.resolver_sweep() == []
    claim.refresh_from_db()
    assert claim.resolver_lease_until > timezone.now()


def test_sweep_ignores_claims_not_due_without_spec_or_already_final(ann, mod):
    make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False, title="later")
    make_spec_claim(author=ann, moderator=mod, spec=None, title="manual")
    done = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, title="resolved")
    claim_resolve(claim_id=done.pk, outcome="no", actor=mod)
    assert autoresolve.resolver_sweep() == []


def test_a_lease_that_lapsed_is_taken_again_with_a_new_run_key(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    [(_, key1)] = autoresolve.resolver_sweep()
    later = timezone.now() + timedelta(seconds=autoresolve.lease_seconds() + 1)
    [(_, key2)] = autoresolve.resolver_sweep(now=later)
    assert key1 != key2 and claim.pk


def test_a_decisive_run_records_evidence_and_proposes_the_outcome(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = run(claim)
    assert (attempt.status, attempt.verdict) == ("decided", "yes")
    assert attempt.spec == GAP_YES and attempt.trigger == "scheduled"
    files = attempt.evidence["files"]
    assert len(files) == 9 and all(len(f["sha256"]) == 64 for f in files)
    assert attempt.measurement and attempt.reason
    proposal = ResolutionProposal.objects.get(claim=claim)
    assert (proposal.outcome, proposal.status, proposal.attempt) == ("yes", "pending", attempt)
    window = proposal.finalize_after - proposal.created_at
    assert abs(window.total_seconds() - 3 * 24 * 3600) < 5
    claim.refresh_from_db()
    assert claim.status == "open" and claim.resolver_lease_until is None


def test_a_run_can_propose_no(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=THRESHOLD_NO)
    assert run(claim).verdict == "no"
    assert ResolutionProposal.objects.get(claim=claim).outcome == "no"


def test_running_the_same_run_key_twice_records_one_attempt_and_one_proposal(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    first = run(claim)
    assert run(claim) is None
    assert ResolutionAttempt.objects.filter(claim=claim).count() == 1
    assert ResolutionProposal.objects.filter(claim=claim).count() == 1
    assert first.status == "decided"


def test_a_second_run_key_while_a_proposal_is_live_proposes_nothing_more(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    run(claim, "a")
    assert run(claim, "b").status == "decided"
    assert ResolutionProposal.objects.filter(claim=claim).count() == 1


def test_inconclusive_evidence_proposes_nothing_and_waits_before_rechecking(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=UNKNOWN_MODEL)
    attempt = run(claim)
    assert (attempt.status, attempt.verdict) == ("inconclusive", "inconclusive")
    assert "gen9" in attempt.reason
    assert not ResolutionProposal.objects.filter(claim=claim).exists()
    claim.refresh_from_db()
    assert claim.resolver_next_run_at > timezone.now() and claim.resolver_flagged_at is None
    assert autoresolve.resolver_sweep() == []


def test_an_undecided_claim_past_its_deadline_is_flagged_to_admins(ann, mod, settings):
    settings.CRUX_RESOLVER_DEADLINE_SECONDS = 0
    claim = make_spec_claim(author=ann, moderator=mod, spec=UNKNOWN_MODEL)
    run(claim)
    claim.refresh_from_db()
    assert claim.resolver_flagged_at is not None
    assert "gen9" in claim.resolver_flag_reason


def test_a_permanent_source_failure_is_recorded_with_its_error(ann, mod):
    # {"path": ...} needs a base directory, which only the CLI gives: never retryable.
    spec = {**GAP_YES, "source": {**GAP_YES["source"], "location": {"path": "x/*.eval"}}}
    claim = make_spec_claim(author=ann, moderator=mod, spec=spec)
    attempt = run(claim)
    assert attempt.status == "failed_permanent" and "base directory" in attempt.error
    assert not ResolutionProposal.objects.filter(claim=claim).exists()


def test_a_retryable_source_failure_is_recorded_and_raised_for_the_task_to_retry(
    ann, mod, settings, json_server
):
    from tests.autoresolve.conftest import http_spec

    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = True
    json_server.failures = 1
    claim = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
    with pytest.raises(autoresolve.TransientResolverFailure):
        run(claim)
    assert ResolutionAttempt.objects.get(claim=claim).status == "failed_transient"
    # The retry (same run_key) reads the recovered source and decides.
    assert run(claim).verdict == "yes"


def test_a_url_source_is_refused_on_loopback_unless_configured(ann, mod, json_server):
    from tests.autoresolve.conftest import http_spec

    claim = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
    attempt = run(claim)
    assert attempt.status == "failed_permanent" and json_server.requests == 0


def finalize_later(days=4):
    return proposals_finalize_due(now=timezone.now() + timedelta(days=days))


def test_a_proposal_becomes_final_after_the_window_through_claim_resolve_once(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    run(claim)
    assert proposals_finalize_due() == 0  # window still open
    assert finalize_later() == 1
    assert finalize_later() == 0
    claim.refresh_from_db()
    assert (claim.status, claim.outcome, claim.resolution_method) == ("resolved", "yes",
                                                                      "automatic")
    assert ResolutionEvent.objects.filter(claim=claim, action="resolve").count() == 1
    assert ResolutionProposal.objects.get(claim=claim).status == "finalized"


def test_a_manual_resolution_meanwhile_supersedes_the_proposal(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    run(claim)
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    assert finalize_later() == 0
    claim.refresh_from_db()
    assert claim.outcome == "no"
    assert ResolutionProposal.objects.get(claim=claim).status == "superseded"


@pytest.fixture
def proposed(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    run(claim)
    bob = make_user("bob")
    forecast_submit(claim_id=claim.pk, participant=bob, probability=0.3,
                    now=claim.open_time + timedelta(hours=1))
    return claim, ResolutionProposal.objects.get(claim=claim), bob


def test_a_dispute_by_a_participant_stops_finalization(proposed):
    claim, proposal, bob = proposed
    proposal_dispute(proposal_id=proposal.pk, participant=bob, reason="Wrong dataset version.")
    assert finalize_later() == 0
    claim.refresh_from_db()
    assert claim.status == "open"


def test_an_upheld_dispute_overturns_the_proposal_and_flags_the_claim(proposed, mod):
    claim, proposal, bob = proposed
    dispute = proposal_dispute(proposal_id=proposal.pk, participant=bob, reason="Leaked test.")
    dispute_adjudicate(dispute_id=dispute.pk, admin=mod, decision="upheld", note="Agreed.")
    proposal.refresh_from_db()
    claim.refresh_from_db()
    assert proposal.status == "overturned" and claim.status == "open"
    assert "overturned" in claim.resolver_flag_reason
    assert autoresolve.resolver_sweep() == []  # waits for an admin, not another run


def test_a_rejected_dispute_lets_the_proposal_finalize(proposed, mod):
    claim, proposal, bob = proposed
    dispute = proposal_dispute(proposal_id=proposal.pk, participant=bob, reason="I disagree.")
    dispute_adjudicate(dispute_id=dispute.pk, admin=mod, decision="rejected")
    assert finalize_later() == 1
    claim.refresh_from_db()
    assert claim.outcome == "yes"


def test_a_dispute_needs_a_reason_a_participant_and_an_open_window(proposed):
    claim, proposal, bob = proposed
    with pytest.raises(InvalidInput):
        proposal_dispute(proposal_id=proposal.pk, participant=bob, reason="  ")
    with pytest.raises(Forbidden):
        proposal_dispute(proposal_id=proposal.pk, participant=make_user("eve"), reason="No.")
    ResolutionProposal.objects.filter(pk=proposal.pk).update(finalize_after=timezone.now())
    with pytest.raises(Conflict):
        proposal_dispute(proposal_id=proposal.pk, participant=bob, reason="Too late.")
    assert not proposal.disputes.exists()


def test_only_admins_adjudicate_and_each_dispute_once(proposed, mod):
    claim, proposal, bob = proposed
    dispute = proposal_dispute(proposal_id=proposal.pk, participant=bob, reason="Wrong.")
    with pytest.raises(Forbidden):
        dispute_adjudicate(dispute_id=dispute.pk, admin=bob, decision="upheld")
    with pytest.raises(InvalidInput):
        dispute_adjudicate(dispute_id=dispute.pk, admin=mod, decision="maybe")
    dispute_adjudicate(dispute_id=dispute.pk, admin=mod, decision="rejected")
    with pytest.raises(Conflict):
        dispute_adjudicate(dispute_id=dispute.pk, admin=mod, decision="upheld")


def test_run_now_is_for_admins_and_records_who_asked(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    with pytest.raises(Forbidden):
        autoresolve.claim_run_resolver_now(claim_id=claim.pk, actor=ann)
    attempt = autoresolve.claim_run_resolver_now(claim_id=claim.pk, actor=mod)
    assert (attempt.trigger, attempt.requested_by, attempt.status) == ("manual", mod, "running")
    done = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=attempt.run_key)
    assert done.pk == attempt.pk and done.verdict == "yes"


def test_preview_shows_the_verdict_and_writes_nothing(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    preview = autoresolve.claim_preview_resolver(claim_id=claim.pk, actor=ann)
    assert preview["verdict"] == "yes" and preview["evidence"]["files"]
    with pytest.raises(Forbidden):
        autoresolve.claim_preview_resolver(claim_id=claim.pk, actor=make_user("eve"))
    assert not ResolutionAttempt.objects.exists()
    assert Claim.objects.get(pk=claim.pk).resolver_lease_until is None


def test_a_sweep_parses_each_log_once_however_many_claims_read_it(ann, mod):
    claims = [make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, title=f"c{i}")
              for i in range(5)]
    for claim in claims:
        run(claim)
    assert bridge.shared_cache().parses == 9


def test_a_run_now_that_no_worker_picked_up_is_marked_failed_by_a_later_sweep(ann, mod):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES, due=False)
    attempt = autoresolve.claim_run_resolver_now(claim_id=claim.pk, actor=mod)
    autoresolve.resolver_sweep()
    assert ResolutionAttempt.objects.get(pk=attempt.pk).status == "running"
    autoresolve.resolver_sweep(now=timezone.now() + timedelta(
        seconds=autoresolve.lease_seconds() + 1))
    attempt.refresh_from_db()
    assert attempt.status == "failed_permanent" and "never picked up" in attempt.error
