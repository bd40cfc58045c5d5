"""Demo claims that resolve from published tables: shipped snapshots in Epoch's and METR's
formats (demo/published/, made by make_published.py beside them).

The snapshots stand for files at demo URLs under `.invalid` (a name that never resolves):
they are stored as staff uploads of those URLs, so the claims, their evidence and the
snapshot pages work as they do for a real source, and beat's polls of the demo URLs fail
harmlessly (the failure shows on the source's page). Both claims are due at start-up: the
first sweep resolves them from the uploaded snapshots, retrieved after their resolve_after.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from bets.autoresolve.snapshots.store import snapshot_upload, source_describe
from bets.claims.forecasts import forecast_submit
from bets.claims.services import claim_approve, claim_propose

EPOCH_URL = "https://epoch-format.demo.invalid/data/benchmark_data.zip"
METR_URL = "https://metr-format.demo.invalid/metrics/benchmark_results.yaml"
NOTE = "Crux demo: a made-up table in the publisher's format (demo/published/)"

SOURCES = [
    (EPOCH_URL, "epoch_benchmark_data.zip", "epoch"),
    (METR_URL, "metr_benchmark_results.yaml", "metr"),
]


def _claims(today: str) -> list[tuple[str, str, dict]]:
    return [
        (
            "Reasoning effort pays more with each generation on GPQA diamond",
            "On the Epoch-format GPQA diamond table, the gap between each acme model's "
            "high-effort score (its _high or _max run, whichever is higher) and its "
            "no-effort score (_none) strictly widens from acme-1 to acme-2 to acme-3, "
            "counting runs started by the claim's date. A generation without both runs "
            "makes the claim undecided.",
            {"source": {"kind": "published", "location": {"url": EPOCH_URL},
                        "preset": "epoch", "benchmark": "GPQA diamond",
                        "efforts": {"none": ["none"], "high": ["high", "max"]},
                        "as_of": today, "date_column": "Started at"},
             "criterion": {"kind": "widening_gap", "models": ["acme-1", "acme-2", "acme-3"],
                           "a": "high", "b": "none", "metric": "score"}},
        ),
        (
            "A model released by March 2027 has a 4-hour time horizon",
            "In the METR-format time-horizon results, some model whose release date is on "
            "or before 2027-03-31 has a 50% time horizon (p50_horizon_length estimate) of at "
            "least 240 minutes.",
            {"source": {"kind": "published", "location": {"url": METR_URL},
                        "preset": "metr", "as_of": "2027-03-31",
                        "date_column": "release_date"},
             "criterion": {"kind": "threshold", "model": "*", "metric": "score",
                           "at_least": 240}},
        ),
    ]


def demo_published_load(*, admin, participants) -> list:
    """Create the published-table demo claims (both due now) and their snapshots."""
    people = list(participants.values()) if isinstance(participants, dict) else list(
        participants)
    now = timezone.now()
    open_time, resolve_after = now - timedelta(days=10), now - timedelta(minutes=1)
    claims = []
    for title, statement, spec in _claims(now.date().isoformat()):
        claim = claim_propose(
            author=admin, title=title, statement=statement,
            resolution_criteria="Resolved automatically from the first snapshot of the "
                                "published table retrieved at or after the resolve time.",
            open_time=open_time, close_time=resolve_after, resolve_after=resolve_after,
            tags=["evals", "auto-resolve", "published", "demo"],
            resolver_spec={"version": 1, "description": statement, **spec})
        claim = claim_approve(claim_id=claim.pk, moderator=admin, note="Demo claim.")
        for i, person in enumerate(people[:3]):
            forecast_submit(claim_id=claim.pk, participant=person,
                            probability=(0.7, 0.4, 0.6)[i], now=open_time + timedelta(hours=i + 1))
        claims.append(claim)
    # Stored after the claims' resolve_after: the first snapshots they may resolve from.
    from resolvers.sources.published_formats import PRESETS

    shipped = Path(settings.BASE_DIR) / "demo" / "published"
    for url, name, preset in SOURCES:
        source = source_describe(url=url, licence=PRESETS[preset].licence,
                                 attribution=f"{PRESETS[preset].attribution} (format only)",
                                 preset=preset)
        snapshot_upload(source_id=source.pk, data=(shipped / name).read_bytes(), actor=admin,
                        note=NOTE)
    return claims
