"""Crux tables, one module per domain: claims, scores, ledger, betting, autoresolve."""

from bets.models.autoresolve import (
    ClaimArtifact,
    Dispute,
    FetchedSnapshot,
    ResolutionAttempt,
    ResolutionProposal,
    Snapshot,
    SnapshotSource,
)
from bets.models.betting import (
    Agreement,
    AgreementMark,
    AgreementSignature,
    AgreementVoid,
    AgreementVoidSignature,
    ArbiterDocument,
    ArbiterDocumentSignature,
    Bet,
    Offer,
    SshKey,
)
from bets.models.claims import Claim, ClaimClarification, Forecast, ResolutionEvent, Tag
from bets.models.community import ClaimCommunity, CommunityPoint
from bets.models.conversation import (
    AttemptCounter,
    ClaimFollow,
    Comment,
    CommentRevision,
    CommentVote,
    EventFanout,
    JobHeartbeat,
    Notification,
    NotificationPreference,
    Profile,
    UsernameKey,
)
from bets.models.dryrun import ClaimDryRun
from bets.models.evidence import ArtifactAccess
from bets.models.idempotency import IdempotencyRecord
from bets.models.ledger import Account, LedgerEntry, LedgerTransaction
from bets.models.live import Endpoint, LiveProgress, LiveRun, LiveShard
from bets.models.outbox import EventOutbox
from bets.models.scores import Score

__all__ = [
    "Agreement",
    "AgreementMark",
    "AgreementSignature",
    "AgreementVoid",
    "AgreementVoidSignature",
    "ArbiterDocument",
    "ArbiterDocumentSignature",
    "ArtifactAccess",
    "Account",
    "AttemptCounter",
    "Bet",
    "Claim",
    "ClaimArtifact",
    "ClaimClarification",
    "ClaimCommunity",
    "ClaimDryRun",
    "ClaimFollow",
    "Comment",
    "CommentRevision",
    "CommentVote",
    "CommunityPoint",
    "Dispute",
    "Endpoint",
    "EventFanout",
    "EventOutbox",
    "FetchedSnapshot",
    "Forecast",
    "IdempotencyRecord",
    "JobHeartbeat",
    "LedgerEntry",
    "LedgerTransaction",
    "LiveProgress",
    "LiveRun",
    "LiveShard",
    "Notification",
    "NotificationPreference",
    "Offer",
    "Profile",
    "ResolutionAttempt",
    "ResolutionEvent",
    "ResolutionProposal",
    "Snapshot",
    "SnapshotSource",
    "Score",
    "SshKey",
    "Tag",
    "UsernameKey",
]
