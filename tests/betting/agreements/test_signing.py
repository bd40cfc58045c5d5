"""Signatures made by stock OpenSSH verify against the signer's registered keys and the exact
bytes of the agreement, and every other signature is refused with a message that says why."""

import subprocess

import pytest
from django.utils import timezone

from bets.betting.agreements.keys import key_register, key_revoke
from bets.betting.agreements.services import agreement_counter, agreement_sign
from bets.common.errors import Conflict, InvalidInput
from bets.models import Agreement, AgreementSignature, LedgerTransaction
from tests.betting.agreements.conftest import (
    SoftSecurityKey,
    draft,
    key_row,
    make_key,
    ssh_sign,
)
from tests.betting.conftest import assert_ledger_sound

pytestmark = pytest.mark.django_db


def counter_terms(**extra):
    terms = {"side": "yes", "stake": {"amount": 200, "unit": "credits"},
             "counterparty_stake": {"amount": 100, "unit": "credits"}}
    terms.update(extra)
    return terms


@pytest.mark.parametrize("kind", ["ed25519", "rsa", "ecdsa"])
def test_a_signature_by_each_key_type_is_accepted(claim, ann, bob, keys_dir, kind):
    key = make_key(keys_dir, kind)
    key_register(user=ann, public_key=key.public)
    agreement = draft(claim, ann, bob)
    agreement_sign(agreement_id=agreement.pk, signer=ann,
                   signature=ssh_sign(key, agreement.canonical))
    signature = AgreementSignature.objects.get(agreement=agreement)
    assert signature.signer == ann
    assert signature.key.key_type == key.public.split()[0]


def test_both_signatures_over_the_same_hash_bind_and_lock_the_credits_once(
        claim, ann, bob, ann_key, bob_key):
    agreement = draft(claim, ann, bob)
    agreement_sign(agreement_id=agreement.pk, signer=ann,
                   signature=ssh_sign(ann_key, agreement.canonical))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT
    agreement_sign(agreement_id=agreement.pk, signer=bob,
                   signature=ssh_sign(bob_key, agreement.canonical))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.BINDING
    locks = LedgerTransaction.objects.filter(agreement=agreement,
                                             kind=LedgerTransaction.Kind.AGREEMENT_LOCK)
    assert locks.count() == 1
    ann.account.refresh_from_db()
    bob.account.refresh_from_db()
    assert (ann.account.balance, bob.account.balance) == (700, 900)
    assert_ledger_sound()


def refused(agreement, signer, signature) -> str:
    before = AgreementSignature.objects.count()
    with pytest.raises(InvalidInput) as err:
        agreement_sign(agreement_id=agreement.pk, signer=signer, signature=signature)
    assert AgreementSignature.objects.count() == before
    return err.value.message


def test_a_tampered_byte_of_the_agreement_is_refused(claim, ann, bob, ann_key):
    agreement = draft(claim, ann, bob)
    tampered = agreement.canonical.replace('"amount":300', '"amount":30')
    assert tampered != agreement.canonical
    message = refused(agreement, ann, ssh_sign(ann_key, tampered))
    assert "does not match this agreement's bytes" in message
    assert agreement.sha256 in message


def test_a_signature_under_another_namespace_is_refused(claim, ann, bob, ann_key):
    agreement = draft(claim, ann, bob)
    message = refused(agreement, ann, ssh_sign(ann_key, agreement.canonical, namespace="git"))
    assert "namespace 'git'" in message


def test_a_signature_by_an_unregistered_key_is_refused(claim, ann, bob, keys_dir):
    agreement = draft(claim, ann, bob)
    stranger = make_key(keys_dir, "ed25519", "stranger")
    message = refused(agreement, ann, ssh_sign(stranger, agreement.canonical))
    assert "not registered on Crux" in message


def test_a_signature_by_the_other_partys_key_is_refused(claim, ann, bob, bob_key):
    agreement = draft(claim, ann, bob)
    message = refused(agreement, ann, ssh_sign(bob_key, agreement.canonical))
    assert "registered to another participant" in message


def test_a_signature_by_a_revoked_key_is_refused_but_earlier_ones_stand(
        claim, ann, bob, ann_key, bob_key, cat):
    first = draft(claim, ann, bob)
    agreement_sign(agreement_id=first.pk, signer=ann,
                   signature=ssh_sign(ann_key, first.canonical))
    key_revoke(key_id=key_row(ann_key).pk, user=ann)
    second = draft(claim, ann, cat)
    message = refused(second, ann, ssh_sign(ann_key, second.canonical))
    assert "revoked" in message
    assert AgreementSignature.objects.filter(agreement=first, signer=ann).exists()


def test_a_signature_over_an_older_draft_is_refused_and_says_so(claim, ann, bob, ann_key,
                                                                bob_key):
    old = draft(claim, ann, bob)
    new = agreement_counter(agreement_id=old.pk, author=bob, **counter_terms())
    assert new.sha256 != old.sha256
    message = refused(new, ann, ssh_sign(ann_key, old.canonical))
    assert f"older draft (sha256 {old.sha256})" in message


