"""Helpers shared by the page views."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from bets.common.errors import ServiceError

# Set in the session by sign-up; the home page pops it and shows its welcome once.
WELCOME_KEY = "crux.welcome"


def staff_required(view):
    """403 for everyone but moderators (anonymous visitors included): never a login bounce
    that would hide that the page exists for staff only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            raise PermissionDenied("Moderators only.")
        return view(request, *args, **kwargs)

    return wrapper


def add_service_error(form, exc: ServiceError) -> None:
    """Show a service's refusal on the field it names, or on the form as a whole."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
