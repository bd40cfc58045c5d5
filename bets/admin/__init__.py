"""The admin site, one module per domain. Moderation, resolution and hiding actions call
services; every table is read-only here (endpoints excepted, through their checks).

Importing this package registers every module's tables (Django's autodiscovery imports
`bets.admin`)."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm

from bets.accounts.backends import LimitedLoginFormMixin
from bets.admin import autoresolve, betting, claims, conversation  # noqa: F401


class LimitedAdminAuthenticationForm(LimitedLoginFormMixin, AdminAuthenticationForm):
    """The admin's log-in obeys the site's log-in limits (the backend counts and refuses);
    this form only says so when it refuses."""


admin.site.login_form = LimitedAdminAuthenticationForm
