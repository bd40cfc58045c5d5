from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import claim_edits, claims, export, leaderboard, participants

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("claims/", claims.ClaimListView.as_view(), name="api-claims"),
    path("claims/<int:pk>/", claims.ClaimDetailView.as_view(), name="api-claim"),
    path("claims/<int:pk>/forecasts/", claims.ClaimForecastsView.as_view(), name="api-forecasts"),
    path("claims/<int:pk>/edit/", claim_edits.ClaimEditView.as_view(), name="api-claim-edit"),
    path(
        "claims/<int:pk>/clarifications/",
        claim_edits.ClaimClarificationsView.as_view(),
        name="api-clarifications",
    ),
    path("claims/<int:pk>/approve/", claims.ClaimApproveView.as_view(), name="api-approve"),
    path("claims/<int:pk>/reject/", claims.ClaimRejectView.as_view(), name="api-reject"),
    path("claims/<int:pk>/resolve/", claims.ClaimResolveView.as_view(), name="api-resolve"),
    path("claims/<int:pk>/annul/", claims.ClaimAnnulView.as_view(), name="api-annul"),
    path("claims/<int:pk>/unresolve/", claims.ClaimUnresolveView.as_view(), name="api-unresolve"),
    path("leaderboard/", leaderboard.LeaderboardView.as_view(), name="api-leaderboard"),
    path(
        "participants/<str:username>/",
        participants.ParticipantView.as_view(),
        name="api-participant",
    ),
    path("export/", export.ExportView.as_view(), name="api-export"),
]

# Auto-resolution: evidence uploads, attempts, preview, run now, disputes.
from .autoresolve import autoresolve_urlpatterns  # noqa: E402

urlpatterns += autoresolve_urlpatterns

# Bets: offers, acceptances, cancellation, bets, bettors' leaderboard.
from . import offers  # noqa: E402

urlpatterns += [
    path("offers/", offers.OfferListView.as_view(), name="api-offers"),
    path("offers/<int:pk>/accept/", offers.OfferAcceptView.as_view(), name="api-offer-accept"),
    path("offers/<int:pk>/cancel/", offers.OfferCancelView.as_view(), name="api-offer-cancel"),
    path("bets/", offers.BetListView.as_view(), name="api-bets"),
    path(
        "leaderboard/bettors/",
        offers.BettorsLeaderboardView.as_view(),
        name="api-leaderboard-bettors",
    ),
]
