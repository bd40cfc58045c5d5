"""Fixtures for resolver tests: real inspect logs made once per session, a loopback-only
network, and a local HTTP server.

The network guard is autouse for this package (not the whole session: other suites may
resolve real host names such as a compose service called "postgres"): every socket connect
to a non-loopback address fails (and is recorded), and names other than "localhost" or the
test's own fake DNS table never reach a resolver, so no test can send a packet off this
machine even when the code under test is wrong.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.prepared import copy_of, prepared

REPO = Path(__file__).resolve().parents[2]
DEMO_EVALS = REPO / "demo" / "evals"
LM_EVAL_RESULTS = REPO / "tests" / "fixtures" / "lm_eval" / "results"
TIMINGS: dict[str, tuple[float, float]] = {}  # what -> (wall seconds, CPU seconds)


@dataclass
class NetworkGuard:
    connects: list = field(default_factory=list)  # every address any socket tried
    refused: list = field(default_factory=list)  # the non-loopback ones (must stay empty)
    fake_dns: dict[str, list[str]] = field(default_factory=dict)


GUARD = NetworkGuard()


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX path
        return True
    ip = ipaddress.ip_address(str(address[0]).split("%")[0])
    return ip.is_loopback


def _checked(address):
    GUARD.connects.append(address)
    if not _is_loopback(address):
        GUARD.refused.append(address)
        raise ConnectionRefusedError(f"test network guard: refused connect to {address!r}")


@pytest.fixture(scope="package", autouse=True)
def loopback_only_network():
    mp = pytest.MonkeyPatch()
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo, real_create = socket.getaddrinfo, socket.create_connection

    def connect(self, address):
        _checked(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _checked(address)
        return real_connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        # Recorded here too (the address may still be a name); resolution goes through the
        # guarded getaddrinfo and the socket through the guarded connect().
        GUARD.connects.append(("create_connection", address))
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if isinstance(host, bytes):
            host = host.decode()
        if host in GUARD.fake_dns:
            out = []
            for ip in GUARD.fake_dns[host]:
                fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
                sockaddr = (ip, port, 0, 0) if fam == socket.AF_INET6 else (ip, port)
                out.append((fam, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
            return out
        if host == "localhost":
            host = "127.0.0.1"
        try:  # numeric forms only: never a DNS query from a test
            return real_getaddrinfo(host, port, family, type, proto,
                                    flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME,
                                  f"test network guard: no DNS for {host!r}") from None

    mp.setattr(socket.socket, "connect", connect)
    mp.setattr(socket.socket, "connect_ex", connect_ex)
    mp.setattr(socket, "create_connection", create_connection)
    mp.setattr(socket, "getaddrinfo", getaddrinfo)
    yield GUARD
    mp.undo()
    assert not GUARD.refused, f"tests tried to reach non-loopback addresses: {GUARD.refused}"


@pytest.fixture
def network(loopback_only_network):
    """The guard, with this test's connects and fake DNS entries starting empty."""
    GUARD.connects.clear()
    GUARD.fake_dns.clear()
    yield GUARD
    GUARD.fake_dns.clear()


@pytest.fixture(scope="package")
def inspect_logs(tmp_path_factory, loopback_only_network):
    """Real inspect logs: gen1..gen3 x snap/cot/tools as .eval and as .json, and bad ones."""
    started, cpu = time.perf_counter(), time.process_time()
    root, paths = _prepared_logs(tmp_path_factory, "inspect_logs", _generate_inspect_logs)
    TIMINGS["inspect logs (generated once a run, copied per worker)"] = (
        time.perf_counter() - started, time.process_time() - cpu)
    return SimpleNamespace(root=root, eval_dir=root / "eval", json_dir=root / "json", **paths)


def _generate_inspect_logs(root: Path) -> dict:
    from tests.fixtures import inspect_logs as gen

    eval_logs = gen.generate_good_logs(root / "eval")
    return {"eval_logs": eval_logs,
            "json_logs": gen.generate_good_logs(root / "json", log_format="json"),
            "bad": gen.generate_bad_logs(root / "bad"),
            "rerun": _rerun_of_gen2_cot(gen, root / "rerun", eval_logs)}


@pytest.fixture(scope="package")
def epoch_logs(tmp_path_factory, loopback_only_network):
    """Real inspect logs over 3 epochs: gen2 reduced by mean (0.30) and max (0.50), gen3 by
    mean only, gen1 over a single epoch (see tests/fixtures/inspect_epochs.py)."""
    from tests.fixtures.inspect_epochs import generate_epoch_logs

    started, cpu = time.perf_counter(), time.process_time()
    root, logs = _prepared_logs(tmp_path_factory, "epoch_logs", generate_epoch_logs)
    TIMINGS["epoch logs (generated once a run, copied per worker)"] = (
        time.perf_counter() - started, time.process_time() - cpu)
    return SimpleNamespace(root=root, **logs)


