"""Demo claims that resolve themselves from the bundled evaluation logs in demo/evals/.

Called by bets.demo (`make run`). One claim is due at start-up, so within a sweep or two
(CRUX_RESOLVER_SWEEP_SECONDS, 60 s by default) a newcomer sees it auto-resolve: an attempt
with its evidence and a proposed YES waiting out its dispute window. The others come due
later and can be previewed ("would resolve as ... today") by the admin at any time.

The specs read `{"data": "*.eval"}`: the logs directly in CRUX_DATA_DIR (demo/evals/ by
default), written by inspect_ai for the arithmetic task `arith` with scripted models
mockllm/gen1..gen3 under snap, chain-of-thought and tool-use solvers.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bets.claims.forecasts import forecast_submit
from bets.claims.services import claim_approve, claim_propose

logger = logging.getLogger(__name__)

MODELS = ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"]
SOURCE = {
    "kind": "inspect_logs",
    "location": {"data": "*.eval"},
    "task": "arith",
    "conditions": {
        "snap": {"solvers": ["generate"]},
        "cot": {"solvers_include": "chain_of_thought"},
        "tools": {"solvers_include": "use_tools"},
    },
}

# (title, statement, criterion, days until resolve_after; <= 0 means due at start-up)
CLAIMS = [
    (
        "Chain of thought beats snap judgments on arithmetic by 10+ points for gen2",
        "On the arith task, mockllm/gen2's accuracy with chain-of-thought prompting exceeds "
        "its snap-judgment accuracy by at least 10 percentage points.",
        {"kind": "gap", "model": "mockllm/gen2", "a": "cot", "b": "snap",
         "metric": "accuracy", "min_gap": 0.10},
        0,
    ),
    (
        "The chain-of-thought advantage grows with each model generation",
        "The cot minus snap accuracy gap on arith strictly widens from gen1 to gen2 to gen3.",
        {"kind": "widening_gap", "models": MODELS, "a": "cot", "b": "snap",
         "metric": "accuracy"},
        21,
    ),
    (
        "Tool use beats chain of thought beats snap for every generation",
        "For gen1, gen2 and gen3 on arith: accuracy with tools > with chain of thought > snap.",
        {"kind": "ordering", "models": MODELS, "order": ["tools", "cot", "snap"],
         "metric": "accuracy"},
        14,
    ),
    (
        "At least two generations reach 80% on arithmetic with tools",
        "At least 2 of gen1, gen2 and gen3 reach 80% accuracy on arith when given a tool.",
        {"kind": "at_least_k", "models": MODELS, "k": 2, "condition": "tools",
         "metric": "accuracy", "at_least": 0.8},
        30,
    ),
    (
        "gen3 clears 85% with chain of thought, confidently",
        "The lower end of the 95% interval of gen3's chain-of-thought accuracy on arith "
        "is at least 85%.",
        {"kind": "threshold", "model": "mockllm/gen3", "condition": "cot",
         "metric": "accuracy", "at_least": 0.85, "confidence": 0.95},
        45,
    ),
]


def demo_autoresolve_load(*, admin, participants) -> list:
    """Create the auto-resolving demo claims; returns them. The first is due now."""
    data_dir = settings.CRUX_DATA_DIR
    if not any(data_dir.glob("*.eval")):
        logger.warning("No evaluation logs in %s: the auto-resolution demo claims will stay "
                       "inconclusive until some are there.", data_dir)
    people = list(participants.values()) if isinstance(participants, dict) else list(
        participants)
    now = timezone.now()
    claims = []
    for title, statement, criterion, days in CLAIMS:
        due = days <= 0
        open_time = now - timedelta(days=10)
        close_time = now - timedelta(minutes=1) if due else now + timedelta(days=days)
        claim = claim_propose(
            author=admin, title=title, statement=statement,
            resolution_criteria="Resolved automatically by the resolver spec below, from the "
                                "inspect_ai logs it names; disputes go to an admin.",
            open_time=open_time, close_time=close_time, resolve_after=close_time,
            tags=["evals", "auto-resolve", "demo"],
            resolver_spec={"version": 1, "description": statement, "source": SOURCE,
                           "criterion": criterion},
        )
        claim = claim_approve(claim_id=claim.pk, moderator=admin, note="Demo claim.")
        for i, person in enumerate(people[:3]):
            forecast_submit(claim_id=claim.pk, participant=person,
                            probability=(0.55, 0.8, 0.3)[i], now=open_time + timedelta(hours=i + 1))
        claims.append(claim)
    return claims
