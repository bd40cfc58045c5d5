"""Admin for auto-resolution: attempts, proposals, disputes, artifacts, and live runs
(endpoints are registered here; runs can be cancelled, through the service)."""

from django import forms
from django.contrib import admin

from bets.admin.base import ReadOnlyAdmin, service_action
from bets.autoresolve.live.endpoints import endpoint_check
from bets.autoresolve.live.finish import live_run_cancel
from bets.common.errors import ServiceError
from bets.models import (
    ClaimArtifact,
    Dispute,
    Endpoint,
    LiveRun,
    ResolutionAttempt,
    ResolutionProposal,
)


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


admin.site.register(ClaimArtifact, ReadOnlyAdmin)


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

    cancel_runs = service_action(
        "Cancel the selected live runs", "Cancelled", lambda request, run:
        live_run_cancel(run_id=run.pk, actor=request.user, reason="from the admin"))
