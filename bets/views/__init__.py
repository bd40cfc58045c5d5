"""Server-rendered pages. Views parse input and call services; they never write directly."""

from .accounts import signup
from .claims import claim_detail, claim_propose, forecast_submit, forecast_withdraw, home
from .moderation import claim_review, moderation_queue
from .participants import participant_detail, token_create, token_revoke
from .scores import leaderboard, methodology

__all__ = [
    "claim_detail",
    "claim_propose",
    "claim_review",
    "forecast_submit",
    "forecast_withdraw",
    "home",
    "leaderboard",
    "methodology",
    "moderation_queue",
    "participant_detail",
    "signup",
    "token_create",
    "token_revoke",
]
