"""Refusing decompression bombs before anything is decompressed.

An inspect `.eval` log is a zip archive, and inspect reads `header.json` whole: a 300 KB file
whose header inflates to 300 MiB took a web worker and a Celery child to ~780 MB each. The
central directory states every entry's compressed and uncompressed size, so an archive can be
judged without inflating a byte: refuse one with an entry larger than a cap, or one whose
entry inflates more than a ratio times its stored size (ordinary logs compress 5-20x; a bomb
thousands of times). Entries smaller than RATIO_FLOOR are not judged by ratio: a small JSON
file of zeros may compress absurdly well and still be harmless.
"""

from __future__ import annotations

import io
import zipfile

RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 100_000
DEFAULT_MAX_ENTRY_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_RATIO = 200.0


class ArchiveRefused(ValueError):  # noqa: N818 (an outcome: the archive is not read)
    """The archive would inflate past the caps; nothing in it was decompressed."""


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06"


def check_archive(data: bytes, *, max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
                  max_ratio: float = DEFAULT_MAX_RATIO) -> None:
    """Raise ArchiveRefused when a zip's central directory promises too much inflation.

    Bytes that are not a zip (or a zip too damaged to list) pass: whoever parses them says
    what they are. Reads the central directory only (no entry is opened).
    """
    if not is_zip(data):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if len(entries) > MAX_ENTRIES:
        raise ArchiveRefused(f"the archive lists {len(entries)} entries; at most "
                             f"{MAX_ENTRIES} are read")
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
