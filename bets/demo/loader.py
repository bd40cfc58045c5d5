"""Load Crux's demo data: participants who disagree, the showcase claims, a resolved history.

`demo_load()` is idempotent: the demo admin is always ensured, the data itself loads once (the
first showcase claim is the marker). Everything is created through the services, with `now=`
in the past where forecasts are historical; scores of the resolved history are computed
synchronously so the leaderboard is populated before the web server answers.
"""

import math
import random
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.resolution import claim_resolve
from bets.claims.services import claim_approve, claim_feature, claim_propose
from bets.common.types import AuthUser
from bets.demo import data
from bets.demo.autoresolve import demo_autoresolve_load
from bets.demo.published import demo_published_load
from bets.models import Claim
from bets.scoring.services import claim_score

User = get_user_model()


def demo_admin_ensure() -> tuple[AuthUser, bool]:
    """The local demo admin (`admin` / `crux-admin`); created once, never overwritten."""
    admin, created = User.objects.get_or_create(
        username=data.ADMIN_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@crux.invalid"},
    )
    if created:
        admin.set_password(data.ADMIN_PASSWORD)
        admin.save()
    return admin, created


def demo_is_loaded() -> bool:
    return Claim.objects.filter(title=data.SHOWCASE[0].title, tags__name=data.DEMO_TAG).exists()


def _participants() -> dict[str, AuthUser]:
    # One hash for every demo participant: hashing six times would cost seconds at start-up.
    password = make_password(data.DEMO_PASSWORD)
    users: dict[str, AuthUser] = {}
    for username in data.PARTICIPANTS:
        user, _ = User.objects.get_or_create(username=username, defaults={"password": password})
        users[username] = user
    return users


def _propose_and_open(spec: data.ShowcaseClaim, *, admin, author, open_time: datetime, now):
    claim = claim_propose(
        author=author,
        title=spec.title,
        statement=spec.statement,
        resolution_criteria=spec.criteria,
        fine_print=spec.fine_print,
        tags=(*spec.tags, data.DEMO_TAG),
        open_time=open_time,
        close_time=now + timedelta(days=spec.close_in_days),
        resolve_after=now + timedelta(days=max(spec.close_in_days, 0)),
    )
    return claim_approve(claim_id=claim.pk, moderator=admin, note="Demo claim.")


def _load_showcase(spec: data.ShowcaseClaim, *, admin, users, now) -> Claim:
    oldest = max(days for days, _, _ in spec.forecasts)
    open_time = now - timedelta(days=oldest + 5)
    claim = _propose_and_open(spec, admin=admin, author=users["chen"], open_time=open_time, now=now)
    for days, username, p in sorted(spec.forecasts, key=lambda f: -f[0]):
        forecast_submit(
            claim_id=claim.pk,
            participant=users[username],
            probability=p,
            now=now - timedelta(days=days),
        )
    # The claims Crux grew out of lead the home page, whatever the demo adds after them.
    return claim_feature(claim_id=claim.pk, moderator=admin, featured=True)


def _history_probability(rng: random.Random, skill: float, outcome: str) -> float:
    """A forecast that leans towards what happened in proportion to the participant's skill."""
    signal = 1.0 if outcome == "yes" else -1.0
    logit = skill * signal + rng.gauss(0.0, 1.0)
    return round(min(0.97, max(0.03, 1.0 / (1.0 + math.exp(-logit)))), 2)


def _load_resolved(index: int, title: str, outcome: str, *, admin, users, now, rng) -> Claim:
    open_time = now - timedelta(days=420 - 30 * index)
    close_time = open_time + timedelta(days=60)
    claim = claim_propose(
        author=admin,
        title=title,
        statement=f"{title}, between the open and close times of this claim.",
        resolution_criteria=(
            "Resolves **YES** if a public, verifiable source reports it before the close time; "
            "**NO** otherwise."
        ),
        fine_print=data.RESOLVED_FINE_PRINT,
        tags=("history", data.DEMO_TAG),
        open_time=open_time,
        close_time=close_time,
        resolve_after=close_time,
    )
    claim_approve(claim_id=claim.pk, moderator=admin, note="Demo claim.")
    # Each participant forecasts at 1-3 random moments; submitted in time order because a new
    # forecast closes the participant's standing one.
    events = []
    for username, (_, skill) in data.PARTICIPANTS.items():
        if rng.random() < 0.2:  # not everyone forecasts on everything
            continue
        for _ in range(rng.randint(1, 3)):
            at = open_time + timedelta(seconds=rng.uniform(0, 59 * 86400))
            events.append((at, username, _history_probability(rng, skill, outcome)))
    for at, username, p in sorted(events):
        forecast_submit(claim_id=claim.pk, participant=users[username], probability=p, now=at)
    claim = claim_resolve(
        claim_id=claim.pk,
        outcome=outcome,
        actor=admin,
        actual_resolve_time=close_time,
        note="Demo resolution.",
    )
    # Synchronously, so the leaderboard is full before the site answers; the task the
    # resolution dispatched finds the scores written and does nothing.
    claim_score(claim_id=claim.pk, seq=claim.resolution_seq)
    return claim


@transaction.atomic
def demo_load(*, now: datetime | None = None, seed: int = 2024) -> bool:
    """Load the demo once. Returns False (and changes nothing) when it is already loaded."""
    now = now or timezone.now()
    admin, _ = demo_admin_ensure()
    if demo_is_loaded():
        return False
    users = _participants()
    for spec in data.SHOWCASE:
        _load_showcase(spec, admin=admin, users=users, now=now)
    _load_showcase(data.AWAITING_RESOLUTION, admin=admin, users=users, now=now)
    rng = random.Random(seed)
    for index, (title, outcome) in enumerate(data.RESOLVED):
        _load_resolved(index, title, outcome, admin=admin, users=users, now=now, rng=rng)
    # Claims that resolve themselves from the bundled evaluation logs (one is due at start-up).
    demo_autoresolve_load(admin=admin, participants=users)
    # Claims that resolve from shipped snapshots of published tables (both due at start-up).
    demo_published_load(admin=admin, participants=users)
    return True
