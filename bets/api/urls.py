"""Every API endpoint, in one list. Ids in paths use the `dbid` converter."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from bets.api import agreements, betting, claims, conversation, interchange, scoring
from bets.api.autoresolve import attempts, evidence_access, measurements
from bets.api.plumbing import errors
from bets.common import ids  # noqa: F401 (registers the dbid converter)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from drf-spectacular-sidecar; its start-up script is a separate request
    # (?script), so the page needs no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="bets/api/swagger_ui.html"), name="api-docs"),
    # Claims, forecasts, moderation and manual resolution.
    path("claims/", claims.ClaimListView.as_view(), name="api-claims"),
    path("claims/<dbid:pk>/", claims.ClaimDetailView.as_view(), name="api-claim"),
    path("claims/<dbid:pk>/forecasts/", claims.ClaimForecastsView.as_view(), name="api-forecasts"),
    path("claims/<dbid:pk>/edit/", claims.ClaimEditView.as_view(), name="api-claim-edit"),
    path(
        "claims/<dbid:pk>/clarifications/",
        claims.ClaimClarificationsView.as_view(),
        name="api-clarifications",
    ),
    path("claims/<dbid:pk>/approve/", claims.ClaimApproveView.as_view(), name="api-approve"),
    path("claims/<dbid:pk>/reject/", claims.ClaimRejectView.as_view(), name="api-reject"),
    path("claims/<dbid:pk>/resolve/", claims.ClaimResolveView.as_view(), name="api-resolve"),
    path("claims/<dbid:pk>/annul/", claims.ClaimAnnulView.as_view(), name="api-annul"),
    path("claims/<dbid:pk>/unresolve/", claims.ClaimUnresolveView.as_view(),
         name="api-unresolve"),
    # Scores and scoring.
    path("leaderboard/", scoring.LeaderboardView.as_view(), name="api-leaderboard"),
    path(
        "participants/<str:username>/",
        scoring.ParticipantView.as_view(),
        name="api-participant",
    ),
    path("export/", interchange.ExportView.as_view(), name="api-export"),
    # Auto-resolution: evidence uploads, attempts, preview, run now, disputes.
    path("claims/<dbid:pk>/artifacts/", attempts.ClaimArtifactsView.as_view(),
         name="api-artifacts"),
    path("claims/<dbid:pk>/attempts/", attempts.ClaimAttemptsView.as_view(),
         name="api-attempts"),
    path("claims/<dbid:pk>/measurements/", measurements.ClaimMeasurementsView.as_view(),
         name="api-measurements"),
    path("specs/preview/", attempts.SpecPreviewView.as_view(), name="api-spec-preview"),
    path("attempts/<dbid:pk>/", attempts.AttemptView.as_view(), name="api-attempt"),
    path("attempts/<dbid:pk>/evidence/", attempts.AttemptEvidenceView.as_view(),
         name="api-attempt-evidence"),
    path("attempts/<dbid:pk>/evidence.zip", attempts.AttemptEvidenceZipView.as_view(),
         name="api-attempt-evidence-zip"),
    path("claims/<dbid:pk>/proposals/", attempts.ClaimProposalsView.as_view(),
         name="api-proposals"),
    path("claims/<dbid:pk>/resolver/preview/", attempts.ClaimResolverPreviewView.as_view(),
         name="api-resolver-preview"),
    path("claims/<dbid:pk>/resolver/run/", attempts.ClaimResolverRunView.as_view(),
         name="api-resolver-run"),
    path("proposals/<dbid:pk>/disputes/", attempts.ProposalDisputeView.as_view(),
         name="api-proposal-dispute"),
    path("disputes/<dbid:pk>/adjudicate/", attempts.DisputeAdjudicateView.as_view(),
         name="api-dispute-adjudicate"),
    # Non-public evidence: downloads, reveals, who opened a file, a claim's arbiters.
    path("artifacts/<dbid:pk>/download/", evidence_access.ArtifactDownloadView.as_view(),
         name="api-artifact-download"),
    path("artifacts/<dbid:pk>/visibility/", evidence_access.ArtifactVisibilityView.as_view(),
         name="api-artifact-visibility"),
    path("artifacts/<dbid:pk>/accesses/", evidence_access.ArtifactAccessesView.as_view(),
         name="api-artifact-accesses"),
    path("claims/<dbid:pk>/arbiters/", evidence_access.ClaimArbitersView.as_view(),
         name="api-claim-arbiters"),
    # Bets: offers, acceptances, cancellation, bets, bettors' scoring.
    path("offers/", betting.OfferListView.as_view(), name="api-offers"),
    path("offers/<dbid:pk>/accept/", betting.OfferAcceptView.as_view(), name="api-offer-accept"),
    path("offers/<dbid:pk>/cancel/", betting.OfferCancelView.as_view(), name="api-offer-cancel"),
    path("bets/", betting.BetListView.as_view(), name="api-bets"),
    path(
        "leaderboard/bettors/",
        betting.BettorsLeaderboardView.as_view(),
        name="api-leaderboard-bettors",
    ),
    # Signed agreements: SSH keys, drafts, counter-proposals, signatures, payment marks.
    path("keys/", agreements.KeyListView.as_view(), name="api-keys"),
    path("keys/<dbid:pk>/", agreements.KeyView.as_view(), name="api-key"),
    path("claims/<dbid:pk>/agreements/", agreements.ClaimAgreementsView.as_view(),
         name="api-claim-agreements"),
    path("agreements/<dbid:pk>/", agreements.AgreementView.as_view(), name="api-agreement"),
    path("agreements/<dbid:pk>/counter/", agreements.AgreementCounterView.as_view(),
         name="api-agreement-counter"),
    path("agreements/<dbid:pk>/sign/", agreements.AgreementSignView.as_view(),
         name="api-agreement-sign"),
    path("agreements/<dbid:pk>/void/", agreements.AgreementVoidView.as_view(),
         name="api-agreement-void"),
    path("agreements/<dbid:pk>/void/sign/", agreements.AgreementVoidSignView.as_view(),
         name="api-agreement-void-sign"),
    path("agreements/<dbid:pk>/marks/", agreements.AgreementMarkView.as_view(),
         name="api-agreement-marks"),
    path("agreements/<dbid:pk>/arbiter/", agreements.ArbiterDocumentView.as_view(),
         name="api-agreement-arbiter"),
    path("agreements/<dbid:pk>/arbiter/<dbid:document_id>/sign/",
         agreements.ArbiterDocumentSignView.as_view(), name="api-agreement-arbiter-sign"),
    # Conversation: comments and arguments, votes, follows, notifications.
    path("claims/<dbid:pk>/comments/", conversation.ClaimCommentsView.as_view(),
         name="api-comments"),
    path("comments/<dbid:pk>/", conversation.CommentView.as_view(), name="api-comment"),
    path("comments/<dbid:pk>/vote/", conversation.CommentVoteView.as_view(),
         name="api-comment-vote"),
    path("comments/<dbid:pk>/hide/", conversation.CommentHideView.as_view(),
         name="api-comment-hide"),
    path("claims/<dbid:pk>/follow/", conversation.ClaimFollowView.as_view(), name="api-follow"),
    path("notifications/", conversation.NotificationListView.as_view(),
         name="api-notifications"),
    path("notifications/read/", conversation.NotificationReadView.as_view(),
         name="api-notifications-read"),
    # KEEP LAST (add endpoints above): any other /api/ path is a JSON 404, as documented,
    # never an HTML page.
    re_path(r"^", errors.not_found),
]
