from django.contrib.auth import views as auth_views
from django.urls import path, register_converter

from . import views


class IdConverter:
    """A database id: at most 18 digits, so an absurd id is a 404, never a bigint overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "dbid")

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only, so a link or prefetch cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("claims/new/", views.claim_propose, name="claim-propose"),
    path("claims/<dbid:claim_id>/", views.claim_detail, name="claim-detail"),
    path("claims/<dbid:claim_id>/forecast/", views.forecast_submit, name="forecast-submit"),
    path("claims/<dbid:claim_id>/withdraw/", views.forecast_withdraw, name="forecast-withdraw"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path(
        "moderation/<dbid:claim_id>/approve/",
        views.claim_review,
        {"decision": "approve"},
        name="claim-approve",
    ),
    path(
        "moderation/<dbid:claim_id>/reject/",
        views.claim_review,
        {"decision": "reject"},
        name="claim-reject",
    ),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("methodology/", views.methodology, name="methodology"),
    path("u/<str:username>/", views.participant_detail, name="participant"),
    path("account/token/", views.token_create, name="token-create"),
    path("account/token/revoke/", views.token_revoke, name="token-revoke"),
]

# Auto-resolution: the claim's resolution panel and its forms.
from .views_autoresolve import autoresolve_urlpatterns  # noqa: E402

urlpatterns += autoresolve_urlpatterns()

# Betting: make, accept and cancel offers.
from .views_betting import betting_urlpatterns  # noqa: E402

urlpatterns += betting_urlpatterns()
