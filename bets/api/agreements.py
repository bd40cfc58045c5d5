"""Signed agreements: SSH keys, drafting and counter-proposing, signing, payment marks, and
the verification data anyone needs to re-check an agreement offline (docs/agreements.md)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api.plumbing.common import validated
from bets.betting.agreements import keys as key_services
from bets.betting.agreements import marks, services, voiding
from bets.betting.agreements import selectors as sel
from bets.claims.selectors import claim_visible_or_404
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
    created_at = serializers.DateTimeField()


class VoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=services.MAX_TEXT,
                                   help_text="The call-off clause invoked, or why.")


class CommandOut(serializers.Serializer):
    username = serializers.CharField()
    command = serializers.CharField()


class AgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    status = serializers.ChoiceField(choices=Agreement.Status.choices)
    proposer = serializers.CharField(source="proposer.username")
    counterparty = serializers.CharField(source="counterparty.username")
    drafted_by = serializers.CharField(source="drafted_by.username")
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    superseded_by = serializers.IntegerField(allow_null=True)
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
    void_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    bound_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


def agreement_payload(agreement: Agreement) -> dict[str, Any]:
    signatures = sel.agreement_signatures(agreement)
    replaced = sel.agreement_replaced_by(agreement)
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
                   "created_at": m.created_at}
                  for m in agreement.marks.select_related("user")],
        "voids": [{
            "id": v.pk, "proposed_by": v.proposed_by.username, "reason": v.reason,
            "canonical": v.canonical, "sha256": v.sha256, "effective_at": v.effective_at,
            "created_at": v.created_at,
            "signatures": [{"username": s.signer.username, "signature": s.signature,
                            "fingerprint": s.key.fingerprint, "signed_at": s.created_at}
                           for s in v.signatures.select_related("signer", "key")],
        } for v in agreement.voids.select_related("proposed_by")],
        "void_reason": agreement.void_reason, "created_at": agreement.created_at,
        "bound_at": agreement.bound_at, "resolved_at": agreement.resolved_at,
    }
    return dict(AgreementSerializer(data).data)


def _visible(request, pk: int) -> Agreement:
    return sel.agreement_visible_or_404(agreement_id=pk, user=request.user)


def _answer(request, agreement_id: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(agreement_payload(_visible(request, agreement_id)), status=code)


@extend_schema(tags=["agreements"])
class KeyListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=KeySerializer(many=True))
    def get(self, request) -> Response:
        """Your SSH public keys, revoked ones included."""
        return Response(KeySerializer(sel.user_keys(user=request.user), many=True).data)

    @extend_schema(request=KeyInput, responses={201: KeySerializer})
    def post(self, request) -> Response:
        """Register an SSH public key (ed25519, RSA, ECDSA, or a security-key sk- type)."""
        data = validated(KeyInput, request.data)
        key = key_services.key_register(user=request.user, public_key=data["public_key"])
        return Response(KeySerializer(key).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["agreements"])
class KeyView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=KeySerializer)
    def delete(self, request, pk: int) -> Response:
        """Revoke one of your keys: it signs nothing new; its earlier signatures stand."""
        key = key_services.key_revoke(key_id=pk, user=request.user)
        return Response(KeySerializer(key).data)


def _terms(data: dict[str, Any]) -> dict[str, Any]:
    names = ("side", "stake", "counterparty_stake", "odds", "prepayment", "arbiter",
             "fallback_arbiter", "arbiter_may_decide", "call_off", "payment_days")
    return {name: data[name] for name in names if name in data}


@extend_schema(tags=["agreements"])
class ClaimAgreementsView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=AgreementSerializer(many=True))
    def get(self, request, pk: int) -> Response:
        """The claim's agreements (current drafts and signed ones), newest first."""
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        rows = list(sel.claim_agreements(claim_id=claim.pk)[:100])
        return Response([agreement_payload(a) for a in rows])

    @extend_schema(request=DraftInput, responses={201: AgreementSerializer})
    def post(self, request, pk: int) -> Response:
        """Draft an agreement with you as proposer; nothing binds until both have signed."""
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        data = validated(DraftInput, request.data)
        agreement = services.agreement_draft(
            claim_id=claim.pk, proposer=request.user, counterparty=data["counterparty"],
            amends_id=data.get("amends"), **_terms(data))
        return _answer(request, agreement.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["agreements"])
class AgreementView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=AgreementSerializer)
    def get(self, request, pk: int) -> Response:
        """An agreement with everything needed to re-verify it offline with OpenSSH."""
        return _answer(request, pk)


@extend_schema(tags=["agreements"])
class AgreementCounterView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TermsInput, responses={201: AgreementSerializer})
    def post(self, request, pk: int) -> Response:
        """Counter-propose: a new draft (new hash) replacing this one."""
        _visible(request, pk)
        data = validated(TermsInput, request.data)
        agreement = services.agreement_counter(agreement_id=pk, author=request.user,
                                               **_terms(data))
        return _answer(request, agreement.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["agreements"])
class AgreementSignView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SignInput, responses=AgreementSerializer)
    def post(self, request, pk: int) -> Response:
        """Sign as the caller with `ssh-keygen -Y sign` output over `canonical`."""
        _visible(request, pk)
        data = validated(SignInput, request.data)
        services.agreement_sign(agreement_id=pk, signer=request.user,
                                signature=data["signature"])
        return _answer(request, pk)


@extend_schema(tags=["agreements"])
class AgreementMarkView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=MarkInput, responses={201: AgreementSerializer})
    def post(self, request, pk: int) -> Response:
        """Mark the off-platform payment: "paid" (the loser), "received" or, after the
        deadline, "not_received" (the winner)."""
        _visible(request, pk)
        data = validated(MarkInput, request.data)
        marks.agreement_mark(agreement_id=pk, user=request.user, kind=data["kind"],
                                note=data.get("note", ""))
        return _answer(request, pk, status.HTTP_201_CREATED)




@extend_schema(tags=["agreements"])
class AgreementVoidView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=VoidInput, responses={201: AgreementSerializer})
    def post(self, request, pk: int) -> Response:
        """Propose to call a binding agreement off; it is void once both parties sign."""
        _visible(request, pk)
        data = validated(VoidInput, request.data)
        voiding.agreement_void_propose(agreement_id=pk, proposer=request.user,
                                       reason=data["reason"])
        return _answer(request, pk, status.HTTP_201_CREATED)


@extend_schema(tags=["agreements"])
class AgreementVoidSignView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SignInput, responses=AgreementSerializer)
    def post(self, request, pk: int) -> Response:
        """Sign the pending call-off (the last of `voids`, its `canonical`) with
        `ssh-keygen -Y sign`."""
        _visible(request, pk)
        data = validated(SignInput, request.data)
        voiding.agreement_void_sign(agreement_id=pk, signer=request.user,
                                    signature=data["signature"])
        return _answer(request, pk)
