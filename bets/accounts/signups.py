"""Sign-up: one service that creates a participant from the sign-up form.

The form checks what it can (password rules, a name already taken); this service makes the
checks that race hold in the database: the username (unique in auth_user) and its look-alike
key (unique in UsernameKey) are inserted in one savepoint, so of several parallel sign-ups
of one name, or of look-alike names, one succeeds and the others get a form error instead of
a server error. Each sign-up is counted against its client address (bets.accounts.limits):
every account comes with the starting grant, which must not be farmable by signing up again
and again.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from bets.accounts import limits, usernames
from bets.common.errors import InvalidInput

TAKEN = "A participant with that username already exists."


def participant_sign_up(*, username: str, email: str, password: str, address: str):
    """Create the participant (with its account and grant, by the post_save signal); raises
    InvalidInput for a refused name or an address past its sign-up limit."""
    refusal = usernames.username_refusal(username)
    if refusal:
        raise InvalidInput(refusal, field="username")
    try:
        with transaction.atomic():
            if not limits.signup_attempt_begin(address=address):
                raise InvalidInput(limits.SIGNUP_REFUSED)
            user = get_user_model().objects.create_user(
                username=username, email=email, password=password)
            # The post_save signal recorded the name's key unless a look-alike took it first.
            if not usernames.username_key_record(user=user):
                raise InvalidInput(usernames.LOOKS_LIKE, field="username")
    except IntegrityError:
        raise InvalidInput(TAKEN, field="username") from None
    return user