@pytest.fixture(scope="package")
def partial_logs(tmp_path_factory, inspect_logs):
    """Real logs of runs over part of a dataset, made after the full runs of inspect_logs
    (see generate_partial_logs in tests/fixtures/inspect_logs.py)."""
    from tests.fixtures import inspect_logs as gen

    root = tmp_path_factory.mktemp("partial_logs")
    started, cpu = time.perf_counter(), time.process_time()
    logs = gen.generate_partial_logs(root)
    TIMINGS["partial log generation"] = (time.perf_counter() - started,
                                         time.process_time() - cpu)
    return SimpleNamespace(root=root, **logs)


def _prepared_logs(tmp_path_factory, name: str, generate) -> tuple[Path, dict]:
    """generate(folder) run once per test run (tests/prepared.py), copied into this worker's
    own folder: (the copy, what generate returned with its paths moved into the copy). The
    paths are kept relative beside the logs, in a manifest outside the copied folder."""
    def build(folder: Path) -> None:
        made = generate(folder / "logs")
        (folder / "manifest.json").write_text(json.dumps(_relative(made, folder / "logs")))

    built = prepared(tmp_path_factory, name, build)
    # mktemp: a package fixture is made again when its package's tests come back to this
    # worker after others ran.
    root = copy_of(built / "logs", tmp_path_factory.mktemp(name))
    return root, _under(json.loads((built / "manifest.json").read_text()), root)


def _relative(value, base: Path):
    if isinstance(value, dict):
        return {k: _relative(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_relative(v, base) for v in value]
    return str(Path(value).relative_to(base))


def _under(value, base: Path):
    if isinstance(value, dict):
        return {k: _under(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_under(v, base) for v in value]
    return base / value


def _rerun_of_gen2_cot(gen, log_dir: Path, earlier: list[Path]) -> Path:
    """A later, successful run of gen2 with chain of thought that scored 0.65, not 0.70,
    tagged "rerun".

    inspect records completion times to the second, so wait out the second if needed: the
    test is about the newest run winning, not about a tie.
    """
    from inspect_ai.log import read_eval_log

    newest = max(read_eval_log(p, header_only=True).stats.completed_at for p in earlier)
    accuracy = {"gen2": {**gen.ACCURACY["gen2"], "cot": 0.65}}
    while True:
        [log] = gen.run(log_dir, models=["gen2"], conditions=["cot"], accuracy=accuracy,
                        tags=["rerun"])
        if log.stats.completed_at > newest:
            return Path(log.location)
        Path(log.location).unlink()
        time.sleep(0.5)


def pytest_terminal_summary(terminalreporter):
    # CPU time too: on a shared, busy machine wall time says more about the neighbours.
    for what, (wall, cpu) in TIMINGS.items():
        terminalreporter.write_line(f"{what}: {wall:.1f} s wall, {cpu:.1f} s CPU")


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_POST(self):  # noqa: N802 (model calls are POSTs; routes answer them like GETs)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        answer = route(self) if callable(route) else route
        if answer is None:  # the route wrote its own response
            return
        status, headers, body = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server(network):
    """A real HTTP server on 127.0.0.1; tests set `routes[path] = (status, headers, body)`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.routes, server.requests = {}, []
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="package")
def tls_files(tmp_path_factory):
    """A throwaway CA and a certificate for evals.localtest, made with the openssl CLI."""
    import shutil
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl CLI not available")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (d / "leaf.ext").write_text("subjectAltName=DNS:evals.localtest\nbasicConstraints=CA:FALSE\n"
                                "keyUsage=critical,digitalSignature\n"
                                "extendedKeyUsage=serverAuth\n")
    for cmd in (
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
         "-subj", "/CN=Crux test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign"],
        ["req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=evals.localtest"],
        ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext"],
    ):
        subprocess.run(["openssl", *cmd], cwd=d, check=True, capture_output=True)
    return d


@pytest.fixture
def https_server(http_server, tls_files):
    """The same local server, speaking TLS with the evals.localtest certificate."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "leaf.pem", tls_files / "leaf.key")
    http_server.socket = context.wrap_socket(http_server.socket, server_side=True)
    http_server.ca = str(tls_files / "ca.pem")
    return http_server
