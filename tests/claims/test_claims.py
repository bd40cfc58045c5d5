from datetime import timedelta

import pytest
from django.utils import timezone

from bets.claims.services import claim_approve, claim_propose, claim_reject, claims_close_due
from bets.common.errors import Conflict, InvalidInput
from bets.models import Claim
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.django_db


def propose(author, **overrides):
    now = timezone.now()
    fields = {
        "author": author,
        "title": "Chain of thought keeps helping",
        "statement": "The gap widens.",
        "resolution_criteria": "Resolves YES if the gap widens.",
        "open_time": now,
        "close_time": now + timedelta(days=10),
        "resolve_after": now + timedelta(days=11),
        "tags": ["LLM", "reasoning"],
    } | overrides
    return claim_propose(**fields)


def test_a_proposed_claim_waits_for_a_moderator_with_normalized_tags():
    claim = propose(make_user("ann"))
    assert claim.status == Claim.Status.PROPOSED
    assert sorted(claim.tags.values_list("name", flat=True)) == ["llm", "reasoning"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"statement": ""}, "statement"),
        ({"resolution_criteria": ""}, "resolution_criteria"),
        ({"tags": ["no spaces!"]}, "tags"),
    ],
)
def test_proposal_with_bad_fields_is_refused_naming_the_field(overrides, field):
    with pytest.raises(InvalidInput) as exc:
        propose(make_user("ann"), **overrides)
    assert exc.value.field == field
    assert Claim.objects.count() == 0


def test_proposal_closing_before_it_opens_is_refused():
    now = timezone.now()
    with pytest.raises(InvalidInput) as exc:
        propose(make_user("ann"), open_time=now, close_time=now - timedelta(days=1))
    assert exc.value.field == "close_time"
    assert Claim.objects.count() == 0


def test_naive_times_are_refused_rather_than_guessed():
    with pytest.raises(InvalidInput) as exc:
        propose(make_user("ann"), open_time=timezone.now().replace(tzinfo=None))
    assert exc.value.field == "open_time"


def test_only_staff_can_approve_and_a_claim_is_reviewed_once():
    author, mod = make_user("ann"), make_user("mod", staff=True)
    claim = propose(author)
    with pytest.raises(InvalidInput):
        claim_approve(claim_id=claim.pk, moderator=author)
    claim = claim_approve(claim_id=claim.pk, moderator=mod, note="clear criteria")
    assert claim.status == Claim.Status.OPEN and claim.reviewed_by == mod
    with pytest.raises(Conflict):
        claim_reject(claim_id=claim.pk, moderator=mod)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN


def test_closing_due_claims_closes_only_those_past_close_time_and_is_idempotent():
    author, mod = make_user("ann"), make_user("mod", staff=True)
    due = make_open_claim(author=author, moderator=mod, title="due")
    later = make_open_claim(author=author, moderator=mod, title="later")
    Claim.objects.filter(pk=due.pk).update(close_time=timezone.now() - timedelta(minutes=1))
    assert claims_close_due() == 1
    assert claims_close_due() == 0
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (Claim.Status.CLOSED, Claim.Status.OPEN)


@pytest.mark.parametrize("field", ["statement", "resolution_criteria", "fine_print"])
def test_a_claim_text_over_twenty_thousand_characters_is_refused(field):
    with pytest.raises(InvalidInput, match="At most 20000 characters") as err:
        propose(make_user("ann"), **{field: "x" * 200_000})
    assert err.value.field == field
    assert not Claim.objects.exists()


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069"])
def test_a_title_with_a_direction_changing_character_is_refused(control):
    with pytest.raises(InvalidInput, match=f"U\\+{ord(control):04X}") as err:
        propose(make_user("ann"), title=f"Models get {control}live")
    assert err.value.field == "title"
    assert not Claim.objects.exists()


def test_the_shared_name_check_refuses_every_direction_changing_character_and_nothing_else():
    from django.core.exceptions import ValidationError

    from bets.common.text import BIDI_CONTROLS, validate_no_bidi_controls

    assert {f"U+{ord(c):04X}" for c in BIDI_CONTROLS} == {
        "U+202A", "U+202B", "U+202C", "U+202D", "U+202E",
        "U+2066", "U+2067", "U+2068", "U+2069"}
    for control in BIDI_CONTROLS:
        with pytest.raises(ValidationError):
            validate_no_bidi_controls(f"ev{control}il")
    for fine in ("eli", "Zoë", "مريم", "李雷", "a-b_c.d"):
        validate_no_bidi_controls(fine)
