"""Signed agreements: SSH keys, drafting and counter-proposing, signing, payment marks,
call-offs, the arbiter's documents (decline, pick, decisions), and the verification data
anyone needs to re-check an agreement offline (docs/agreements.md). Every POST takes an
Idempotency-Key."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api.agreement_shapes import (
    AgreementSerializer,
    ArbiterDocumentInput,
    DraftInput,
    KeyInput,
    KeySerializer,
    MarkInput,
    SignInput,
    TermsInput,
    VoidInput,
    agreement_payload,
)
from bets.api.plumbing.common import validated
from bets.api.plumbing.idempotency import idempotent
from bets.betting.agreements import arbitration, marks, services, voiding
from bets.betting.agreements import keys as key_services
from bets.betting.agreements import selectors as sel
from bets.claims.selectors import claim_visible_or_404
from bets.models import Agreement


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
    @idempotent
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
    @idempotent
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
    @idempotent
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
    @idempotent
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
    @idempotent
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
    @idempotent
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
    @idempotent
    def post(self, request, pk: int) -> Response:
        """Sign the pending call-off (the last of `voids`, its `canonical`) with
        `ssh-keygen -Y sign`."""
        _visible(request, pk)
        data = validated(SignInput, request.data)
        voiding.agreement_void_sign(agreement_id=pk, signer=request.user,
                                    signature=data["signature"])
        return _answer(request, pk)


@extend_schema(tags=["agreements"])
class ArbiterDocumentView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ArbiterDocumentInput, responses={201: AgreementSerializer})
    @idempotent
    def post(self, request, pk: int) -> Response:
        """Write an arbiter document to sign: the arbiter declining, a party's pick of an
        arbiter for a vacant seat, or the arbiter's decision on a dispute (the last of
        `arbiter_documents`, its `canonical`)."""
        _visible(request, pk)
        data = validated(ArbiterDocumentInput, request.data)
        arbitration.arbiter_document_write(
            agreement_id=pk, author=request.user, kind=data["kind"],
            arbiter=data.get("arbiter"), dispute=data.get("dispute", ""),
            decision=data.get("decision", ""), reason=data.get("reason", ""))
        return _answer(request, pk, status.HTTP_201_CREATED)


@extend_schema(tags=["agreements"])
class ArbiterDocumentSignView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=SignInput, responses=AgreementSerializer)
    @idempotent
    def post(self, request, pk: int, document_id: int) -> Response:
        """Sign an arbiter document's `canonical` with `ssh-keygen -Y sign`; the last
        signature it needs makes it take effect."""
        _visible(request, pk)
        data = validated(SignInput, request.data)
        arbitration.arbiter_document_sign(agreement_id=pk, document_id=document_id,
                                          signer=request.user, signature=data["signature"])
        return _answer(request, pk)
