"""A signed agreement in a real browser, at desktop and phone widths: ann registers her SSH key
and proposes terms; bob registers his and counter-proposes; both sign the current draft with
`ssh-keygen -Y sign` on their own machine (here, the test's) and paste the signature; the
named arbiter, cat, accepts the role by signing the same bytes; the claim resolves; ann, who
lost, marks the off-platform stake paid and bob confirms receipt."""

import subprocess
from pathlib import Path

import pytest

from bets.betting.agreements.keys import key_register
from bets.betting.settlement import claim_settle_bets
from bets.claims.resolution import claim_resolve
from bets.models import Agreement, Claim
from tests.browser.conftest import PASSWORD, login
from tests.factories import make_open_claim, make_user

pytestmark = pytest.mark.browser


def no_sideways_scroll(page, width: int) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} scrolls sideways: {wide} > {width}"


def new_key(folder: Path, name: str) -> Path:
    path = folder / name
    subprocess.run(["ssh-keygen", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path), "-q"],
                   check=True)
    return path


def register_key(page, base: str, key: Path, width: int) -> None:
    page.goto(f"{base}/account/keys/")
    page.fill("textarea[name=public_key]", Path(f"{key}.pub").read_text())
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("text=registered")
    assert "ssh-ed25519" in page.locator("table.keys").inner_text()
    no_sideways_scroll(page, width)


def sign_on_the_page(page, folder: Path, key: Path, width: int) -> None:
    """Download agreement.json from the page, sign it with stock OpenSSH, paste the .sig."""
    href = page.locator("a[download]", has_text="agreement.json").first.get_attribute("href")
    data = page.request.get(page.url.split("/agreements/")[0] + href).body()
    target = folder / f"{key.name}-agreement.json"
    target.write_bytes(data)
    command = page.locator("#sign-command").inner_text().split()
    namespace = command[command.index("-n") + 1]
    subprocess.run(["ssh-keygen", "-Y", "sign", "-q", "-n", namespace, "-f", str(key),
                    str(target)], check=True, capture_output=True)
    page.fill("textarea[name=signature]", Path(f"{target}.sig").read_text())
    page.click("form.sign-form button[type=submit]")
    page.wait_for_selector("text=Signature verified")
    no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", [1280, 390])
def test_two_participants_propose_counter_sign_resolve_and_settle_an_agreement(
        new_page, live_server, staff_user, tmp_path, width):
    make_user("ann", password=PASSWORD)
    make_user("bob", password=PASSWORD)
    cat_user = make_user("cat", password=PASSWORD)
    claim = make_open_claim(author=staff_user, moderator=staff_user, title="Agreeable claim")
    base = live_server.url
    ann, bob = new_page(), new_page()
    for page, name in ((ann, "ann"), (bob, "bob")):
        page.set_viewport_size({"width": width, "height": 900})
        login(page, live_server, name)
    ann_key, bob_key = new_key(tmp_path, "ann_key"), new_key(tmp_path, "bob_key")
    register_key(ann, base, ann_key, width)
    register_key(bob, base, bob_key, width)

    # Ann proposes from the claim page.
    ann.goto(f"{base}/claims/{claim.pk}/")
    ann.click("#agreements >> text=propose one")
    ann.fill("input[name=counterparty]", "bob")
    ann.select_option("select[name=side]", "yes")
    ann.fill("input[name=stake_amount]", "500")
    ann.fill("input[name=stake_unit]", "USD to the winner")
    ann.fill("input[name=counterparty_amount]", "300")
    ann.fill("input[name=counterparty_unit]", "USD to the winner")
    ann.fill("input[name=arbiter]", "cat")
    ann.fill("textarea[name=call_off]", "Void if the benchmark is retired before the deadline.")
    no_sideways_scroll(ann, width)
    ann.click("form.agreement-form button[type=submit]")
    ann.wait_for_selector("text=Draft proposed")
    assert ann.locator("#agreement-status").inner_text() == "Draft"
    assert "ann" in ann.locator("section.terms").inner_text()
    first_url = ann.url
    no_sideways_scroll(ann, width)

    # Bob counter-proposes a smaller stake for himself: a new draft, a new hash.
    bob.goto(first_url)
    old_hash = bob.locator("#agreement-sha256").inner_text()
    bob.fill("form.counter-form input[name=counterparty_amount]", "250")
    bob.click("form.counter-form button[type=submit]")
    bob.wait_for_selector("text=Counter-proposal made")
    assert bob.locator("#agreement-sha256").inner_text() != old_hash
    current_url = bob.url
    sign_on_the_page(bob, tmp_path, bob_key, width)
    assert bob.locator("#agreement-status").inner_text() == "Draft"

    # Ann sees the first draft was replaced, follows it, and signs the same hash.
    ann.goto(first_url)
    ann.click("text=the current draft")
    assert ann.url == current_url
    sign_on_the_page(ann, tmp_path, ann_key, width)
    ann.wait_for_selector("text=the agreement is binding")
    assert ann.locator("#agreement-status").inner_text() == "Binding"
    assert ann.locator("section.signatures li").count() == 2
    assert ann.locator("#allowed-signers").inner_text().count("ssh-ed25519") == 2

    # Cat, the arbiter the terms name, accepts by signing the same agreement.json.
    cat = new_page()
    cat.set_viewport_size({"width": width, "height": 900})
    login(cat, live_server, "cat")
    cat_key = new_key(tmp_path, "cat_key")  # registered here: the keys page is walked above
    key_register(user=cat_user, public_key=Path(f"{cat_key}.pub").read_text())
    cat.goto(current_url)
    assert "not yet accepted" in cat.locator("#arbiter-seat").inner_text()
    sign_on_the_page(cat, tmp_path, cat_key, width)
    assert "cat arbitrates this agreement and has accepted" in \
        cat.locator("#arbiter-seat").inner_text()
    assert "(arbiter, accepting the role)" in cat.locator("section.signatures").inner_text()
    assert cat.locator("#allowed-signers").inner_text().count("ssh-ed25519") == 3

    # The claim resolves NO: ann owes bob 500 USD.
    claim_resolve(claim_id=claim.pk, outcome="no", actor=staff_user)
    claim_settle_bets(claim_id=claim.pk, seq=Claim.objects.get(pk=claim.pk).resolution_seq)
    ann.reload()
    assert "ann owes bob 500 USD to the winner" in ann.locator("#owes").inner_text()
    ann.fill("form.mark-form input[name=note]", "bank transfer 2031-01-02")
    ann.click("form.mark-form button:has-text('Mark paid')")
    ann.wait_for_selector("text=Marked paid")
    no_sideways_scroll(ann, width)

    bob.goto(current_url)
    assert "ann marked paid" in bob.locator("ul.marks").inner_text()
    bob.click("form.mark-form button:has-text('Confirm received')")
    bob.wait_for_selector("text=Marked received")
    assert bob.locator("#agreement-status").inner_text() == "Settled"
    assert Agreement.objects.get(pk=int(current_url.rstrip("/").split("/")[-1])).status == \
        Agreement.Status.SETTLED

    # Ann's record shows an honoured payment.
    bob.goto(f"{base}/u/ann/")
    assert "1 honoured" in bob.locator(".agreement-record").inner_text()
    no_sideways_scroll(bob, width)
