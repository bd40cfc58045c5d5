"""`make bench`: run every bench/bench_*.py in its own process and summarise.

Each benchmark prints lines `<name>: <figure> (target <target>) PASS|MISS`. A MISS is reported,
not hidden; the exit status is non-zero if any benchmark missed its target or crashed.
Pass names to run a subset: `python bench/run_all.py scoring leaderboard`.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def selected(names: list[str]) -> list[Path]:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    return scripts


def main(argv: list[str]) -> int:
    results, failures = [], []
    for script in selected(argv):
        print(f"== {script.name}", flush=True)
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(script)], cwd=HERE.parent, capture_output=True, text=True
        )
        sys.stdout.write(proc.stdout)
        lines = [ln for ln in proc.stdout.splitlines() if ln.rstrip().endswith(("PASS", "MISS"))
                 or "PASS  [" in ln or "MISS  [" in ln]
        if proc.returncode != 0 or not lines:
            sys.stdout.write(proc.stderr[-3000:])
            failures.append(f"{script.name}: crashed (exit {proc.returncode})")
        results.extend(lines)
        print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    print("\n== summary")
    # Benchmarks share the CPUs with whatever else runs: say how busy the machine was.
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for line in results:
        print(line)
    for line in failures:
        print(line)
    missed = [ln for ln in results if " MISS" in ln]
    return 1 if missed or failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
