"""Admin: moderation and resolution actions call services; every table is read-only here.

Nothing is edited through model forms: a write that skipped the services would skip their
locks, checks and dispatches (scoring, settlement). Ledger rows in particular are append-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from bets.autoresolve.endpoints import endpoint_check
from bets.autoresolve.live_finish import live_run_cancel
from bets.claims import resolution
from bets.claims import services as claim_services
from bets.common.errors import ServiceError
from bets.models import (
    Account,
    Bet,
    Claim,
    ClaimArtifact,
    ClaimClarification,
    Dispute,
    Endpoint,
    Forecast,
    LedgerEntry,
    LedgerTransaction,
    LiveRun,
    Offer,
    ResolutionAttempt,
    ResolutionEvent,
    ResolutionProposal,
    Score,
    Tag,
)
from bets.web.forms import ResolutionForm


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _each(modeladmin, request, queryset, call, verb: str) -> None:
    """Run `call(claim)` per selected claim; report successes and refusals separately."""
    done = 0
    for claim in queryset.order_by("pk"):
        try:
            call(claim)
        except ServiceError as exc:
            modeladmin.message_user(request, f"{claim}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"{verb} {done} claim(s).", messages.SUCCESS)


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

    @admin.action(description="Approve selected proposals")
    def approve(self, request, queryset):
        _each(
            self, request, queryset,
            lambda c: claim_services.claim_approve(claim_id=c.pk, moderator=request.user),
            "Approved",
        )

    @admin.action(description="Reject selected proposals")
    def reject(self, request, queryset):
        _each(
            self, request, queryset,
            lambda c: claim_services.claim_reject(claim_id=c.pk, moderator=request.user),
            "Rejected",
        )

    @admin.action(description="Feature on the home page")
    def feature(self, request, queryset):
        _each(
            self, request, queryset,
            lambda c: claim_services.claim_feature(
                claim_id=c.pk, moderator=request.user, featured=True
            ),
            "Featured",
        )

    @admin.action(description="Stop featuring")
    def unfeature(self, request, queryset):
        _each(
            self, request, queryset,
            lambda c: claim_services.claim_feature(
                claim_id=c.pk, moderator=request.user, featured=False
            ),
            "Unfeatured",
        )

    @admin.action(description="Resolve YES…")
    def resolve_yes(self, request, queryset):
        return self._with_note(request, queryset, "resolve_yes", "Resolve YES")

    @admin.action(description="Resolve NO…")
    def resolve_no(self, request, queryset):
        return self._with_note(request, queryset, "resolve_no", "Resolve NO")

    @admin.action(description="Annul…")
    def annul(self, request, queryset):
        return self._with_note(request, queryset, "annul", "Annul")

    @admin.action(description="Unresolve…")
    def unresolve(self, request, queryset):
        return self._with_note(request, queryset, "unresolve", "Unresolve")

    def _service_call(self, action: str, request, data: dict):
        note, when = data["note"], data.get("actual_resolve_time")
        if action in ("resolve_yes", "resolve_no"):
            outcome = "yes" if action == "resolve_yes" else "no"
            return lambda c: resolution.claim_resolve(
                claim_id=c.pk, outcome=outcome, actor=request.user,
                actual_resolve_time=when, note=note,
            )
        if action == "annul":
            return lambda c: resolution.claim_annul(
                claim_id=c.pk, actor=request.user, actual_resolve_time=when, note=note
            )
        return lambda c: resolution.claim_unresolve(claim_id=c.pk, actor=request.user, note=note)

    def _with_note(self, request, queryset, action: str, title: str):
        """Ask for a note (and when the answer became known) before acting: the intermediate
        page posts back to this action with `apply` set."""
        ask_time = action != "unresolve"
        form = ResolutionForm(request.POST if "apply" in request.POST else None, ask_time=ask_time)
        if form.is_bound and form.is_valid():
            _each(self, request, queryset, self._service_call(action, request, form.cleaned_data),
                  f"{title}:")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {queryset.count()} claim(s)",
            "opts": self.model._meta,
            "claims": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/bets/claim/resolution_action.html", context)


@admin.register(Forecast)
class ForecastAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "participant", "probability", "start_time", "end_time"]
    list_select_related = ["claim", "participant"]
    search_fields = ["participant__username", "claim__title"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["claim", "participant", "peer", "baseline", "coverage", "brier", "log"]
    list_select_related = ["claim", "participant"]
    search_fields = ["participant__username", "claim__title"]


@admin.register(ResolutionEvent)
class ResolutionEventAdmin(ReadOnlyAdmin):
    list_display = ["claim", "action", "outcome", "actor", "method", "created_at"]
    list_filter = ["action", "method"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "amount"]
    list_select_related = ["transaction", "account"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "idempotency_key", "claim", "created_at"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "user", "balance"]
    list_filter = ["kind"]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "offerer", "side", "probability", "max_stake", "status"]
    list_filter = ["status"]


@admin.register(Bet)
class BetAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "offerer", "taker", "offerer_stake", "taker_stake", "status"]
    list_filter = ["status"]


@admin.register(ResolutionAttempt)
class ResolutionAttemptAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "trigger", "status", "verdict", "started_at"]
    list_filter = ["status"]


@admin.register(ResolutionProposal)
class ResolutionProposalAdmin(ReadOnlyAdmin):
    list_display = ["id", "claim", "outcome", "status", "finalize_after"]
    list_filter = ["status"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["id", "proposal", "participant", "decision", "created_at"]
    list_filter = ["decision"]


admin.site.register(ClaimClarification, ReadOnlyAdmin)
admin.site.register(ClaimArtifact, ReadOnlyAdmin)
admin.site.register(Tag, ReadOnlyAdmin)


# --- live runs: endpoints are registered here; runs can be cancelled ----------------------


class EndpointForm(forms.ModelForm):
    base_url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = Endpoint
        fields = ["name", "base_url", "served_models", "api_key_env", "allow_private"]

    def clean(self):
        data = super().clean() or {}
        models = data.get("served_models")
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            raise forms.ValidationError({"served_models": 'A JSON list of names: ["gen1"].'})
        try:
            endpoint_check(name=data.get("name", ""), base_url=data.get("base_url", ""),
                           models=models, api_key_env=data.get("api_key_env", ""),
                           allow_private=bool(data.get("allow_private")))
        except ServiceError as exc:
            raise forms.ValidationError({exc.field or "__all__": exc.message}) from None
        return data


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "base_url", "served_models", "api_key_env", "allow_private"]


@admin.register(LiveRun)
class LiveRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "attempt", "claim", "status", "shards", "shards_done", "started_at"]
    list_filter = ["status"]
    actions = ["cancel_runs"]

    @admin.action(description="Cancel the selected live runs")
    def cancel_runs(self, request, queryset):
        for run in queryset:
            try:
                live_run_cancel(run_id=run.pk, actor=request.user, reason="from the admin")
            except ServiceError as exc:
                self.message_user(request, f"Run {run.pk}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Run {run.pk} cancelled.")
