import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signing_up_logs_the_new_participant_in_and_the_nav_says_so(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        follow=True,
    )
    assert get_user_model().objects.filter(username="newbie").exists()
    assert "Logged in as" in response.content.decode() and "newbie" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"username": "x", "password1": "a-long-pass-phrase", "password2": "different-phrase"},
        {"username": "", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
        {"username": "x", "password1": "123", "password2": "123"},
        {},
    ],
)
def test_bad_signups_are_refused_with_a_message(client, data):
    response = client.post(reverse("signup"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not get_user_model().objects.exists()


def test_logging_in_and_out(client, ann):
    response = client.post(
        reverse("login"), {"username": "ann", "password": "correct-horse-battery"}, follow=True
    )
    assert "Logged in as" in response.content.decode()
    assert client.get(reverse("logout")).status_code == 405  # a link cannot log anyone out
    response = client.post(reverse("logout"), follow=True)
    assert "Log in" in response.content.decode() and "Logged in as" not in response.content.decode()


def test_a_wrong_password_is_refused(client, ann):
    response = client.post(reverse("login"), {"username": "ann", "password": "nope"})
    assert response.status_code == 200 and response.context["form"].errors
    assert "_auth_user_id" not in client.session
