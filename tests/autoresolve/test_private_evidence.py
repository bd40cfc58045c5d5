"""Private evidence, public verdicts: evaluation files that only a claim's arbiters (and its
uploader and admins) may read, while the verdict and the files' sha256s are public.

The logs here are real inspect_ai logs whose samples, model outputs and metadata all carry a
canary string. A crawl of every page and API endpoint as each kind of viewer looks for it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ModelOutput, ModelUsage, get_model
from inspect_ai.scorer import match

from bets.autoresolve.disputes import dispute_adjudicate, proposal_dispute
from bets.autoresolve.dryrun import PRIVATE_REASON, claims_dry_run
from bets.autoresolve.evidence import visibility as visibility_module
from bets.autoresolve.evidence.artifacts import artifact_upload
from bets.autoresolve.evidence.disclosure import attempt_disclose
from bets.autoresolve.evidence.visibility import artifact_visibility_widen
from bets.autoresolve.runs import claim_run_resolver
from bets.betting.offers import offer_accept, offer_create
from bets.claims.arbiters import claim_arbiters_set
from bets.common.errors import Conflict, Forbidden, InvalidInput
from bets.models import ArtifactAccess, ClaimArtifact, ResolutionAttempt
from bets.web.autoresolve import evidence_access as web_evidence_access
from tests.autoresolve.conftest import make_spec_claim
from tests.factories import make_user
from tests.fixtures.inspect_logs import QUESTION, solver_for

CANARY = "CANARY-7f3c2a91-d41e-private-evidence"
MODELS = {"gen1": 0.5, "gen2": 0.7, "gen3": 0.9}  # cot accuracy of each scripted model
NAMES = [f"{m}-cot.json" for m in MODELS]


def _canary_model(name: str, accuracy: float):
    """A scripted mockllm whose every answer carries the canary in its text."""

    def respond(messages, tools, tool_choice, config) -> ModelOutput:
        prompt = next(m.text for m in messages if m.role == "user")
        a, b = (int(x) for x in QUESTION.search(prompt).groups())
        answer = a + b if a - 3 < round(accuracy * 20) else a + b + 1
        output = ModelOutput.from_content(f"mockllm/{name}",
                                          f"{CANARY}: {a} + {b}.\nANSWER: {answer}")
        output.usage = ModelUsage(input_tokens=30, output_tokens=8, total_tokens=38)
        return output

    return get_model(f"mockllm/{name}", custom_outputs=respond, memoize=False)


@pytest.fixture(scope="session")
def canary_logs(tmp_path_factory) -> dict[str, bytes]:
    """gen1..gen3 under chain of thought, as JSON logs (so a leak shows in plain bytes)."""
    samples = [Sample(id=i + 1, input=f"What is {i + 3} + {2 * i + 5}?", target=str(3 * i + 8),
                      metadata={"lab_note": CANARY}) for i in range(20)]
    tasks = [Task(dataset=MemoryDataset(samples, name="arith-20"), solver=solver_for("cot"),
                  scorer=match(), name="arith", model=_canary_model(m, acc))
             for m, acc in MODELS.items()]
    logs = inspect_eval(tasks, display="none", log_dir=str(tmp_path_factory.mktemp("canary")),
                        log_format="json", max_tasks=3, log_realtime=False,
                        metadata={"lab_note": CANARY})
    out = {f"{log.eval.model.split('/')[-1]}-cot.json": Path(log.location).read_bytes()
           for log in logs}
    assert all(CANARY.encode() in data for data in out.values())
    return out


def canary_spec(disclose: str | None = None) -> dict:
    spec: dict = {
        "source": {"kind": "inspect_logs", "location": [{"artifact": n} for n in NAMES],
                   "task": "arith", "dataset": "arith-20",
                   "conditions": {"cot": {"solvers_include": "chain_of_thought"}}},
        # gen2 (0.7) and gen3 (0.9) reach 0.6: YES.
        "criterion": {"kind": "at_least_k", "models": [f"mockllm/{m}" for m in MODELS],
                      "k": 2, "condition": "cot", "metric": "accuracy", "at_least": 0.6},
    }
    if disclose:
        spec["disclose"] = disclose
    return spec


class World:
    """One claim whose evidence is non-public, with every kind of viewer around it."""

    def __init__(self, logs: dict[str, bytes], *, visibility: str, disclose: str | None = None):
        self.mod = make_user("mod", staff=True)
        self.lab, self.arb = make_user("lab"), make_user("arb")
        self.bob, self.cat, self.dan = make_user("bob"), make_user("cat"), make_user("dan")
        self.claim = make_spec_claim(author=self.lab, moderator=self.mod,
                                     spec=canary_spec(disclose), due=False)
        claim_arbiters_set(claim_id=self.claim.pk, actor=self.lab, usernames=["arb"])
        self.artifacts = [
            artifact_upload(claim_id=self.claim.pk, uploader=self.lab, name=name,
                            file=SimpleUploadedFile(name, data), visibility=visibility)
            for name, data in logs.items()
        ]
        offer = offer_create(claim_id=self.claim.pk, offerer=self.bob, side="yes",
                             probability=0.6, max_stake=60,
                             expires_at=timezone.now() + timedelta(days=1))
        offer_accept(offer_id=offer.pk, taker=self.cat, stake=40)
        self.attempt = claim_run_resolver(claim_id=self.claim.pk, run_key="canary-run")
        assert self.attempt is not None and self.attempt.verdict == "yes"
        claims_dry_run(claim_ids=[self.claim.pk])  # "would resolve as ... today"
        # The evidence the run recorded does carry the canary (the logs' metadata).
        assert CANARY in json.dumps(self.attempt.evidence)

    def client(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def urls(self) -> list[str]:
        c, a = self.claim.pk, self.attempt.pk
        urls = [
            "/", f"/claims/{c}/", f"/claims/{c}/resolution/", f"/claims/{c}/resolution/?preview=1",
            "/leaderboard/", "/u/lab/", "/u/arb/", "/u/bob/", "/moderation/", "/notifications/",
            f"/claims/{c}/does-not-exist/", "/api/claims/", f"/api/claims/{c}/",
            f"/api/claims/{c}/attempts/", f"/api/claims/{c}/artifacts/",
            f"/api/claims/{c}/proposals/", f"/api/claims/{c}/comments/",
            f"/api/claims/{c}/arbiters/", f"/api/claims/{c}/resolver/preview/",
            "/api/notifications/", "/api/export/", f"/api/attempts/{a}/",
            f"/api/attempts/{a}/evidence/", f"/api/attempts/{a}/evidence.zip",
            "/api/claims/?search=canary", "/api/bets/", "/api/offers/",
            "/admin/bets/claimartifact/", f"/admin/bets/resolutionattempt/{a}/change/",
        ]
        for artifact in self.artifacts:
            urls += [f"/api/artifacts/{artifact.pk}/download/",
                     f"/artifacts/{artifact.pk}/download/",
                     f"/api/artifacts/{artifact.pk}/accesses/"]
        return urls


def _texts(body: bytes) -> list[bytes]:
    """The response body, and every member when it is a zip (evidence bundles)."""
    out = [body]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            out += [archive.read(n) for n in archive.namelist()]
    return out


LINK = re.compile(r'href="(/[^"#]*)"')


def crawl(world: World, user) -> dict[str, int]:
    """Every listed URL and every same-site link on the pages, as `user`: url -> how many
    times the canary appears. No response may be a server error."""
    client = world.client(user)
    seen: dict[str, int] = {}
    queue = list(world.urls())
    while queue and len(seen) < 200:
        url = queue.pop(0)
        if url in seen or "logout" in url:
            continue
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = sum(t.count(CANARY.encode()) for t in _texts(body))
        if "text/html" in response.get("Content-Type", ""):
            queue += [u.replace("&amp;", "&") for u in LINK.findall(body.decode(errors="ignore"))
                      if not u.startswith(("/static/", "/admin/logout"))]
    return seen


def leaks(seen: dict[str, int]) -> list[str]:
    return sorted(url for url, n in seen.items() if n)


@pytest.mark.parametrize("visibility", ["aggregates", "private"])
def test_the_canary_reaches_no_one_outside_the_evidence_readers(db, canary_logs, visibility):
    world = World(canary_logs, visibility=visibility)
    for user in (None, world.dan, world.bob, world.cat):
        assert leaks(crawl(world, user)) == [], f"leaked to {user or 'anonymous'}"
    # The arbiter and an admin reach the files, and through them the canary.
    for user in (world.arb, world.mod):
        found = leaks(crawl(world, user))
        assert any("/download/" in url for url in found), found
        assert any(url.endswith("evidence.zip") for url in found), found


def test_the_crawl_finds_the_canary_when_a_page_exposes_the_file(db, canary_logs, monkeypatch):
    """The leak test can fail: let every viewer read every file, and it reports the leak."""
    world = World(canary_logs, visibility="private")
    everyone = lambda artifact, user, arbiters=None: True  # noqa: E731
    monkeypatch.setattr(visibility_module, "artifact_readable_by", everyone)
    monkeypatch.setattr(web_evidence_access, "artifact_readable_by", everyone)
    assert leaks(crawl(world, None))


def test_the_public_sees_the_verdict_and_every_sha256_of_private_evidence(db, canary_logs,
                                                                         client):
    world = World(canary_logs, visibility="private")
    page = client.get(f"/claims/{world.claim.pk}/resolution/").content.decode()
    for artifact in world.artifacts:
        assert artifact.sha256 in page
    assert "private to the claim" in page
    data = client.get(f"/api/claims/{world.claim.pk}/attempts/").json()[0]
    assert data["verdict"] == "yes" and data["measurement"] == {}
    assert data["withheld"] and "private" in data["withheld"]
    assert sorted(f["sha256"] for f in data["evidence"]["files"]) == sorted(
        a.sha256 for a in world.artifacts)


def test_aggregates_show_the_measurement_but_no_run_details(db, canary_logs, client):
    world = World(canary_logs, visibility="aggregates")
    data = client.get(f"/api/attempts/{world.attempt.pk}/").json()
    assert data["measurement"]["reached"] == 2
    assert set(data["evidence"]) == {"files"}
    assert CANARY not in json.dumps(data) and "aggregates" in data["withheld"]
    mine = world.client(world.arb).get(f"/api/attempts/{world.attempt.pk}/").json()
    assert mine["withheld"] == "" and CANARY in json.dumps(mine["evidence"])


def test_a_spec_can_disclose_only_aggregates_across_models(db, canary_logs, client):
    world = World(canary_logs, visibility="public", disclose="aggregates")
    public = client.get(f"/api/attempts/{world.attempt.pk}/").json()
    assert "models" not in public["measurement"]
    assert public["measurement"]["models_reaching_bar"] == 2
    assert public["measurement"]["best_value"] == pytest.approx(0.9)
    assert "mockllm/gen3 " not in public["reason"] and "of 3 listed models" in public["reason"]
    claim = client.get(f"/api/claims/{world.claim.pk}/").json()
    assert claim["would_resolve"]["verdict"] == "yes"
    assert claim["would_resolve"]["reason"] == PRIVATE_REASON
    arbiter = world.client(world.arb).get(f"/api/attempts/{world.attempt.pk}/").json()
    assert [m["model"] for m in arbiter["measurement"]["models"]] == [
        f"mockllm/{m}" for m in MODELS]


def test_revealing_a_file_publishes_exactly_the_committed_bytes(db, canary_logs, client):
    world = World(canary_logs, visibility="private")
    artifact = world.artifacts[1]
    assert client.get(f"/api/artifacts/{artifact.pk}/download/").status_code == 403
    artifact_visibility_widen(artifact_id=artifact.pk, actor=world.lab, visibility="public")
    response = client.get(f"/api/artifacts/{artifact.pk}/download/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    recorded = {f["sha256"] for f in world.attempt.evidence["files"]}
    assert hashlib.sha256(data).hexdigest() == artifact.sha256 and artifact.sha256 in recorded
    # What was revealed cannot be hidden again, and a name cannot be reused for new bytes.
    with pytest.raises(Conflict):
        artifact_visibility_widen(artifact_id=artifact.pk, actor=world.lab,
                                  visibility="private")
    with pytest.raises(Conflict):
        artifact_upload(claim_id=world.claim.pk, uploader=world.lab, name=artifact.name,
                        file=SimpleUploadedFile(artifact.name, canary_logs[NAMES[0]]))


def test_every_download_of_a_non_public_file_is_recorded_for_the_uploader(db, canary_logs):
    world = World(canary_logs, visibility="private")
    artifact = world.artifacts[0]
    arbiter = world.client(world.arb)
    page = arbiter.get(f"/claims/{world.claim.pk}/resolution/").content.decode()
    link = re.search(rf'href="(/artifacts/{artifact.pk}/download/\?t=[^"]+)"', page).group(1)
    assert arbiter.get(link.replace("&amp;", "&")).status_code == 200
    assert arbiter.get(f"/api/artifacts/{artifact.pk}/download/").status_code == 200
    rows = world.client(world.lab).get(f"/api/artifacts/{artifact.pk}/accesses/").json()
    assert [(r["user"], r["via"]) for r in rows] == [("arb", "api"), ("arb", "download")]
    assert world.client(world.dan).get(
        f"/api/artifacts/{artifact.pk}/accesses/").status_code == 403


def test_refusals_are_clear_and_change_nothing(db, canary_logs):
    world = World(canary_logs, visibility="private")
    artifact = world.artifacts[0]
    before = ArtifactAccess.objects.count()
    dan = world.client(world.dan)
    # A non-arbiter, a bare link, a tampered link and another viewer's link are refused.
    assert dan.get(f"/api/artifacts/{artifact.pk}/download/").status_code == 403
    assert dan.get(f"/artifacts/{artifact.pk}/download/").status_code == 403
    page = world.client(world.arb).get(f"/claims/{world.claim.pk}/resolution/").content.decode()
    link = re.search(rf'href="(/artifacts/{artifact.pk}/download/\?t=[^"]+)"', page).group(1)
    assert dan.get(link).status_code == 403
    arbiter = world.client(world.arb)
    assert arbiter.get(link[:-3] + "xyz").status_code == 403
    assert "not valid" in arbiter.get(link[:-3] + "xyz").content.decode()
    assert ArtifactAccess.objects.count() == before
    # An unknown visibility is a field error and stores nothing.
    count = ClaimArtifact.objects.count()
    response = world.client(world.lab).post(
        f"/api/claims/{world.claim.pk}/artifacts/",
        {"name": "more.json", "visibility": "secret",
         "file": SimpleUploadedFile("more.json", canary_logs[NAMES[0]])})
    assert response.status_code == 400 and "visibility" in response.json()
    assert ClaimArtifact.objects.count() == count
    with pytest.raises(InvalidInput):
        artifact_visibility_widen(artifact_id=artifact.pk, actor=world.lab, visibility="nope")
    with pytest.raises(Forbidden):
        artifact_visibility_widen(artifact_id=artifact.pk, actor=world.dan, visibility="public")


def test_an_arbiter_may_not_be_a_party_to_a_bet_on_the_claim(db, canary_logs):
    world = World(canary_logs, visibility="private")
    with pytest.raises(Conflict, match="bob has a bet or an offer on this claim"):
        claim_arbiters_set(claim_id=world.claim.pk, actor=world.lab, usernames=["arb", "bob"])
    assert list(world.claim.arbiters.values_list("username", flat=True)) == ["arb"]
    with pytest.raises(Conflict, match="arbiter of this claim"):
        offer_create(claim_id=world.claim.pk, offerer=world.arb, side="no", probability=0.5,
                     max_stake=10, expires_at=timezone.now() + timedelta(days=1))
    offer = offer_create(claim_id=world.claim.pk, offerer=world.dan, side="no",
                         probability=0.5, max_stake=10,
                         expires_at=timezone.now() + timedelta(days=1))
    with pytest.raises(Conflict, match="arbiter of this claim"):
        offer_accept(offer_id=offer.pk, taker=world.arb, stake=5)
    response = world.client(world.lab).put(f"/api/claims/{world.claim.pk}/arbiters/",
                                           {"arbiters": ["cat"]}, content_type="application/json")
    assert response.status_code == 409
    assert "arbiter may not be a party" in response.json()["arbiters"][0]


def test_an_arbiter_adjudicates_a_dispute_and_the_decision_is_public(db, canary_logs, client):
    world = World(canary_logs, visibility="private")
    proposal = world.attempt.proposal
    dispute = proposal_dispute(proposal_id=proposal.pk, participant=world.cat,
                               reason="The gen3 log looks truncated.")
    with pytest.raises(Forbidden):
        dispute_adjudicate(dispute_id=dispute.pk, admin=world.bob, decision="rejected",
                           note="no")
    dispute_adjudicate(dispute_id=dispute.pk, admin=world.arb, decision="rejected",
                       note="All 20 samples of each log completed; the run stands.")
    page = client.get(f"/claims/{world.claim.pk}/resolution/").content.decode()
    assert "All 20 samples of each log completed; the run stands." in page
    assert ResolutionAttempt.objects.get(pk=world.attempt.pk).verdict == "yes"


@pytest.mark.parametrize("visibility, measured", [("private", False), ("aggregates", True)])
def test_a_live_runs_logs_take_the_visibility_its_spec_asks_for(db, visibility, measured):
    mod, arb, dan = make_user("mod", staff=True), make_user("arb"), make_user("dan")
    source = {"kind": "inspect_run", "task": "arith", "endpoint": "lab", "models": ["gen1"],
              "conditions": ["cot"], "visibility": visibility, "log_samples": False}
    attempt = ResolutionAttempt(claim_id=1, spec={"source": source, "criterion": {}},
                                verdict="yes", reason="gen1 cot accuracy 0.9 >= 0.5",
                                measurement={"value": 0.9}, evidence={"logs": [CANARY]})
    for viewer in (None, dan):
        shown = attempt_disclose(attempt, viewer, artifacts={}, arbiters={arb.pk})
        assert CANARY not in json.dumps(shown.evidence) and shown.withheld
        assert bool(shown.measurement) is measured and shown.verdict == "yes"
    for reader in (arb, mod):
        shown = attempt_disclose(attempt, reader, artifacts={}, arbiters={arb.pk})
        assert CANARY in json.dumps(shown.evidence) and shown.withheld == ""
