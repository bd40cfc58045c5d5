"""The API of the arbiter (acceptance, decisions) and amendments, re-verified offline with
stock OpenSSH from the JSON alone; Idempotency-Key on the agreement POSTs; the schema."""

import subprocess

import pytest

from bets.betting.ledger import user_balance
from bets.claims.resolution import claim_resolve
from bets.models import AgreementSignature, ArbiterDocument, IdempotencyRecord
from tests.api.test_schema_truth import problems
from tests.betting.agreements.conftest import make_key, settle, ssh_sign
from tests.betting.agreements.test_api import propose, register
from tests.betting.conftest import assert_ledger_sound
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def sign(client, agreement_id, key, canonical, url=None, **headers):
    return client.post(url or f"/api/agreements/{agreement_id}/sign/",
                       {"signature": ssh_sign(key, canonical)}, format="json", **headers)


def test_an_arbiters_acceptance_and_decision_through_the_api_reverify_offline(
        claim, ann, bob, cat, anon, mod, keys_dir, tmp_path):
    clients = {u.username: client_for(u) for u in (ann, bob, cat)}
    keys = {name: make_key(keys_dir, kind, name) for name, kind in
            (("ann", "ed25519"), ("bob", "ed25519"), ("cat", "ecdsa"))}
    for name, client in clients.items():
        register(client, keys[name])
    agreement = propose(clients["ann"], claim, arbiter="cat").json()
    for name in ("ann", "bob", "cat"):
        assert sign(clients[name], agreement["id"], keys[name],
                    agreement["canonical"]).status_code == 200
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    url = f"/api/agreements/{agreement['id']}/arbiter/"
    refused = clients["bob"].post(url, {"kind": "decision", "dispute": "resolution",
                                        "decision": "no"}, format="json")
    assert refused.status_code == 403 and "arbiter" in refused.json()["detail"]
    outside = clients["cat"].post(
        url, {"kind": "decision", "dispute": "resolution", "decision": "void"}, format="json")
    assert outside.status_code == 403 and "not voiding" in outside.json()["detail"]
    assert not ArbiterDocument.objects.exists()
    written = clients["cat"].post(url, {"kind": "decision", "dispute": "resolution",
                                        "decision": "no", "reason": "Criteria 2 fails."},
                                  format="json")
    assert written.status_code == 201, written.json()
    document = written.json()["arbiter_documents"][-1]
    assert document["effective_at"] is None and agreement["sha256"] in document["canonical"]
    signed = sign(clients["cat"], agreement["id"], keys["cat"], document["canonical"],
                  url=f"{url}{document['id']}/sign/")
    assert signed.status_code == 200, signed.json()
    published = anon.get(f"/api/agreements/{agreement['id']}/").json()
    assert (published["winner"], published["arbiter"]["username"]) == ("bob", "cat")
    assert published["arbiter"]["accepted"] and published["ruled_at"]
    assert [s["role"] for s in published["signatures"]] == ["party", "party", "arbiter"]
    assert (user_balance(ann), user_balance(bob)) == (700, 1300)
    assert_ledger_sound()
    # The answer, with its arbiter documents, is what the schema says it is.
    schema = anon.get("/api/schema/?format=json").json()
    assert problems(schema, "/api/agreements/{id}/", published) == []
    # Offline: the agreement's allowed_signers names the arbiter; stock OpenSSH checks both
    # the acceptance and the decision with the commands the JSON gives.
    folder = tmp_path / "offline"
    folder.mkdir()
    (folder / "allowed_signers").write_text(published["allowed_signers"])
    (folder / "agreement.json").write_bytes(published["canonical"].encode())
    (folder / "cat.sig").write_text(published["signatures"][2]["signature"])
    decision = published["arbiter_documents"][0]
    (folder / f"decision-{decision['id']}.json").write_bytes(decision["canonical"].encode())
    (folder / f"decision-{decision['id']}-cat.sig").write_text(
        decision["signatures"][0]["signature"])
    commands = [published["verify_commands"][2]["command"],
                decision["verify_commands"][0]["command"]]
    for command in commands:
        result = subprocess.run(["sh", "-c", command], cwd=folder, capture_output=True,
                                text=True, check=False)
        assert result.returncode == 0, (command, result.stderr)


