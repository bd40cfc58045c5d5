"""Small helpers shared by the API views."""

from rest_framework import serializers


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
