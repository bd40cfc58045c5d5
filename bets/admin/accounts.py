"""The admin's password change, with the old password checked through authenticate().

Django's admin compares the old password directly (`user.check_password`), outside the
authentication backend, so guesses there were neither counted nor limited. This view is the
admin's own (same template, same URL, mounted before the admin's in config/urls.py) with a
form whose old-password check goes through the backend, counted and limited like a log-in
from the same address (bets/accounts/limits.py).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse

from bets.accounts import limits
from bets.accounts.backends import REFUSED_FLAG


class LimitedPasswordChangeForm(AdminPasswordChangeForm):
    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(),
                               password=old_password)
        if checked is None or checked.pk != self.user.pk:
            if getattr(self.request, REFUSED_FLAG, False):
                raise forms.ValidationError(limits.login_refused_message(), code="throttled")
            raise forms.ValidationError(self.error_messages["password_incorrect"],
                                        code="password_incorrect")
        return old_password


class LimitedPasswordChangeView(PasswordChangeView):
    form_class = LimitedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def _password_change(request):
    request.current_app = admin.site.name
    return LimitedPasswordChangeView.as_view(
        success_url=reverse("admin:password_change_done", current_app=admin.site.name),
        extra_context=admin.site.each_context(request),
    )(request)


# The admin's own guard: staff only, never cached, log-in page for everyone else.
password_change = admin.site.admin_view(_password_change, cacheable=False)
