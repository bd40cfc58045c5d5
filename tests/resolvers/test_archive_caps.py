"""Zip bombs: an archive whose entries would inflate past the caps is refused from its
central directory, before anything is decompressed (an inspect .eval is a zip, and inspect
reads header.json whole)."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from resolvers import SourceError, run_spec
from resolvers.archives import ArchiveRefused, check_archive
from tests.resolvers import specs
from tests.resolvers.specs import spec, threshold

REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def make_bomb(path: Path, inflated: int, name: str = "header.json") -> Path:
    """A zip whose one entry inflates to `inflated` bytes of a JSON-ish run of spaces,
    written in chunks so making it never holds it in memory."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z, \
            z.open(name, "w", force_zip64=True) as entry:
        chunk = b" " * MIB
        left = inflated
        while left > 0:
            entry.write(chunk[:min(left, MIB)])
            left -= MIB
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """300 MiB of header.json in a file of a few hundred KB, as in the issue."""
    return make_bomb(tmp_path_factory.mktemp("bomb") / "bomb.eval", 300 * MIB)


def understated(data: bytes, stated: int) -> bytes:
    """The archive with its one central-directory entry claiming `stated` bytes inflated."""
    at = data.rfind(b"PK\x01\x02")
    out = bytearray(data)
    struct.pack_into("<I", out, at + 24, stated)  # the uncompressed size field
    return bytes(out)


@pytest.fixture(scope="module")
def disguised_bombs(bomb, tmp_path_factory) -> dict[str, Path]:
    """The bomb behind eight bytes of junk (zipfile opens it all the same), and the bomb
    whose central directory says header.json is 1,000 bytes: each as bomb.eval in its own
    directory, as a spec reads it."""
    data = bomb.read_bytes()
    out = {}
    for name, disguised in (("prefixed", b"JUNKJUNK" + data),
                            ("understated", understated(data, 1000)),
                            ("prefixed-understated", b"JUNKJUNK" + understated(data, 1000))):
        folder = tmp_path_factory.mktemp(name)
        (folder / "bomb.eval").write_bytes(disguised)
        out[name] = folder
    return out


def _small_zip(tmp_path: Path, size: int) -> bytes:
    path = tmp_path / "small.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("header.json", b"x" * size)
    return path.read_bytes()


def test_an_entry_at_the_cap_passes_and_one_byte_over_is_refused(tmp_path):
    data = _small_zip(tmp_path, 5000)
    check_archive(data, max_entry_bytes=5000)
    with pytest.raises(ArchiveRefused, match="header.json would inflate to 5000 bytes; the "
                                             "cap is 4999"):
        check_archive(data, max_entry_bytes=4999)


def test_an_entry_inflating_too_many_times_is_refused(bomb):
    with pytest.raises(ArchiveRefused, match="would inflate .* times"):
        check_archive(bomb.read_bytes(), max_entry_bytes=10**12, max_ratio=200)


def test_a_bomb_behind_leading_bytes_is_refused_as_zipfile_would_open_it(bomb):
    data = b"JUNKJUNK" + bomb.read_bytes()
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:  # what the readers do
        assert z.namelist() == ["header.json"]
    with pytest.raises(ArchiveRefused, match="header.json would inflate"):
        check_archive(data)


def test_an_entry_inflating_past_what_the_directory_states_is_refused(bomb):
    data = understated(bomb.read_bytes(), 1000)
    with pytest.raises(ArchiveRefused, match="inflates past the 1000 bytes"):
        check_archive(data)


def test_a_small_entry_stated_truly_passes_the_inflation_check(tmp_path):
    path = tmp_path / "ok.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("header.json", b'{"a": 1}' + b" " * 500_000)
    check_archive(b"JUNK" + path.read_bytes())


def test_bytes_that_are_not_a_zip_are_left_to_the_parser():
    check_archive(b'{"eval": {}}')
    check_archive(b"PK\x03\x04 truncated")


def test_a_spec_reading_a_bomb_fails_with_a_clear_error_and_no_retry(bomb):
    with pytest.raises(SourceError) as e:
        run_spec(spec(threshold(), specs.inspect_source("bomb.eval")),
                 context=specs.context(bomb.parent))
    assert "bomb.eval" in str(e.value) and "would inflate" in str(e.value)
    assert e.value.retryable is False


def test_the_entry_cap_refuses_a_bomb_whatever_the_ratio_cap(bomb):
    with pytest.raises(SourceError, match="the cap is"):
        run_spec(spec(threshold(), specs.inspect_source("bomb.eval")),
                 context=specs.context(bomb.parent, archive_max_entry_bytes=300 * MIB - 1,
                                       archive_max_ratio=10.0**9))


PROBE = """
import json, resource, sys
sys.path.insert(0, {repo!r})
import inspect_ai.log  # the reader's own import is not what is measured
from resolvers import LogCache, RunContext, SourceError, run_spec
from resolvers.sources.inspect_logs import parse
from pathlib import Path
spec = json.loads(sys.argv[2])
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = peak()
outcomes = []
try:
    run_spec(spec, context=RunContext(data_dir=Path(sys.argv[1]), cache=LogCache()))
except SourceError as e:
    outcomes.append(str(e))
try:  # the parser alone, as an upload check calls it
    parse(Path(sys.argv[1], "bomb.eval").read_bytes(), "bomb.eval")
except Exception as e:  # refused (ValueError), or whatever inflating it ended in
    outcomes.append(str(e))
print(json.dumps({{"growth": peak() - before, "outcomes": outcomes}}))
"""


def _probe(folder: Path) -> dict:
    criterion = spec(threshold(), specs.inspect_source("bomb.eval"))
    out = subprocess.run([sys.executable, "-c", PROBE.format(repo=str(REPO)), str(folder),
                          json.dumps(criterion)], capture_output=True, text=True, timeout=120,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_refusing_a_bomb_does_not_grow_the_process(bomb):
    """Measured in a fresh process: peak RSS after the imports versus after the refusals.
    Inflating header.json took a process from ~150 MB to ~750 MB; refusing it must cost
    less than 64 MiB."""
    result = _probe(bomb.parent)
    assert len(result["outcomes"]) == 2
    assert all("would inflate" in o for o in result["outcomes"])
    assert result["growth"] < 64 * MIB, result


@pytest.mark.parametrize("disguise", ["prefixed", "understated", "prefixed-understated"])
def test_refusing_a_disguised_bomb_does_not_grow_the_process(disguised_bombs, disguise):
    """The same measurement for the bomb behind leading bytes (it took a web process from
    206 to 1,002 MiB and a Celery child from 169 to 684 MiB) and for one whose directory
    understates its entry: the spec run and the parser both refuse, before inflating."""
    result = _probe(disguised_bombs[disguise])
    assert len(result["outcomes"]) == 2, result
    assert all("inflate" in o for o in result["outcomes"]), result
    assert result["growth"] < 64 * MIB, result
