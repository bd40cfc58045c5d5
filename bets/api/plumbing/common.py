"""Small helpers shared by the API views."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers
from rest_framework.request import Request

# JSON types each kind of field takes. DRF would coerce `{"note": 5}` to "5" and
# `{"stake": "5"}` to 5; the schema promises a string and an integer, so anything else is a
# 400 naming the field, and a client with a type bug hears about it.
_JSON_TYPES: tuple[tuple[type, tuple[type, ...], str], ...] = (
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.CharField, (str,), "a string"),
    (serializers.DateTimeField, (str,), "a date and time string"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.ListField, (list,), "a list"),
    (serializers.JSONField, (dict,), "a JSON object"),
)


def _type_errors(serializer: serializers.Serializer, data: Mapping) -> dict[str, list[str]]:
    fields = serializer.fields
    errors: dict[str, list[str]] = {}
    unknown = sorted(str(k) for k in data if k not in fields or fields[k].read_only)
    for name in unknown:
        known = ", ".join(n for n, f in fields.items() if not f.read_only)
        errors[name[:100]] = [f"Unknown field; this operation takes: {known}."]
    for name, field in fields.items():
        if name not in data or field.read_only:
            continue
        value = data[name]
        if value is None:
            continue  # the field's own allow_null decides
        rules = _JSON_TYPES
        if hasattr(field, "json_types"):  # a custom field says which JSON types it takes
            rules = ((serializers.Field, field.json_types, getattr(field, "json_words", "")),)
        for kind, types, words in rules:
            if isinstance(field, kind):
                # bool is an int subclass in Python, but not a number in JSON.
                if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
                    errors[name] = [f"Give {words}."]
                break
    return errors


def validated(serializer_class, data, **kwargs) -> dict:
    """The serializer's validated data. A JSON body (a dict, not a form's QueryDict) must also
    name only fields the operation takes, each of its documented JSON type."""
    serializer = serializer_class(data=data, **kwargs)
    if isinstance(data, Mapping) and not isinstance(data, QueryDict):
        errors = _type_errors(serializer, data)
        if errors:
            raise serializers.ValidationError(errors)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def query_params(serializer_class, request: Request) -> dict:
    """Validate query parameters; unknown values get a 400 naming the parameter. (Every
    value is text, and other parameters, such as limit and offset, belong to others.)"""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


