"""Crux tables. One module per area: claims and scores, the ledger and bets, resolution."""

from .claims import (
    Claim,
    ClaimClarification,
    Forecast,
    ResolutionEvent,
    Score,
    Tag,
)
from .idempotency import IdempotencyRecord
from .ledger import Account, Bet, LedgerEntry, LedgerTransaction, Offer
from .resolution import ClaimArtifact, Dispute, ResolutionAttempt, ResolutionProposal

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
