"""Re-check a verdict without Crux: the resolvers package built as a wheel, installed into a
fresh virtualenv that has no Django, and its `crux-verify` run on bundles the service made.

The wheel and the virtualenv are built once per session (uv, from its cache: the package
registry is the only network here); each test then runs the installed command."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from bets.autoresolve import runs as autoresolve
from tests.autoresolve.conftest import GAP_YES, http_spec, make_spec_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_queue")]

ROOT = Path(__file__).resolve().parents[2]
UV = [sys.executable, "-m", "uv"]
# As a stranger's shell would run it: nothing of this checkout on the import path.
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV")}


@pytest.fixture(scope="session")
def crux_verify(tmp_path_factory) -> Path:
    """The `crux-verify` of a fresh virtualenv holding only the resolvers wheel and what it
    depends on."""
    work = tmp_path_factory.mktemp("crux-verify")
    # Built from a copy: building in place leaves build/ and egg-info in the source tree.
    source = shutil.copytree(ROOT / "resolvers", work / "src", ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info"))
    subprocess.run([*UV, "build", "-q", "--wheel", "--out-dir", str(work / "dist"),
                    str(source)], check=True, timeout=300)
    [wheel] = (work / "dist").glob("crux_resolvers-*.whl")
    venv = work / "venv"
    subprocess.run([*UV, "venv", "-q", "--python", sys.executable, str(venv)], check=True,
                   timeout=60)
    subprocess.run([*UV, "pip", "install", "-q", "--python", str(venv / "bin" / "python"),
                    str(wheel)], check=True, timeout=300)
    return venv / "bin" / "crux-verify"


def _run(command: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(command), *args], capture_output=True, text=True, timeout=120,
                          cwd=command.parent, env=CLEAN_ENV)


def _rewrite(bundle: bytes, target: Path, change) -> Path:
    """A copy of the zip with `change(name, data)` applied to each entry (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(bundle))
    with zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                out.writestr(name, data)
    return target


def _bundle(attempt) -> bytes:
    response = APIClient().get(f"/api/attempts/{attempt.pk}/evidence.zip")
    assert response.status_code == 200
    return response.content


def test_the_virtualenv_has_the_resolvers_and_no_django(crux_verify):
    python = crux_verify.parent / "python"
    found = subprocess.run([str(python), "-c", "import importlib.util as u; "
                            "print(bool(u.find_spec('django')), bool(u.find_spec('bets')), "
                            "u.find_spec('resolvers').origin)"],
                           capture_output=True, text=True, check=True, cwd=crux_verify.parent,
                           env=CLEAN_ENV)
    django, bets, origin = found.stdout.split()
    assert (django, bets) == ("False", "False")
    assert str(crux_verify.parent.parent) in origin  # the installed copy, not this checkout


def test_crux_verify_re_checks_a_bundle_and_refuses_one_with_a_tampered_byte(
        ann, mod, tmp_path, crux_verify):
    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"c{claim.pk}")
    bundle = _bundle(attempt)
    good = tmp_path / "bundle.zip"
    good.write_bytes(bundle)
    result = _run(crux_verify, str(good))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Re-run here: YES: " + attempt.reason in result.stdout
    assert "read mockllm/gen2 cot accuracy: 0.7" in result.stdout
    assert result.stdout.count("ok data:good/") == 9 and "SAME:" in result.stdout

    victim, locator = _a_log_of(bundle)
    tampered = _rewrite(bundle, tmp_path / "tampered.zip", lambda name, data: (
        data[:100] + bytes([data[100] ^ 1]) + data[101:] if name == victim else data))
    result = _run(crux_verify, str(tampered))
    assert result.returncode == 1
    assert f"CHANGED {locator}: sha256 " in result.stdout
    assert "not re-run" in result.stdout and "DIFFERENT" in result.stdout


def _a_log_of(bundle: bytes) -> tuple[str, str]:
    names = zipfile.ZipFile(io.BytesIO(bundle)).namelist()
    victim = sorted(n for n in names if n.startswith("files/data/good/"))[3]
    return victim, "data:" + victim.removeprefix("files/data/")


# The cases below run the same command in this process (resolvers.verify.verify_bundle):
# the fresh virtualenv above already shows that the installed package is the whole of it.


def test_a_bundle_missing_a_file_or_whose_record_lies_is_refused(ann, mod, tmp_path):
    from resolvers.verify import verify_bundle

    claim = make_spec_claim(author=ann, moderator=mod, spec=GAP_YES)
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"c{claim.pk}")
    bundle = _bundle(attempt)
    victim, locator = _a_log_of(bundle)
    missing = _rewrite(bundle, tmp_path / "missing.zip",
                       lambda name, data: None if name == victim else data)
    status, lines = verify_bundle(missing.read_bytes())
    assert status == 1 and any(line.startswith(f"MISSING {locator}") for line in lines)

    # The record itself edited: the re-run gives what the files say, not what it claims.
    lied = _rewrite(bundle, tmp_path / "lied.zip", lambda name, data: data.replace(
        b'"verdict": "yes"', b'"verdict": "no"') if name == "evidence.json" else data)
    status, lines = verify_bundle(lied.read_bytes())
    assert status == 1 and any(line.startswith("verdict then: no") for line in lines)

    assert verify_bundle(b"not a zip at all")[0] == 2
    status, lines = verify_bundle(_rewrite(bundle, tmp_path / "bare.zip", lambda name, data:
                                           None if name == "evidence.json" else data)
                                  .read_bytes())
    assert (status, lines) == (2, ["REFUSED: not a Crux evidence bundle: "
                                   "There is no item named 'evidence.json' in the archive"])


def test_a_url_sourced_bundle_re_checks_offline_from_the_bytes_crux_kept(
        ann, mod, settings, json_server):
    from resolvers.verify import verify_bundle

    settings.CRUX_URL_SOURCE_ALLOW_LOOPBACK = True
    claim = make_spec_claim(author=ann, moderator=mod, spec=http_spec(json_server.url))
    attempt = autoresolve.claim_run_resolver(claim_id=claim.pk, run_key=f"c{claim.pk}")
    assert attempt.verdict == "yes"
    json_server.close()  # the source is gone: only the kept bytes can answer
    status, lines = verify_bundle(_bundle(attempt))
    assert status == 0, lines
    assert any(line.startswith(f"ok url:{json_server.url}") for line in lines)
    assert "Re-run here: YES: " + attempt.reason in lines
