"""Crux tables. One module per area: claims and scores, the ledger and bets, resolution."""

from bets.models.autoresolve import ClaimArtifact, Dispute, ResolutionAttempt, ResolutionProposal
from bets.models.claims import Claim, ClaimClarification, Forecast, ResolutionEvent, Score, Tag
from bets.models.idempotency import IdempotencyRecord
from bets.models.ledger import Account, Bet, LedgerEntry, LedgerTransaction, Offer

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
