"""Auto-resolution over the API: evidence uploads, attempts, preview, run now, disputes.

Thin: every action is one service call; service errors become 400/403/409 responses through
bets.api.plumbing.errors.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import parsers, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bets.api.autoresolve.live import LiveProgressSerializer, attempt_live
from bets.api.plumbing.common import validated
from bets.autoresolve import disputes as autoresolve_disputes
from bets.autoresolve import runs as autoresolve
from bets.autoresolve.evidence import artifacts as artifact_services
from bets.autoresolve.evidence import bundles
from bets.autoresolve.evidence.disclosure import attempts_disclose
from bets.autoresolve.selectors import claim_artifacts, claim_attempts, claim_proposals
from bets.autoresolve.spec_preview import spec_preview
from bets.claims.selectors import claim_visible_or_404
from bets.common.ids import MAX_ID
from bets.common.types import SignedInApiRequest
from bets.models import ClaimArtifact, Dispute, ResolutionAttempt, ResolutionProposal


class ArtifactSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", default=None,
                                        allow_null=True)

    class Meta:
        model = ClaimArtifact
        fields = ["id", "name", "size", "sha256", "uploaded_by", "created_at", "visibility",
                  "revealed_at"]


class ProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResolutionProposal
        fields = ["id", "outcome", "status", "finalize_after", "created_at", "decided_at"]


class AttemptSerializer(serializers.ModelSerializer):
    withheld = serializers.CharField(read_only=True, help_text=(
        "What this viewer is not shown of the attempt, and why; empty when nothing is."))
    proposal = serializers.SerializerMethodField()
    number = serializers.SerializerMethodField(help_text="#1, #2, ... per claim.")
    live = serializers.SerializerMethodField(
        help_text="Live-run progress; null unless the spec runs the benchmark (inspect_run).")

    class Meta:
        model = ResolutionAttempt
        fields = ["id", "number", "claim", "trigger", "status", "verdict", "reason",
                  "measurement", "evidence", "error", "spec", "started_at", "finished_at",
                  "proposal", "live", "withheld", "schedule_slot"]
        extra_kwargs = {"schedule_slot": {"help_text": (
            "The schedule slot this run measured (it never proposes); null for resolution "
            "runs and runs started by an admin.")}}

    def get_number(self, obj) -> int:
        # claim_attempts() annotates it; a single attempt counts its claim's earlier ones.
        return getattr(obj, "number", None) or bundles.attempt_number(obj)

    def get_proposal(self, obj) -> dict | None:
        proposal = getattr(obj, "proposal", None)  # None when the run proposed nothing
        return ProposalSerializer(proposal).data if proposal else None

    @extend_schema_field(LiveProgressSerializer(allow_null=True))
    def get_live(self, obj) -> dict | None:
        return attempt_live(obj)


class DisputeSerializer(serializers.ModelSerializer):
    participant = serializers.CharField(source="participant.username")

    class Meta:
        model = Dispute
        fields = ["id", "proposal", "participant", "reason", "decision", "decision_note",
                  "created_at", "decided_at"]


class DisputeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, trim_whitespace=True)


class AdjudicateInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["upheld", "rejected"])
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class VerdictSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["yes", "no", "inconclusive"])
    reason = serializers.CharField()
    measurement = serializers.DictField()
    evidence = serializers.DictField()
    withheld = serializers.CharField(
        help_text="What this viewer does not see of the result and why; empty when nothing "
                  "is withheld (the claim's private evidence is read only by its arbiters, "
                  "the file's uploader and admins).")



class AttemptView(APIView):
    @extend_schema(responses=AttemptSerializer)
    def get(self, request: Request, pk: int):
        attempt = bundles.attempt_visible_or_404(attempt_id=pk, user=request.user)
        return Response(AttemptSerializer(attempt).data)


class AttemptEvidenceView(APIView):
    """The evidence bundle as JSON: the frozen spec, verdict, numbers, and every file read
    with its sha256 (the files themselves are in evidence.zip)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int):
        attempt = bundles.attempt_visible_or_404(attempt_id=pk, user=request.user)
        return Response(bundles.evidence_bundle(attempt))


