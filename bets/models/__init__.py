"""Crux tables, one module per domain: claims, scores, ledger, betting, autoresolve."""

from bets.models.autoresolve import ClaimArtifact, Dispute, ResolutionAttempt, ResolutionProposal
from bets.models.betting import Bet, Offer
from bets.models.claims import Claim, ClaimClarification, Forecast, ResolutionEvent, Tag
from bets.models.community import ClaimCommunity, CommunityPoint
from bets.models.conversation import (
    ClaimFollow,
    Comment,
    CommentRevision,
    CommentVote,
    EventFanout,
    JobHeartbeat,
    LoginFailure,
    Notification,
    NotificationPreference,
    Profile,
)
from bets.models.dryrun import ClaimDryRun
from bets.models.idempotency import IdempotencyRecord
from bets.models.ledger import Account, LedgerEntry, LedgerTransaction
from bets.models.live import Endpoint, LiveProgress, LiveRun, LiveShard
from bets.models.scores import Score

__all__ = [
    "Account",
    "Bet",
    "Claim",
    "ClaimArtifact",
    "ClaimClarification",
    "ClaimFollow",
    "ClaimCommunity",
    "ClaimDryRun",
    "Comment",
    "CommentRevision",
    "CommentVote",
    "Dispute",
    "Endpoint",
    "CommunityPoint",
    "EventFanout",
    "Forecast",
    "IdempotencyRecord",
    "JobHeartbeat",
    "LedgerEntry",
    "LedgerTransaction",
    "LiveProgress",
    "LiveRun",
    "LiveShard",
    "LoginFailure",
    "Notification",
    "NotificationPreference",
    "Offer",
    "Profile",
    "ResolutionAttempt",
    "ResolutionEvent",
    "ResolutionProposal",
    "Score",
    "Tag",
]
