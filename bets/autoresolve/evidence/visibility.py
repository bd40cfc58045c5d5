"""Who may see which evaluation file of a claim, and the writes that change it.

Every file has a visibility (`public`, `aggregates`, `private`). Its sha256, size and upload
time are public from the moment of upload: a commitment the uploader cannot take back, so a
file revealed later can be checked against the one that decided the claim. A non-public
file is read only by staff, its uploader and the claim's arbiters, and every download of it
is recorded (ArtifactAccess).

Arbiters (bets.claims.arbiters) adjudicate a claim's disputes and may read its private
evidence.
"""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.utils import timezone

from bets.claims.arbiters import claim_arbiter_ids
from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.common.types import Viewer
from bets.models import ArtifactAccess, Claim, ClaimArtifact

Visibility = ClaimArtifact.Visibility
# From most to least hidden: a file may only move rightwards (a revealed file stays revealed).
ORDER = (Visibility.PRIVATE, Visibility.AGGREGATES, Visibility.PUBLIC)
DOWNLOAD_SALT = "crux.artifact-download"
DOWNLOAD_MAX_AGE = 3600  # seconds a download link works


def visibility_parse(value: object) -> str:
    """A visibility from user input; a clear error names the allowed values."""
    if value in (None, ""):
        return Visibility.PUBLIC
    if not isinstance(value, str) or value not in Visibility.values:
        raise InvalidInput(
            f"Visibility must be one of {', '.join(Visibility.values)}; got {value!r}.",
            field="visibility",
        )
    return value



def evidence_reader(user: Viewer | None, arbiters: set[int]) -> bool:
    """Staff and the claim's arbiters (`arbiters`: their ids) read every file of the claim."""
    return bool(user and user.is_authenticated and (user.is_staff or user.pk in arbiters))


def claim_evidence(claim_id: int) -> tuple[list[ClaimArtifact], set[int]]:
    """The claim's files (oldest first) and its arbiters' ids: what every visibility decision
    about the claim reads, loaded once per page."""
    files = list(ClaimArtifact.objects.filter(claim_id=claim_id).order_by("created_at", "id"))
    return files, claim_arbiter_ids(claim_id)


def artifact_readable_by(artifact: ClaimArtifact, user: Viewer | None, *,
                         arbiters: set[int] | None = None) -> bool:
    """Whether `user` may have the file's bytes and everything derived from them."""
    if artifact.visibility == Visibility.PUBLIC:
        return True
    if not (user and user.is_authenticated):
        return False
    if user.is_staff or user.pk == artifact.uploaded_by_id:
        return True
    ids = claim_arbiter_ids(artifact.claim_id) if arbiters is None else arbiters
    return user.pk in ids





@transaction.atomic
def artifact_visibility_widen(*, artifact_id: int, actor: Viewer | None,
                              visibility: str) -> ClaimArtifact:
    """Show a file to more people (uploader or staff): private -> aggregates -> public.

    The bytes never change: revealing publishes exactly the file whose sha256 was public
    since upload. Narrowing is refused, since what was shown cannot be taken back.
    """
    visibility = visibility_parse(visibility)
    artifact = ClaimArtifact.objects.select_for_update().filter(pk=artifact_id).first()
    if artifact is None:
        raise NotFound("No such file.")
    if not (actor and actor.is_authenticated
            and (actor.is_staff or actor.pk == artifact.uploaded_by_id)):
        raise Forbidden("Only the file's uploader and admins can change its visibility.")
    if ORDER.index(Visibility(visibility)) < ORDER.index(Visibility(artifact.visibility)):
        raise Conflict(
            f"This file is already {artifact.visibility}; what was shown cannot be hidden "
            "again.", field="visibility",
        )
    if visibility != artifact.visibility:
        artifact.visibility = visibility
        if visibility == Visibility.PUBLIC:
            artifact.revealed_at = timezone.now()
        artifact.save(update_fields=["visibility", "revealed_at"])
    return artifact


def artifact_download_token(artifact: ClaimArtifact, user: Viewer | None) -> str:
    """A signed link token for one viewer and one file; it stops working after an hour."""
    return signing.dumps({"a": artifact.pk, "u": user.pk if user else None},
                         salt=DOWNLOAD_SALT, compress=True)


def artifact_open(*, artifact_id: int, user: Viewer | None, via: str, token: str | None = None
                  ) -> ClaimArtifact:
    """The file for `user` to download; records the access of a non-public one.

    A public file needs no token. A non-public one needs the viewer's right to read it and,
    when a token is given (web links), a valid untampered token issued to this viewer.
    Refusals name no detail of a file the viewer may not see.
    """
    artifact = ClaimArtifact.objects.select_related("claim").filter(pk=artifact_id).first()
    if artifact is None:
        raise NotFound("No such file.")
    if token == "":
        raise Forbidden("This file is not public: download it through the link signed for "
                        "you on the claim's page.")
    if token is not None:
        try:
            data = signing.loads(token, salt=DOWNLOAD_SALT, max_age=DOWNLOAD_MAX_AGE)
        except signing.SignatureExpired:
            raise Forbidden("This download link has expired; open the claim page again.") \
                from None
        except signing.BadSignature:
            raise Forbidden("This download link is not valid.") from None
        if data.get("a") != artifact.pk or data.get("u") != (user.pk if user else None):
            raise Forbidden("This download link is not valid.")
    if not artifact_readable_by(artifact, user):
        raise Forbidden(
            f"This file is {artifact.visibility}: only the claim's arbiters, its uploader and "
            "admins may download it. Its sha256 is public."
        )
    if artifact.visibility != Visibility.PUBLIC:
        who = user if user is not None and user.is_authenticated else None
        ArtifactAccess.objects.create(artifact=artifact, user=who, via=via)
    return artifact


def artifact_accesses(*, artifact: ClaimArtifact, viewer) -> list[ArtifactAccess]:
    """Who opened a non-public file, for staff and its uploader."""
    if not (viewer and viewer.is_authenticated
            and (viewer.is_staff or viewer.pk == artifact.uploaded_by_id)):
        raise Forbidden("Only admins and the file's uploader see who opened it.")
    return list(ArtifactAccess.objects.filter(artifact=artifact).select_related("user")[:200])


def withheld_summary(claim: Claim, user: Viewer | None, *,
                     evidence: tuple[list[ClaimArtifact], set[int]] | None = None) -> str:
    """What this viewer does not see of the claim's evidence, said plainly ("" if nothing)."""
    files, arbiters = evidence or claim_evidence(claim.pk)
    hidden = [a for a in files if not artifact_readable_by(a, user, arbiters=arbiters)]
    if not hidden:
        return ""
    private = sum(a.visibility == Visibility.PRIVATE for a in hidden)
    aggregates = len(hidden) - private
    parts = []
    if private:
        parts.append(f"{private} evaluation file{'s are' if private > 1 else ' is'} private to "
                     "the claim's arbiters (only the verdict is shown)")
    if aggregates:
        parts.append(f"{aggregates} evaluation file{'s are' if aggregates > 1 else ' is'} "
                     "shared as aggregates only (the verdict and the measured numbers are "
                     "shown; the file, its samples and outputs are not)")
    return "; ".join(parts) + ". Their sha256s are listed, so they can be checked once revealed."
