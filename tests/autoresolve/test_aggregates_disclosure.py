"""A spec with `"disclose": "aggregates"` shows non-readers the aggregate numbers of every
multi-model criterion and never which model scored what: not in the attempt, the measurements
series, the chart, nor the files of evidence.zip. Arbiters and staff see everything."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from bets.autoresolve.runs import claim_run_resolver
from bets.claims.arbiters import claim_arbiters_set
from tests.autoresolve.conftest import inspect_spec, make_spec_claim
from tests.factories import client_for, make_user

pytestmark = pytest.mark.django_db

MODELS = ["mockllm/gen1", "mockllm/gen2", "mockllm/gen3"]
CRITERIA = {
    "widening_gap": {"kind": "widening_gap", "models": MODELS, "a": "cot", "b": "snap",
                     "metric": "accuracy"},
    "ordering": {"kind": "ordering", "models": MODELS, "order": ["tools", "cot", "snap"],
                 "metric": "accuracy"},
    "at_least_k": {"kind": "at_least_k", "models": MODELS, "k": 2, "condition": "cot",
                   "metric": "accuracy", "at_least": 0.6},
    "best_model": {"kind": "best_model", "models": MODELS, "condition": "cot",
                   "metric": "accuracy", "at_least": 0.6},
}
# Keys of a measurement that tie a number to a model.
PER_MODEL = {"model", "models", "gaps", "steps", "pairs", "values", "readings", "best"}


def _run(kind: str, ann, mod):
    spec = inspect_spec(CRITERIA[kind]) | {"disclose": "aggregates"}
    claim = make_spec_claim(author=ann, moderator=mod, spec=spec)
    claim_arbiters_set(claim_id=claim.pk, actor=mod, usernames=["arb"])
    attempt = claim_run_resolver(claim_id=claim.pk, run_key=f"aggregates-{kind}")
    assert attempt is not None and attempt.verdict in ("yes", "no"), attempt.reason
    return claim, attempt


@pytest.mark.parametrize("kind", list(CRITERIA))
def test_outsiders_see_only_aggregates_of_a_multi_model_criterion(kind, ann, mod, anon):
    make_user("arb")
    claim, attempt = _run(kind, ann, mod)
    assert PER_MODEL & set(attempt.measurement)  # the run itself recorded per-model numbers
    for client in (anon, client_for(make_user("dan"))):
        shown = client.get(f"/api/attempts/{attempt.pk}/").json()
        assert not PER_MODEL & set(shown["measurement"]), shown["measurement"]
        assert shown["measurement"]["criterion"] == kind
        series = client.get(f"/api/claims/{claim.pk}/measurements/").json()
        labels = json.dumps(series)
        assert not any(m in labels for m in ("gen1", "gen2", "gen3")), labels
        page = client.get(f"/claims/{claim.pk}/").content.decode()
        assert "<title>mockllm/gen" not in page
        archive = zipfile.ZipFile(io.BytesIO(
            client.get(f"/api/attempts/{attempt.pk}/evidence.zip").content))
        assert not [n for n in archive.namelist() if n.startswith("files/")]
        notes = json.loads(archive.read("manifest.json"))["files"]
        assert notes and all("discloses only aggregate" in f["note"] for f in notes)


@pytest.mark.parametrize("kind", ["widening_gap", "at_least_k"])
def test_arbiters_and_staff_see_every_models_numbers_and_files(kind, ann, mod):
    arb = make_user("arb")
    claim, attempt = _run(kind, ann, mod)
    for reader in (arb, mod):
        client = client_for(reader)
        shown = client.get(f"/api/attempts/{attempt.pk}/").json()
        assert PER_MODEL & set(shown["measurement"])
        assert "gen2" in json.dumps(client.get(f"/api/claims/{claim.pk}/measurements/").json())
        archive = zipfile.ZipFile(io.BytesIO(
            client.get(f"/api/attempts/{attempt.pk}/evidence.zip").content))
        assert [n for n in archive.namelist() if n.startswith("files/")]


def test_a_one_model_criterion_keeps_its_public_model_name_for_outsiders(ann, mod, anon):
    """A threshold names its one model in the public spec: its numbers are the aggregate,
    and the chart and table label them with that name (not a blank)."""
    spec = inspect_spec({"kind": "threshold", "model": "mockllm/gen2", "condition": "cot",
                         "metric": "accuracy", "at_least": 0.6}) | {"disclose": "aggregates"}
    claim = make_spec_claim(author=ann, moderator=mod, spec=spec)
    attempt = claim_run_resolver(claim_id=claim.pk, run_key="aggregates-threshold")
    assert attempt is not None and attempt.verdict == "yes", attempt.reason
    shown = anon.get(f"/api/attempts/{attempt.pk}/").json()["measurement"]
    assert shown["model"] == "mockllm/gen2" and shown["value"] == pytest.approx(0.7)
    series = anon.get(f"/api/claims/{claim.pk}/measurements/").json()["series"]
    assert [s["label"] for s in series] == ["mockllm/gen2"]
