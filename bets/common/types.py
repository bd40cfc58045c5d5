"""The types that signatures across bets/ share: who acts, who reads, and the requests that
carry them.

Crux keeps Django's own user model (there is no AUTH_USER_MODEL of its own), so a signed-in
person is django.contrib.auth.models.User; it is imported for the type checker only, since
this module may load before the app registry does.

- `AuthUser`: a signed-in person (services that act for someone: `user`, `actor`, `author`).
- `Viewer`: whoever reads a page or an endpoint, perhaps signed out (`request.user`).
- `SignedInRequest` / `SignedInApiRequest`: the request of a view that only signed-in
  people reach (login_required, IsAuthenticated), whose `user` is therefore an AuthUser.
  Public views take django.http.HttpRequest or rest_framework.request.Request as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

AuthUser: TypeAlias = "User"
Viewer: TypeAlias = "User | AnonymousUser"


class SignedInRequest(HttpRequest):
    """Only for annotations: what login_required views receive."""

    user: AuthUser


class SignedInApiRequest(Request):
    """Only for annotations: what views with IsAuthenticated (or stricter) receive."""

    user: AuthUser
