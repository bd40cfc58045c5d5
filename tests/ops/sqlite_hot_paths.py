"""Run the plain-SQL hot paths (bets.sql) on the embedded default, SQLite, as `make run` does.

The suite itself runs on PostgreSQL, so tests/ops/test_sqlite_hot_paths.py starts this module
in a subprocess with DATABASE_URL pointing at a fresh SQLite file; it prints one JSON object
with what it saw.
"""

import json
import os
from datetime import timedelta


def main() -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from bets.autoresolve import runs as autoresolve
    from bets.betting.checks import ledger_violations
    from bets.betting.ledger import user_balance
    from bets.betting.offers import offer_accept, offer_create
    from bets.claims.forecasts import forecast_submit
    from bets.claims.resolution import claim_resolve
    from bets.common.errors import Conflict
    from bets.models import Claim, ResolutionAttempt, ResolutionProposal, Score
    from bets.scoring.services import claim_score
    from tests.factories import make_open_claim, make_user

    mod = make_user("mod", staff=True)
    ann, bob = make_user("ann"), make_user("bob")
    claim = make_open_claim(author=mod, moderator=mod, opened_ago=timedelta(days=2))
    offer = offer_create(claim_id=claim.pk, offerer=ann, side="yes", probability=0.7,
                         max_stake=70, expires_at=timezone.now() + timedelta(days=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=bob).key}")
    accepted = client.post(f"/api/offers/{offer.pk}/accept/", {"stake": 30}, format="json")
    try:
        offer_accept(offer_id=offer.pk, taker=bob, stake=1)
        refusal = None
    except Conflict as exc:
        refusal = exc.message
    for user, p in ((ann, 0.8), (bob, 0.3)):
        forecast_submit(claim_id=claim.pk, participant=user, probability=p)
    claim = claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    scored = claim_score(claim_id=claim.pk, seq=claim.resolution_seq)

    spec = {"source": {"kind": "inspect_logs", "location": {"data": "*.eval"},
                       "conditions": {"snap": {"solvers": ["generate"]}}},
            "criterion": {"kind": "threshold", "model": "mockllm/gen1", "condition": "snap",
                          "metric": "accuracy", "at_least": 0.01}}
    due = make_open_claim(author=mod, moderator=mod, title="Due")
    Claim.objects.filter(pk=due.pk).update(resolver_spec=spec)
    first = autoresolve.claim_run_resolver(claim_id=due.pk, run_key="sqlite:1")
    again = autoresolve.claim_run_resolver(claim_id=due.pk, run_key="sqlite:1")
    return {
        "accept_status": accepted.status_code,
        "accept_body": accepted.json(),
        "refusal": refusal,
        "balances": [user_balance(ann), user_balance(bob)],
        "violations": ledger_violations(),
        "scored": scored,
        "scores": Score.objects.filter(claim=claim).count(),
        "attempt": [first.status, first.verdict] if first else None,
        "again": again is None,
        "attempts": ResolutionAttempt.objects.count(),
        "proposals": ResolutionProposal.objects.count(),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    print(json.dumps(main(), default=str))
