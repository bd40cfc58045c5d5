"""The spec builder's preview: what a spec's source finds and what it would decide now.

Reads only, like a dry run, through the same bridge (the SSRF guard for URLs, size and
archive caps). Signed-in people only: a preview fetches what the spec names.

A preview runs whatever spec its caller writes, so over a file it is a query language: name
any column as the model column and every row comes back. It therefore reads only the
claim's files its caller may read (bets.autoresolve.evidence.visibility); a spec naming one
they may not read is refused, whatever else it asks.
"""

from __future__ import annotations

import json
import logging

from bets.autoresolve.bridge import preview_spec
from bets.autoresolve.evidence.disclosure import spec_artifacts
from bets.autoresolve.evidence.visibility import artifact_readable_by, claim_evidence
from bets.autoresolve.live.runs import is_live_spec
from bets.common.errors import Forbidden, InvalidInput
from bets.common.types import Viewer
from bets.models import Claim

logger = logging.getLogger(__name__)

SPEC_MAX_CHARS = 50_000  # the propose form's limit for the spec field


def spec_preview(*, spec, actor: Viewer | None, claim_id: int | None = None) -> dict:
    """Runs found and the verdict now. `claim_id` lets {"artifact": name} read that claim's
    uploads, for its author and admins only."""
    if not actor or not actor.is_authenticated:
        raise Forbidden("Sign in to preview a spec.")
    if not isinstance(spec, dict):
        raise InvalidInput("A spec is a JSON object.", field="spec")
    if len(json.dumps(spec)) > SPEC_MAX_CHARS:
        raise InvalidInput(f"A spec has at most {SPEC_MAX_CHARS} characters.", field="spec")
    if is_live_spec(spec):
        return {"runs": [], "errors": [], "verdict": None, "reason": "",
                "error": "A live run is not previewed: it would run the benchmark."}
    reads_claim, readable = None, set()
    if claim_id is not None:
        claim = Claim.objects.filter(pk=claim_id).only("author_id").first()
        if claim is not None and (actor.is_staff or claim.author_id == actor.pk):
            reads_claim = claim_id
            files, arbiters = claim_evidence(claim_id)
            readable = {a.name for a in files if artifact_readable_by(a, actor,
                                                                      arbiters=arbiters)}
            hidden = {a.name: a.visibility for a in files if a.name not in readable}
            refused = [name for name in spec_artifacts(spec) if name in hidden]
            if refused:
                return _refusal(refused[0], hidden[refused[0]])
    try:
        return preview_spec(spec, reads_claim, artifact_names=readable)
    except Exception as exc:  # a resolver bug must not turn a preview into a 500
        logger.exception("Spec preview failed")
        return {"runs": [], "errors": [], "verdict": None, "reason": "",
                "error": f"The resolver failed: {type(exc).__name__}: {exc}"}


def _refusal(name: str, visibility: str) -> dict:
    return {"runs": [], "errors": [], "verdict": None, "reason": "",
            "error": f"{name} is {visibility}: a preview shows what a spec finds in a file, so "
                     "only those who may read the file (its uploader, the claim's arbiters "
                     "and admins) can preview a spec over it. Its sha256 is public; the "
                     "claim's page shows what its resolver decided from it."}
