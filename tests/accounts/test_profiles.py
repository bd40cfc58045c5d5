"""Accounts: optional email verified by a signed link, password reset, profile, throttling."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from bets.accounts import profiles
from bets.models import AttemptCounter, Profile
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_without_an_email_works_and_sends_nothing(client):
    response = client.post(reverse("signup"), {"username": "dora", "password1": PASSWORD,
                                               "password2": PASSWORD})
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_up_with_an_email_sends_a_link_that_verifies_it(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), {"username": "dora", "email": "dora@example.org",
                                        "password1": PASSWORD, "password2": PASSWORD})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dora@example.org"]
    link = _link(mail.outbox[0])
    page = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200 and "dora@example.org is confirmed" in page.content.decode()
    assert Profile.objects.get(user__username="dora").verified_email == "dora@example.org"


def test_a_tampered_verification_link_is_refused_and_changes_nothing(client, ann):
    ann.email = "ann@example.org"
    ann.save()
    token = profiles.verification_token(user_id=ann.pk, email="ann@example.org")
    response = client.get(reverse("email-verify", args=[token[:-2] + "xx"]))
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert not profiles.email_is_verified(ann)


def test_a_link_for_an_address_the_user_no_longer_has_is_refused(ann):
    ann.email = "new@example.org"
    ann.save()
    token = profiles.verification_token(user_id=ann.pk, email="old@example.org")
    assert profiles.email_verify(token=token) is None
    assert not profiles.email_is_verified(ann)


def test_changing_the_email_in_the_profile_needs_verifying_again(
    client, ann, django_capture_on_commit_callbacks
):
    ann.email = "ann@example.org"
    ann.save()
    Profile.objects.create(user=ann, verified_email="ann@example.org")
    client.force_login(ann)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("profile-settings"), {"display_name": "Ann B.", "bio": "Forecaster",
                                                  "email": "ann@new.example.org"})
    ann.refresh_from_db()
    assert ann.email == "ann@new.example.org" and not profiles.email_is_verified(ann)
    assert Profile.objects.get(user=ann).display_name == "Ann B."
    assert mail.outbox[-1].to == ["ann@new.example.org"]


def test_an_oversized_bio_or_bad_email_is_refused_and_nothing_is_saved(client, ann):
    client.force_login(ann)
    response = client.post(reverse("profile-settings"), {"display_name": "A", "bio": "b" * 501,
                                                         "email": "not-an-email"})
    assert response.status_code == 400
    assert not Profile.objects.filter(user=ann, display_name="A").exists()


def test_a_password_is_reset_by_email(client, ann):
    ann.email = "ann@example.org"
    ann.save()
    Profile.objects.create(user=ann, verified_email="ann@example.org")
    client.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0])
    path = link.split("127.0.0.1:8000", 1)[1]
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    client.post(form.redirect_chain[-1][0], {"new_password1": "a-new-horse-battery",
                                             "new_password2": "a-new-horse-battery"})
    ann.refresh_from_db()
    assert ann.check_password("a-new-horse-battery")


def test_repeated_wrong_passwords_lock_the_username_even_for_the_right_one(client, settings):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    make_user("eve")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "eve", "password": "guess"})
        assert "Please enter a correct username and password" in response.content.decode()
    response = client.post(reverse("login"), {"username": "eve", "password": PASSWORD})
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_log_in_clears_the_earlier_failures(client):
    make_user("fay")
    client.post(reverse("login"), {"username": "fay", "password": "guess"})
    response = client.post(reverse("login"), {"username": "fay", "password": PASSWORD})
    assert response.status_code == 302
    assert not AttemptCounter.objects.filter(key__startswith="login:", key__endswith="|fay")


# --- the public participant page and API show the profile ----------------------------------


def test_the_participant_page_shows_the_display_name_with_the_username_and_the_bio(client):
    dora = make_user("dora")
    profiles.profile_update(user=dora, display_name="Dora Marquez",
                            bio="Evals person.\nMostly reasoning benchmarks.", email="")
    page = client.get(reverse("participant", args=["dora"])).content.decode()
    assert '<h1>Dora Marquez <span class="meta">@dora</span></h1>' in page
    assert "<title>Dora Marquez" in page
    assert "Evals person.<br>Mostly reasoning benchmarks." in page


def test_html_in_a_bio_or_display_name_is_shown_as_inert_text(client, anon):
    eve = make_user("eve")
    profiles.profile_update(user=eve, display_name="<b>Eve</b>",
                            bio='<script>alert(1)</script><img src=x onerror="alert(2)">',
                            email="")
    page = client.get(reverse("participant", args=["eve"])).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x" in page
    assert "&lt;b&gt;Eve&lt;/b&gt;" in page and "<b>Eve</b>" not in page
    data = anon.get("/api/participants/eve/").json()
    assert data["display_name"] == "<b>Eve</b>"  # JSON carries the text as written
    assert data["bio"].startswith("<script>")


def test_without_a_profile_the_page_shows_the_username_and_creates_nothing(client, anon):
    make_user("fay")
    page = client.get(reverse("participant", args=["fay"])).content.decode()
    assert "<h1>fay</h1>" in page and 'class="bio"' not in page
    data = anon.get("/api/participants/fay/").json()
    assert (data["display_name"], data["bio"]) == ("", "")
    assert not Profile.objects.filter(user__username="fay").exists()
