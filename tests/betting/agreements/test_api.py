"""The API names the issue gives: keys, drafting, counter-proposals, signing, payment marks,
and the verification data of a published agreement, which stock OpenSSH re-checks alone."""

import subprocess

import pytest

from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.models import Agreement, AgreementSignature, Claim, LedgerTransaction, SshKey
from tests.betting.agreements.conftest import make_key, ssh_sign
from tests.betting.conftest import assert_ledger_sound
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def register(client, key):
    response = client.post("/api/keys/", {"public_key": key.public}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def propose(client, claim, **extra):
    body = {"counterparty": "bob", "side": "yes", "stake": {"amount": 300, "unit": "credits"},
            "counterparty_stake": {"amount": 100, "unit": "credits"}}
    body.update(extra)
    return client.post(f"/api/claims/{claim.pk}/agreements/", body, format="json")


def test_a_key_is_registered_with_its_fingerprint_and_revoked(ann, keys_dir):
    client = client_for(ann)
    key = make_key(keys_dir, "ecdsa")
    data = register(client, key)
    fingerprint = subprocess.run(["ssh-keygen", "-l", "-f", f"{key.path}.pub"],
                                 capture_output=True, text=True, check=True).stdout.split()[1]
    assert data["fingerprint"] == fingerprint
    assert data["key_type"] == "ecdsa-sha2-nistp256" and data["revoked_at"] is None
    revoked = client.delete(f"/api/keys/{data['id']}/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/api/keys/").json()[0]["revoked_at"] == revoked.json()["revoked_at"]


@pytest.mark.parametrize("text", ["not a key", "ssh-ed25519 AAAA", "ssh-ed25519 !!!!",
                                  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA"])
def test_what_is_not_a_key_gets_a_clear_400_and_changes_nothing(ann, text):
    response = client_for(ann).post("/api/keys/", {"public_key": text}, format="json")
    assert response.status_code == 400
    assert response.json()["public_key"][0]
    assert not SshKey.objects.exists()


def test_another_persons_key_cannot_be_revoked_or_registered_again(ann, bob, keys_dir):
    key = make_key(keys_dir, "ed25519")
    data = register(client_for(ann), key)
    assert client_for(bob).delete(f"/api/keys/{data['id']}/").status_code == 403
    again = client_for(bob).post("/api/keys/", {"public_key": key.public}, format="json")
    assert again.status_code == 409
    assert SshKey.objects.get().revoked_at is None


def test_draft_counter_sign_and_reverify_offline_from_the_json_alone(
        claim, ann, bob, anon, keys_dir, tmp_path, mod):
    ann_client, bob_client = client_for(ann), client_for(bob)
    ann_key, bob_key = make_key(keys_dir, "ed25519", "a"), make_key(keys_dir, "rsa", "b")
    register(ann_client, ann_key)
    register(bob_client, bob_key)
    first = propose(ann_client, claim, call_off=["Void if the benchmark is retired."])
    assert first.status_code == 201, first.json()
    first = first.json()
    assert first["status"] == "draft" and first["signatures"] == []
    assert first["terms"]["call_off"] == ["Void if the benchmark is retired."]
    countered = bob_client.post(f"/api/agreements/{first['id']}/counter/", {
        "side": "yes", "stake": {"amount": 250, "unit": "credits"},
        "counterparty_stake": {"amount": 100, "unit": "credits"}}, format="json")
    assert countered.status_code == 201, countered.json()
    current = countered.json()
    assert current["supersedes"] == first["id"] and current["sha256"] != first["sha256"]
    for client, key in ((ann_client, ann_key), (bob_client, bob_key)):
        response = client.post(f"/api/agreements/{current['id']}/sign/",
                               {"signature": ssh_sign(key, current["canonical"])},
                               format="json")
        assert response.status_code == 200, response.json()
    published = anon.get(f"/api/agreements/{current['id']}/").json()
    assert published["status"] == "binding"
    assert [s["username"] for s in published["signatures"]] == ["ann", "bob"]
    # Offline, with only what the JSON offers and stock OpenSSH.
    folder = tmp_path / "offline"
    folder.mkdir()
    (folder / "agreement.json").write_bytes(published["canonical"].encode("utf-8"))
    (folder / "allowed_signers").write_text(published["allowed_signers"])
    import hashlib
    assert hashlib.sha256(published["canonical"].encode()).hexdigest() == published["sha256"]
    for sig, command in zip(published["signatures"], published["verify_commands"],
                            strict=True):
        (folder / f"{sig['username']}.sig").write_text(sig["signature"])
        result = subprocess.run(["sh", "-c", command["command"]], cwd=folder,
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
    # And a tampered byte fails the same command.
    (folder / "agreement.json").write_bytes(published["canonical"].replace("250", "25")
                                            .encode())
    bad = subprocess.run(["sh", "-c", published["verify_commands"][0]["command"]], cwd=folder,
                         capture_output=True, text=True, check=False)
    assert bad.returncode != 0
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=Claim.objects.get(pk=claim.pk).resolution_seq)
    settled = anon.get(f"/api/agreements/{current['id']}/").json()
    assert (settled["status"], settled["winner"]) == ("settled", "ann")
    assert_ledger_sound()


def test_bad_signatures_get_a_400_naming_the_field_and_change_nothing(claim, ann, bob,
                                                                       keys_dir):
    client = client_for(ann)
    key = make_key(keys_dir, "ed25519")
    register(client, key)
    agreement = propose(client, claim).json()
    for text in ["not a signature", ssh_sign(key, agreement["canonical"] + " ")]:
        response = client.post(f"/api/agreements/{agreement['id']}/sign/", {"signature": text},
                               format="json")
        assert response.status_code == 400
        assert "signature" in response.json()
    assert not AgreementSignature.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"counterparty": "nobody"}, "counterparty"),
    ({"counterparty": "ann"}, "counterparty"),
    ({"side": "maybe"}, "side"),
    ({"stake": {"amount": 0, "unit": "credits"}}, "stake"),
    ({"stake": {"amount": 1.5, "unit": "credits"}}, "stake"),
    ({"arbiter": "bob"}, "arbiter"),
    ({"payment_days": 0}, "payment_days"),
])
def test_bad_terms_get_a_clear_error_and_draft_nothing(claim, ann, bob, body, field):
    response = propose(client_for(ann), claim, **body)
    assert response.status_code in (400, 404), response.json()
    assert field in response.json()
    assert not Agreement.objects.exists()


