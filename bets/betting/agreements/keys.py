"""SSH public keys: parse one line of an OpenSSH .pub file, fingerprint it as `ssh-keygen -l`
does, register it for a participant, revoke it.

A key is checked twice: here in Python (an allowed type, valid base64, the type inside the
blob matching the line's), then by `ssh-keygen -l` from Debian's openssh-client, which
refuses anything OpenSSH itself could not verify with (a point off the curve, a truncated
RSA modulus). RSA keys under 2048 bits are refused, as OpenSSH refuses them for signing."""

import base64
import binascii
import hashlib
import shutil
import struct
import subprocess
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from bets.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from bets.models import SshKey

KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
MAX_LINE = 16_384
MIN_RSA_BITS = 2048
SSH_KEYGEN = "ssh-keygen"


@dataclass(frozen=True)
class ParsedKey:
    key_type: str
    key_data: str  # base64 of the wire blob
    comment: str
    fingerprint: str  # "SHA256:..." without padding, as ssh-keygen prints it
    bits: int

    @property
    def line(self) -> str:
        return f"{self.key_type} {self.key_data}"


def fingerprint_of(blob: bytes) -> str:
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def ssh_keygen() -> str:
    path = shutil.which(SSH_KEYGEN)
    if path is None:
        raise RuntimeError("ssh-keygen is missing: install Debian's openssh-client.")
    return path


def _first_string(blob: bytes) -> bytes:
    if len(blob) < 4:
        raise ValueError("too short")
    (length,) = struct.unpack(">I", blob[:4])
    if length > len(blob) - 4:
        raise ValueError("truncated")
    return blob[4:4 + length]


def _bits(line: str) -> int:
    """Ask OpenSSH whether it takes the key: `ssh-keygen -l -f -` prints its size."""
    result = subprocess.run(  # noqa: S603 (a fixed program; the key goes to stdin)
        [ssh_keygen(), "-l", "-f", "-"], input=line.encode() + b"\n",
        capture_output=True, timeout=10, check=False,
    )
    words = result.stdout.decode(errors="replace").split()
    if result.returncode != 0 or not words or not words[0].isdigit():
        raise InvalidInput("OpenSSH does not accept this as a public key (ssh-keygen -l "
                           "refused it).", field="public_key")
    return int(words[0])


def key_parse(text: str) -> ParsedKey:
    """One line of an OpenSSH .pub file -> its parts. InvalidInput (field "public_key") that
    says what is wrong, for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("Paste one line of your .pub file, e.g. the contents of "
                           "~/.ssh/id_ed25519.pub.", field="public_key")
    if len(text) > MAX_LINE:
        raise InvalidInput("That is too long for a public key.", field="public_key")
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) != 1:
        raise InvalidInput("Give exactly one key: one line of a .pub file.", field="public_key")
    if "PRIVATE KEY" in text:
        raise InvalidInput("That is a PRIVATE key: never share it. Paste the .pub file "
                           "instead.", field="public_key")
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or parts[0] not in KEY_TYPES:
        raise InvalidInput(
            "This is not an OpenSSH public key line: it must start with one of "
            + ", ".join(KEY_TYPES) + ".", field="public_key")
    key_type, data = parts[0], parts[1]
    try:
        blob = base64.b64decode(data, validate=True)
        inner = _first_string(blob)
    except (binascii.Error, ValueError):
        raise InvalidInput("The key's base64 part is damaged.", field="public_key") from None
    if inner.decode(errors="replace") != key_type:
        raise InvalidInput(f"The key says {key_type} but holds a {inner[:60]!r} key.",
                           field="public_key")
    comment = parts[2].strip()[:200] if len(parts) > 2 else ""
    bits = _bits(f"{key_type} {data}")
    if key_type == "ssh-rsa" and bits < MIN_RSA_BITS:
        raise InvalidInput(f"This RSA key has {bits} bits; Crux takes {MIN_RSA_BITS} or more.",
                           field="public_key")
    return ParsedKey(key_type=key_type, key_data=data, comment=comment,
                     fingerprint=fingerprint_of(blob), bits=bits)


def key_register(*, user: User, public_key: str) -> SshKey:
    """Register a public key for `user`. A key belongs to one person: a key already
    registered (by anyone, revoked or not) is refused, so a fingerprint names one signer."""
    parsed = key_parse(public_key)
    existing = SshKey.objects.filter(fingerprint=parsed.fingerprint).first()
    if existing is not None:
        if existing.user_id != user.pk:
            raise Conflict("This key is registered to another participant.", field="public_key")
        if existing.revoked_at is not None:
            raise Conflict("You revoked this key; a revoked key cannot be registered again. "
                           "Make a new one.", field="public_key")
        raise Conflict("You have already registered this key.", field="public_key")
    try:
        with transaction.atomic():
            return SshKey.objects.create(user_id=user.pk, key_type=parsed.key_type,
                                         key_data=parsed.key_data, comment=parsed.comment,
                                         fingerprint=parsed.fingerprint)
    except IntegrityError:  # registered concurrently: the UNIQUE fingerprint decided
        raise Conflict("This key was just registered.", field="public_key") from None


@transaction.atomic
def key_revoke(*, key_id: int, user: User) -> SshKey:
    """Revoke one of the user's keys (row lock FOR UPDATE, so a signature being checked
    against it either lands before the revocation or is refused). Signatures it made
    before stay valid; it signs nothing new. Revoking twice keeps the first time."""
    key = SshKey.objects.select_for_update().filter(pk=key_id).first()
    if key is None:
        raise NotFound("No such key.")
    if key.user_id != user.pk:
        raise Forbidden("This is not your key.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def signing_key(parsed: Any, signer: User) -> SshKey:
    """The signer's registered, unrevoked key that made a parsed signature; InvalidInput
    (field "signature") saying which it is not."""
    key = SshKey.objects.filter(fingerprint=parsed.fingerprint).first()
    if key is None:
        raise InvalidInput(f"This signature was made by key {parsed.fingerprint}, which is not "
                           "registered on Crux: add it to your keys first.", field="signature")
    if key.user_id != signer.pk:
        raise InvalidInput(f"This signature was made by key {parsed.fingerprint}, which is "
                           "registered to another participant, not to you.", field="signature")
    if key.revoked_at is not None:
        raise InvalidInput(f"This signature was made by key {parsed.fingerprint}, which you "
                           f"revoked on {key.revoked_at:%Y-%m-%d %H:%M} UTC; a revoked key "
                           "signs nothing new.", field="signature")
    return key
