"""Idempotency-Key for money-moving POSTs.

A client that may retry (a timeout, a dropped connection) sends `Idempotency-Key: <id>`.
The first successful response is stored with a hash of the request; the same key with the
same body replays it (status and body, header `Idempotent-Replayed: true`) without running
the action again; the same key with a different body or path gets 422. Failed requests are
not stored: they changed nothing, so repeating them is harmless.

Two requests with one key at the same moment are serialised by a transaction-scoped
PostgreSQL advisory lock on (user, key), so the second one waits and then replays.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.db import connection, transaction
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from bets.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MAX = 200


def _request_digest(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _lock(user_id: int, key: str) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers anyway
    digest = hashlib.sha256(f"{user_id}:{key}".encode()).digest()
    lock_id = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def idempotent(handler):
    """Decorate an APIView's post(); the view's permissions have already run."""

    @wraps(handler)
    def wrapper(view, request: Request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > KEY_MAX or not key.isprintable():
            return Response(
                {HEADER: [f"Give 1 to {KEY_MAX} printable characters."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        digest = _request_digest(request)
        with transaction.atomic():
            _lock(request.user.pk, key)
            record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if record is not None:
                return _replay(record, digest)
            response = handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                IdempotencyRecord.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method or "",
                    path=request.path[:300],
                    request_sha256=digest,
                    response_status=response.status_code,
                    response_body=json.loads(json.dumps(response.data, default=str)),
                )
            return response

    wrapper.crux_idempotent = True  # type: ignore[attr-defined]  # read by bets.api.plumbing.schema
    return wrapper


def _replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_sha256 != digest:
        return Response(
            {"detail": f"This {HEADER} was already used with a different request."},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Response(
        record.response_body,
        status=record.response_status,
        headers={"Idempotent-Replayed": "true"},
    )
