"""Password resets: who may receive one, and what a reset ends.

A reset link goes only to an account whose current address is the one it verified: an
address typed at sign-up proves nothing, and whoever controls an address must never receive a
reset for someone else's account. A verified address belongs to one account (a unique index on
Profile), so a reset request names at most one account. A reset ends the sessions (Django's
session hash), the API token (a script holding the old token must stop too) and the
username's log-in limits (whoever reset it holds the verified address).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from rest_framework.authtoken.models import Token

from bets.accounts import limits
from bets.common.dispatch import after_commit


def reset_recipients(*, email: str) -> list:
    """The active account with a usable password whose verified address is `email` (any
    case), as a list of at most one user."""
    users = get_user_model().objects.filter(
        is_active=True, email__iexact=email, profile__verified_email=F("email"))
    return [user for user in users if user.has_usable_password()]


@transaction.atomic
def password_reset_finish(*, user) -> bool:
    """After a reset set the new password: revoke the API token and, once committed, clear
    the log-in limits. True when a token was revoked, so the page can say so."""
    deleted, _ = Token.objects.filter(user=user).delete()
    # After commit, as a statement of its own: this transaction holds the user's row (the new
    # password), and a log-in holding a counter's lock may be waiting to write that row.
    username = user.get_username()
    after_commit(lambda: limits.login_limits_clear(username=username))
    return bool(deleted)
