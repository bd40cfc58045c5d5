"""Every page of the site, in one list. Ids in paths use the `dbid` converter."""

from django.contrib.auth import views as auth_views
from django.urls import path

from bets.common import ids  # noqa: F401 (registers the dbid converter)
from bets.web import accounts, conversation, scoring
from bets.web.autoresolve import evidence_access, live, snapshots
from bets.web.autoresolve import pages as autoresolve
from bets.web.betting import agreements, arbiters
from bets.web.betting import views as betting
from bets.web.claims import moderation, proposals
from bets.web.claims import pages as claims
from bets.web.plumbing import health

urlpatterns = [
    path("", claims.home, name="home"),
    path("signup/", accounts.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(
        authentication_form=accounts.LimitedAuthenticationForm), name="login"),
    # Django's LogoutView accepts POST only, so a link or prefetch cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Claims and forecasts.
    path("claims/new/", proposals.claim_propose, name="claim-propose"),
    path("claims/<dbid:claim_id>/edit/", proposals.claim_edit, name="claim-edit"),
    path("help/resolver-specs/", proposals.spec_docs, name="spec-docs"),
    path("claims/<dbid:claim_id>/", claims.claim_detail, name="claim-detail"),
    path("claims/<dbid:claim_id>/forecast/", claims.forecast_submit, name="forecast-submit"),
    path("claims/<dbid:claim_id>/withdraw/", claims.forecast_withdraw, name="forecast-withdraw"),
    path("claims/<dbid:claim_id>/resolve/", moderation.claim_resolve_view, name="claim-resolve"),
    # Moderation.
    path("moderation/", moderation.moderation_queue, name="moderation"),
    path(
        "moderation/<dbid:claim_id>/approve/",
        moderation.claim_review,
        {"decision": "approve"},
        name="claim-approve",
    ),
    path(
        "moderation/<dbid:claim_id>/reject/",
        moderation.claim_review,
        {"decision": "reject"},
        name="claim-reject",
    ),
    # Scores and scoring.
    path("leaderboard/", scoring.leaderboard, name="leaderboard"),
    path("methodology/", scoring.methodology, name="methodology"),
    path("u/<str:username>/", scoring.participant_detail, name="participant"),
    path("account/token/", scoring.token_create, name="token-create"),
    path("account/token/revoke/", scoring.token_revoke, name="token-revoke"),
    # Auto-resolution: the claim's resolution panel and its forms.
    path("claims/<dbid:pk>/resolution/", autoresolve.claim_resolution, name="claim-resolution"),
    path("claims/<dbid:pk>/artifacts/upload/", autoresolve.artifact_upload,
         name="artifact-upload"),
    path("sources/", snapshots.snapshot_sources, name="snapshot-sources"),
    path("sources/<dbid:pk>/", snapshots.snapshot_source, name="snapshot-source"),
    path("claims/<dbid:pk>/resolver/run/", autoresolve.resolver_run_now, name="resolver-run-now"),
    path("live-runs/<dbid:pk>/cancel/", live.live_run_cancel_view, name="live-run-cancel"),
    path("proposals/<dbid:pk>/dispute/", autoresolve.proposal_dispute, name="proposal-dispute"),
    path("disputes/<dbid:pk>/adjudicate/", autoresolve.dispute_adjudicate,
         name="dispute-adjudicate"),
    # Non-public evidence: signed downloads, revealing a file, naming arbiters.
    path("artifacts/<dbid:pk>/download/", evidence_access.artifact_download,
         name="artifact-download"),
    path("artifacts/<dbid:pk>/visibility/", evidence_access.artifact_reveal,
         name="artifact-reveal"),
    path("claims/<dbid:pk>/arbiters/", evidence_access.claim_arbiters, name="claim-arbiters"),
    # Betting: make, accept and cancel offers.
    path("claims/<dbid:claim_id>/offers/", betting.offer_create, name="offer-create"),
    path("offers/<dbid:offer_id>/accept/", betting.offer_accept, name="offer-accept"),
    path("offers/<dbid:offer_id>/cancel/", betting.offer_cancel, name="offer-cancel"),
    # Conversation: comments and arguments, votes, follows, notifications; health.
    path("account/keys/", agreements.keys_page, name="agreement-keys"),
    path("account/keys/<dbid:key_id>/revoke/", agreements.key_revoke, name="agreement-key-revoke"),
    path("claims/<dbid:claim_id>/agreements/new/", agreements.agreement_new,
         name="agreement-new"),
    path("agreements/<dbid:agreement_id>/", agreements.agreement_page, name="agreement"),
    path("agreements/<dbid:agreement_id>/agreement.json", agreements.agreement_json,
         name="agreement-json"),
    path("agreements/<dbid:agreement_id>/allowed_signers", agreements.agreement_allowed_signers,
         name="agreement-allowed-signers"),
    path("agreements/<dbid:agreement_id>/sign/", agreements.agreement_sign,
         name="agreement-sign"),
    path("agreements/<dbid:agreement_id>/counter/", agreements.agreement_counter,
         name="agreement-counter"),
    path("agreements/<dbid:agreement_id>/void/", agreements.agreement_void_propose,
         name="agreement-void"),
    path("agreements/<dbid:agreement_id>/void/sign/", agreements.agreement_void_sign,
         name="agreement-void-sign"),
    path("agreements/<dbid:agreement_id>/void.json", agreements.agreement_void_json,
         name="agreement-void-json"),
    path("agreements/<dbid:agreement_id>/mark/", agreements.agreement_mark,
         name="agreement-mark"),
    path("agreements/<dbid:agreement_id>/arbiter/<str:kind>/", arbiters.arbiter_document_write,
         name="agreement-arbiter"),
    path("agreements/<dbid:agreement_id>/arbiter/<dbid:document_id>/sign/",
         arbiters.arbiter_document_sign, name="agreement-arbiter-sign"),
    path("agreements/<dbid:agreement_id>/arbiter/<dbid:document_id>.json",
         arbiters.arbiter_document_json, name="agreement-arbiter-json"),
    path("claims/<dbid:claim_id>/comments/", conversation.comment_create, name="comment-create"),
    path("comments/<dbid:comment_id>/edit/", conversation.comment_edit, name="comment-edit"),
    path("comments/<dbid:comment_id>/delete/", conversation.comment_delete, name="comment-delete"),
    path("comments/<dbid:comment_id>/hide/", conversation.comment_hide, name="comment-hide"),
    path("comments/<dbid:comment_id>/vote/", conversation.comment_vote, name="comment-vote"),
    path("claims/<dbid:claim_id>/follow/", conversation.claim_follow, name="claim-follow"),
    path("notifications/", conversation.notifications, name="notifications"),
    path("notifications/read/", conversation.notifications_read, name="notifications-read"),
    path("notifications/status/", conversation.notification_status, name="notification-status"),
    path("account/notifications/", conversation.notification_settings,
         name="notification-settings"),
    path("unsubscribe/<str:token>/", conversation.unsubscribe, name="unsubscribe"),
    path("healthz", health.healthz, name="healthz"),
    # Accounts: profile, email verification, password reset (Django's own views).
    path("account/profile/", accounts.profile_settings, name="profile-settings"),
    path("account/verify/<str:token>/", accounts.email_verify, name="email-verify"),
    path("password-reset/", accounts.CruxPasswordResetView.as_view(), name="password_reset"),
    path("password-reset/done/", auth_views.PasswordResetDoneView.as_view(
        template_name="bets/password/done.html"), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", accounts.CruxPasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="bets/password/complete.html"), name="password_reset_complete"),
]