def test_an_agreement_countered_after_one_signature_cannot_bind_on_the_old_hash(
        claim, ann, bob, ann_key, bob_key):
    old = draft(claim, ann, bob)
    agreement_sign(agreement_id=old.pk, signer=ann, signature=ssh_sign(ann_key, old.canonical))
    new = agreement_counter(agreement_id=old.pk, author=bob, **counter_terms())
    with pytest.raises(Conflict, match="replaced by a counter-proposal"):
        agreement_sign(agreement_id=old.pk, signer=bob,
                       signature=ssh_sign(bob_key, old.canonical))
    agreement_sign(agreement_id=new.pk, signer=bob, signature=ssh_sign(bob_key, new.canonical))
    new.refresh_from_db()
    old.refresh_from_db()
    # Ann's signature was on the old bytes: the new draft waits for hers.
    assert (old.status, new.status) == (Agreement.Status.DRAFT, Agreement.Status.DRAFT)
    assert not LedgerTransaction.objects.filter(agreement__in=[old, new]).exists()


@pytest.mark.parametrize("text", [
    "", "hello", "-----BEGIN SSH SIGNATURE-----\nnot base64!!\n-----END SSH SIGNATURE-----",
    "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----",
])
def test_what_is_not_a_signature_gets_a_clear_error_and_changes_nothing(claim, ann, bob,
                                                                        ann_key, text):
    agreement = draft(claim, ann, bob)
    message = refused(agreement, ann, text)
    assert "signature" in message.lower()


def test_a_published_agreement_reverifies_with_stock_ssh_keygen(claim, ann, bob, ann_key,
                                                                 bob_key, tmp_path):
    from bets.betting.agreements.selectors import allowed_signers, verify_command

    agreement = draft(claim, ann, bob)
    for user, key in ((ann, ann_key), (bob, bob_key)):
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    folder = tmp_path / "offline"
    folder.mkdir()
    (folder / "agreement.json").write_bytes(agreement.canonical.encode())
    (folder / "allowed_signers").write_text(allowed_signers(agreement))
    for sig in AgreementSignature.objects.filter(agreement=agreement).select_related("signer"):
        (folder / f"{sig.signer.username}.sig").write_text(sig.signature)
        result = subprocess.run(["sh", "-c", verify_command(agreement, sig.signer.username)],
                                cwd=folder, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert f'Good "{agreement_namespace(agreement)}" signature for {sig.signer.username}' \
            in result.stdout


def agreement_namespace(agreement):
    from bets.betting.agreements.selectors import agreement_namespace as ns

    return ns(agreement)


def test_keys_are_timestamped_when_revoked(ann, ann_key):
    key = key_revoke(key_id=key_row(ann_key).pk, user=ann)
    assert key.revoked_at is not None and key.revoked_at <= timezone.now()


def test_a_security_key_signature_is_verified_by_ssh_keygen(claim, ann, bob):
    token = SoftSecurityKey()
    key = key_register(user=ann, public_key=token.public)
    assert key.key_type == "sk-ssh-ed25519@openssh.com"
    agreement = draft(claim, ann, bob)
    assert "does not match" in refused(agreement, ann, token.sign(agreement.canonical + "x"))
    assert "namespace 'git'" in refused(agreement, ann,
                                        token.sign(agreement.canonical, namespace="git"))
    agreement_sign(agreement_id=agreement.pk, signer=ann,
                   signature=token.sign(agreement.canonical))
    assert AgreementSignature.objects.get(agreement=agreement).key == key


def test_the_named_arbiter_accepts_by_signing_and_anyone_else_is_refused(
        claim, ann, bob, cat, mod, ann_key, bob_key, keys_dir, tmp_path):
    from bets.betting.agreements.selectors import allowed_signers, verify_command
    from bets.common.errors import Forbidden

    cat_key = make_key(keys_dir, "ecdsa", "cat")
    key_register(user=cat, public_key=cat_key.public)
    agreement = draft(claim, ann, bob, arbiter="cat")
    for user, key in ((ann, ann_key), (bob, bob_key)):
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    mod_key = make_key(keys_dir, "ed25519", "mod")
    key_register(user=mod, public_key=mod_key.public)
    with pytest.raises(Forbidden):
        agreement_sign(agreement_id=agreement.pk, signer=mod,
                       signature=ssh_sign(mod_key, agreement.canonical))
    agreement_sign(agreement_id=agreement.pk, signer=cat,
                   signature=ssh_sign(cat_key, agreement.canonical))
    accepted = AgreementSignature.objects.get(agreement=agreement, signer=cat)
    assert accepted.role == "arbiter"
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.BINDING
    folder = tmp_path / "arbiter"
    folder.mkdir()
    (folder / "agreement.json").write_bytes(agreement.canonical.encode())
    (folder / "allowed_signers").write_text(allowed_signers(agreement))
    (folder / "cat.sig").write_text(accepted.signature)
    result = subprocess.run(["sh", "-c", verify_command(agreement, "cat")], cwd=folder,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