def test_payment_marks_through_the_api(claim, ann, bob, mod, keys_dir):
    ann_client, bob_client = client_for(ann), client_for(bob)
    keys = {"ann": make_key(keys_dir, "ed25519", "a"), "bob": make_key(keys_dir, "ecdsa", "b")}
    register(ann_client, keys["ann"])
    register(bob_client, keys["bob"])
    agreement = propose(ann_client, claim, stake={"amount": 500, "unit": "USD to the winner"},
                        counterparty_stake={"amount": 500, "unit": "USD to the winner"}).json()
    for name, client in (("ann", ann_client), ("bob", bob_client)):
        client.post(f"/api/agreements/{agreement['id']}/sign/",
                    {"signature": ssh_sign(keys[name], agreement["canonical"])}, format="json")
    claim_resolve(claim_id=claim.pk, outcome="no", actor=mod)
    claim_settle_bets(claim_id=claim.pk, seq=Claim.objects.get(pk=claim.pk).resolution_seq)
    url = f"/api/agreements/{agreement['id']}/marks/"
    assert bob_client.post(url, {"kind": "paid"}, format="json").status_code == 403
    paid = ann_client.post(url, {"kind": "paid", "note": "receipt 7"}, format="json")
    assert paid.status_code == 201, paid.json()
    done = bob_client.post(url, {"kind": "received"}, format="json").json()
    assert done["status"] == "settled"
    assert [(m["username"], m["kind"]) for m in done["marks"]] == [("ann", "paid"),
                                                                   ("bob", "received")]
    assert not LedgerTransaction.objects.filter(agreement_id=agreement["id"]).exists()


def test_agreements_are_public_and_a_missing_one_is_a_json_404(claim, ann, bob, anon):
    agreement = propose(client_for(ann), claim).json()
    listed = anon.get(f"/api/claims/{claim.pk}/agreements/").json()
    assert [a["sha256"] for a in listed] == [agreement["sha256"]]
    missing = anon.get("/api/agreements/999999/")
    assert missing.status_code == 404 and "detail" in missing.json()
    assert anon.post(f"/api/claims/{claim.pk}/agreements/", {}, format="json").status_code \
        in (401, 403)
