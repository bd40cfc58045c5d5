"""The agreement pages with Django's test client: the download is the exact signed bytes, the
public page carries what re-verification needs, and bad input on every form gets a message
and changes nothing."""

import pytest
from django.test import Client

from bets.betting.agreements.services import agreement_sign
from bets.models import Agreement, AgreementSignature, SshKey
from tests.betting.agreements.conftest import draft, make_key, ssh_sign

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_download_is_the_exact_canonical_bytes(claim, ann, bob, anon):
    agreement = draft(claim, ann, bob, call_off=["Void if the benchmark is retired — or moved."])
    response = Client().get(f"/agreements/{agreement.pk}/agreement.json")
    assert response.status_code == 200
    assert response.content == agreement.canonical.encode("utf-8")
    assert response["Content-Disposition"] == 'attachment; filename="agreement.json"'


def test_the_public_page_shows_terms_hash_signatures_and_allowed_signers(
        claim, ann, bob, ann_key, bob_key):
    agreement = draft(claim, ann, bob)
    for user, key in ((ann, ann_key), (bob, bob_key)):
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    page = Client().get(f"/agreements/{agreement.pk}/").content.decode()
    assert agreement.sha256 in page
    assert "Binding" in page
    assert page.count("-----BEGIN SSH SIGNATURE-----") == 2
    assert f"ann namespaces=&quot;{agreement_namespace(agreement)}&quot; ssh-ed25519" in page
    assert "ssh-keygen -Y verify -f allowed_signers -I bob" in page
    signers = Client().get(f"/agreements/{agreement.pk}/allowed_signers").content.decode()
    assert signers.count("ssh-ed25519") == 2


def agreement_namespace(agreement):
    from bets.betting.agreements.selectors import agreement_namespace as ns

    return ns(agreement)


def test_a_key_that_is_not_a_key_gets_a_form_error_and_nothing_is_stored(ann):
    response = browser_for(ann).post("/account/keys/", {"public_key": "ssh-rsa hello"})
    assert response.status_code == 200
    assert "damaged" in response.content.decode()
    assert not SshKey.objects.exists()


def test_a_key_is_added_and_revoked_on_the_keys_page(ann, keys_dir):
    client = browser_for(ann)
    key = make_key(keys_dir, "rsa")
    response = client.post("/account/keys/", {"public_key": key.public}, follow=True)
    assert "registered" in response.content.decode()
    row = SshKey.objects.get()
    page = client.post(f"/account/keys/{row.pk}/revoke/", follow=True).content.decode()
    assert "Revoked" in page
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_a_bad_signature_on_the_page_says_why_and_changes_nothing(claim, ann, bob, ann_key):
    agreement = draft(claim, ann, bob)
    response = browser_for(ann).post(f"/agreements/{agreement.pk}/sign/",
                                     {"signature": ssh_sign(ann_key, "other bytes")},
                                     follow=True)
    assert "Not signed: This signature does not match this agreement&#x27;s bytes" in \
        response.content.decode()
    assert not AgreementSignature.objects.exists()


def test_bad_terms_on_the_draft_form_are_explained_and_nothing_is_drafted(claim, ann):
    response = browser_for(ann).post(f"/claims/{claim.pk}/agreements/new/", {
        "counterparty": "nobody", "side": "yes", "stake_amount": "10", "stake_unit": "credits",
        "counterparty_amount": "10", "counterparty_unit": "credits",
        "arbiter_may_decide": "disputes", "payment_days": "30"})
    assert response.status_code == 200
    assert "No participant by that username." in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_stranger_cannot_counter_propose(claim, ann, bob, cat):
    agreement = draft(claim, ann, bob)
    response = browser_for(cat).post(f"/agreements/{agreement.pk}/counter/", {
        "side": "no", "stake_amount": "1", "stake_unit": "credits", "counterparty_amount": "1",
        "counterparty_unit": "credits", "arbiter_may_decide": "disputes",
        "payment_days": "30"}, follow=True)
    assert "Only the two parties" in response.content.decode()
    assert Agreement.objects.count() == 1


def test_the_claim_and_participant_pages_list_agreements(claim, ann, bob):
    agreement = draft(claim, ann, bob)
    assert agreement.sha256[:12] in Client().get(f"/claims/{claim.pk}/").content.decode()
    page = Client().get("/u/bob/").content.decode()
    assert f"/agreements/{agreement.pk}/" in page and "honoured" in page


