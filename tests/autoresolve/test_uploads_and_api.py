"""Evidence uploads, the API and the spec_claim's resolution page; bad files change nothing."""

import io
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log
from rest_framework.test import APIClient

from bets.autoresolve import runs as autoresolve
from bets.models import ClaimArtifact, ResolutionAttempt, ResolutionProposal
from tests.autoresolve.conftest import GAP_YES, inspect_spec, make_spec_claim
from tests.celery_worker import redis_flush
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ARTIFACT_GAP = inspect_spec(
    {
        "kind": "gap",
        "model": "mockllm/gen2",
        "a": "cot",
        "b": "snap",
        "metric": "accuracy",
        "min_gap": 0.1,
    },
    location=[{"artifact": "gen2-cot.eval"}, {"artifact": "gen2-snap.eval"}],
)


def find_log(eval_dir: Path, model: str, condition: str) -> Path:
    for path in sorted((eval_dir / "good").glob("*.eval")):
        log = read_eval_log(str(path), header_only=True)
        solvers = [s.solver for s in log.plan.steps]
        kind = (
            "cot"
            if any("chain_of_thought" in s for s in solvers)
            else "tools"
            if any("use_tools" in s for s in solvers)
            else "snap"
        )
        if log.eval.model == f"mockllm/{model}" and kind == condition:
            return path
    raise LookupError((model, condition))


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def spec_claim(ann, mod):
    return make_spec_claim(author=ann, moderator=mod, spec=ARTIFACT_GAP, due=False)


def upload(client, spec_claim, name, data: bytes):
    return client.post(
        f"/api/claims/{spec_claim.pk}/artifacts/",
        {"name": name, "file": io.BytesIO(data)},
        format="multipart",
    )


def nothing_stored(settings) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not ClaimArtifact.objects.exists() and not (
        media.exists() and any(p.is_file() for p in media.rglob("*"))
    )


def test_uploaded_logs_are_stored_with_sha256_and_the_claims_spec_reads_them(
    spec_claim, ann, client_for, eval_dir
):
    import hashlib

    api = client_for(ann)
    for condition in ("cot", "snap"):
        data = find_log(eval_dir, "gen2", condition).read_bytes()
        response = upload(api, spec_claim, f"gen2-{condition}.eval", data)
        assert response.status_code == 201, response.json()
        assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    preview = api.post(f"/api/claims/{spec_claim.pk}/resolver/preview/")
    assert preview.status_code == 200
    assert preview.json()["verdict"] == "yes"
    assert {f["locator"] for f in preview.json()["evidence"]["files"]} == {
        "artifact:gen2-cot.eval",
        "artifact:gen2-snap.eval",
    }


