"""The kinds of notification, their labels and default channels (pure data, no ORM)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    # "email" (in Crux and by email), "inapp" (in Crux only) or "off".
    default: str = "email"
    staff: bool = False


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("claim_resolved", "A claim you follow resolves"),
        Kind("claim_annulled", "A claim you follow is annulled"),
        Kind("claim_reresolved", "A claim you follow is unresolved or re-resolved"),
        Kind("proposal_created", "A claim you follow gets an automatic resolution proposal"),
        Kind("dispute_opened", "A dispute on a claim you follow", default="inapp"),
        Kind("dispute_decided", "A dispute on a claim you follow is decided"),
        Kind("offer_taken", "Your offer is taken"),
        Kind("offer_expired", "Your offer expires", default="inapp"),
        Kind("bet_settled", "Your bet is settled"),
        Kind("agreement_activity", "An agreement with you is proposed, countered, signed or "
             "binds"),
        Kind("agreement_payment", "Payment marks and payment reminders of your agreements"),
        Kind("forecast_reminder", "A claim you forecast on closes soon and your forecast is old"),
        Kind("claim_reviewed", "Your proposed claim is approved or rejected"),
        Kind("comment_reply", "Someone replies to your comment"),
        Kind("comment_mention", "Someone mentions you"),
        Kind("staff_queue", "Staff: claims flagged, disputes and proposals waiting, resolvers "
             "failing", default="inapp", staff=True),
    ]
}

CHANNELS = ("email", "inapp", "off")


def kinds_for(*, staff: bool) -> list[Kind]:
    return [k for k in KINDS.values() if staff or not k.staff]
