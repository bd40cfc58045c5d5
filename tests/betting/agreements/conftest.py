"""Real SSH keys made by ssh-keygen in a temporary folder, and signatures made the way a
participant makes them on their own machine: `ssh-keygen -Y sign`."""

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


def draft(claim, proposer, counterparty, **terms) -> Agreement:
    base = {"side": "yes", "stake": {"amount": 300, "unit": "credits"},
            "counterparty_stake": {"amount": 100, "unit": "credits"}}
    base.update(terms)
    return agreement_draft(claim_id=claim.pk, proposer=proposer,
                           counterparty=counterparty.username, **base)


def key_row(key: Keypair) -> SshKey:
    return SshKey.objects.get(key_data=key.public.split()[1])
