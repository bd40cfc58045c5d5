"""Profiles (display name, bio) and email addresses verified by a signed link.

Crux uses Django's own auth views (log-in, log-out, password reset) rather than
django-allauth: they are already in use, need no extra app, tables or templates of a
framework, and what Crux asks of accounts (an optional email, verified by a signed link,
reset by email) is a few lines on top of them. One verified address belongs to one account
(case-insensitive, a unique index on Profile): a password reset goes only to the account that
verified the address (bets/accounts/passwords.py), so signing up with someone else's address
gains nothing. Log-in and sign-up limits are in bets/accounts/limits.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse

from bets.common.dispatch import after_commit
from bets.common.errors import Conflict, InvalidInput
from bets.common.types import AuthUser
from bets.models import Profile

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


ADDRESS_TAKEN = ("This address is already confirmed for another account. One address "
                 "belongs to one account: use another address here, or reset that account's "
                 "password by email.")


def verification_token(*, user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=VERIFY_SALT)


def _verified_elsewhere(*, user: AuthUser, email: str) -> bool:
    return Profile.objects.filter(verified_email__iexact=email).exclude(user=user).exists()


def email_verification_send(*, user: AuthUser) -> None:
    """Send a signed link to the user's current address (valid for three days); for an
    address another account has verified, tell its holder instead (no link: it could not
    work, and the holder learns that someone tried)."""
    if not user.email:
        return
    site = settings.CRUX_SITE_NAME
    if _verified_elsewhere(user=user, email=user.email):
        send_mail(
            f"{site}: this address is already in use",
            f"Someone signing up or editing a profile on {site} gave this address. It is "
            "already confirmed for another account (one address belongs to one account), so "
            "nothing changes and no link is sent.\n\nIf that was you and you lost access to "
            f"your account, reset its password:\n\n{settings.CRUX_SITE_URL}"
            f"{reverse('password_reset')}\n\nOtherwise, ignore this email.",
            None,
            [user.email],
        )
        return
    link = settings.CRUX_SITE_URL + reverse(
        "email-verify", args=[verification_token(user_id=user.pk, email=user.email)])
    send_mail(
        f"{site}: confirm your email address",
        f"Hello {user.username},\n\nConfirm that this address is yours, so {site} can email "
        f"you the notifications you choose:\n\n{link}\n\nThe link works for three days. If "
        f"you did not sign up for {site}, ignore this email.",
        None,
        [user.email],
    )


def email_verify(*, token: str):
    """Mark the address a link was made for as verified; the user, or None for a link that
    was altered, expired, or names an address the user no longer has. Raises Conflict when
    another account has verified the address meanwhile (in any case)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None or not user.email or user.email != data.get("e"):
        return None
    if _verified_elsewhere(user=user, email=user.email):
        raise Conflict(ADDRESS_TAKEN)
    try:
        with transaction.atomic():  # the unique index decides a race between two accounts
            Profile.objects.update_or_create(user=user,
                                             defaults={"verified_email": user.email})
    except IntegrityError:
        raise Conflict(ADDRESS_TAKEN) from None
    return user


def email_verification_request(*, user: AuthUser) -> None:
    """Send the verification link once the transaction that set the address commits."""
    after_commit(lambda: email_verification_send(user=user))


@transaction.atomic
def profile_update(*, user: AuthUser, display_name, bio, email) -> Profile:
    """Save the profile; a new email address is verified again (a link is sent after
    commit), and until then gets no notification emails. The old verified address is
    released, so its next holder may verify it."""
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
        profile.verified_email = ""
        profile.save(update_fields=["verified_email"])
        if email:
            email_verification_request(user=user)
    return profile
