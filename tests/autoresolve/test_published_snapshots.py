"""Snapshots of published tables, served by a real local HTTP server that changes the file
between polls: each distinct version is stored once, a claim resolves from the first
retrieval at or after resolve_after and keeps that verdict when the table is revised later,
and its bundle carries the bytes that decided it (every attempt here is also re-verified
from its stored files by the autouse fixture in conftest)."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from bets.autoresolve import runs
from bets.autoresolve.evidence.bundles import evidence_zip
from bets.autoresolve.snapshots.polling import snapshot_poll_sweep, source_poll
from bets.autoresolve.snapshots.selectors import attempt_table_changes, snapshot_at_or_after
from bets.autoresolve.snapshots.store import snapshot_store, source_for_url
from bets.models import Snapshot, SnapshotSource
from demo.published import make_published as mk
from tests.autoresolve.conftest import make_spec_claim

pytestmark = pytest.mark.django_db

REVISED = [r if r[0] != "acme-2_high" else (r[0], 0.50, *r[2:]) for r in mk.GPQA_ROWS]
LATE = ("acme-1_high", 0.99, 0.01, "2025-01-10", "2099-01-01T00:00:00.000Z", "Acme1Rerun")


class TableServer:
    """Serves `files[path] = (bytes, etag or None)`, answering If-None-Match with 304."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, str | None]] = {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.requests.append(dict(self.headers))
                body, etag = server.files[self.path]
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def tables(settings, tmp_path):
    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = True
    settings.CRUX_SNAPSHOT_DIR = tmp_path / "snapshots"
    server = TableServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def stored_blobs(settings) -> int:
    return sum(1 for p in settings.CRUX_SNAPSHOT_DIR.rglob("*") if p.is_file())


def effort_claim(ann, mod, url: str):
    spec = {"source": {"kind": "published", "location": {"url": url}, "preset": "epoch",
                       "benchmark": "GPQA diamond",
                       "efforts": {"snap": ["none"], "reasoning": ["high", "max"]},
                       "as_of": (timezone.now() - timedelta(hours=1)).date().isoformat()},
            "criterion": {"kind": "widening_gap", "models": ["acme-1", "acme-2", "acme-3"],
                          "a": "reasoning", "b": "snap", "metric": "score"}}
    return make_spec_claim(author=ann, moderator=mod, spec=spec)


def test_each_distinct_version_is_stored_once_and_an_etag_makes_the_poll_conditional(
        tables, settings):
    url = f"{tables.base}/benchmark_data.zip"
    tables.files["/benchmark_data.zip"] = (mk.epoch_zip(), '"v1"')
    source = source_for_url(url)
    t0 = timezone.now() - timedelta(hours=5)
    first = source_poll(source_id=source.pk, now=t0)
    again = source_poll(source_id=source.pk, now=t0 + timedelta(hours=1))
    assert tables.requests[1]["If-None-Match"] == '"v1"'  # answered 304
    assert again.pk == first.pk and again.last_seen_at == t0 + timedelta(hours=1)
    # The file replaced in place, and a server that sends no ETag: the same bytes twice are
    # still one version.
    tables.files["/benchmark_data.zip"] = (mk.epoch_zip(REVISED), None)
    second = source_poll(source_id=source.pk, now=t0 + timedelta(hours=2))
    source_poll(source_id=source.pk, now=t0 + timedelta(hours=3))
    versions = list(Snapshot.objects.filter(source=source).order_by("retrieved_at"))
    assert [s.pk for s in versions] == [first.pk, second.pk]
    assert (versions[0].etag, versions[0].http_status) == ('"v1"', 200)
    assert versions[1].last_seen_at == t0 + timedelta(hours=3)
    assert stored_blobs(settings) == 2
    # The same bytes stored for another URL are not stored twice.
    snapshot_store(url=f"{tables.base}/mirror.zip", data=mk.epoch_zip(), status=200)
    assert stored_blobs(settings) == 2


def test_the_version_read_is_the_one_the_first_retrieval_at_or_after_the_moment_found(tables):
    source = source_for_url(f"{tables.base}/t.csv")
    t = timezone.now() - timedelta(days=1)
    a, _ = snapshot_store(url=source.url, data=b"a", status=200, now=t)
    snapshot_store(url=source.url, data=b"a", status=200, now=t + timedelta(hours=2))
    b, _ = snapshot_store(url=source.url, data=b"b", status=200, now=t + timedelta(hours=3))
    # Seen again after the moment: that retrieval was the first after it.
    assert snapshot_at_or_after(source_id=source.pk, moment=t + timedelta(hours=1)) == a
    # Not seen since the moment: the next version retrieved.
    assert snapshot_at_or_after(source_id=source.pk, moment=t + timedelta(hours=2, minutes=1)
                                ) == b
    assert snapshot_at_or_after(source_id=source.pk, moment=t + timedelta(hours=4)) is None


