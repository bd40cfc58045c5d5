"""Evaluation result files uploaded to a claim, for resolver specs to read by name.

The upload is read in chunks and refused as soon as it passes the size cap, hashed while it
is read, and checked for the obvious kinds of damage (a `.eval` that is not a readable zip, a
`.json` that does not parse) before anything is stored. Whether a file is a usable log for
the claim is the resolver's call: it reports an unusable one as inconclusive, with why.
"""

import hashlib
import io
import json
import re
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from bets.autoresolve.evidence.visibility import visibility_parse
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.models import Claim, ClaimArtifact

NAME_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
CHUNK = 64 * 1024


def artifact_max_bytes() -> int:
    return settings.CRUX_ARTIFACT_MAX_BYTES


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RULE.match(name) or ".." in name:
        raise InvalidInput(
            "Name the file with letters, digits, '.', '_' and '-' (at most 200 characters, "
            "starting with a letter or digit), e.g. gen2-cot.eval.",
            field="name",
        )
    return name


def _read_capped(file) -> bytes:
    """The upload's bytes, refusing it as soon as it passes the cap (never read whole)."""
    cap = artifact_max_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > cap:
        raise InvalidInput(f"The file is {size} bytes; the limit is {cap} bytes.", field="file")
    buffer = io.BytesIO()
    for chunk in file.chunks(CHUNK) if hasattr(file, "chunks") else iter(
        lambda: file.read(CHUNK), b""
    ):
        buffer.write(chunk)
        if buffer.tell() > cap:
            raise InvalidInput(f"The file exceeds the limit of {cap} bytes.", field="file")
    return buffer.getvalue()


def _check_archive(data: bytes) -> None:
    """Refuse a zip (any name: an .eval is one) whose entries would inflate past the caps,
    judged from its central directory before anything, the spec check included, inflates it."""
    from resolvers.archives import ArchiveRefused, check_archive

    try:
        check_archive(data, max_entry_bytes=settings.CRUX_ARCHIVE_MAX_ENTRY_BYTES,
                      max_ratio=float(settings.CRUX_ARCHIVE_MAX_RATIO))
    except ArchiveRefused as exc:
        raise InvalidInput(f"This archive is refused: {exc}.", field="file") from None


def _check_content(name: str, data: bytes) -> None:
    if not data:
        raise InvalidInput("The file is empty.", field="file")
    _check_archive(data)
    lower = name.lower()
    if lower.endswith(".eval"):
        # inspect_ai's .eval logs are zip archives; a truncated one has no central directory.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise InvalidInput(
                "This .eval file is not a readable zip archive (truncated or damaged "
                "upload?); inspect_ai writes .eval logs as zip files.",
                field="file",
            ) from None
    elif lower.endswith(".json"):
        try:
            json.loads(data)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidInput(f"This .json file does not parse as JSON: {exc}", field="file") \
                from None


def _spec_reader(claim: Claim, name: str):
    """The parser of the spec's source when the spec reads this artifact, else None."""
    import importlib

    from resolvers.registry import SOURCES
    from resolvers.sources.locations import as_list

    source = (claim.resolver_spec or {}).get("source")
    if not isinstance(source, dict) or source.get("kind") not in SOURCES:
        return None
    named = [loc.get("artifact") for loc in as_list(source.get("location"))
             if isinstance(loc, dict)]
    if name not in named:
        return None
    module = importlib.import_module(SOURCES[source["kind"]].rsplit(".", 1)[0])
    return source["kind"], getattr(module, "parse", None)


def _check_readable_by_spec(claim: Claim, name: str, data: bytes) -> None:
    """A file the claim's spec will read must be readable by that spec's source."""
    reader = _spec_reader(claim, name)
    if reader is None or reader[1] is None:
        return
    kind, parse = reader
    try:
        parse(data, name)
    except Exception as exc:  # noqa: BLE001 (third-party readers on untrusted bytes)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise InvalidInput(
            f"The claim's resolver reads {name} as {kind}, and it cannot: {first}",
            field="file",
        ) from None


def artifact_upload(*, claim_id: int, uploader, name: str, file,
                    visibility: str = ClaimArtifact.Visibility.PUBLIC) -> ClaimArtifact:
    """Store an evaluation result file on a claim (its author or an admin), with its sha256.

    Nothing is stored unless every check passes; a name already used on the claim is a
    conflict (artifacts are evidence: they are added, never silently replaced). The sha256
    is public from now on whatever the visibility (bets.autoresolve.evidence.visibility).
    """
    visibility = visibility_parse(visibility)
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("No such claim.")
    if not uploader or not (uploader.is_staff or uploader.pk == claim.author_id):
        raise Forbidden("Only the claim's author and admins can upload evaluation results.")
    if claim.status in (Claim.Status.RESOLVED, Claim.Status.ANNULLED):
        raise Conflict(f"This claim is {claim.status}; its evidence is closed.")
    if file is None:
        raise InvalidInput("Choose a file to upload.", field="file")
    name = _check_name(name or getattr(file, "name", ""))
    data = _read_capped(file)
    _check_content(name, data)
    _check_readable_by_spec(claim, name, data)
    if ClaimArtifact.objects.filter(claim=claim, name=name).exists():
        raise Conflict(f"This claim already has a file named {name}.", field="name")
    sha256 = hashlib.sha256(data).hexdigest()
    artifact = ClaimArtifact(claim=claim, uploaded_by=uploader, name=name, size=len(data),
                             sha256=sha256, visibility=visibility)
    artifact.file.save(f"{sha256[:16]}-{name}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            artifact.save()
    except IntegrityError:
        artifact.file.delete(save=False)  # lost a race for the name: leave no orphan file
        raise Conflict(f"This claim already has a file named {name}.", field="name") from None
    return artifact
