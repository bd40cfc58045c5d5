"""Sign-up: parallel sign-ups of one name, names that look like an existing one, and how
many accounts (each with its starting grant) one address may open."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from bets.models import Account
from tests.accounts.conftest import run_together
from tests.factories import make_user

PASSWORD = "a-long-pass-phrase"
User = get_user_model()


def _sign_up(client, username, address="198.51.100.7", email=""):
    return client.post(reverse("signup"), {"username": username, "email": email,
                                           "password1": PASSWORD, "password2": PASSWORD},
                       REMOTE_ADDR=address)


@pytest.mark.django_db(transaction=True)
def test_five_parallel_sign_ups_of_one_username_give_one_account_and_four_form_errors(
    slow_hasher
):
    def sign_up():
        response = _sign_up(Client(raise_request_exception=False), "racer")
        errors = response.context["form"].errors if response.status_code == 400 else {}
        return response.status_code, errors

    results = run_together([sign_up] * 5)
    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 400, 400, 400, 400], results
    for status, errors in results:
        if status == 400:
            assert "username" in errors
    assert User.objects.filter(username="racer").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("existing", "attempt"), [
    ("admin", "\u0430dmin"),        # Cyrillic а
    ("ada", "\u0430da"),            # Cyrillic а
    ("dona", "d\u03bfna"),          # Greek ο
    ("ada", "ada\u0301"),           # a combining acute accent
    ("ada", "ad\u00e1"),            # the same, precomposed
    ("ace", "\u0430\u0441\u0435"),  # all Cyrillic, no mixing, looks the same
    ("will", "wi11"),               # digits that look like letters
])
def test_a_username_that_looks_like_an_existing_one_is_refused(client, existing, attempt):
    make_user(existing)
    response = _sign_up(client, attempt)
    assert response.status_code == 400
    assert "looks like" in " ".join(response.context["form"].errors["username"])
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("attempt", ["p\u0430ypal", "\u0440aypal", "jo\u03b7n"])
def test_a_username_mixing_scripts_is_refused_even_with_no_look_alike(client, attempt):
    response = _sign_up(client, attempt)
    assert response.status_code == 400
    assert "one script" in " ".join(response.context["form"].errors["username"])
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["\u0418\u0440\u0438\u043d\u0430", "Jos\u00e9",
                                  "\u5c71\u7530\u305f\u308d\u3046", "dora_2"])
def test_names_in_one_script_that_look_like_no_one_are_accepted(client, name):
    make_user("jose_")
    response = _sign_up(client, name)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert User.objects.filter(username=name).exists()


@pytest.mark.django_db
def test_sign_ups_are_limited_per_address_and_the_refused_one_gets_no_grant(settings):
    settings.CRUX_SIGNUPS_PER_ADDRESS_PER_DAY = 3
    for i in range(3):
        assert _sign_up(Client(), f"farm{i}", address="203.0.113.9").status_code == 302
    accounts = Account.objects.count()
    response = _sign_up(Client(), "farm3", address="203.0.113.9")
    assert response.status_code == 400
    assert "Too many sign-ups" in response.content.decode()
    assert not User.objects.filter(username="farm3").exists()
    assert Account.objects.count() == accounts
    # Someone else, elsewhere, is not affected.
    assert _sign_up(Client(), "neighbour", address="198.51.100.20").status_code == 302


@pytest.mark.django_db
def test_the_sign_up_limit_counts_a_whole_ipv6_64_as_one_address(settings):
    settings.CRUX_SIGNUPS_PER_ADDRESS_PER_DAY = 2
    assert _sign_up(Client(), "six0", address="2001:db8:1:2::a").status_code == 302
    assert _sign_up(Client(), "six1", address="2001:db8:1:2::b").status_code == 302
    assert _sign_up(Client(), "six2", address="2001:db8:1:2:ffff::c").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["form", "service"])
def test_a_username_with_a_direction_changing_character_is_refused(client, path):
    """"\u202eevil" displays as "live": refused by the sign-up form and by the service
    every other way in goes through."""
    name = "\u202eevil"
    if path == "form":
        response = _sign_up(client, name)
        assert response.status_code == 400
        assert response.context["form"].errors["username"]
    else:
        from bets.accounts.signups import participant_sign_up
        from bets.common.errors import InvalidInput

        with pytest.raises(InvalidInput, match="direction-changing character"):
            participant_sign_up(username=name, email="", password=PASSWORD,
                                address="198.51.100.9")
    assert not User.objects.exists()