def test_a_missing_agreement_is_a_404(anon):
    assert Client().get("/agreements/987654/").status_code == 404
    assert Client().get("/agreements/987654/agreement.json").status_code == 404


def test_a_party_proposes_a_call_off_on_the_page_and_its_bytes_download(claim, ann, bob,
                                                                         ann_key, bob_key):
    agreement = draft(claim, ann, bob)
    for user, key in ((ann, ann_key), (bob, bob_key)):
        agreement_sign(agreement_id=agreement.pk, signer=user,
                       signature=ssh_sign(key, agreement.canonical))
    page = browser_for(bob).post(f"/agreements/{agreement.pk}/void/",
                                 {"reason": "The benchmark was retired."}, follow=True)
    assert "Call-off proposed" in page.content.decode()
    void = agreement.voids.get()
    download = Client().get(f"/agreements/{agreement.pk}/void.json")
    assert download.content == void.canonical.encode()
    response = browser_for(ann).post(f"/agreements/{agreement.pk}/void/sign/",
                                     {"signature": ssh_sign(ann_key, void.canonical)},
                                     follow=True)
    assert "Call-off signature verified" in response.content.decode()


def test_the_arbiter_decides_on_the_page_within_their_powers_and_signs_the_decision(
        claim, ann, bob, cat, mod, ann_key, bob_key, cat_key):
    from bets.claims.resolution import claim_resolve
    from bets.models import ArbiterDocument
    from tests.betting.agreements.conftest import settle, sign_agreement

    agreement = sign_agreement(draft(claim, ann, bob, arbiter="cat"),
                               (ann, ann_key), (bob, bob_key), (cat, cat_key))
    arbiter = browser_for(cat)
    page = arbiter.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "<strong>cat</strong> arbitrates this agreement and has accepted" in page
    assert "Write the decision" in page and "Decline the role" in page
    assert "Write the decision" not in browser_for(bob).get(
        f"/agreements/{agreement.pk}/").content.decode()
    # Outside the arbiter's powers: a message, nothing written.
    url = f"/agreements/{agreement.pk}/arbiter/decision/"
    refused = arbiter.post(url, {"decision-dispute": "void", "decision-decision": "void"},
                           follow=True).content.decode()
    assert "not voiding" in refused and not ArbiterDocument.objects.exists()
    claim_resolve(claim_id=claim.pk, outcome="yes", actor=mod)
    settle(claim.pk)
    arbiter.post(url, {"decision-dispute": "resolution", "decision-decision": "no",
                       "decision-reason": "Held-out set only."})
    document = ArbiterDocument.objects.get()
    download = arbiter.get(f"/agreements/{agreement.pk}/arbiter/{document.pk}.json")
    assert download.content == document.canonical.encode()
    done = arbiter.post(f"/agreements/{agreement.pk}/arbiter/{document.pk}/sign/",
                        {f"doc{document.pk}-signature": ssh_sign(cat_key, download.content)},
                        follow=True).content.decode()
    assert "It has taken effect." in done
    assert f"-s decision-{document.pk}-cat.sig &lt; decision-{document.pk}.json" in done
    agreement.refresh_from_db()
    assert agreement.winner == bob


def test_an_amendment_is_drafted_from_the_agreements_page_with_its_terms_prefilled(
        claim, ann, bob, ann_key, bob_key):
    from tests.betting.agreements.conftest import sign_agreement

    old = sign_agreement(draft(claim, ann, bob), (ann, ann_key), (bob, bob_key))
    client = browser_for(bob)
    page = client.get(f"/agreements/{old.pk}/").content.decode()
    link = f"/claims/{claim.pk}/agreements/new/?amends={old.pk}"
    assert f'href="{link}"' in page
    form = client.get(link).content.decode()
    assert f'name="amends" value="{old.pk}"' in form and 'value="ann"' in form
    response = client.post(link, {
        "amends": old.pk, "counterparty": "ann", "side": "no", "stake_amount": 100,
        "stake_unit": "credits", "counterparty_amount": 250, "counterparty_unit": "credits",
        "arbiter_may_decide": "disputes", "payment_days": 30})
    amendment = Agreement.objects.get(amends=old)
    assert response.status_code == 302 and response["Location"] == f"/agreements/{amendment.pk}/"
    assert f'"amends":"{old.sha256}"' in amendment.canonical
