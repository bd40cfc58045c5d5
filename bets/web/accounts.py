"""Account pages: sign-up (email optional), log-in with throttling, email verification,
profile settings. Password reset uses Django's own views (bets/web/urls.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.db import transaction
from django.shortcuts import redirect, render

from bets.accounts import profiles
from bets.common.errors import ServiceError
from bets.web.plumbing.common import WELCOME_KEY, add_service_error


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Needed for notification emails and password resets; we send a "
                  "link to confirm it.",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses log-ins for a username after CRUX_LOGIN_MAX_FAILURES failures in the window,
    before checking the password, so guessing gets nowhere even with the right one."""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and profiles.login_locked(username):
            raise forms.ValidationError(
                "Too many failed log-ins for this account. Wait 15 minutes and try again, or "
                "reset your password.", code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                ip = self.request.META.get("REMOTE_ADDR") if self.request else None
                profiles.login_failed(username, ip)
            raise
        profiles.login_succeeded(username)
        return cleaned


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=profiles.DISPLAY_NAME_MAX, required=False)
    bio = forms.CharField(max_length=profiles.BIO_MAX, required=False,
                          widget=forms.Textarea(attrs={"rows": 3}), label="Short bio")
    email = forms.EmailField(required=False, help_text="Changing it sends a new link to "
                                                       "confirm the new address.")


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if user.email:
            transaction.on_commit(lambda: profiles.email_verification_send(user=user),
                                  robust=True)
            messages.info(request, f"We sent a link to {user.email}: open it to confirm your "
                                   "address.")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # The home page, not the empty profile: it welcomes them once and points at claims.
        request.session[WELCOME_KEY] = True
        return redirect("home")
    status = 400 if form.is_bound else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


def email_verify(request, token: str):
    user = profiles.email_verify(token=token)
    if user is None:
        return render(request, "registration/email_verify.html", {"invalid": True}, status=400)
    return render(request, "registration/email_verify.html", {"verified": user})


@login_required
def profile_settings(request):
    user = request.user
    profile = profiles.profile_of(user)
    initial = {"display_name": profile.display_name, "bio": profile.bio, "email": user.email}
    if request.method == "POST" and request.POST.get("resend") == "1":
        if user.email:
            transaction.on_commit(lambda: profiles.email_verification_send(user=user),
                                  robust=True)
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
