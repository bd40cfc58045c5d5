"""Log-in limits: guessing is throttled per (username, client address) and per address, on
every path that checks a password, atomically; a stranger cannot lock the owner out."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import run_together
from tests.factories import make_user

PASSWORD = "correct-horse-battery"
OWNER = "198.51.100.7"
STRANGER = "203.0.113.66"
REFUSED = "Too many failed log-ins"


def _log_in(client, username, password, address, path="/login/"):
    return client.post(path, {"username": username, "password": password},
                       REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_strangers_failures_do_not_lock_the_owner_out(client, settings):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    make_user("eve")
    stranger = Client()
    for _ in range(10):
        _log_in(stranger, "eve", "guess", STRANGER)
    response = _log_in(client, "eve", PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_guesses_from_one_address_stop_at_the_limit_even_with_the_right_password(
    client, settings
):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    make_user("eve")
    for _ in range(3):
        response = _log_in(client, "eve", "guess", STRANGER)
        assert "Please enter a correct username and password" in response.content.decode()
    response = _log_in(client, "eve", PASSWORD, STRANGER)
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_one_address_guessing_many_usernames_is_stopped_at_the_address_limit(client, settings):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    settings.CRUX_LOGIN_ADDRESS_MAX_FAILURES = 6
    for i in range(8):
        make_user(f"user{i}")
    for i in range(6):
        _log_in(client, f"user{i}", "guess", STRANGER)
    response = _log_in(client, "user7", PASSWORD, STRANGER)
    assert REFUSED in response.content.decode()
    # The same person from their own address is not affected.
    assert _log_in(Client(), "user7", PASSWORD, OWNER).status_code == 302


@pytest.mark.django_db
def test_a_successful_log_in_clears_that_addresss_failures_for_the_username(client, settings):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    make_user("fay")
    for _ in range(2):
        _log_in(client, "fay", "guess", OWNER)
    assert _log_in(client, "fay", PASSWORD, OWNER).status_code == 302
    client.post(reverse("logout"))
    for _ in range(2):
        _log_in(client, "fay", "guess", OWNER)
    assert _log_in(client, "fay", PASSWORD, OWNER).status_code == 302


@pytest.mark.django_db
def test_a_lock_earned_on_the_site_log_in_also_holds_on_the_admin_log_in(client, settings):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    make_user("boss", staff=True)
    for _ in range(3):
        _log_in(client, "boss", "guess", STRANGER)
    response = _log_in(client, "boss", PASSWORD, STRANGER, path="/admin/login/")
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_guesses_on_the_admin_log_in_are_counted_and_refused(client, settings):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    make_user("boss", staff=True)
    for _ in range(20):
        _log_in(client, "boss", "guess", STRANGER, path="/admin/login/")
    response = _log_in(client, "boss", PASSWORD, STRANGER)
    assert REFUSED in response.content.decode()
    response = _log_in(client, "boss", PASSWORD, STRANGER, path="/admin/login/")
    assert REFUSED in response.content.decode() and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_api_takes_no_password_so_basic_credentials_are_no_way_in(ann):
    import base64

    credentials = base64.b64encode(f"ann:{PASSWORD}".encode()).decode()
    response = Client().post("/api/claims/", {}, HTTP_AUTHORIZATION=f"Basic {credentials}",
                             content_type="application/json")
    assert response.status_code in (401, 403)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_twelve_parallel_guesses_get_no_more_password_checks_than_the_limit(
    settings, slow_hasher, path
):
    settings.CRUX_LOGIN_MAX_FAILURES = 5
    make_user("gil", staff=True)
    slow_hasher.checks = 0  # creating the user hashed a password, not checked one

    def guess():
        return _log_in(Client(), "gil", "wrong-guess", STRANGER, path=path).status_code

    statuses = run_together([guess] * 12)
    assert all(status == 200 for status in statuses), statuses
    assert slow_hasher.checks == 5


@pytest.mark.django_db
def test_counters_whose_window_closed_days_ago_are_pruned_by_the_next_attempt(
    client, django_capture_on_commit_callbacks
):
    import time

    from bets.models import AttemptCounter

    make_user("hal")
    AttemptCounter.objects.create(key="login:192.0.2.1|old", count=5,
                                  window_start=int(time.time()) - 3 * 24 * 3600)
    AttemptCounter.objects.create(key="login:192.0.2.1|recent", count=2,
                                  window_start=int(time.time()) - 600)
    with django_capture_on_commit_callbacks(execute=True):
        _log_in(client, "hal", "guess", STRANGER)
    keys = set(AttemptCounter.objects.values_list("key", flat=True))
    assert "login:192.0.2.1|old" not in keys and "login:192.0.2.1|recent" in keys


@pytest.mark.django_db
def test_the_admins_password_change_counts_old_password_guesses_and_obeys_the_limit(
    client, settings
):
    settings.CRUX_LOGIN_MAX_FAILURES = 3
    boss = make_user("boss", staff=True)
    client.force_login(boss)
    change = "/admin/password_change/"

    def attempt(old):
        return client.post(change, {"old_password": old, "new_password1": "a-new-horse-battery",
                                    "new_password2": "a-new-horse-battery"},
                           REMOTE_ADDR=STRANGER)

    for _ in range(3):
        assert "Your old password was entered incorrectly" in attempt("guess").content.decode()
    response = attempt(PASSWORD)
    assert REFUSED in response.content.decode()
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)
    # The same guesses count on the log-in pages.
    assert REFUSED in _log_in(Client(), "boss", PASSWORD, STRANGER).content.decode()


@pytest.mark.django_db
def test_the_admins_password_change_works_with_the_right_old_password(client):
    boss = make_user("boss", staff=True)
    assert Client().get("/admin/password_change/").status_code == 302  # to the admin log-in
    client.force_login(boss)
    page = client.get("/admin/password_change/")
    assert page.status_code == 200 and 'name="old_password"' in page.content.decode()
    response = client.post("/admin/password_change/", {
        "old_password": PASSWORD, "new_password1": "a-new-horse-battery",
        "new_password2": "a-new-horse-battery"})
    assert response.status_code == 302
    boss.refresh_from_db()
    assert boss.check_password("a-new-horse-battery")
