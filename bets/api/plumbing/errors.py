"""Turn service errors into API responses; never let one become a 500."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from bets.common.errors import ServiceError


def _rollback_request(context) -> None:
    """ATOMIC_REQUESTS wraps a view in a transaction: a handled error must still roll back
    whatever the request wrote before it failed. A view marked non_atomic_requests has no
    such transaction (its service's own one has already rolled back), and an enclosing one,
    as in a test, is not the request's to doom."""
    dispatch = getattr(context.get("view"), "dispatch", None)
    if DEFAULT_DB_ALIAS not in getattr(dispatch, "_non_atomic_requests", ()):
        set_rollback()


@csrf_exempt  # no form to protect; a POST to a wrong path is a 404 like a GET
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Any /api/ path that names no endpoint: the JSON 404 the schema documents, not a page."""
    return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        _rollback_request(context)
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        _rollback_request(context)
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        # Raised by Django's form and multipart parsing past DATA_UPLOAD_MAX_MEMORY_SIZE.
        _rollback_request(context)
        return Response(
            {"detail": "The request body is too large."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A ValidationError raised with a bare message: keep the one documented shape.
        response.data = {"detail": " ".join(str(m) for m in response.data)}
    return response
