"""The API's shapes of signed agreements: what the agreement POSTs take, and the agreement
as GET answers it, with everything needed to re-verify it and its arbiter's documents
offline (docs/agreements.md)."""

from typing import Any

from rest_framework import serializers

from bets.betting.agreements import arbitration, services
from bets.betting.agreements import keys as key_services
from bets.betting.agreements import selectors as sel
from bets.common.ids import MAX_ID
from bets.models import Agreement, Claim, SshKey


class KeySerializer(serializers.ModelSerializer):
    public_key = serializers.CharField(source="public_line", read_only=True)

    class Meta:
        model = SshKey
        fields = ["id", "key_type", "fingerprint", "comment", "public_key", "created_at",
                  "revoked_at"]


class KeyInput(serializers.Serializer):
    public_key = serializers.CharField(max_length=key_services.MAX_LINE, trim_whitespace=False,
                                       help_text="One line of an OpenSSH .pub file.")


class StakeField(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=services.MAX_AMOUNT)
    unit = serializers.CharField(
        max_length=services.MAX_UNIT,
        help_text='"credits" (Crux play money, locked when the agreement binds) or an '
                  'off-platform unit such as "USD to the winner".')


class TermsInput(serializers.Serializer):
    # The same yes/no choice set as a claim's outcome (one enum in the schema: YesNoEnum).
    side = serializers.ChoiceField(choices=Claim.Outcome.choices,
                                   help_text="The proposer's side.")
    stake = StakeField(help_text="The proposer's stake.")
    counterparty_stake = StakeField()
    odds = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_UNIT)
    prepayment = serializers.CharField(required=False, allow_blank=True,
                                       max_length=services.MAX_TEXT)
    arbiter = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                    max_length=150)
    fallback_arbiter = serializers.CharField(required=False, allow_blank=True,
                                             max_length=services.MAX_TEXT)
    arbiter_may_decide = serializers.ChoiceField(choices=["disputes", "disputes_and_void"],
                                                 required=False)
    call_off = serializers.ListField(child=serializers.CharField(max_length=services.MAX_TEXT),
                                     required=False, max_length=services.MAX_CLAUSES)
    payment_days = serializers.IntegerField(required=False, min_value=1, max_value=365)


class DraftInput(TermsInput):
    counterparty = serializers.CharField(max_length=150, help_text="A username.")
    amends = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                      help_text="The binding agreement this one amends.")


class SignInput(serializers.Serializer):
    signature = serializers.CharField(max_length=16_384, trim_whitespace=False,
                                      help_text="The armored SSH signature (.sig file).")


class MarkInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["paid", "received", "not_received"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_TEXT)


class SignatureOut(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=["party", "arbiter"],
                                   help_text="A party's signature, or the arbiter's acceptance.")
    signature = serializers.CharField()
    fingerprint = serializers.CharField()
    key_type = serializers.CharField()
    signed_at = serializers.DateTimeField()
    key_revoked_at = serializers.DateTimeField(allow_null=True)


class MarkOut(serializers.Serializer):
    username = serializers.CharField()
    kind = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    annulled_at = serializers.DateTimeField(
        allow_null=True, help_text="Set when the resolution it was made under no longer "
                                   "stands: history only, it counts for nothing.")


class CommandOut(serializers.Serializer):
    username = serializers.CharField()
    command = serializers.CharField()


class VoidSignatureOut(serializers.Serializer):
    username = serializers.CharField()
    signature = serializers.CharField()
    fingerprint = serializers.CharField()
    signed_at = serializers.DateTimeField()


class VoidOut(serializers.Serializer):
    id = serializers.IntegerField()
    proposed_by = serializers.CharField()
    reason = serializers.CharField()
    canonical = serializers.CharField(help_text="The exact bytes both parties sign to void.")
    sha256 = serializers.CharField()
    signatures = VoidSignatureOut(many=True)
    effective_at = serializers.DateTimeField(allow_null=True)
    rejected_at = serializers.DateTimeField(allow_null=True,
                                            help_text="Set when the arbiter ruled it stands.")
    created_at = serializers.DateTimeField()


class ArbiterSeatOut(serializers.Serializer):
    username = serializers.CharField(allow_null=True, help_text="The arbiter now, if any.")
    accepted = serializers.BooleanField(help_text="Signed the agreement's bytes.")
    may_decide = serializers.ChoiceField(choices=["disputes", "disputes_and_void"])
    vacant_since = serializers.DateTimeField(allow_null=True)
    pick_until = serializers.DateTimeField(
        allow_null=True, help_text="While the seat is vacant: the parties may pick an arbiter "
                                   "(both signing) until then.")


class ArbiterDocumentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["decline", "pick", "decision"])
    author = serializers.CharField()
    arbiter = serializers.CharField(help_text="Who declines, is picked, or decides.")
    dispute = serializers.CharField(help_text='Decisions: "resolution", "payment" or "void".')
    decision = serializers.CharField()
    reason = serializers.CharField()
    canonical = serializers.CharField(help_text="The exact bytes its signers sign.")
    sha256 = serializers.CharField()
    signatures = VoidSignatureOut(many=True)
    verify_commands = CommandOut(many=True)
    effective_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class VoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=services.MAX_TEXT,
                                   help_text="The call-off clause invoked, or why.")


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    status = serializers.ChoiceField(choices=Agreement.Status.choices)
    proposer = serializers.CharField(source="proposer.username")
    counterparty = serializers.CharField(source="counterparty.username")
    drafted_by = serializers.CharField(source="drafted_by.username")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    superseded_by = serializers.IntegerField(allow_null=True)
    amends = serializers.IntegerField(source="amends_id", allow_null=True,
                                      help_text="The agreement this amendment amends.")
    amended_by = serializers.IntegerField(allow_null=True,
                                          help_text="The binding amendment that replaced it.")
    canonical = serializers.CharField(help_text="The exact bytes that are signed (UTF-8).")
    sha256 = serializers.CharField()
    namespace = serializers.CharField()
    terms = serializers.JSONField(help_text="The canonical JSON, parsed.")
    signatures = SignatureOut(many=True)
    allowed_signers = serializers.CharField(
        help_text="An OpenSSH allowed_signers file naming both parties' keys.")
    verify_commands = CommandOut(many=True)
    sign_command = serializers.CharField()
    winner = serializers.CharField(allow_null=True)
    payment_due_at = serializers.DateTimeField(allow_null=True)
    marks = MarkOut(many=True)
    voids = VoidOut(many=True)
    arbiter = ArbiterSeatOut()
    arbiter_documents = ArbiterDocumentOut(many=True)
    ruled_at = serializers.DateTimeField(
        allow_null=True, help_text="When the arbiter decided a dispute about the resolution.")
    void_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    bound_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


def agreement_payload(agreement: Agreement) -> dict[str, Any]:
    signatures = sel.agreement_signatures(agreement)
    replaced = sel.agreement_replaced_by(agreement)
    amended_by = sel.agreement_amended_by(agreement)
    seat = sel.agreement_arbiter_seat(agreement)
    parties = [agreement.proposer.username, agreement.counterparty.username]
    parties += [s.signer.username for s in signatures if s.role == "arbiter"]
    data = {
        "id": agreement.pk, "claim_id": agreement.claim_id, "status": agreement.status,
        "proposer": agreement.proposer, "counterparty": agreement.counterparty,
        "drafted_by": agreement.drafted_by, "supersedes_id": agreement.supersedes_id,
        "superseded_by": replaced.pk if replaced else None,
        "canonical": agreement.canonical, "sha256": agreement.sha256,
        "namespace": sel.agreement_namespace(agreement),
        "terms": sel.agreement_terms(agreement),
        "signatures": [{
            "username": s.signer.username, "role": s.role, "signature": s.signature,
            "fingerprint": s.key.fingerprint, "key_type": s.key.key_type,
            "signed_at": s.created_at, "key_revoked_at": s.key.revoked_at,
        } for s in signatures],
        "allowed_signers": sel.allowed_signers(agreement, signatures),
        "verify_commands": [{"username": u, "command": sel.verify_command(agreement, u)}
                            for u in parties],
        "sign_command": sel.sign_command(agreement),
        "winner": agreement.winner.username if agreement.winner else None,
        "payment_due_at": agreement.payment_due_at,
        "marks": [{"username": m.user.username, "kind": m.kind, "note": m.note,
                   "created_at": m.created_at, "annulled_at": m.annulled_at}
                  for m in agreement.marks.select_related("user")],
        "voids": [{
            "id": v.pk, "proposed_by": v.proposed_by.username, "reason": v.reason,
            "canonical": v.canonical, "sha256": v.sha256, "effective_at": v.effective_at,
            "rejected_at": v.rejected_at, "created_at": v.created_at,
            "signatures": [{"username": s.signer.username, "signature": s.signature,
                            "fingerprint": s.key.fingerprint, "signed_at": s.created_at}
                           for s in v.signatures.select_related("signer", "key")],
        } for v in agreement.voids.select_related("proposed_by")],
        "amends_id": agreement.amends_id,
        "amended_by": amended_by.pk if amended_by else None,
        "arbiter": {"username": seat.username, "accepted": seat.accepted,
                    "may_decide": seat.may_decide, "vacant_since": seat.vacant_since,
                    "pick_until": seat.pick_until},
        "arbiter_documents": [{
            "id": d.pk, "kind": d.kind, "author": d.author.username,
            "arbiter": d.arbiter.username, "dispute": d.dispute, "decision": d.decision,
            "reason": d.reason, "canonical": d.canonical, "sha256": d.sha256,
            "effective_at": d.effective_at, "created_at": d.created_at,
            "signatures": [{"username": s.signer.username, "signature": s.signature,
                            "fingerprint": s.key.fingerprint, "signed_at": s.created_at}
                           for s in d.signatures.all()],
            "verify_commands": [
                {"username": s.signer.username,
                 "command": sel.document_verify_command(agreement, d, s.signer.username)}
                for s in d.signatures.all()],
        } for d in sel.agreement_arbiter_documents(agreement)],
        "ruled_at": agreement.ruled_at,
        "void_reason": agreement.void_reason, "created_at": agreement.created_at,
        "bound_at": agreement.bound_at, "resolved_at": agreement.resolved_at,
    }
    return dict(AgreementSerializer(data).data)


class ArbiterDocumentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["decline", "pick", "decision"])
    arbiter = serializers.CharField(required=False, max_length=150,
                                    help_text="A pick: the username the parties pick.")
    dispute = serializers.ChoiceField(choices=list(arbitration.DECISIONS), required=False,
                                      help_text="A decision: what the dispute is about.")
    decision = serializers.ChoiceField(
        choices=sorted({d for ds in arbitration.DECISIONS.values() for d in ds}),
        required=False, help_text='resolution: "yes" | "no" | "void"; payment: "paid" | '
                                  '"unpaid"; void: "void" | "stands".')
    reason = serializers.CharField(required=False, allow_blank=True,
                                   max_length=services.MAX_TEXT)
