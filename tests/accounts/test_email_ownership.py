"""One verified address belongs to one account, and a password reset goes only to an account
whose address is verified."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from bets.accounts import profiles
from bets.models import Profile
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase"


def _verified(user, email):
    user.email = email
    user.save(update_fields=["email"])
    Profile.objects.update_or_create(user=user, defaults={"verified_email": email})


def _links(message):
    return re.findall(r"https?://\S+", message.body)


def test_a_second_account_with_someone_elses_address_gets_no_reset_link(
    client, django_capture_on_commit_callbacks
):
    victim = make_user("victim")
    _verified(victim, "victim@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), {"username": "mallory", "email": "Victim@Example.org",
                                        "password1": PASSWORD, "password2": PASSWORD})
    mail.outbox.clear()
    Client().post(reverse("password_reset"), {"email": "victim@example.org"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "victim" in body and "mallory" not in body
    assert len(_links(mail.outbox[0])) == 1


def test_an_account_whose_address_is_unverified_gets_no_reset(client):
    ann = make_user("ann")
    ann.email = "ann@example.org"
    ann.save()
    client.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert mail.outbox == []


def test_verifying_an_address_another_account_has_verified_is_refused(client):
    owner = make_user("owner")
    _verified(owner, "shared@example.org")
    other = make_user("other")
    other.email = "SHARED@example.org"
    other.save()
    token = profiles.verification_token(user_id=other.pk, email="SHARED@example.org")
    response = client.get(reverse("email-verify", args=[token]))
    assert response.status_code == 409
    assert "already confirmed for another account" in response.content.decode()
    assert not profiles.email_is_verified(other)


def test_the_database_refuses_a_second_verified_copy_of_an_address_in_any_case():
    _verified(make_user("owner"), "shared@example.org")
    other = make_user("other")
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(user=other, verified_email="Shared@Example.ORG")


def test_the_link_for_an_address_verified_elsewhere_is_not_sent_and_its_owner_is_told(
    client, django_capture_on_commit_callbacks
):
    _verified(make_user("owner"), "owner@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), {"username": "second", "email": "owner@example.org",
                                        "password1": PASSWORD, "password2": PASSWORD})
    assert len(mail.outbox) == 1
    assert "already confirmed" in mail.outbox[0].body
    assert "/account/verify/" not in mail.outbox[0].body


def test_changing_the_email_frees_the_old_verified_address(client):
    ann = make_user("ann")
    _verified(ann, "ann@example.org")
    profiles.profile_update(user=ann, display_name="", bio="", email="ann@new.example.org")
    bob = make_user("bob")
    bob.email = "ann@example.org"
    bob.save()
    assert profiles.email_verify(
        token=profiles.verification_token(user_id=bob.pk, email="ann@example.org")) == bob


def test_the_reset_email_names_the_site_in_its_subject_and_links_to_the_site_url(
    client, settings
):
    settings.CRUX_SITE_NAME = "Forecast Club"
    settings.CRUX_SITE_URL = "https://crux.example.org"
    _verified(make_user("ann"), "ann@example.org")
    client.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert mail.outbox[0].subject == "Forecast Club: reset your password"
    assert _links(mail.outbox[0])[0].startswith("https://crux.example.org/reset/")


def test_the_site_name_defaults_to_crux(client):
    _verified(make_user("ann"), "ann@example.org")
    client.post(reverse("password_reset"), {"email": "ann@example.org"})
    assert mail.outbox[0].subject == "Crux: reset your password"


def _reset(client, email, new_password="a-new-horse-battery"):
    client.post(reverse("password_reset"), {"email": email})
    path = "/" + _links(mail.outbox[-1])[0].split("/", 3)[3]
    form = client.get(path, follow=True)
    return client.post(form.redirect_chain[-1][0], {"new_password1": new_password,
                                                    "new_password2": new_password},
                       follow=True)


def test_a_password_reset_ends_the_api_token_and_says_so(client):
    ann = make_user("ann")
    _verified(ann, "ann@example.org")
    key = Token.objects.create(user=ann).key
    assert Client().get("/api/notifications/",
                        HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    page = _reset(client, "ann@example.org")
    assert "API token was revoked" in page.content.decode()
    assert Client().get("/api/notifications/",
                        HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    ann.refresh_from_db()
    assert ann.check_password("a-new-horse-battery")


def test_a_password_reset_lifts_the_owners_log_in_limit(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CRUX_LOGIN_MAX_FAILURES = 2
    ann = make_user("ann")
    _verified(ann, "ann@example.org")
    for _ in range(2):
        client.post(reverse("login"), {"username": "ann", "password": "guess"})
    with django_capture_on_commit_callbacks(execute=True):
        _reset(Client(), "ann@example.org")
    response = client.post(reverse("login"), {"username": "ann",
                                              "password": "a-new-horse-battery"})
    assert response.status_code == 302
