"""`{% autoresolve_panel claim %}`: the claim page's auto-resolution section."""

from django import template

from bets.models import Claim
from bets.selectors_autoresolve import claim_artifacts, claim_attempts, claim_proposals
from bets.services import autoresolve

register = template.Library()


@register.inclusion_tag("bets/partials/_autoresolve_claim.html", takes_context=True)
def autoresolve_panel(context, claim: Claim):
    request = context.get("request")
    user = getattr(request, "user", None)
    is_admin = bool(user and user.is_staff)
    is_author = bool(user and user.is_authenticated and user.pk == claim.author_id)
    live = claim.status in (Claim.Status.OPEN, Claim.Status.CLOSED)
    preview = None
    if (request and request.GET.get("preview") and claim.resolver_spec
            and (is_admin or is_author)):
        preview = autoresolve.claim_preview_resolver(claim_id=claim.pk, actor=user)
    return {
        "claim": claim,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "attempts": claim_attempts(claim.pk),
        "proposals": claim_proposals(claim.pk),
        "artifacts": claim_artifacts(claim.pk),
        "deadline": autoresolve.claim_resolver_deadline(claim),
        "is_admin": is_admin,
        "can_preview": bool(claim.resolver_spec) and (is_admin or is_author),
        "can_upload": live and (is_admin or is_author),
        "can_run": live and is_admin and bool(claim.resolver_spec),
        "signed_in": bool(user and user.is_authenticated),
        "preview": preview,
    }
