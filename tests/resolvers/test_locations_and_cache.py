"""Where evidence may be read from, and reading it once per sweep."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading

import pytest

from resolvers import LogCache, SourceError, SpecError, run_spec
from resolvers.base import RunContext
from tests.resolvers import specs
from tests.resolvers.conftest import REPO
from tests.resolvers.specs import gap, spec, threshold


def test_paths_resolve_under_base_dir(inspect_logs):
    result = run_spec(spec(gap(), specs.inspect_source() | {"location": {"path": "eval/*.eval"}}),
                      context=RunContext(base_dir=inspect_logs.root))
    assert result.verdict == "yes"
    assert result.evidence["files"][0]["locator"].startswith("path:eval/")


@pytest.mark.parametrize("escape", ["../*.eval", "/etc/passwd", "eval/../../x.eval"])
def test_a_path_escaping_base_dir_is_a_spec_error(inspect_logs, escape):
    with pytest.raises(SpecError, match="source.location.path"):
        run_spec(spec(gap(), specs.inspect_source() | {"location": {"path": escape}}),
                 context=RunContext(base_dir=inspect_logs.eval_dir))


def test_a_symlink_out_of_the_data_dir_is_refused(tmp_path, inspect_logs):
    (tmp_path / "data").mkdir()
    os.symlink(inspect_logs.eval_logs[0], tmp_path / "data" / "sneaky.eval")
    with pytest.raises(SourceError, match="resolves outside") as caught:
        run_spec(spec(gap()), context=specs.context(tmp_path / "data"))
    assert caught.value.retryable is False


def test_a_data_location_without_a_data_dir_is_a_configuration_error():
    with pytest.raises(SourceError, match="no data directory is configured") as caught:
        run_spec(spec(gap()), context=specs.context())
    assert caught.value.retryable is False


def test_artifacts_are_read_by_name_and_a_missing_one_leaves_the_claim_open(inspect_logs):
    by_name = {f"log{i}": p for i, p in enumerate(inspect_logs.eval_logs)}
    source = specs.inspect_source() | {"location": [{"artifact": n} for n in by_name]}
    assert run_spec(spec(gap(), source),
                    context=RunContext(artifacts=by_name)).verdict == "yes"
    result = run_spec(spec(gap(), source | {"location": {"artifact": "later"}}),
                      context=RunContext(artifacts=by_name))
    assert result.verdict == "inconclusive"
    assert "artifact 'later' has not been uploaded" in result.reason


def test_an_artifact_stored_without_an_extension_is_still_read(inspect_logs, tmp_path):
    for i, p in enumerate(inspect_logs.json_logs + inspect_logs.eval_logs[:3]):
        shutil.copy(p, tmp_path / f"upload-{i}")
    artifacts = {p.name: p for p in tmp_path.iterdir()}
    source = specs.inspect_source() | {"location": [{"artifact": n} for n in artifacts]}
    result = run_spec(spec(gap(), source), context=RunContext(artifacts=artifacts))
    assert result.verdict == "yes", result.reason


def test_a_sweep_parses_each_log_once_however_many_claims_read_it(inspect_logs):
    cache = LogCache()
    context = specs.context(inspect_logs.eval_dir, cache=cache)
    for _ in range(200):
        run_spec(spec(gap()), context=context)
        run_spec(spec(threshold()), context=context)
    assert cache.parses == 9


def test_the_same_bytes_in_two_places_are_parsed_once(inspect_logs, tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(inspect_logs.eval_logs[0], tmp_path / name / "x.eval")
    cache = LogCache()
    run_spec(spec(threshold(), specs.inspect_source("*/x.eval")),
             context=specs.context(tmp_path, cache=cache))
    assert cache.parses == 1


def test_a_changed_file_is_parsed_again(inspect_logs, tmp_path):
    target = tmp_path / "x.eval"
    shutil.copy(inspect_logs.eval_logs[0], target)
    cache = LogCache()
    context = specs.context(tmp_path, cache=cache)
    run_spec(spec(threshold()), context=context)
    shutil.copy(inspect_logs.eval_logs[1], target)
    os.utime(target, ns=(1, 1))  # a different mtime even on coarse filesystems
    run_spec(spec(threshold()), context=context)
    assert cache.parses == 2


def test_the_cache_is_bounded():
    cache = LogCache(max_entries=3, max_digests=3)
    for i in range(10):
        cache.parsed("k", f"sha{i}", lambda i=i: {"n": i})
        cache.remember_digest(f"/p{i}", 1, 1, f"sha{i}")
    assert len(cache) == 3
    assert cache.get("k", "sha0") is None and cache.get("k", "sha9") == {"n": 9}
    assert cache.digest_for("/p0", 1, 1) is None and cache.digest_for("/p9", 1, 1) == "sha9"


def test_the_cache_is_safe_to_share_between_threads(inspect_logs):
    cache = LogCache()
    context = specs.context(inspect_logs.eval_dir, cache=cache)
    verdicts = []

    def work():
        for _ in range(20):
            verdicts.append(run_spec(spec(gap()), context=context).verdict)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert verdicts == ["yes"] * 80
    assert cache.parses <= 9 * 4  # concurrent misses may parse twice; never more


def test_the_resolvers_package_never_imports_django_or_bets():
    code = (
        "import sys, resolvers\n"
        "from resolvers.registry import CRITERIA, SOURCES, load\n"
        "[load(p) for p in list(SOURCES.values()) + list(CRITERIA.values())]\n"
        "import resolvers.netguard, resolvers.cache\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'bets', "
        "'rest_framework', 'celery'))\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, env=env, timeout=120)
    for path in (REPO / "resolvers").rglob("*.py"):
        text = path.read_text()
        assert "import django" not in text and "from django" not in text, path
        assert "from bets" not in text and "import bets" not in text, path


def test_specs_are_data_nothing_in_the_package_evaluates_code():
    builtin_call = re.compile(r"(?<![\w.])(eval|exec|compile|__import__)\(")
    for path in (REPO / "resolvers").rglob("*.py"):
        text = path.read_text()
        assert not builtin_call.search(text), path
        assert "pickle" not in text and "yaml.load" not in text, path
