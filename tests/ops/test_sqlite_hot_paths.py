"""The plain-SQL hot paths work on SQLite too, the embedded default of `make run`."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_acceptance_scoring_and_a_resolver_run_work_on_sqlite(tmp_path):
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'crux.sqlite3'}",
        "CRUX_VAR_DIR": str(tmp_path),
        "CRUX_DATA_DIR": str(ROOT / "demo" / "evals"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": "testserver",  # Django's test client
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.run([sys.executable, "-m", "tests.ops.sqlite_hot_paths"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["accept_status"] == 201, seen["accept_body"]
    assert (seen["accept_body"]["taker_stake"], seen["accept_body"]["offerer_stake"]) == (30, 70)
    assert seen["accept_body"]["offerer"] == "ann"
    assert seen["refusal"] == "That is more than what is left: this offer is filled."
    assert seen["balances"] == [930, 970]
    assert seen["violations"] == []
    assert seen["scored"] is True and seen["scores"] == 2
    assert seen["attempt"] == ["decided", "yes"] and seen["again"] is True
    assert (seen["attempts"], seen["proposals"]) == (1, 1)
