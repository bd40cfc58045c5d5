"""Forms of signed agreements: SSH keys, drafting terms, signatures, payment marks and
call-offs (bets/web/betting/agreements.py)."""


from django import forms


class KeyForm(forms.Form):
    public_key = forms.CharField(
        label="Public key", max_length=16_384, strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="One line of your .pub file, e.g. <code>cat ~/.ssh/id_ed25519.pub</code>.",
    )


class AgreementTermsForm(forms.Form):
    """The terms of a draft; the view turns them into the canonical JSON (the service
    checks them again and explains every refusal)."""

    side = forms.ChoiceField(label="The proposer's side", choices=[("yes", "YES"), ("no", "NO")])
    stake_amount = forms.IntegerField(label="Proposer's stake", min_value=1,
                                      max_value=10**12)
    stake_unit = forms.CharField(label="Unit of the proposer's stake", max_length=100,
                                 initial="credits",
                                 help_text='"credits" (locked when it binds) or e.g. '
                                           '"USD to the winner".')
    counterparty_amount = forms.IntegerField(label="Counterparty's stake", min_value=1,
                                             max_value=10**12)
    counterparty_unit = forms.CharField(label="Unit of the counterparty's stake",
                                        max_length=100, initial="credits")
    odds = forms.CharField(label="Odds (optional)", max_length=100, required=False,
                           help_text="Left empty: the stakes' ratio.")
    prepayment = forms.CharField(label="Prepayment (optional)", max_length=300, required=False)
    arbiter = forms.CharField(label="Arbiter's username (optional)", max_length=150,
                              required=False)
    fallback_arbiter = forms.CharField(
        label="Fallback arbiter (optional)", max_length=300, required=False,
        help_text="Left empty: whoever the two parties pick within 30 days.")
    arbiter_may_decide = forms.ChoiceField(
        label="The arbiter may decide",
        choices=[("disputes", "Only disputes"), ("disputes_and_void", "Disputes and voiding")])
    call_off = forms.CharField(
        label="Call-off clauses (optional, one per line)", required=False, max_length=3100,
        widget=forms.Textarea(attrs={"rows": 2}))
    payment_days = forms.IntegerField(label="Payment deadline (days after resolution)",
                                      min_value=1, max_value=365, initial=30)

    def terms(self) -> dict:
        d = self.cleaned_data
        return {
            "side": d["side"],
            "stake": {"amount": d["stake_amount"], "unit": d["stake_unit"]},
            "counterparty_stake": {"amount": d["counterparty_amount"],
                                   "unit": d["counterparty_unit"]},
            "odds": d["odds"], "prepayment": d["prepayment"], "arbiter": d["arbiter"] or None,
            "fallback_arbiter": d["fallback_arbiter"],
            "arbiter_may_decide": d["arbiter_may_decide"],
            "call_off": [line for line in d["call_off"].splitlines() if line.strip()],
            "payment_days": d["payment_days"],
        }


class AgreementDraftForm(AgreementTermsForm):
    counterparty = forms.CharField(label="Counterparty's username", max_length=150)
    # An amendment names the binding agreement it amends (from its page's link).
    amends = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    field_order = ["counterparty"]


class SignatureForm(forms.Form):
    signature = forms.CharField(
        label="Your signature (agreement.json.sig)", max_length=16_384, strip=False,
        widget=forms.Textarea(attrs={"rows": 7, "spellcheck": "false"}),
    )


class MarkForm(forms.Form):
    kind = forms.ChoiceField(choices=[("paid", "Paid"), ("received", "Received"),
                                      ("not_received", "Not received")],
                             widget=forms.HiddenInput)
    note = forms.CharField(label="Note or receipt reference (optional)", max_length=300,
                           required=False)


class VoidForm(forms.Form):
    reason = forms.CharField(label="Why call it off (the clause that applies)", max_length=300)


class ArbiterDeclineForm(forms.Form):
    reason = forms.CharField(label="Why you decline (optional)", max_length=300, required=False)


class ArbiterPickForm(forms.Form):
    arbiter = forms.CharField(label="Username of the arbiter you both pick", max_length=150)


class ArbiterDecisionForm(forms.Form):
    dispute = forms.ChoiceField(label="Dispute", choices=[
        ("resolution", "About the resolution"), ("payment", "About the payment (not received)"),
        ("void", "About a proposed call-off")])
    decision = forms.ChoiceField(label="Decision", choices=[
        ("yes", "Resolution: YES"), ("no", "Resolution: NO"), ("void", "Void"),
        ("paid", "Payment: it was paid"), ("unpaid", "Payment: it was not paid"),
        ("stands", "Call-off: the agreement stands")])
    reason = forms.CharField(label="Reasons", max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
