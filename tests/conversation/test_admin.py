"""The admin's conversation tables: read-only lists, and hiding comments through the service
with a reason."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from bets.conversation import comments as svc
from bets.models import Comment, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, mod):
    client.force_login(mod)
    return client


def _hide(client, comment, **extra):
    data = {"action": "hide", helpers.ACTION_CHECKBOX_NAME: [comment.pk], "index": 0} | extra
    return client.post(reverse("admin:bets_comment_changelist"), data, follow=True)


@pytest.mark.parametrize("table", ["comment", "notification", "claimfollow", "profile",
                                   "jobheartbeat", "eventoutbox", "eventfanout"])
def test_staff_list_each_conversation_table_but_cannot_add_change_or_delete(staff, table):
    assert staff.get(reverse(f"admin:bets_{table}_changelist")).status_code == 200
    assert staff.get(reverse(f"admin:bets_{table}_add")).status_code == 403


def test_failed_emails_are_listed_with_their_error_and_filter_by_state(staff, ann):
    common = {"recipient": ann, "kind": "claim_resolved", "created_at": "2026-01-01T00:00Z"}
    Notification.objects.create(key="a", title="Sent one", email_status="sent", **common)
    Notification.objects.create(key="b", title="Failed one", email_status="failed",
                                email_error="SMTPServerDisconnected: gone", **common)
    page = staff.get(reverse("admin:bets_notification_changelist") + "?email_status__exact=failed")
    text = page.content.decode()
    assert "Failed one" in text and "SMTPServerDisconnected: gone" in text
    assert "Sent one" not in text
    kinds = staff.get(reverse("admin:bets_notification_changelist") + "?kind=claim_resolved")
    assert kinds.status_code == 200


def test_hiding_a_comment_asks_for_the_reason_first_and_refuses_none(staff, claim, bob):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Buy my course")
    asked = _hide(staff, comment)
    assert asked.status_code == 200 and "Shown in place of the comment" in asked.content.decode()
    empty = _hide(staff, comment, apply="1", reason="")
    assert "This field is required" in empty.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_hiding_a_comment_goes_through_the_service_with_its_reason(staff, claim, bob, mod):
    comment = svc.comment_create(claim_id=claim.pk, author=bob, body="Buy my course")
    done = _hide(staff, comment, apply="1", reason="Advertising")
    assert "Hid 1 comment(s)." in done.content.decode()
    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.hidden_by, comment.hidden_reason) == (mod, "Advertising")
    again = _hide(staff, comment, apply="1", reason="Twice")
    assert "already hidden" in again.content.decode()
    assert Comment.objects.get(pk=comment.pk).hidden_reason == "Advertising"
