"""Admin for claims, forecasts, scores and resolution events: moderation and resolution
actions call the claims services."""

from __future__ import annotations

from django.contrib import admin

from bets.admin.base import ReadOnlyAdmin, action_with_form, service_action
from bets.claims import resolution
from bets.claims import services as claim_services
from bets.common.types import SignedInRequest
from bets.models import Claim, ClaimClarification, Forecast, ResolutionEvent, Score, Tag
from bets.web.forms.claims import ResolutionForm


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "status", "outcome", "close_time", "author", "featured"]
    list_filter = ["status", "outcome", "featured", "tags"]
    search_fields = ["title"]
    date_hierarchy = "close_time"
    actions = [
        "approve",
        "reject",
        "resolve_yes",
        "resolve_no",
        "annul",
        "unresolve",
        "feature",
        "unfeature",
    ]

    approve = service_action("Approve selected proposals", "Approved", lambda request, c:
                             claim_services.claim_approve(claim_id=c.pk, moderator=request.user))
    reject = service_action("Reject selected proposals", "Rejected", lambda request, c:
                            claim_services.claim_reject(claim_id=c.pk, moderator=request.user))
    feature = service_action("Feature on the home page", "Featured", lambda request, c:
                             claim_services.claim_feature(claim_id=c.pk, moderator=request.user,
                                                          featured=True))
    unfeature = service_action("Stop featuring", "Unfeatured", lambda request, c:
                               claim_services.claim_feature(claim_id=c.pk,
                                                            moderator=request.user,
                                                            featured=False))

    @admin.action(description="Resolve YES…")
    def resolve_yes(self, request: SignedInRequest, queryset):
        return self._with_note(request, queryset, "resolve_yes", "Resolve YES")

    @admin.action(description="Resolve NO…")
    def resolve_no(self, request: SignedInRequest, queryset):
        return self._with_note(request, queryset, "resolve_no", "Resolve NO")

    @admin.action(description="Annul…")
    def annul(self, request: SignedInRequest, queryset):
        return self._with_note(request, queryset, "annul", "Annul")

    @admin.action(description="Unresolve…")
    def unresolve(self, request: SignedInRequest, queryset):
        return self._with_note(request, queryset, "unresolve", "Unresolve")

    def _service_call(self, action: str, request: SignedInRequest):
        def call(c, data: dict):
            note, when = data["note"], data.get("actual_resolve_time")
            if action in ("resolve_yes", "resolve_no"):
                return resolution.claim_resolve(
                    claim_id=c.pk, outcome="yes" if action == "resolve_yes" else "no",
                    actor=request.user, actual_resolve_time=when, note=note,
                    close_early=False,  # a ticked row is no decision to end forecasting
                )
            if action == "annul":
                return resolution.claim_annul(
                    claim_id=c.pk, actor=request.user, actual_resolve_time=when, note=note,
                    close_early=False,
                )
            return resolution.claim_unresolve(claim_id=c.pk, actor=request.user, note=note)

        return call

    def _with_note(self, request: SignedInRequest, queryset, action: str, title: str):
        """Ask for a note (and when the answer became known) before acting."""
        return action_with_form(
            self, request, queryset, action=action, title=title, form_class=ResolutionForm,
            form_kwargs={"ask_time": action != "unresolve"},
            row=lambda c: f"#{c.pk} {c.title} ({c.get_status_display()})",
            call=self._service_call(action, request), verb=f"{title}:")


@admin.register(Forecast)
class ForecastAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "participant", "probability", "start_time", "end_time"]
    list_select_related = ["claim", "participant"]
    search_fields = ["participant__username", "claim__title"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = [
        "claim", "participant", "peer", "baseline", "coverage", "brier", "log", "crps"]
    list_select_related = ["claim", "participant"]
    search_fields = ["participant__username", "claim__title"]


@admin.register(ResolutionEvent)
class ResolutionEventAdmin(ReadOnlyAdmin):
    list_display = ["claim", "action", "outcome", "actor", "method", "created_at"]
    list_filter = ["action", "method"]


admin.site.register(ClaimClarification, ReadOnlyAdmin)
admin.site.register(Tag, ReadOnlyAdmin)