def test_an_amendment_through_the_api_and_the_old_page_show_what_replaced_it(
        claim, ann, bob, keys_dir):
    clients = {"ann": client_for(ann), "bob": client_for(bob)}
    keys = {name: make_key(keys_dir, "ed25519", name) for name in clients}
    for name, client in clients.items():
        register(client, keys[name])
    old = propose(clients["ann"], claim).json()
    for name in clients:
        sign(clients[name], old["id"], keys[name], old["canonical"])
    amendment = propose(clients["ann"], claim, amends=old["id"],
                        stake={"amount": 200, "unit": "credits"}).json()
    assert amendment["amends"] == old["id"] and amendment["terms"]["amends"] == old["sha256"]
    for name in clients:
        assert sign(clients[name], amendment["id"], keys[name],
                    amendment["canonical"]).status_code == 200
    replaced = clients["bob"].get(f"/api/agreements/{old['id']}/").json()
    assert (replaced["status"], replaced["amended_by"]) == ("amended", amendment["id"])
    page = clients["bob"].get(f"/agreements/{old['id']}/").content.decode()
    assert f'Amended by <a href="/agreements/{amendment["id"]}/">' in page
    assert (user_balance(ann), user_balance(bob)) == (800, 900)
    assert_ledger_sound()


def test_agreement_posts_replay_under_one_idempotency_key(claim, ann, bob, keys_dir):
    client = client_for(ann)
    key = make_key(keys_dir, "ed25519", "ann")
    registered = client.post("/api/keys/", {"public_key": key.public}, format="json",
                             HTTP_IDEMPOTENCY_KEY="key-1")
    again = client.post("/api/keys/", {"public_key": key.public}, format="json",
                        HTTP_IDEMPOTENCY_KEY="key-1")
    assert (registered.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == registered.json()
    body = {"counterparty": "bob", "side": "yes", "stake": {"amount": 30, "unit": "credits"},
            "counterparty_stake": {"amount": 10, "unit": "credits"}}
    drafts = f"/api/claims/{claim.pk}/agreements/"
    first = client.post(drafts, body, format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    replay = client.post(drafts, body, format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    assert first.status_code == 201 and first.json()["id"] == replay.json()["id"]
    other = client.post(drafts, body | {"odds": "3:1"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="draft-1")
    assert other.status_code == 422
    agreement = first.json()
    signature = ssh_sign(key, agreement["canonical"])
    url = f"/api/agreements/{agreement['id']}/sign/"
    for _ in range(2):
        response = client.post(url, {"signature": signature}, format="json",
                               HTTP_IDEMPOTENCY_KEY="sign-1")
        assert response.status_code == 200, response.json()
    assert AgreementSignature.objects.count() == 1
    assert IdempotencyRecord.objects.filter(user=ann).count() == 3


def test_the_schema_documents_the_arbiter_and_amendment_calls(anon):
    schema = anon.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/agreements/{id}/arbiter/",
                 "/api/agreements/{id}/arbiter/{document_id}/sign/",
                 "/api/agreements/{id}/sign/", "/api/agreements/{id}/marks/"):
        assert "422" in paths[path]["post"]["responses"], path  # Idempotency-Key reuse
    shapes = schema["components"]["schemas"]
    assert {"arbiter", "arbiter_documents", "amends", "amended_by", "ruled_at"} <= set(
        shapes["Agreement"]["properties"])
    assert "annulled_at" in shapes["MarkOut"]["properties"]
    assert "dispute" in shapes["ArbiterDocumentInputRequest"]["properties"]
