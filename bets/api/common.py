"""Small helpers shared by the API views."""

from django.http import Http404
from rest_framework import serializers

from bets.models import Claim
from bets.selectors import claims_visible_to

# PostgreSQL bigint: a larger id in the URL cannot name a row, and must not reach the query.
MAX_ID = 2**63 - 1


def visible_claim_or_404(request, pk: int) -> Claim:
    if pk > MAX_ID:
        raise Http404
    try:
        return claims_visible_to(request.user).get(pk=pk)
    except Claim.DoesNotExist:
        raise Http404 from None


def validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def query_params(serializer_class, request) -> dict:
    """Validate query parameters; unknown values get a 400 naming the parameter."""
    return validated(serializer_class, request.query_params.dict())


class DetailSerializer(serializers.Serializer):
    """The shape of every error that is not a field error."""

    detail = serializers.CharField()
