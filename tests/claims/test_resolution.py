from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_annul, claim_resolve, claim_unresolve
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.models import Claim, ResolutionEvent, Score
from bets.scoring.services import claim_score
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim_with_forecasts(mod):
    claim_with_forecasts = make_open_claim(
        author=make_user("ann"), moderator=mod, opened_ago=timedelta(days=2)
    )
    t0 = claim_with_forecasts.open_time
    forecast_submit(
        claim_id=claim_with_forecasts.pk,
        participant=make_user("bob"),
        probability=0.8,
        now=t0 + timedelta(hours=1),
    )
    forecast_submit(
        claim_id=claim_with_forecasts.pk,
        participant=make_user("cat"),
        probability=0.3,
        now=t0 + timedelta(hours=2),
    )
    return claim_with_forecasts


def test_resolution_records_who_when_how_and_why_and_scores_every_forecaster(
    claim_with_forecasts, mod
):
    claim_with_forecasts = claim_resolve(
        claim_id=claim_with_forecasts.pk, outcome="yes", actor=mod, note="announced"
    )
    assert (
        claim_with_forecasts.status,
        claim_with_forecasts.outcome,
        claim_with_forecasts.resolved_by,
        claim_with_forecasts.resolution_method,
    ) == (
        "resolved",
        "yes",
        mod,
        "manual",
    )
    event = ResolutionEvent.objects.get(claim=claim_with_forecasts)
    assert (event.action, event.note, event.actor) == ("resolve", "announced", mod)
    assert (
        claim_score(claim_id=claim_with_forecasts.pk, seq=claim_with_forecasts.resolution_seq)
        is True
    )
    scores = {s.participant.username: s for s in Score.objects.filter(claim=claim_with_forecasts)}
    assert set(scores) == {"bob", "cat"}
    assert scores["bob"].peer > 0 > scores["cat"].peer
    assert scores["bob"].peer + scores["cat"].peer == pytest.approx(0, abs=1e-9)


def test_scoring_the_same_resolution_twice_writes_once(claim_with_forecasts, mod):
    claim_with_forecasts = claim_resolve(claim_id=claim_with_forecasts.pk, outcome="no", actor=mod)
    assert (
        claim_score(claim_id=claim_with_forecasts.pk, seq=claim_with_forecasts.resolution_seq)
        is True
    )
    assert (
        claim_score(claim_id=claim_with_forecasts.pk, seq=claim_with_forecasts.resolution_seq)
        is False
    )
    assert Score.objects.filter(claim=claim_with_forecasts).count() == 2


def test_a_stale_scoring_task_writes_nothing(claim_with_forecasts, mod):
    first = claim_resolve(claim_id=claim_with_forecasts.pk, outcome="yes", actor=mod)
    claim_unresolve(claim_id=claim_with_forecasts.pk, actor=mod)
    assert claim_score(claim_id=claim_with_forecasts.pk, seq=first.resolution_seq) is False
    assert Score.objects.count() == 0


def test_unresolve_then_resolve_the_other_way_replaces_every_score(claim_with_forecasts, mod):
    yes = claim_resolve(claim_id=claim_with_forecasts.pk, outcome="yes", actor=mod)
    claim_score(claim_id=claim_with_forecasts.pk, seq=yes.resolution_seq)
    bob_yes = Score.objects.get(claim=claim_with_forecasts, participant__username="bob").baseline
    unresolved = claim_unresolve(claim_id=claim_with_forecasts.pk, actor=mod, note="wrong source")
    assert unresolved.status == Claim.Status.OPEN and Score.objects.count() == 0
    no = claim_resolve(claim_id=claim_with_forecasts.pk, outcome="no", actor=mod)
    claim_score(claim_id=claim_with_forecasts.pk, seq=no.resolution_seq)
    bob_no = Score.objects.get(claim=claim_with_forecasts, participant__username="bob").baseline
    assert bob_no < 0 < bob_yes
    assert list(ResolutionEvent.objects.values_list("action", flat=True)) == [
        "resolve",
        "unresolve",
        "resolve",
    ]


def test_annulment_leaves_no_scores_and_refuses_resolution_afterwards(claim_with_forecasts, mod):
    claim_annul(claim_id=claim_with_forecasts.pk, actor=mod, note="criteria broken")
    with pytest.raises(Conflict):
        claim_resolve(claim_id=claim_with_forecasts.pk, outcome="yes", actor=mod)
    assert Score.objects.count() == 0


def test_non_staff_cannot_resolve_and_nothing_changes(claim_with_forecasts):
    with pytest.raises(Forbidden):
        claim_resolve(claim_id=claim_with_forecasts.pk, outcome="yes", actor=make_user("eve"))
    claim_with_forecasts.refresh_from_db()
    assert claim_with_forecasts.status == Claim.Status.OPEN and not ResolutionEvent.objects.exists()


@pytest.mark.parametrize("outcome", ["maybe", "", None, "YES "])
def test_an_unknown_outcome_is_refused(claim_with_forecasts, mod, outcome):
    with pytest.raises(InvalidInput):
        claim_resolve(claim_id=claim_with_forecasts.pk, outcome=outcome, actor=mod)


def test_an_answer_known_in_the_future_or_before_opening_is_refused(claim_with_forecasts, mod):
    for when in (
        timezone.now() + timedelta(days=1),
        claim_with_forecasts.open_time - timedelta(days=1),
    ):
        with pytest.raises(InvalidInput) as exc:
            claim_resolve(
                claim_id=claim_with_forecasts.pk, outcome="yes", actor=mod, actual_resolve_time=when
            )
        assert exc.value.field == "actual_resolve_time"
    claim_with_forecasts.refresh_from_db()
    assert claim_with_forecasts.status == Claim.Status.OPEN
