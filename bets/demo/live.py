"""The live-run demo (`CRUX_DEMO_MODEL=1 make run`): a real small model served on this machine
is registered as an endpoint, and a claim runs the arithmetic task against it under `snap` and
`cot`, so a newcomer watches the progress bar fill and the claim get its proposed outcome,
with the real inspect logs as evidence."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bets.autoresolve.live.endpoints import endpoint_add
from bets.autoresolve.runs import claim_run_resolver_now
from bets.claims.services import claim_approve, claim_propose
from bets.demo.loader import demo_admin_ensure
from bets.models import Claim, Endpoint

ENDPOINT = "demo-local"
MODEL = "smollm2-135m"
TITLE = "Does chain of thought help SmolLM2-135M on two-number addition?"
SPEC = {
    "description": "Runs the bundled arithmetic task live against the demo model.",
    "source": {"kind": "inspect_run", "task": "arith", "endpoint": ENDPOINT,
               "models": [MODEL], "conditions": ["snap", "cot"], "limit": 4, "seed": 1,
               "generate": {"temperature": 0, "max_tokens": 64}, "max_connections": 4,
               "budget_seconds": 1200},
    "criterion": {"kind": "gap", "model": MODEL, "a": "cot", "b": "snap",
                  "metric": "accuracy", "min_gap": 0.0},
}


def demo_live_load(*, base_url: str) -> Claim:
    """Register the demo endpoint and claim once, and start a live run of the claim now."""
    admin, _ = demo_admin_ensure()
    endpoint = Endpoint.objects.filter(name=ENDPOINT).first()
    if endpoint is None:
        endpoint_add(name=ENDPOINT, base_url=base_url, models=[MODEL], allow_private=True)
    elif endpoint.base_url != base_url.rstrip("/"):
        Endpoint.objects.filter(pk=endpoint.pk).update(base_url=base_url.rstrip("/"))
    claim = Claim.objects.filter(title=TITLE).first()
    if claim is None:
        now = timezone.now()
        claim = claim_propose(
            author=admin, title=TITLE,
            statement="Asked to reason step by step, SmolLM2-135M-Instruct answers at least as "
                      "many of four two-number additions correctly as when it answers at once.",
            resolution_criteria="Resolved by running Crux's bundled arithmetic task live "
                                "against the model (recipes snap and cot, four questions).",
            open_time=now, close_time=now + timedelta(days=30),
            resolve_after=now + timedelta(days=30), resolver_spec=SPEC)
        claim = claim_approve(claim_id=claim.pk, moderator=admin, note="Demo claim.")
    if not claim.resolution_attempts.exists():
        claim_run_resolver_now(claim_id=claim.pk, actor=admin)
    return claim