class AttemptEvidenceZipView(APIView):
    """The bundle plus every file the run read that the viewer may download, with a
    manifest of sha256s."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int):
        attempt = bundles.attempt_visible_or_404(attempt_id=pk, user=request.user)
        response = HttpResponse(bundles.evidence_zip(attempt, user=request.user),
                                content_type="application/zip")
        name = f"claim-{attempt.claim_id}-attempt-{bundles.attempt_number(attempt)}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ClaimArtifactsView(APIView):
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=ArtifactSerializer(many=True))
    def get(self, request: Request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        return Response(ArtifactSerializer(claim_artifacts(claim.pk), many=True).data)

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "name": {"type": "string", "maxLength": 200, "pattern": "^[^\\x00]*$"},
            "visibility": {"type": "string", "enum": ["public", "aggregates", "private"],
                           "default": "public"}}}},
        responses={201: ArtifactSerializer},
    )
    def post(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        # A body past the file cap was refused (413) before it was read, and an anonymous
        # one before any of it was (bets.common.request_body).
        form = cast(QueryDict, request.data)  # what the multipart and form parsers above give
        artifact = artifact_services.artifact_upload(
            claim_id=claim.pk, uploader=request.user, name=form.get("name") or "",
            file=request.FILES.get("file"), visibility=form.get("visibility") or "public",
        )
        return Response(ArtifactSerializer(artifact).data, status=status.HTTP_201_CREATED)


class ClaimAttemptsView(APIView):
    @extend_schema(responses=AttemptSerializer(many=True))
    def get(self, request: Request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        attempts = attempts_disclose(claim_attempts(claim.pk), request.user, claim=claim)
        return Response(AttemptSerializer(attempts, many=True).data)


class ClaimProposalsView(APIView):
    @extend_schema(responses=ProposalSerializer(many=True))
    def get(self, request: Request, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        return Response(ProposalSerializer(claim_proposals(claim.pk), many=True).data)


class ClaimResolverPreviewView(APIView):
    """'Would resolve as ... today': runs the spec now and writes nothing."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=VerdictSerializer)
    def post(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        return Response(autoresolve.claim_preview_resolver(claim_id=claim.pk,
                                                           actor=request.user))


class ClaimResolverRunView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={202: AttemptSerializer})
    def post(self, request: SignedInApiRequest, pk: int):
        claim = claim_visible_or_404(claim_id=pk, user=request.user)
        attempt = autoresolve.claim_run_resolver_now(claim_id=claim.pk, actor=request.user)
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_202_ACCEPTED)


class ProposalDisputeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=DisputeInput, responses={201: DisputeSerializer})
    def post(self, request: SignedInApiRequest, pk: int):
        proposal = get_object_or_404(ResolutionProposal, pk=pk)
        claim_visible_or_404(claim_id=proposal.claim_id, user=request.user)
        data = validated(DisputeInput, request.data)
        dispute = autoresolve_disputes.proposal_dispute(
            proposal_id=proposal.pk, participant=request.user, reason=data["reason"]
        )
        return Response(DisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)


class DisputeAdjudicateView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AdjudicateInput, responses=DisputeSerializer)
    def post(self, request: SignedInApiRequest, pk: int):
        dispute = get_object_or_404(Dispute, pk=pk)
        data = validated(AdjudicateInput, request.data)
        dispute = autoresolve_disputes.dispute_adjudicate(
            dispute_id=dispute.pk, admin=request.user, decision=data["decision"],
            note=data["note"],
        )
        return Response(DisputeSerializer(dispute).data)


class SpecPreviewInput(serializers.Serializer):
    spec = serializers.JSONField(help_text="A resolver spec, complete or not.")
    claim = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                     help_text="Read this claim's uploads (its author and "
                                               "admins).")


class SpecPreviewView(APIView):
    """The spec builder's preview: the runs a spec's source finds (model, task, solver plan,
    epochs, metrics) and, once its criterion is complete, the verdict it would give now."""

    permission_classes = [permissions.IsAuthenticated]

    # {"runs": [...], "errors": [...], "error": "", "verdict": "yes"|"no"|"inconclusive"|null,
    #  "reason": "", "measurement": {...}}
    @extend_schema(request=SpecPreviewInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: SignedInApiRequest):
        data = validated(SpecPreviewInput, request.data)
        return Response(spec_preview(spec=data["spec"], actor=request.user,
                                     claim_id=data.get("claim")))
