"""The published sources claims resolve from, and each one's snapshots: every version
Crux retrieved (or staff uploaded), and what changed between two of them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from bets.autoresolve.snapshots import selectors
from bets.autoresolve.snapshots.store import snapshot_upload
from bets.common.errors import ServiceError
from bets.models import Snapshot, SnapshotSource
from bets.web.forms.autoresolve import SnapshotUploadForm


def snapshot_sources(request: HttpRequest):
    sources = SnapshotSource.objects.order_by("url")
    return render(request, "bets/snapshot_sources.html", {"sources": sources})


def _pick(snapshots: list[Snapshot], raw: str | None) -> Snapshot | None:
    return next((s for s in snapshots if str(s.pk) == raw), None)


def snapshot_source(request: HttpRequest, pk: int):
    """GET: the versions, newest first, and the diff of two (?a=&b=; by default the latest
    against the one before). POST (staff): upload a snapshot."""
    source = get_object_or_404(SnapshotSource, pk=pk)
    form = SnapshotUploadForm()
    if request.method == "POST":
        form = SnapshotUploadForm(request.POST, request.FILES)
        if form.is_valid() and request.user.is_authenticated:
            try:
                upload = form.cleaned_data["file"]
                _, created = snapshot_upload(source_id=source.pk, data=upload.read(),
                                             actor=request.user, note=form.cleaned_data["note"])
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Snapshot stored." if created else
                                 "Those bytes are the latest version already.")
                return HttpResponseRedirect(reverse("snapshot-source", args=[source.pk]))
        elif not request.user.is_authenticated:
            form.add_error(None, "Sign in first.")
    snapshots = selectors.source_snapshots(source)
    new = _pick(snapshots, request.GET.get("b")) or (snapshots[0] if snapshots else None)
    older = [s for s in snapshots if new is not None and s.retrieved_at < new.retrieved_at]
    old = _pick(snapshots, request.GET.get("a")) or (older[0] if older else None)
    diff = selectors.snapshots_diff(old, new, preset=source.preset) \
        if old is not None and new is not None and old.pk != new.pk else None
    return render(request, "bets/snapshot_source.html", {
        "source": source, "snapshots": snapshots, "old": old, "new": new, "diff": diff,
        "claims": selectors.claims_using_source(source, user=request.user), "form": form,
        "can_upload": request.user.is_authenticated and request.user.is_staff,
    }, status=400 if form.errors else 200)
