"""Real SSH keys made by ssh-keygen in a temporary folder, and signatures made the way a
participant makes them on their own machine: `ssh-keygen -Y sign`."""

import base64
import hashlib
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from bets.betting.agreements.keys import key_register
from bets.betting.agreements.services import agreement_draft, current_namespace
from bets.models import Agreement, SshKey


@dataclass
class Keypair:
    path: Path  # the private key; the public one is path + ".pub"

    @property
    def public(self) -> str:
        return Path(f"{self.path}.pub").read_text().strip()


def make_key(folder: Path, kind: str, name: str = "") -> Keypair:
    path = folder / (name or f"id_{kind}")
    args = {"ed25519": ["-t", "ed25519"], "rsa": ["-t", "rsa", "-b", "3072"],
            "ecdsa": ["-t", "ecdsa", "-b", "256"]}[kind]
    subprocess.run(["ssh-keygen", *args, "-N", "", "-C", f"{kind}@test", "-f", str(path), "-q"],
                   check=True)
    return Keypair(path)


def ssh_sign(key: Keypair, data: bytes | str, *, namespace: str | None = None) -> str:
    """Sign `data` as a participant does: write agreement.json, run ssh-keygen -Y sign."""
    folder = key.path.parent / f"sign-{key.path.name}"
    folder.mkdir(exist_ok=True)
    target = folder / "agreement.json"
    target.write_bytes(data.encode() if isinstance(data, str) else data)
    sig = Path(f"{target}.sig")
    sig.unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-Y", "sign", "-q", "-n",
                    namespace or current_namespace(), "-f", str(key.path),
                    str(target)], check=True, capture_output=True)
    return sig.read_text()


@pytest.fixture
def keys_dir(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    return folder


@pytest.fixture
def ann_key(ann, keys_dir) -> Keypair:
    key = make_key(keys_dir, "ed25519", "ann")
    key_register(user=ann, public_key=key.public)
    return key


@pytest.fixture
def bob_key(bob, keys_dir) -> Keypair:
    key = make_key(keys_dir, "ed25519", "bob")
    key_register(user=bob, public_key=key.public)
    return key


@pytest.fixture
def cat_key(cat, keys_dir) -> Keypair:
    key = make_key(keys_dir, "ed25519", "cat")
    key_register(user=cat, public_key=key.public)
    return key


def draft(claim, proposer, counterparty, **terms) -> Agreement:
    base = {"side": "yes", "stake": {"amount": 300, "unit": "credits"},
            "counterparty_stake": {"amount": 100, "unit": "credits"}}
    base.update(terms)
    return agreement_draft(claim_id=claim.pk, proposer=proposer,
                           counterparty=counterparty.username, **base)


def sign_agreement(agreement, *pairs) -> Agreement:
    """Each (user, key) signs the agreement's exact bytes with ssh-keygen -Y sign."""
    from bets.betting.agreements.services import agreement_sign

    for user, key in pairs:
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    agreement.refresh_from_db()
    return agreement


def settle(claim_id: int) -> int:
    from bets.betting.settlement import claim_settle_bets
    from bets.models import Claim

    seq = Claim.objects.get(pk=claim_id).resolution_seq
    return claim_settle_bets(claim_id=claim_id, seq=seq)


def key_row(key: Keypair) -> SshKey:
    return SshKey.objects.get(key_data=key.public.split()[1])


class SoftSecurityKey:
    """An `sk-ssh-ed25519@openssh.com` key whose "hardware" is this object: it signs exactly
    as a FIDO token does (PROTOCOL.u2f: sha256(application) | flags | counter | sha256(data),
    flags with user presence), so Crux's ssh-keygen path is exercised without a device."""

    TYPE = b"sk-ssh-ed25519@openssh.com"
    APPLICATION = b"ssh:"

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519

        self._private = ed25519.Ed25519PrivateKey.generate()
        raw = self._private.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)
        self.blob = _ssh_string(self.TYPE) + _ssh_string(raw) + _ssh_string(self.APPLICATION)

    @property
    def public(self) -> str:
        return f"{self.TYPE.decode()} {base64.b64encode(self.blob).decode()} token@test"

    def sign(self, data: bytes | str, *, namespace: str | None = None) -> str:
        message = data.encode() if isinstance(data, str) else data
        ns = (namespace or current_namespace()).encode()
        wrapped = (b"SSHSIG" + _ssh_string(ns) + _ssh_string(b"") + _ssh_string(b"sha512")
                   + _ssh_string(hashlib.sha512(message).digest()))
        flags, counter = 1, 42
        signed = (hashlib.sha256(self.APPLICATION).digest() + bytes([flags])
                  + struct.pack(">I", counter) + hashlib.sha256(wrapped).digest())
        inner = (_ssh_string(self.TYPE) + _ssh_string(self._private.sign(signed))
                 + bytes([flags]) + struct.pack(">I", counter))
        outer = (b"SSHSIG" + struct.pack(">I", 1) + _ssh_string(self.blob) + _ssh_string(ns)
                 + _ssh_string(b"") + _ssh_string(b"sha512") + _ssh_string(inner))
        body = base64.b64encode(outer).decode()
        lines = [body[i:i + 70] for i in range(0, len(body), 70)]
        return "\n".join(["-----BEGIN SSH SIGNATURE-----", *lines,
                          "-----END SSH SIGNATURE-----", ""])


def _ssh_string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value
