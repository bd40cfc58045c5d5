"""Checking an SSH signature (`ssh-keygen -Y sign`) over an agreement's exact bytes.

ed25519 and RSA signatures are verified in-process by the `sshsig` package; every other key
type (ECDSA, the security-key `sk-` types) by `ssh-keygen -Y verify` from Debian's
openssh-client, given an allowed_signers file with just the one key. Before any cryptography
the signature's own header is read, so a refusal can say which thing is wrong: not a
signature at all, another namespace, a key that is not the signer's, or other bytes."""

import base64
import binascii
import io
import os
import subprocess
import tempfile
from dataclasses import dataclass

import sshsig
from sshsig.binary_io import SshReader

from bets.betting.agreements.keys import KEY_TYPES, fingerprint_of, ssh_keygen
from bets.common.errors import InvalidInput

BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
MAX_SIGNATURE = 16_384
HASHES = (b"sha256", b"sha512")  # the two ssh-keygen signs with and accepts
IN_PROCESS = ("ssh-ed25519", "ssh-rsa")
PRINCIPAL = "signer"


@dataclass(frozen=True)
class ParsedSignature:
    armored: str  # normalised: the armor lines only, "\n" line ends, a final newline
    key_type: str
    key_blob: bytes
    fingerprint: str
    namespace: str


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, field="signature")


def signature_parse(text: str) -> ParsedSignature:
    """Read an armored SSH signature's header (the signing key and the namespace). Raises
    InvalidInput (field "signature") naming what is wrong when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise _bad("Paste the whole .sig file that ssh-keygen -Y sign wrote, from "
                   f"{BEGIN} to {END}.")
    if len(text) > MAX_SIGNATURE:
        raise _bad("That is too long for an SSH signature.")
    lines = [line.strip() for line in text.strip().splitlines()]
    if BEGIN not in lines or END not in lines or lines.index(BEGIN) > lines.index(END):
        raise _bad(f"This is not an SSH signature: it must run from {BEGIN} to {END}, as "
                   "the .sig file ssh-keygen -Y sign writes.")
    body = "".join(lines[lines.index(BEGIN) + 1:lines.index(END)])
    try:
        raw = base64.b64decode(body, validate=True)
        outer = sshsig.sshsig.SshsigSignature(raw)
        key_type = SshReader.from_bytes(outer.public_key).read_string().decode("ascii")
    except (binascii.Error, ValueError, NotImplementedError, UnicodeDecodeError, EOFError,
            IndexError, TypeError) as exc:
        raise _bad(f"This SSH signature is damaged and cannot be read ({exc}).") from None
    except Exception:  # sshsig's reader raises bare errors on truncated input
        raise _bad("This SSH signature is damaged and cannot be read.") from None
    if key_type not in KEY_TYPES:
        raise _bad(f"This signature was made with a {key_type[:60]} key, a type Crux does "
                   "not take.")
    if outer.hash_algo not in HASHES:
        raise _bad("This signature uses a hash ssh-keygen never signs with.")
    armored = "\n".join([BEGIN, *(body[i:i + 70] for i in range(0, len(body), 70)), END, ""])
    return ParsedSignature(
        armored=armored, key_type=key_type, key_blob=outer.public_key,
        fingerprint=fingerprint_of(outer.public_key),
        namespace=outer.namespace.decode("utf-8", errors="replace"),
    )


def _verify_in_process(message: bytes, armored: str, namespace: str, key_line: str) -> bool:
    try:
        signer = sshsig.check_signature(io.BytesIO(message), armored, namespace)
        wanted = sshsig.PublicKey.from_openssh_str(key_line)
    except Exception:  # sshsig reports bad input with assorted exceptions (even assert)
        return False
    return bool(signer == wanted)


def allowed_signers_line(principal: str, key_line: str, namespace: str) -> str:
    """One line of an OpenSSH allowed_signers file, limited to the agreement namespace."""
    return f'{principal} namespaces="{namespace}" {key_line}'


def _verify_with_ssh_keygen(message: bytes, armored: str, namespace: str,
                            key_line: str) -> bool:
    with tempfile.TemporaryDirectory(prefix="crux-sig-") as tmp:
        signers = os.path.join(tmp, "allowed_signers")
        sig = os.path.join(tmp, "agreement.sig")
        with open(signers, "w") as f:
            f.write(allowed_signers_line(PRINCIPAL, key_line, namespace) + "\n")
        with open(sig, "w") as f:
            f.write(armored)
        result = subprocess.run(  # noqa: S603 (fixed program and arguments; data via files)
            [ssh_keygen(), "-Y", "verify", "-f", signers, "-I", PRINCIPAL, "-n", namespace,
             "-s", sig],
            input=message, capture_output=True, timeout=20, check=False,
        )
    return result.returncode == 0


def signature_matches(*, message: bytes, parsed: ParsedSignature, namespace: str,
                      key_line: str) -> bool:
    """Whether the signature, by the key `key_line`, is over exactly `message` in
    `namespace` (cryptographically; the caller has matched key and namespace already)."""
    if parsed.key_type in IN_PROCESS:
        return _verify_in_process(message, parsed.armored, namespace, key_line)
    return _verify_with_ssh_keygen(message, parsed.armored, namespace, key_line)
