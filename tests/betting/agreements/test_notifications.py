"""Agreement events go through the outbox like every event: the other party hears of a draft
and a signature, both hear it bind, and payment reminders go out once before the deadline and
once when it passes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bets.betting.agreements.marks import agreements_remind_due
from bets.betting.agreements.services import agreement_sign
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.conversation.events import event_notify
from bets.models import Agreement, Claim, EventOutbox, Notification
from tests.betting.agreements.conftest import draft, ssh_sign

pytestmark = pytest.mark.django_db


def fan_out_all():
    """What the notify_event task does for every recorded event."""
    for row in list(EventOutbox.objects.all()):
        event_notify(event=row.event, object_id=row.object_id, seq=row.seq)


def titles(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk")
                .values_list("kind", "title"))


def test_the_other_party_hears_of_a_draft_and_a_signature_and_both_of_binding(
        claim, ann, bob, ann_key, bob_key):
    agreement = draft(claim, ann, bob)
    agreement_sign(agreement_id=agreement.pk, signer=ann,
                   signature=ssh_sign(ann_key, agreement.canonical))
    fan_out_all()
    assert [k for k, _ in titles(bob)] == ["agreement_activity", "agreement_activity"]
    assert "ann proposed an agreement" in titles(bob)[0][1]
    assert "ann signed your agreement" in titles(bob)[1][1]
    # ann hears nothing of her own draft and signature (her claim's approval is another kind)
    assert [k for k, _ in titles(ann) if k.startswith("agreement")] == []
    agreement_sign(agreement_id=agreement.pk, signer=bob,
                   signature=ssh_sign(bob_key, agreement.canonical))
    fan_out_all()
    assert "binding" in titles(ann)[-1][1] and "binding" in titles(bob)[-1][1]


def test_payment_reminders_go_out_once_before_and_once_after_the_deadline(
        claim, ann, bob, mod, ann_key, bob_key):
    agreement = draft(claim, ann, bob, stake={"amount": 5, "unit": "EUR"},
                      counterparty_stake={"amount": 5, "unit": "EUR"}, payment_days=10)
    for user, key in ((ann, ann_key), (bob, bob_key)):
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=Claim.objects.get(pk=claim.pk).resolution_seq)
    fan_out_all()
    now = timezone.now()
    assert agreements_remind_due(now=now) == 0  # ten days ahead: too early
    in_eight_days = now + timedelta(days=8)
    assert agreements_remind_due(now=in_eight_days) == 1
    assert agreements_remind_due(now=in_eight_days) == 0
    fan_out_all()
    fan_out_all()
    due = [t for k, t in titles(bob) if k == "agreement_payment"]
    assert len(due) == 1 and "is due by" in due[0]
    later = now + timedelta(days=11)
    assert agreements_remind_due(now=later) == 1
    assert agreements_remind_due(now=later) == 0
    fan_out_all()
    overdue = [t for k, t in titles(ann) if k == "agreement_payment"]
    assert len(overdue) == 2 and "has passed" in overdue[1]
    assert Agreement.objects.get(pk=agreement.pk).reminders_sent == 2
