"""Signal receivers. Kept to what must follow every way a participant is created.

Every user created through the ORM (sign-up, `createsuperuser`, the admin, `import_crux`
when it saves users one by one) gets an account and the starting grant here, inside the
transaction that creates the user, and its username's look-alike key, so later sign-ups
cannot take a name that looks like it (bets/accounts/usernames.py: sign-up refuses a name
whose key is taken; other ways of creating users keep the name without a key). Paths that
skip signals (bulk_create, raw fixtures) are covered by
`bets.betting.ledger.participant_account`, which every money-moving service calls and which
grants once (the key `grant:<user_id>`); `accounts_open_missing` catches up in bulk.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="crux_grant_on_user_created")
def grant_on_user_created(sender, instance, created, raw=False, **kwargs):
    if not created or raw:  # raw: loaddata replays saved rows, accounts included
        return
    from bets.accounts.usernames import username_key_record
    from bets.betting.ledger import participant_account

    participant_account(instance)
    username_key_record(user=instance)


def accounts_open_missing() -> int:
    """Open an account (with its grant) for every user that has none; returns how many."""
    from django.contrib.auth import get_user_model

    from bets.betting.ledger import participant_account

    missing = get_user_model().objects.filter(account__isnull=True)
    count = 0
    for user in missing.iterator():
        participant_account(user)
        count += 1
    return count