def test_a_truncated_eval_zip_is_refused_and_nothing_is_stored(
    spec_claim, ann, client_for, eval_dir, settings
):
    data = find_log(eval_dir, "gen2", "cot").read_bytes()
    response = upload(client_for(ann), spec_claim, "gen2-cot.eval", data[: len(data) // 2])
    assert response.status_code == 400
    assert "zip" in response.json()["file"][0]
    assert nothing_stored(settings)


def test_json_that_is_not_a_log_is_refused_for_a_spec_that_reads_logs(
    ann, mod, client_for, settings
):
    spec = inspect_spec(GAP_YES["criterion"], location={"artifact": "results.json"})
    spec_claim = make_spec_claim(author=ann, moderator=mod, spec=spec, due=False)
    response = upload(client_for(ann), spec_claim, "results.json", b'{"hello": "world"}')
    assert response.status_code == 400
    assert "inspect_logs" in response.json()["file"][0]
    assert nothing_stored(settings)


def test_a_50_mb_upload_is_refused_before_it_is_read_and_nothing_is_stored(
    spec_claim, ann, client_for, settings
):
    response = upload(client_for(ann), spec_claim, "big.eval", b"\0" * (50 * 1024 * 1024))
    assert response.status_code == 413  # from its Content-Length (bets.common.request_body)
    assert "too large" in response.json()["detail"]
    assert nothing_stored(settings)


def test_an_upload_over_the_cap_but_under_the_body_slack_is_refused_while_reading(
    spec_claim, ann, client_for, settings
):
    settings.CRUX_ARTIFACT_MAX_BYTES = 1000
    response = upload(client_for(ann), spec_claim, "notes.csv", b"x" * 1500)
    assert response.status_code == 400 and "limit" in response.json()["file"][0]
    assert nothing_stored(settings)


def test_a_log_for_another_task_is_inconclusive_and_proposes_nothing(
    spec_claim, ann, client_for, eval_dir, bad_logs
):
    api = client_for(ann)
    assert (
        upload(api, spec_claim, "gen2-cot.eval", bad_logs["other_task"].read_bytes()).status_code
        == 201
    )
    assert (
        upload(
            api, spec_claim, "gen2-snap.eval", find_log(eval_dir, "gen2", "snap").read_bytes()
        ).status_code
        == 201
    )
    preview = api.post(f"/api/claims/{spec_claim.pk}/resolver/preview/").json()
    assert preview["verdict"] == "inconclusive"
    assert "arith_hard" in preview["reason"] or "task" in preview["reason"]
    attempt = autoresolve.claim_run_resolver(claim_id=spec_claim.pk, run_key="manual-check")
    assert attempt.status == "inconclusive"
    assert not ResolutionProposal.objects.exists()


def test_upload_names_permissions_and_duplicates_get_clear_errors(
    spec_claim, ann, client_for, settings
):
    assert upload(client_for(ann), spec_claim, "../etc/passwd", b"a,b\n").status_code == 400
    assert upload(client_for(make_user("eve")), spec_claim, "x.csv", b"a,b\n").status_code == 403
    assert upload(client_for(ann), spec_claim, "x.csv", b"a,b\n").status_code == 201
    response = upload(client_for(ann), spec_claim, "x.csv", b"c,d\n")
    assert response.status_code == 409
    assert ClaimArtifact.objects.count() == 1


def test_run_now_over_the_api_is_for_admins(spec_claim, ann, mod, client_for):
    redis_flush()
    assert client_for(ann).post(f"/api/claims/{spec_claim.pk}/resolver/run/").status_code == 403
    response = client_for(mod).post(f"/api/claims/{spec_claim.pk}/resolver/run/")
    assert response.status_code == 202 and response.json()["status"] == "running"
    redis_flush()


def test_attempts_disputes_and_adjudication_over_the_api(ann, mod, client_for):
    spec_claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    autoresolve.claim_run_resolver(claim_id=spec_claim.pk, run_key="k")
    attempts = APIClient().get(f"/api/claims/{spec_claim.pk}/attempts/").json()
    assert attempts[0]["verdict"] == "yes" and attempts[0]["proposal"]["status"] == "pending"
    proposal = ResolutionProposal.objects.get()
    url = f"/api/proposals/{proposal.pk}/disputes/"
    assert client_for(ann).post(url, {"reason": ""}, format="json").status_code == 400
    created = client_for(ann).post(url, {"reason": "Stale logs."}, format="json")
    assert created.status_code == 201
    decide = f"/api/disputes/{created.json()['id']}/adjudicate/"
    assert client_for(ann).post(decide, {"decision": "upheld"}, format="json").status_code == 403
    assert client_for(mod).post(decide, {"decision": "nope"}, format="json").status_code == 400
    done = client_for(mod).post(decide, {"decision": "upheld"}, format="json")
    assert done.status_code == 200 and done.json()["decision"] == "upheld"
    huge = "/api/disputes/99999999999999999999/adjudicate/"
    assert client_for(mod).post(huge, {"decision": "upheld"}, format="json").status_code == 404


def test_the_resolution_page_shows_attempts_with_evidence_and_the_preview(ann, mod, client):
    spec_claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = autoresolve.claim_run_resolver(claim_id=spec_claim.pk, run_key="k")
    page = client.get(f"/claims/{spec_claim.pk}/resolution/").content.decode()
    assert attempt.evidence["files"][0]["sha256"] in page
    assert "Numbers read" in page and "Dispute" not in page
    assert "<svg" in page and "|pprint" not in page and "{&#x27;" not in page
    client.force_login(ann)
    page = client.get(f"/claims/{spec_claim.pk}/resolution/?preview=1").content.decode()
    assert "Would resolve as YES today" in page
    assert ResolutionAttempt.objects.count() == 1


def test_page_forms_turn_service_errors_into_messages(ann, mod, client):
    spec_claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    autoresolve.claim_run_resolver(claim_id=spec_claim.pk, run_key="k")
    proposal = ResolutionProposal.objects.get()
    client.force_login(make_user("eve"))
    response = client.post(f"/proposals/{proposal.pk}/dispute/", {"reason": "no"}, follow=True)
    assert response.status_code == 200
    assert "Only participants" in response.content.decode()
    response = client.post(f"/claims/{spec_claim.pk}/resolver/run/", follow=True)
    assert "Only admins" in response.content.decode()
    assert not proposal.disputes.exists()


def test_the_claim_page_includes_the_resolution_panel(ann, mod, client):
    spec_claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    autoresolve.claim_run_resolver(claim_id=spec_claim.pk, run_key="k")
    page = client.get(spec_claim.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Automatic resolution" in text and "becomes final after" in text


def test_an_upload_that_would_inflate_past_the_cap_is_refused_and_nothing_stored(
    spec_claim, ann, client_for, settings, tmp_path
):
    from tests.resolvers.test_archive_caps import make_bomb

    bomb = make_bomb(tmp_path / "gen2-cot.eval", 64 * 1024 * 1024).read_bytes()
    response = upload(client_for(ann), spec_claim, "gen2-cot.eval", bomb)
    assert response.status_code == 400
    assert "would inflate" in str(response.json())
    assert nothing_stored(settings)


def padded_log(log: bytes, padding: int) -> bytes:
    """The same log with `padding` bytes of spaces inside header.json (still valid JSON),
    rewritten in chunks so building it never holds the padding in memory."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(log)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in source.infolist():
            if info.filename != "header.json":
                z.writestr(info.filename, source.read(info.filename))
                continue
            with z.open("header.json", "w", force_zip64=True) as entry:
                entry.write(source.read("header.json"))
                chunk, left = b" " * (1024 * 1024), padding
                while left > 0:
                    entry.write(chunk[:min(left, len(chunk))])
                    left -= len(chunk)
    return out.getvalue()


def test_a_padded_log_behind_leading_bytes_is_refused_at_upload_and_nothing_stored(
        claim, ann, client_for, settings, eval_dir):
    """The log is valid and the claim's spec reads it, so the upload check used to inflate
    its header (a web process went from 206 to 1,002 MiB) and store it, for every resolver
    run to inflate again: zipfile opens an archive after leading bytes, so the guard must."""
    log = find_log(eval_dir, "gen2", "cot").read_bytes()
    data = b"JUNKJUNK" + padded_log(log, 64 * 1024 * 1024)
    response = upload(client_for(ann), claim, "gen2-cot.eval", data)
    assert response.status_code == 400, response.json()
    assert "header.json would inflate" in response.json()["file"][0]
    assert nothing_stored(settings)
