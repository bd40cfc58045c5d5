"""Crux tables, one module per domain: claims, scores, ledger, betting, autoresolve."""

from bets.models.autoresolve import ClaimArtifact, Dispute, ResolutionAttempt, ResolutionProposal
from bets.models.betting import Bet, Offer
from bets.models.claims import Claim, ClaimClarification, Forecast, ResolutionEvent, Tag
from bets.models.idempotency import IdempotencyRecord
from bets.models.ledger import Account, LedgerEntry, LedgerTransaction
from bets.models.scores import Score

__all__ = [
    "Account",
    "Bet",
    "Claim",
    "ClaimArtifact",
    "ClaimClarification",
    "Dispute",
    "Forecast",
    "IdempotencyRecord",
    "LedgerEntry",
    "LedgerTransaction",
    "Offer",
    "ResolutionAttempt",
    "ResolutionEvent",
    "ResolutionProposal",
    "Score",
    "Tag",
]
