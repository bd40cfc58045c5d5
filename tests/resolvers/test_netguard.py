"""The SSRF guard refuses every non-public address before a socket is opened.

No test here sends a packet off this machine: the package's network guard (conftest) fails
any connect to a non-loopback address and answers DNS only for numeric forms, "localhost"
and the fake names a test sets. Refusals are asserted with no connect attempted at all.
"""

from __future__ import annotations

import json
import socket

import pytest

from resolvers import SourceError, netguard, run_spec
from resolvers.netguard import RefusedURL, fetch
from tests.resolvers import specs

REFUSED = [
    # loopback, however it is spelled
    "http://127.0.0.1/",
    "http://localhost/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://017700000001/",
    "http://127.0.0.1:8080/admin",
    "http://[::1]/",
    # unspecified and private
    "http://0.0.0.0/",
    "http://0/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://[fc00::1]/",
    "http://[fd12:3456::1]/",
    # link-local, including the cloud metadata service
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/",
    # carrier-grade NAT, multicast, reserved, broadcast, documentation, benchmarking
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.10/",
    "http://198.18.0.1/",
    "http://192.0.0.8/",
    # IPv6 wrappers around IPv4
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b::808:808]/",
    "http://[2002:7f00:1::]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://[::]/",
    # names that resolve to private addresses (fake DNS below)
    "http://internal.example/",
    "http://rebind.example/",
    "https://metadata.example/",
    # not http(s), or with credentials
    "file:///etc/passwd",
    "ftp://example.org/results.json",
    "gopher://127.0.0.1:70/",
    "http://user:pass@example.org/",
    "http:///no-host",
]

FAKE_DNS = {
    "internal.example": ["10.1.2.3"],
    "rebind.example": ["93.184.215.14", "127.0.0.1"],  # one bad answer is enough to refuse
    "metadata.example": ["169.254.169.254"],
    "public.example": ["93.184.215.14"],
}


@pytest.fixture
def fake_dns(network):
    network.fake_dns.update(FAKE_DNS)
    return network


def test_the_refusal_table_is_long_enough():
    assert len(REFUSED) >= 25


@pytest.mark.parametrize("url", REFUSED)
def test_a_non_public_url_is_refused_before_any_connection(fake_dns, url):
    with pytest.raises(RefusedURL) as caught:
        fetch(url, timeout=2, max_bytes=1000)
    assert caught.value.retryable is False
    assert fake_dns.connects == []


@pytest.mark.parametrize("url", ["http://10.0.0.1/", "http://[::ffff:127.0.0.1]/",
                                 "http://169.254.169.254/", "http://0.0.0.0/",
                                 "http://[64:ff9b::7f00:1]/"])
def test_allow_loopback_still_refuses_everything_but_loopback(network, url):
    with pytest.raises(RefusedURL):
        fetch(url, timeout=2, max_bytes=1000, allow_loopback=True)
    assert network.connects == []


def test_a_public_name_passes_the_check_and_is_connected_to_by_the_checked_address(fake_dns):
    target = netguard.check_url("https://public.example:8443/r.json?x=1")
    assert (target.ip, target.host, target.port, target.request_target) == (
        "93.184.215.14", "public.example", 8443, "/r.json?x=1")
    assert fake_dns.connects == []  # checking never connects


def test_a_name_that_does_not_resolve_is_a_source_error(network):
    with pytest.raises(SourceError) as caught:
        fetch("http://no-such-host.invalid/", timeout=2, max_bytes=1000)
    assert "cannot resolve" in str(caught.value)
    assert network.connects == []


def test_a_loopback_server_is_reachable_when_tests_allow_it(http_server):
    http_server.routes["/r.json"] = (200, {"Content-Type": "application/json"}, b'{"a": 1}')
    got = fetch(f"{http_server.url}/r.json", timeout=5, max_bytes=1000, allow_loopback=True)
    assert (got.status, got.content, got.redirects) == (200, b'{"a": 1}', ())
    assert len(got.sha256) == 64


def test_the_original_host_name_is_sent_in_the_host_header(http_server, network):
    seen = {}

    def record(handler):
        seen["host"] = handler.headers["Host"]
        return 200, {}, b"{}"

    http_server.routes["/h"] = record
    port = http_server.server_address[1]
    network.fake_dns["evals.localtest"] = ["127.0.0.1"]
    fetch(f"http://evals.localtest:{port}/h", timeout=5, max_bytes=100, allow_loopback=True)
    assert seen["host"] == f"evals.localtest:{port}"


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/",
                                    "http://10.0.0.1/", "http://[::ffff:127.0.0.1]/",
                                    "http://internal.example/", "file:///etc/passwd"])
def test_a_redirect_to_a_forbidden_address_is_refused_before_connecting_to_it(http_server,
                                                                              fake_dns, target):
    http_server.routes["/go"] = (302, {"Location": target}, b"")
    with pytest.raises(RefusedURL):
        fetch(f"{http_server.url}/go", timeout=5, max_bytes=1000, allow_loopback=True)
    assert http_server.requests == ["/go"]
    port = http_server.server_address[1]
    assert [a for a in fake_dns.connects if a[0] != "create_connection"] == [
        ("127.0.0.1", port)]


def test_redirects_are_followed_up_to_three_then_refused(http_server):
    for i in range(5):
        http_server.routes[f"/r{i}"] = (302, {"Location": f"/r{i + 1}"}, b"")
    http_server.routes["/r5"] = (200, {}, b"done")
    http_server.routes["/s0"] = (301, {"Location": "/r3"}, b"")
    got = fetch(f"{http_server.url}/s0", timeout=5, max_bytes=100, allow_loopback=True)
    assert got.content == b"done" and len(got.redirects) == 3
    with pytest.raises(RefusedURL, match="more than 3 redirects"):
        fetch(f"{http_server.url}/r0", timeout=5, max_bytes=100, allow_loopback=True)


