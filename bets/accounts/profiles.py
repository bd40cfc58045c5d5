"""Profiles (display name, bio), email addresses verified by a signed link, and log-in
throttling against password guessing.

Crux uses Django's own auth views (log-in, log-out, password reset) rather than
django-allauth: they are already in use, need no extra app, tables or templates of a
framework, and what Crux asks of accounts (an optional email, verified by a signed link,
reset by email) is a few lines on top of them. Throttling is a limiter of Crux's own rather
than django-axes: axes needs the request in every authenticate() call (the test client's
login and API token checks have none) and its own tables and middleware; counting failures
per username in one small table works across web processes and is easy to reason about.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bets.common.errors import InvalidInput
from bets.common.types import AuthUser
from bets.models import LoginFailure, Profile

VERIFY_SALT = "crux.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
DISPLAY_NAME_MAX = 60
BIO_MAX = 500


def profile_of(user: AuthUser) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def profile_public(user: AuthUser) -> dict[str, str]:
    """What anyone may read of a profile: the display name and bio, plain text (pages escape
    them); empty strings for someone who never saved a profile. Reads only: a public page
    must not create rows."""
    row = Profile.objects.filter(user=user).values_list("display_name", "bio").first()
    display_name, bio = row or ("", "")
    return {"display_name": display_name, "bio": bio}


def email_is_verified(user: AuthUser) -> bool:
    return bool(user.email) and Profile.objects.filter(
        user=user, verified_email=user.email).exists()


def _clean_email(email) -> str:
    email = (email or "").strip() if isinstance(email, str) else ""
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("Enter a valid email address.", field="email") from None
    return email


def verification_token(*, user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=VERIFY_SALT)


def email_verification_send(*, user: AuthUser) -> None:
    """Send a signed link to the user's current address (valid for three days)."""
    if not user.email:
        return
    link = settings.CRUX_SITE_URL + reverse(
        "email-verify", args=[verification_token(user_id=user.pk, email=user.email)])
    send_mail(
        "Crux: confirm your email address",
        f"Hello {user.username},\n\nConfirm that this address is yours, so Crux can email you "
        f"the notifications you choose:\n\n{link}\n\nThe link works for three days. If you "
        "did not sign up for Crux, ignore this email.",
        None,
        [user.email],
    )


def email_verify(*, token: str):
    """Mark the address a link was made for as verified; the user, or None for a link that
    was altered, expired, or names an address the user no longer has."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None or not user.email or user.email != data.get("e"):
        return None
    Profile.objects.update_or_create(user=user, defaults={"verified_email": user.email})
    return user


@transaction.atomic
def profile_update(*, user: AuthUser, display_name, bio, email) -> Profile:
    """Save the profile; a new email address is verified again (a link is sent after
    commit), and until then gets no notification emails."""
    display_name = (display_name or "").strip()
    bio = (bio or "").strip()
    if len(display_name) > DISPLAY_NAME_MAX:
        raise InvalidInput(f"At most {DISPLAY_NAME_MAX} characters.", field="display_name")
    if len(bio) > BIO_MAX:
        raise InvalidInput(f"At most {BIO_MAX} characters.", field="bio")
    email = _clean_email(email)
    profile = profile_of(user)
    profile.display_name, profile.bio = display_name, bio
    profile.save(update_fields=["display_name", "bio"])
    if email != user.email:
        user.email = email
        user.save(update_fields=["email"])
        if email:
            transaction.on_commit(lambda: email_verification_send(user=user), robust=True)
    return profile


# --- log-in throttling ---------------------------------------------------------------------


def _window_start():
    return timezone.now() - timedelta(seconds=settings.CRUX_LOGIN_WINDOW_SECONDS)


def login_locked(username: str) -> bool:
    recent = LoginFailure.objects.filter(username=username.lower()[:150],
                                         created_at__gte=_window_start())
    return recent.count() >= settings.CRUX_LOGIN_MAX_FAILURES


def login_failed(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=(username or "").lower()[:150], ip=ip or None)
    # Keep the table small: failures older than the window no longer count.
    LoginFailure.objects.filter(created_at__lt=_window_start()
                                - timedelta(days=1)).delete()


def login_succeeded(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()[:150]).delete()