def test_a_claim_resolves_from_the_first_snapshot_after_resolve_after_and_keeps_it(
        tables, ann, mod, client):
    url = f"{tables.base}/benchmark_data.zip"
    claim = effort_claim(ann, mod, url)
    source = source_for_url(url)
    # Before resolve_after: the revised table (the gap does not widen).
    tables.files["/benchmark_data.zip"] = (mk.epoch_zip(REVISED), '"v1"')
    source_poll(source_id=source.pk, now=claim.resolve_after - timedelta(hours=2))
    # Replaced in place: the gap widens, and a rerun dated after as_of would spoil it.
    deciding = mk.epoch_zip([*mk.GPQA_ROWS, LATE])
    tables.files["/benchmark_data.zip"] = (deciding, '"v2"')
    source_poll(source_id=source.pk, now=claim.resolve_after + timedelta(minutes=1))
    attempt = runs.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:1")
    assert (attempt.verdict, attempt.proposal.outcome) == ("yes", "yes")
    [pinned] = attempt.evidence["snapshots"]
    v2 = Snapshot.objects.get(source=source, etag='"v2"')
    assert pinned["sha256"] == v2.sha256 and pinned["pinned_as"].startswith("the first retri")
    assert [r["model"] for r in attempt.evidence["set_aside"]] == ["acme-1_high"]
    assert attempt_table_changes(attempt.evidence) == []
    # Revised again later: a new run still reads the pinned version.
    tables.files["/benchmark_data.zip"] = (mk.epoch_zip(REVISED), '"v3"')
    source_poll(source_id=source.pk)
    later = runs.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:2")
    assert later.verdict == "yes"
    assert later.evidence["snapshots"][0]["sha256"] == v2.sha256
    [line] = attempt_table_changes(attempt.evidence)
    assert line.startswith(f"The table has since changed: {url} was retrieved again")
    page = client.get(f"/claims/{claim.pk}/resolution/").content.decode()
    assert "The table has since changed" in page and v2.sha256 in page
    assert "dated 2099-01-01T00:00:00.000Z (Started at), after as_of" in page
    # The bundle carries the exact bytes that decided.
    bundle = zipfile.ZipFile(io.BytesIO(evidence_zip(attempt, user=ann)))
    [name] = [n for n in bundle.namelist() if n.startswith("files/snapshot/")]
    assert bundle.read(name) == deciding


def test_a_due_claim_without_a_snapshot_retrieves_one_when_it_runs(tables, ann, mod):
    url = f"{tables.base}/benchmark_data.zip"
    tables.files["/benchmark_data.zip"] = (mk.epoch_zip(), None)
    claim = effort_claim(ann, mod, url)
    attempt = runs.claim_run_resolver(claim_id=claim.pk, run_key=f"claim:{claim.pk}:1")
    assert attempt.verdict == "yes"
    assert len(tables.requests) == 1


def test_beat_polls_each_source_an_open_claim_uses_once_per_period(tables, ann, mod):
    url = f"{tables.base}/benchmark_data.zip"
    tables.files["/benchmark_data.zip"] = (mk.epoch_zip(), None)
    effort_claim(ann, mod, url)
    effort_claim(ann, mod, url)
    assert snapshot_poll_sweep() == 1  # two claims, one source
    source = SnapshotSource.objects.get(url=url)
    assert (source.preset, source.licence[:9]) == ("epoch", "CC BY 4.0")
    source_poll(source_id=source.pk)
    assert snapshot_poll_sweep() == 0  # polled within the period


def test_the_snapshot_page_lists_versions_with_what_changed_and_staff_upload_by_hand(
        tables, client, ann, mod):
    source = source_for_url(f"{tables.base}/benchmark_data.zip")
    SnapshotSource.objects.filter(pk=source.pk).update(preset="epoch")
    t = timezone.now() - timedelta(days=2)
    snapshot_store(url=source.url, data=mk.epoch_zip(), status=200, now=t)
    snapshot_store(url=source.url, data=mk.epoch_zip([*REVISED, LATE]), status=200,
                   now=t + timedelta(days=1))
    page = client.get(f"/sources/{source.pk}/").content.decode()
    assert "1 added, 0 removed, 1 changed" in page
    assert "acme-2_high / Acme2HighRun000000001" in page and "0.6 → 0.5" in page
    assert "Upload a snapshot" not in page
    assert source.url in client.get("/sources/").content.decode()

    client.force_login(ann)  # not staff
    attempt = io.BytesIO(b"x")
    attempt.name = "benchmark_data.zip"
    refused = client.post(f"/sources/{source.pk}/", {"file": attempt})
    assert refused.status_code == 400 and b"Only staff can upload a snapshot." in refused.content
    client.force_login(mod)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("gpqa_diamond.csv", b"0" * (8 * 1024 * 1024))
    upload = io.BytesIO(bomb.getvalue())
    upload.name = "benchmark_data.zip"
    done = client.post(f"/sources/{source.pk}/", {"file": upload, "note": "web.archive.org"})
    assert done.status_code == 302
    latest = Snapshot.objects.filter(source=source).latest("retrieved_at")
    assert (latest.uploaded_by, latest.http_status, latest.note) == (mod, None,
                                                                     "web.archive.org")
    page = client.get(f"/sources/{source.pk}/").content.decode()  # the diff refuses the bomb
    assert "cannot be read as a table: ArchiveRefused" in page
    assert "uploaded by mod" in page


def test_the_published_demo_claims_resolve_from_their_shipped_snapshots(tables, mod, ann, bob):
    from bets.demo.published import demo_published_load

    effort, horizon = demo_published_load(admin=mod, participants={"ann": ann, "bob": bob})
    decided = [runs.claim_run_resolver(claim_id=c.pk, run_key=f"claim:{c.pk}:demo")
               for c in (effort, horizon)]
    assert [(a.verdict, a.reason) for a in decided] == [
        ("yes", "high-none gap widens across acme-1, acme-2, acme-3: 0.08 -> 0.15 -> 0.22 "
                "(acme-1 -> acme-2 increase 0.07 > 0, acme-2 -> acme-3 increase 0.07 > 0)"),
        ("yes", "best (acme-3 score) 420 >= 240"),
    ]
    assert [a.evidence["snapshots"][0]["uploaded_by"] for a in decided] == ["mod", "mod"]
    assert [r["model"] for r in decided[1].evidence["set_aside"]] == ["acme-4"]
    assert len(tables.requests) == 0  # nothing fetched: the shipped snapshots decided

