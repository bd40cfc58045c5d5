"""Notification preferences (per kind: by email, in Crux only, off), the daily digest,
unsubscribing, and marking notifications read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from bets.common.errors import InvalidInput
from bets.common.types import AuthUser
from bets.conversation.kinds import CHANNELS, KINDS, kinds_for
from bets.models import Notification, NotificationPreference, Profile


@dataclass
class PreferenceRow:
    kind: str
    label: str
    channel: str


def preferences_for(*, user: AuthUser) -> list[PreferenceRow]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return [PreferenceRow(k.name, k.label, chosen.get(k.name, k.default))
            for k in kinds_for(staff=user.is_staff)]


def digest_on(*, user: AuthUser) -> bool:
    return Profile.objects.filter(user=user, digest=True).exists()


@transaction.atomic
def preferences_save(*, user: AuthUser, data: Mapping) -> None:
    """Save the channel of every kind named in `data` (`kind_<name>` fields) and the digest
    choice. Nothing is saved when any value is unknown."""
    chosen: dict[str, str] = {}
    for kind in kinds_for(staff=user.is_staff):
        value = data.get(f"kind_{kind.name}")
        if value is None:
            continue
        if value not in CHANNELS:
            raise InvalidInput(f"Unknown choice {str(value)[:20]!r} for “{kind.label}”.",
                               field=f"kind_{kind.name}")
        chosen[kind.name] = value
    for name, channel in chosen.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=name, defaults={"channel": channel})
    Profile.objects.update_or_create(user=user, defaults={"digest": data.get("digest") == "on"})


@transaction.atomic
def unsubscribe(*, user_id: int, kind: str) -> int:
    """Stop emails of one kind (or of every kind with kind="all"); in-app notifications stay.
    Emails of that kind not sent yet are not sent. Returns how many kinds changed."""
    kinds = list(KINDS) if kind == "all" else [kind]
    changed = 0
    for name in kinds:
        pref = NotificationPreference.objects.filter(user_id=user_id, kind=name).first()
        current = pref.channel if pref else KINDS[name].default
        if current == "email":
            NotificationPreference.objects.update_or_create(
                user_id=user_id, kind=name, defaults={"channel": "inapp"})
            changed += 1
    Notification.objects.filter(
        recipient_id=user_id, kind__in=kinds,
        email_status__in=[Notification.Email.PENDING, Notification.Email.DIGEST],
    ).update(email_status=Notification.Email.NONE, email_next_at=None)
    return changed


def notifications_mark_read(*, user: AuthUser, ids: Sequence[int] | None) -> int:
    """Mark the given notifications (or all of them with ids=None) of `user` read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
