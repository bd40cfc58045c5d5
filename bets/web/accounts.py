"""Account pages: sign-up (email optional), log-in within the limits, email verification,
profile settings, and password reset on Django's own views with Crux's rules (a link only to
a verified address, named after the site; a reset ends the API token)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    UserCreationForm,
)
from django.http import HttpRequest
from django.shortcuts import redirect, render

from bets.accounts import limits, passwords, profiles, signups, usernames
from bets.accounts.backends import LimitedLoginFormMixin
from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest
from bets.web.plumbing.common import WELCOME_KEY, add_service_error

BACKEND = "bets.accounts.backends.LimitedModelBackend"


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Needed for notification emails and password resets, once you "
                  "confirm it with the link we send.",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def clean_username(self):
        username = super().clean_username()
        refusal = usernames.username_refusal(username) if username else None
        if refusal:
            raise forms.ValidationError(refusal, code="confusable")
        return username


class LimitedAuthenticationForm(LimitedLoginFormMixin, AuthenticationForm):
    """The site's log-in form; the limits themselves are in the authentication backend, so
    the admin's log-in obeys the same ones."""


class CruxPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        return passwords.reset_recipients(email=email)


class CruxPasswordResetView(auth_views.PasswordResetView):
    form_class = CruxPasswordResetForm
    template_name = "bets/password/form.html"
    email_template_name = "bets/password/email.txt"
    subject_template_name = "bets/password/subject.txt"

    def form_valid(self, form):
        # The site's name and URL, not the request's Host header: a forged Host must not
        # put another site's address in a reset link.
        self.extra_email_context = {"site_name": settings.CRUX_SITE_NAME,
                                    "site_url": settings.CRUX_SITE_URL}
        return super().form_valid(form)


class CruxPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "bets/password/confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        if passwords.password_reset_finish(user=form.user):
            messages.warning(self.request, "Your API token was revoked with the old password: "
                                           "create a new one on your page when a script "
                                           "needs it.")
        return response


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=profiles.DISPLAY_NAME_MAX, required=False)
    bio = forms.CharField(max_length=profiles.BIO_MAX, required=False,
                          widget=forms.Textarea(attrs={"rows": 3}), label="Short bio")
    email = forms.EmailField(required=False, help_text="Changing it sends a new link to "
                                                       "confirm the new address.")


def signup(request: HttpRequest):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signups.participant_sign_up(
                username=form.cleaned_data["username"], email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                address=limits.client_address(request))
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            if user.email:
                profiles.email_verification_request(user=user)
                messages.info(request, f"We sent a link to {user.email}: open it to confirm "
                                       "your address.")
            login(request, user, backend=BACKEND)
            # The home page, not the empty profile: it welcomes them once and points at claims.
            request.session[WELCOME_KEY] = True
            return redirect("home")
    status = 400 if form.is_bound else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


def email_verify(request: HttpRequest, token: str):
    try:
        user = profiles.email_verify(token=token)
    except ServiceError as exc:
        return render(request, "registration/email_verify.html",
                      {"invalid": True, "reason": exc.message}, status=exc.status_code)
    if user is None:
        return render(request, "registration/email_verify.html", {"invalid": True}, status=400)
    return render(request, "registration/email_verify.html", {"verified": user})


@login_required
def profile_settings(request: SignedInRequest):
    user = request.user
    profile = profiles.profile_of(user)
    initial = {"display_name": profile.display_name, "bio": profile.bio, "email": user.email}
    if request.method == "POST" and request.POST.get("resend") == "1":
        if user.email:
            profiles.email_verification_request(user=user)
            messages.info(request, f"We sent a new link to {user.email}.")
        return redirect("profile-settings")
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profiles.profile_update(user=user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile-settings")
    return render(request, "registration/profile.html", {
        "form": form, "verified": profiles.email_is_verified(user)},
        status=400 if form.errors else 200)
