"""A claim's author hears of new comments on it, once, as they chose; notification texts are
plain text; every email's footer is a sentence."""

import pytest
from django.core import mail
from django.urls import reverse

from bets.conversation import comments as svc
from bets.conversation.delivery import build_email, emails_send
from bets.conversation.events import event_notify
from bets.conversation.jobs import digests_send
from bets.conversation.kinds import KINDS
from bets.conversation.notify import Message, notify_users
from bets.conversation.preferences import preferences_save
from bets.models import Notification, Profile
from tests.conversation.conftest import verify_email

pytestmark = pytest.mark.django_db


def _comment(claim, author, body, **extra):
    comment = svc.comment_create(claim_id=claim.pk, author=author, body=body, **extra)
    event_notify(event="comment.created", object_id=comment.pk)
    return comment


def test_the_claims_author_hears_of_a_new_comment_once_even_when_the_event_comes_twice(
    claim, ann, bob
):
    comment = _comment(claim, bob, "I doubt it")
    event_notify(event="comment.created", object_id=comment.pk)
    rows = list(Notification.objects.filter(recipient=ann))
    assert [(n.kind, n.title) for n in rows] == [
        ("comment_on_claim", "bob commented on your claim “Gap widens”")]
    assert rows[0].url.endswith(f"#comment-{comment.pk}")


def test_the_author_commenting_on_their_own_claim_is_not_notified(claim, ann):
    _comment(claim, ann, "Some context from the author")
    assert not Notification.objects.exists()


def test_a_reply_to_the_author_is_one_notification_of_the_reply_kind(claim, ann, bob):
    top = svc.comment_create(claim_id=claim.pk, author=ann, body="I say yes")
    _comment(claim, bob, "No, @ann", parent_id=top.pk)
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [
        ("ann", "comment_reply")]


def test_the_author_who_switched_claim_comments_off_hears_nothing(claim, ann, bob):
    preferences_save(user=ann, data={"kind_comment_on_claim": "off"})
    _comment(claim, bob, "I doubt it")
    assert not Notification.objects.filter(recipient=ann).exists()


def test_the_author_who_chose_in_crux_only_gets_no_email(claim, ann, bob):
    verify_email(ann)
    preferences_save(user=ann, data={"kind_comment_on_claim": "inapp"})
    _comment(claim, bob, "I doubt it")
    assert Notification.objects.get(recipient=ann).email_status == "none"


def test_the_settings_page_offers_the_choice_for_comments_on_my_claims(client, ann, claim, bob):
    client.force_login(ann)
    page = client.get(reverse("notification-settings")).content.decode()
    assert "Someone comments on a claim you proposed" in page
    assert 'name="kind_comment_on_claim"' in page
    client.post(reverse("notification-settings"), {"kind_comment_on_claim": "off"})
    _comment(claim, bob, "I doubt it")
    assert not Notification.objects.filter(recipient=ann).exists()


def test_notification_texts_are_plain_text_in_the_inbox_and_the_email(client, claim, ann, bob):
    verify_email(ann)
    _comment(claim, bob, "It *can* happen: see [the table](https://example.org/t) and **this**.")
    n = Notification.objects.get(recipient=ann)
    assert n.body == "It can happen: see the table (https://example.org/t) and this."
    client.force_login(ann)
    inbox = client.get(reverse("notifications")).content.decode()
    assert "It can happen" in inbox and "*can*" not in inbox
    assert emails_send(notification_ids=[n.pk]) == (1, None)
    assert "It can happen: see the table (https://example.org/t)" in mail.outbox[0].body
    assert "*" not in mail.outbox[0].body


def test_a_reply_reads_as_plain_text_in_its_notification(claim, ann, bob):
    top = svc.comment_create(claim_id=claim.pk, author=ann, body="I say yes")
    _comment(claim, bob, "It *can't* happen, see `table 2` and _this_", parent_id=top.pk)
    assert Notification.objects.get(recipient=ann).body == (
        "It can't happen, see table 2 and this")


def test_the_email_footer_of_a_settled_bet_is_a_sentence(ann):
    verify_email(ann)
    notify_users(key="k", message=Message("bet_settled", "Your bets settled", "/"),
                 user_ids=[ann.pk])
    emails_send(notification_ids=[Notification.objects.get().pk])
    body = mail.outbox[0].body
    assert "Stop emails about your bets being settled: http" in body
    assert "your bet is settled" not in body


def test_every_kinds_footer_names_what_it_stops_as_a_noun_phrase(ann):
    for kind in KINDS.values():
        body = build_email(to="a@example.org", user_id=ann.pk, kind=kind.name, subject="s",
                           lines=["x"]).body
        assert f"Stop emails about {kind.about}: http" in body
        # The old footer glued the settings sentence in ("about your bet is settled").
        assert kind.label.lower() not in body


def test_the_digest_footer_offers_to_stop_all_emails(ann):
    verify_email(ann)
    Profile.objects.filter(user=ann).update(digest=True)
    notify_users(key="k", message=Message("offer_taken", "Your offer was taken", "/"),
                 user_ids=[ann.pk])
    assert digests_send() == 1
    assert "Stop all Crux emails: http" in mail.outbox[0].body
