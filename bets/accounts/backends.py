"""The one authentication backend: Django's ModelBackend behind the log-in limits.

Every log-in with a password goes through `django.contrib.auth.authenticate()` and so through
this backend: the site's /login/, the admin's /admin/login/, and any later path that
authenticates with a password (the API takes none: tokens and sessions only). The admin's
password change, which Django checks directly, is replaced by one that calls authenticate()
(bets/admin/accounts.py). Each attempt is
counted before the password is checked (bets.accounts.limits); a refused attempt raises
PermissionDenied, which makes authenticate() stop and fail without checking the password.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from bets.accounts import limits

# Set on the request when the limits refused an attempt, so a log-in form can say why
# instead of "wrong password".
REFUSED_FLAG = "crux_login_refused"


class LimitedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = limits.client_address(request)
        if not limits.login_attempt_begin(username=username, address=address):
            if request is not None:
                setattr(request, REFUSED_FLAG, True)
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            limits.login_attempt_succeeded(username=username, address=address)
        return user


class LimitedLoginFormMixin:
    """For a Django AuthenticationForm: a refused attempt says so, not "wrong password"."""

    def get_invalid_login_error(self):
        if getattr(getattr(self, "request", None), REFUSED_FLAG, False):
            return forms.ValidationError(limits.login_refused_message(), code="throttled")
        return super().get_invalid_login_error()  # type: ignore[misc]
