"""The kinds of notification, their labels and default channels (pure data, no ORM)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # a sentence on the settings page: "Your bet is settled"
    about: str  # a noun phrase for "Stop emails about ...": "your bets being settled"
    # "email" (in Crux and by email), "inapp" (in Crux only) or "off".
    default: str = "email"
    staff: bool = False


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("claim_resolved", "A claim you follow resolves",
             "the resolution of claims you follow"),
        Kind("claim_annulled", "A claim you follow is annulled",
             "the annulment of claims you follow"),
        Kind("claim_reresolved", "A claim you follow is unresolved or re-resolved",
             "claims you follow being unresolved or re-resolved"),
        Kind("proposal_created", "A claim you follow gets an automatic resolution proposal",
             "automatic resolution proposals on claims you follow"),
        Kind("dispute_opened", "A dispute on a claim you follow",
             "disputes on claims you follow", default="inapp"),
        Kind("dispute_decided", "A dispute on a claim you follow is decided",
             "decisions on disputes on claims you follow"),
        Kind("offer_taken", "Your offer is taken", "your offers being taken"),
        Kind("offer_expired", "Your offer expires", "your offers expiring", default="inapp"),
        Kind("bet_settled", "Your bet is settled", "your bets being settled"),
        Kind("agreement_activity", "An agreement with you is proposed, countered, signed or "
             "binds", "agreements with you being proposed, countered, signed or bound"),
        Kind("agreement_payment", "Payment marks and payment reminders of your agreements",
             "payment marks and reminders of your agreements"),
        Kind("forecast_reminder", "A claim you forecast on closes soon and your forecast is old",
             "claims closing soon while your forecast is old"),
        Kind("claim_reviewed", "Your proposed claim is approved or rejected",
             "the review of claims you propose"),
        Kind("comment_on_claim", "Someone comments on a claim you proposed",
             "comments on claims you proposed"),
        Kind("comment_reply", "Someone replies to your comment", "replies to your comments"),
        Kind("comment_mention", "Someone mentions you", "mentions of you"),
        Kind("staff_queue", "Staff: claims flagged, disputes and proposals waiting, resolvers "
             "failing", "the staff queue (flagged claims, waiting disputes and proposals, "
             "failing resolvers)", default="inapp", staff=True),
    ]
}

CHANNELS = ("email", "inapp", "off")


def kinds_for(*, staff: bool) -> list[Kind]:
    return [k for k in KINDS.values() if staff or not k.staff]
