"""Payment marks on resolved agreements whose loser staked something off Crux: the loser
marks "paid", the winner "received" (which settles it) or, after the deadline, "not
received" (a dispute for the arbiter). Every mark is public and timestamped."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from bets.betting.agreements.selectors import live_marks
from bets.betting.agreements.services import locked_agreement, party_only, text_input
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.common.outbox import event_publish
from bets.models import Agreement, AgreementMark

REMIND_BEFORE = timedelta(days=3)


@transaction.atomic
def agreement_mark(*, agreement_id: int, user: User, kind: Any,
                   note: Any = "") -> AgreementMark:
    """A party marks the off-platform payment: the loser "paid", the winner "received", or
    the winner "not_received" once the deadline has passed (which opens a dispute for the
    arbiter). Locks the agreement row (FOR UPDATE); each mark is made once."""
    agreement = locked_agreement(agreement_id)
    party_only(agreement, user)
    if kind not in AgreementMark.Kind.values:
        raise InvalidInput('A mark is "paid", "received" or "not_received".', field="kind")
    text = text_input(note, "note")
    if agreement.status not in (Agreement.Status.RESOLVED, Agreement.Status.SETTLED) \
            or agreement.winner_id is None:
        raise Conflict("Payment marks come after the claim resolves and the agreement names "
                       "who owes whom.")
    if not agreement_owes_off_platform(agreement):
        raise Conflict("The loser's stake was Crux credits, paid by the ledger: there is "
                       "nothing to mark.")
    loser_id = (agreement.counterparty_id if agreement.winner_id == agreement.proposer_id
                else agreement.proposer_id)
    if kind == AgreementMark.Kind.PAID and user.pk != loser_id:
        raise Forbidden("Only the party who owes the stake marks it paid.")
    if kind in (AgreementMark.Kind.RECEIVED, AgreementMark.Kind.NOT_RECEIVED) \
            and user.pk != agreement.winner_id:
        raise Forbidden("Only the party who is owed the stake confirms it.")
    done = set(live_marks(agreement).values_list("kind", flat=True))
    if kind in done:
        raise Conflict(f"This agreement is already marked {kind.replace('_', ' ')}.")
    if kind == AgreementMark.Kind.NOT_RECEIVED:
        if AgreementMark.Kind.RECEIVED in done:
            raise Conflict("You confirmed you received it already.")
        if agreement.payment_due_at is None or timezone.now() < agreement.payment_due_at:
            raise Conflict("\"Not received\" opens a dispute and comes after the payment "
                           "deadline.")
    mark = AgreementMark.objects.create(agreement=agreement, user_id=user.pk, kind=kind,
                                        note=text)
    if kind == AgreementMark.Kind.RECEIVED:
        agreement.status = Agreement.Status.SETTLED
        agreement.save(update_fields=["status"])
    event_publish(event="agreement.marked", object_id=mark.pk)
    return mark


def agreement_owes_off_platform(agreement: Agreement) -> bool:
    """Whether the loser's stake is paid outside Crux (so the parties mark it)."""
    if agreement.winner_id is None:
        return False
    loser_credits = (agreement.counterparty_credits
                     if agreement.winner_id == agreement.proposer_id
                     else agreement.proposer_credits)
    return loser_credits == 0




def agreements_remind_due(*, now: datetime | None = None) -> int:
    """Send each payment reminder once: a few days before the deadline and when it passes,
    for resolved agreements whose receipt is not confirmed. A conditional UPDATE of
    `reminders_sent` claims each reminder (no row lock needed: a concurrent sweep's UPDATE
    waits, then matches nothing), in the transaction that records its event."""
    now = now or timezone.now()
    sent = 0
    stages = ((2, "agreement.payment_overdue", now), (1, "agreement.payment_due",
                                                      now + REMIND_BEFORE))
    for stage, event, cutoff in stages:
        with transaction.atomic():
            rows = list(
                Agreement.objects.filter(status=Agreement.Status.RESOLVED,
                                         payment_due_at__lte=cutoff,
                                         reminders_sent__lt=stage)
                .exclude(pk__in=AgreementMark.objects.filter(
                    kind=AgreementMark.Kind.RECEIVED, annulled_at__isnull=True)
                    .values("agreement_id"))
                .values_list("pk", "settled_seq")[:500])
            for agreement_id, seq in rows:
                claimed = Agreement.objects.filter(pk=agreement_id,
                                                   reminders_sent__lt=stage).update(
                    reminders_sent=stage)
                if claimed:
                    event_publish(event=event, object_id=agreement_id, seq=seq)
                    sent += 1
    return sent
