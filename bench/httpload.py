"""Drive a local HTTP server with wrk (Debian's package) and read back its figures.

wrk is a C load generator: it costs the shared CPUs a fraction of what a Python client does
per request, so the figures describe the server rather than the client. Each script in
bench/wrk/ builds its requests in Lua and ends with report.lua, which prints one JSON line.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

WRK_DIR = Path(__file__).resolve().parent / "wrk"


def wrk(base_url: str, script: str, *, connections: int, seconds: float, threads: int = 2,
        env: dict[str, str] | None = None) -> dict:
    """Run bench/wrk/<script> for `seconds` with `connections` clients; returns the report
    (requests, seconds, non_2xx, socket_errors, p50_ms, p95_ms, p99_ms, max_ms, rate)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench` installs it (Debian package wrk).")
    proc = subprocess.run(
        ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds:g}s",
         "--timeout=10s", "-s", str(WRK_DIR / script), base_url],
        capture_output=True, text=True, timeout=seconds + 60,
        env=os.environ | {"CRUX_WRK_REPORT": str(WRK_DIR / "report.lua")} | (env or {}),
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({proc.returncode}): {proc.stdout[-500:]}"
                         f"{proc.stderr[-500:]}")
    report = json.loads(lines[-1])
    report["rate"] = report["requests"] / report["seconds"]
    return report
