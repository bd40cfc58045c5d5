"""Token authentication (`Authorization: Token <key>`) for scripts and bots.

DRF's own class, with its lookup as one plain SQL join: it runs on every bot request, and
the ORM's query building cost more than the rest of a cached read (see bets.common.sql). The user
is loaded with the columns authentication and permissions read; others load on access.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from bets.common import sql

User = get_user_model()
USER_COLUMNS = ("id", "username", "is_active", "is_staff", "is_superuser")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        columns = ", ".join(f"u.{c}" for c in USER_COLUMNS)
        row = sql.fetch_one(
            f"SELECT {columns}, t.created FROM authtoken_token t "  # noqa: S608
            f"JOIN auth_user u ON u.id = t.user_id WHERE t.key = %s",
            [key],
        )
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = sql.model_from_row(User, USER_COLUMNS, row[:-1])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user, created=row[-1])
