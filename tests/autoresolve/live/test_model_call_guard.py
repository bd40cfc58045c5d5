"""Model calls of a live run go through the SSRF guard: an endpoint that answers /v1/models
and then redirects chat completions to another loopback port must not make the worker
follow (the SDK used to re-send the POST there, three times).

The endpoint is a real HTTP server on 127.0.0.1, registered as *not* private: the resolvers'
test switch CRUX_URL_SOURCE_ALLOW_LOOPBACK lets a public-policy endpoint live on loopback, as
it lets URL sources fetch from test servers. The redirect target is a stub endpoint that
would answer every question, so following the redirect would look like success."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from bets.autoresolve.live.runs import install_environment
from bets.models import Endpoint
from tests.autoresolve.live.conftest import ACCURACY, live_source
from tests.autoresolve.live.stub_server import StubConfig, StubServer

pytestmark = pytest.mark.django_db


class RedirectingEndpoint:
    """GET /v1/models answers normally; every POST is a 307 to `target`."""

    def __init__(self, target: str):
        self.requests: list[tuple[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 (http.server's naming)
                outer.requests.append(("GET", self.path))
                body = json.dumps({"object": "list", "data": [
                    {"id": m, "object": "model"} for m in ACCURACY]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.requests.append(("POST", self.path))
                self.send_response(307)
                self.send_header("Location", target + self.path.removeprefix("/v1"))
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def loopback_counts_as_public(catalog_restored, settings):
    """The test switch, and no task-level retries (each would only repeat the refusal)."""
    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = True
    settings.CRUX_LIVE_TASK_RETRIES = 0
    settings.CRUX_LIVE_REQUEST_RETRIES = 0
    install_environment()


def run_against_redirect(tmp_path, *, private: bool):
    with StubServer(StubConfig(accuracy=ACCURACY)) as loopback_target:
        redirector = RedirectingEndpoint(loopback_target.base_url)
        try:
            Endpoint.objects.create(name="lab", base_url=redirector.base_url,
                                    served_models=list(ACCURACY), allow_private=private)
            spec = {"source": live_source(endpoint="lab", conditions=["snap"], limit=2),
                    "criterion": {"kind": "threshold", "model": "gen2", "condition": "snap",
                                  "metric": "accuracy", "at_least": 0.1}}
            path = tmp_path / "spec.json"
            path.write_text(json.dumps(spec))
            try:
                call_command("resolve_spec", str(path))
                outcome = ""
            except CommandError as e:
                outcome = str(e)
        finally:
            redirector.close()
    return redirector.requests, loopback_target.records, outcome


def test_a_public_endpoint_redirecting_model_calls_to_loopback_is_not_followed(
        tmp_path, capsys, loopback_counts_as_public):
    requests, reached, outcome = run_against_redirect(tmp_path, private=False)
    # The endpoint really was asked: its model list, then chat completions.
    assert ("GET", "/v1/models") in requests, (requests, outcome)
    assert ("POST", "/v1/chat/completions") in requests, (requests, outcome)
    # Nothing reached the other loopback port.
    assert reached == []
    text = outcome + capsys.readouterr().out
    assert "refused a redirect" in text, text


def test_redirects_of_model_calls_are_refused_for_private_endpoints_too(
        tmp_path, capsys, loopback_counts_as_public):
    requests, reached, outcome = run_against_redirect(tmp_path, private=True)
    assert ("POST", "/v1/chat/completions") in requests, (requests, outcome)
    assert reached == []
    text = outcome + capsys.readouterr().out
    assert "refused a redirect" in text, text
