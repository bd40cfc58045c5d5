"""What every admin module shares: read-only tables, and actions that call a service per row.

Nothing is edited through model forms: a write that skipped the services would skip their
locks, checks and dispatches (scoring, settlement, notifications).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.template.response import TemplateResponse

from bets.common.errors import ServiceError
from bets.common.types import SignedInRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None):
        return False

    def has_change_permission(self, request: HttpRequest, obj=None):
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None):
        return False


def each(modeladmin, request: SignedInRequest, queryset, call: Callable[[Any], Any],
         verb: str) -> None:
    """Run `call(row)` per selected row; report successes and refusals separately."""
    done = 0
    for row in queryset.order_by("pk"):
        try:
            call(row)
        except ServiceError as exc:
            modeladmin.message_user(request, f"{row}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        noun = modeladmin.model._meta.verbose_name
        modeladmin.message_user(request, f"{verb} {done} {noun}(s).", messages.SUCCESS)


def service_action(description: str, verb: str, call: Callable[[Any, Any], Any]):
    """An admin action that runs `call(request, row)` (a service) per selected row through
    `each`; assign it in the ModelAdmin's body and name it in `actions`."""

    @admin.action(description=description)
    def action(modeladmin, request: SignedInRequest, queryset) -> None:
        each(modeladmin, request, queryset, lambda row: call(request, row), verb)

    return action


def action_with_form(modeladmin, request: SignedInRequest, queryset, *, action: str, title: str,
                     form_class, form_kwargs: dict | None = None, row: Callable[[Any], str],
                     call: Callable[[Any, dict], Any], verb: str) -> TemplateResponse | None:
    """An action that needs input first (a reason, a note). The first click shows the
    selected rows, described by `row`, and the form, which posts back to `action` with
    `apply` set; a valid form then runs `call(row, cleaned_data)` per row through `each`."""
    form = form_class(request.POST if "apply" in request.POST else None, **(form_kwargs or {}))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        each(modeladmin, request, queryset, lambda obj: call(obj, data), verb)
        return None
    selected = list(queryset.order_by("pk"))
    noun = modeladmin.model._meta.verbose_name
    return TemplateResponse(request, "admin/bets/action_form.html", {
        **modeladmin.admin_site.each_context(request),
        "title": f"{title}: {len(selected)} {noun}(s)",
        "opts": modeladmin.model._meta,
        "rows": [row(obj) for obj in selected],
        "ids": [obj.pk for obj in selected],
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    })
