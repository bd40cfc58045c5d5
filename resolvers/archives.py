"""Refusing decompression bombs before any reader decompresses them.

An inspect `.eval` log is a zip archive, and inspect reads `header.json` whole: a 300 KB file
whose header inflates to 300 MiB took a web worker and a Celery child to ~780 MB each. The
central directory states every entry's compressed and uncompressed size, so an archive can be
judged before a reader inflates a byte: refuse one with an entry larger than a cap, one whose
entry inflates more than a ratio times its stored size (ordinary logs compress 5-20x; a bomb
thousands of times), or one whose entries add up to more than a total cap. Entries smaller
than RATIO_FLOOR are not judged by ratio: a small JSON file of zeros may compress absurdly well
and still be harmless.

Two ways around a check of the directory alone, both closed here:

- **Bytes in front.** Python's `zipfile` (and so inspect) finds the end-of-central-directory
  record from the end of the data and opens an archive whatever precedes it
  (`b"JUNKJUNK" + zip`). So nothing is judged by its first bytes: whatever `zipfile` would
  open is judged.
- **A directory that lies.** `zipfile` honours an entry's stated size only by cutting the
  output short: asked for a whole entry it inflates all of the entry's compressed bytes first.
  An entry stated as 1,000 bytes whose data inflates to 257 MiB passes every cap above and
  still costs 257 MiB. So each entry's data is also inflated here, in bounded steps, counting
  and discarding the output, and the archive is refused as soon as an entry produces more than
  its directory states. Memory stays at one step; the time is bounded by the total cap.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 100_000
DEFAULT_MAX_ENTRY_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_RATIO = 200.0
# All entries together: the bound on what checking an archive may inflate (and so on its
# time), and on what any reader of a whole log may hold. Real logs are far below it.
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
STEP = 256 * 1024  # compressed bytes fed, and inflated bytes taken, per step
ZIP_ZSTANDARD = 93  # inspect writes .eval logs with zstd (zipfile_zstd on Python < 3.14)
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra length


class ArchiveRefused(ValueError):  # noqa: N818 (an outcome: the archive is not read)
    """The archive would inflate past the caps; no reader decompressed anything."""


def is_zip(data: bytes) -> bool:
    """Whether `zipfile` (and so inspect's reader) would open these bytes as an archive,
    wherever in them the archive starts."""
    return zipfile.is_zipfile(io.BytesIO(data))


def check_archive(data: bytes, *, max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
                  max_ratio: float = DEFAULT_MAX_RATIO) -> None:
    """Raise ArchiveRefused when the zip `zipfile` would find in `data` (at its start or
    after leading bytes) would inflate past the caps, or inflates past what it states.

    Bytes that `zipfile` does not open as an archive pass: no reader inflates them, and
    whoever parses them says what they are. A damaged entry passes too: a reader fails on it
    at the same byte, having produced no more than was checked here.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            struct.error, UnicodeDecodeError):
        return
    if len(entries) > MAX_ENTRIES:
        raise ArchiveRefused(f"the archive lists {len(entries)} entries; at most "
                             f"{MAX_ENTRIES} are read")
    total = 0
    for entry in entries:
        if entry.file_size > max_entry_bytes:
            raise ArchiveRefused(f"archive entry {entry.filename} would inflate to "
                                 f"{entry.file_size} bytes; the cap is {max_entry_bytes}")
        stored = max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and entry.file_size / stored > max_ratio:
            raise ArchiveRefused(f"archive entry {entry.filename} would inflate "
                                 f"{entry.file_size / stored:.0f} times (from {stored} to "
                                 f"{entry.file_size} bytes); at most {max_ratio:g} times is "
                                 "read")
        total += entry.file_size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveRefused(f"the archive's entries would inflate to more than "
                                 f"{MAX_TOTAL_BYTES} bytes together; that is the cap")
    view = memoryview(data)
    for entry in entries:
        _check_stated_size(view, entry)


def _check_stated_size(data: memoryview, entry: zipfile.ZipInfo) -> None:
    if entry.flag_bits & 0x1 or entry.compress_type == zipfile.ZIP_STORED:
        return  # encrypted: no reader here can inflate it; stored: nothing to inflate
    if entry.compress_type in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        # zipfile would inflate these, and their decompressors here take no output bound;
        # no evaluation tool writes them.
        raise ArchiveRefused(f"archive entry {entry.filename} is compressed with "
                             f"{'bzip2' if entry.compress_type == zipfile.ZIP_BZIP2 else 'lzma'}"
                             "; only stored, deflate and zstd entries are read")
    raw = _entry_data(data, entry)
    if raw is None:
        return
    produced = 0
    try:
        for chunk_size in _inflate(entry.compress_type, raw):
            produced += chunk_size
            if produced > entry.file_size:
                raise ArchiveRefused(
                    f"archive entry {entry.filename} inflates past the {entry.file_size} "
                    "bytes the archive's directory states (a directory that understates "
                    "an entry is how a decompression bomb passes a size check)")
    except ArchiveRefused:
        raise
    except Exception:  # noqa: BLE001, S110 (damaged data: the reader stops at the same byte)
        return


def _entry_data(data: memoryview, entry: zipfile.ZipInfo) -> memoryview | None:
    """The entry's compressed bytes, located as `zipfile` locates them (its header offsets
    already include any bytes in front of the archive)."""
    start = entry.header_offset
    if start < 0 or start + _LOCAL_HEADER.size > len(data):
        return None
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, start)
    if signature != b"PK\x03\x04":
        return None
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    return data[begin:begin + entry.compress_size]


def _inflate(method: int, raw: memoryview) -> Iterator[int]:
    """Sizes of successive pieces of the entry's inflated data, never more than STEP at once.
    Methods no reader here inflates (zipfile raises NotImplementedError) yield nothing."""
    if method == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        position = 0
        pending = b""
        while True:
            if not pending:
                if position >= len(raw) or inflater.eof:
                    break
                pending = bytes(raw[position:position + STEP])
                position += STEP
            out = inflater.decompress(pending, STEP)
            pending = inflater.unconsumed_tail
            yield len(out)
            if not out and not pending and (inflater.eof or position >= len(raw)):
                break
        while not inflater.eof and (out := inflater.decompress(b"", STEP)):
            yield len(out)
    elif method == ZIP_ZSTANDARD:
        try:
            import zstandard
        except ImportError:  # then zipfile cannot inflate it either
            return
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw),
                                                             read_across_frames=True)
        with reader:
            while out := reader.read(STEP):
                yield len(out)