def test_a_body_over_the_cap_is_refused_while_streaming(http_server):
    http_server.routes["/big"] = (200, {"Content-Length": "999999"}, b"x" * 10)
    with pytest.raises(SourceError, match="exceeds the 1000-byte cap") as caught:
        fetch(f"{http_server.url}/big", timeout=5, max_bytes=1000, allow_loopback=True)
    assert caught.value.retryable is False

    def no_length(handler):
        # No Content-Length: the cap must hold while reading, not only on the header.
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b"y" * 50_000)
        handler.close_connection = True

    http_server.routes["/stream"] = no_length
    with pytest.raises(SourceError, match="exceeds the 1000-byte cap"):
        fetch(f"{http_server.url}/stream", timeout=5, max_bytes=1000, allow_loopback=True)


@pytest.mark.parametrize(("status", "retryable"), [(404, False), (403, False), (410, False),
                                                   (500, True), (503, True), (429, True)])
def test_http_errors_say_whether_a_retry_can_help(http_server, status, retryable):
    http_server.routes["/e"] = (status, {}, b"nope")
    with pytest.raises(SourceError) as caught:
        fetch(f"{http_server.url}/e", timeout=5, max_bytes=100, allow_loopback=True)
    assert caught.value.retryable is retryable
    assert f"HTTP {status}" in str(caught.value)


def test_a_server_that_does_not_answer_in_time_is_a_retryable_error(network):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        with pytest.raises(SourceError) as caught:
            fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/", timeout=0.3,
                  max_bytes=100, allow_loopback=True)
        assert caught.value.retryable is True
    finally:
        listener.close()


def test_a_closed_port_is_a_retryable_error(network):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(SourceError) as caught:
        fetch(f"http://127.0.0.1:{port}/", timeout=1, max_bytes=100, allow_loopback=True)
    assert caught.value.retryable is True


def test_run_spec_refuses_a_url_source_pointing_inside_the_network(network):
    spec = {"source": {"kind": "http_json", "location": {"url": "http://169.254.169.254/x"},
                       "path": "{model}"},
            "criterion": {"kind": "threshold", "model": "m", "metric": "accuracy",
                          "at_least": 0.5}}
    with pytest.raises(RefusedURL):
        run_spec(spec, context=specs.context())
    assert network.connects == []


def test_inspect_logs_can_be_fetched_by_url_through_the_guard(http_server, inspect_logs):
    http_server.routes.update({f"/{p.name}": (200, {}, p.read_bytes())
                               for p in inspect_logs.eval_logs})
    source = specs.inspect_source() | {
        "location": [{"url": f"{http_server.url}/{p.name}"} for p in inspect_logs.eval_logs]}
    result = run_spec({"source": source, "criterion": specs.gap(confidence=0.95)},
                      context=specs.context(allow_loopback=True))
    assert result.verdict == "yes", result.reason
    assert all(f["locator"].startswith("url:http://127.0.0.1") for f in result.evidence["files"])
    json.dumps(result.evidence)


def test_https_connects_to_the_checked_address_and_verifies_the_original_name(https_server,
                                                                               network):
    https_server.routes["/r.json"] = (200, {}, b'{"ok": true}')
    port = https_server.server_address[1]
    network.fake_dns["evals.localtest"] = ["127.0.0.1"]
    got = fetch(f"https://evals.localtest:{port}/r.json", timeout=5, max_bytes=100,
                allow_loopback=True, ca_certs=https_server.ca)
    assert got.content == b'{"ok": true}'
    assert ("127.0.0.1", port) in network.connects


def test_https_with_a_certificate_for_another_name_is_refused_for_good(https_server, network):
    https_server.routes["/r.json"] = (200, {}, b"{}")
    port = https_server.server_address[1]
    network.fake_dns.update({"impostor.localtest": ["127.0.0.1"],
                             "evals.localtest": ["127.0.0.1"]})
    with pytest.raises(SourceError, match="TLS verification failed") as caught:
        fetch(f"https://impostor.localtest:{port}/r.json", timeout=5, max_bytes=100,
              allow_loopback=True, ca_certs=https_server.ca)
    assert caught.value.retryable is False
    with pytest.raises(SourceError, match="TLS verification failed"):  # untrusted CA
        fetch(f"https://evals.localtest:{port}/r.json", timeout=5, max_bytes=100,
              allow_loopback=True)
    assert https_server.requests == []


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_source_sending_one_byte_every_two_seconds_is_cut_at_the_whole_fetch_deadline(
        network, phase):
    """The per-read timeout never fires against a server that trickles (each read gets a
    byte in time); the deadline holds for the whole fetch, in the headers as in the body.
    Before, the fetch lasted as long as the server kept trickling."""
    import time

    from tests.fixtures.slow_server import TricklingServer

    with TricklingServer(phase=phase, interval=2.0, limit=20.0) as slow:
        started = time.monotonic()
        with pytest.raises(SourceError, match="took longer than the 3 s fetch deadline") as e:
            fetch(f"{slow.url}/r.json", timeout=3, max_bytes=1000, allow_loopback=True)
        elapsed = time.monotonic() - started
    assert e.value.retryable is True
    assert elapsed < 3 + 2, f"the 3 s fetch took {elapsed:.1f} s"
