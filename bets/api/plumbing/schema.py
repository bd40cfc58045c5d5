"""The OpenAPI schema, made to describe what the API really does.

Generated clients and schemathesis read `/api/schema/` as the truth (tests/api), so:
- request bodies are JSON, or multipart where an operation takes a file (the parsers still
  read form posts, which browsers' tools send; clients are told the one format to use);
- every 4xx an operation can answer is documented with one error body (`Error`);
- strings a request must fill carry a pattern that refuses blanks and NUL characters, as the
  serializers do, so "schema-valid" and "accepted" mean the same.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_COMPONENT = {
    "type": "object",
    "description": (
        "Every 4xx answer. `detail` says what is wrong with the request as a whole; a 400 "
        "names each field it refuses instead, with a list of messages (nested objects for "
        "nested fields)."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
}
ERRORS = {
    "400": "Invalid input: field errors, an invalid query parameter, or a malformed body.",
    "401": "Missing, invalid or expired credentials.",
    "403": "The caller may not do this.",
    "404": "No such resource (hidden claims answer the same as missing ones).",
    "409": "The resource's state does not allow this now.",
    "413": "The request body is too large.",
    "422": "This Idempotency-Key was already used with a different request.",
    "429": "Too many requests; try again after Retry-After seconds.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before trying again.",
    }
}
# A value DRF's CharField keeps: no NUL character (PostgreSQL cannot store it) and, where a
# blank is refused, one character that is not whitespace once trimmed.
NO_NUL = "^[^\\x00]*$"
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Send the same key when retrying: the first success is replayed (header "
        "Idempotent-Replayed: true) instead of acting twice; the same key with another "
        "request answers 422."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 200,
               "pattern": "^[!-~]([ -~]{0,198}[!-~])?$"},
}


def _blank_is_no_filter(schema) -> None:
    """A query filter's blank means "no filter", and is accepted. drf-spectacular adds "or an
    empty string" to a blank-allowing string with a pattern as `oneOf`; NO_NUL matches "" too,
    so "" matched both branches and the schema called the documented blank invalid. (In
    request bodies the oneOf stays: there several services refuse a blank.)"""
    branches = schema.get("oneOf") if isinstance(schema, dict) else None
    if (isinstance(branches, list) and len(branches) == 2
            and branches[1] == {"type": "string", "maxLength": 0}
            and branches[0].get("pattern") == NO_NUL
            and not {"minLength", "format"} & set(branches[0])):
        schema.update(schema.pop("oneOf")[0])


def may_forbid(handler):
    """Mark a read that refuses some callers (403: a non-public file), so the schema says so;
    every write documents 403 anyway."""
    handler.crux_may_forbid = True
    return handler


class CruxAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict]:
        auths = super().get_auth()
        if {} in auths:
            # Anyone may call it: documented as public (no security requirement), so
            # generated clients call it without credentials. A token still works and may
            # show the caller more (their own hidden proposals).
            return []
        return auths

    def map_parsers(self) -> list[Any]:
        media_types = super().map_parsers()
        if "multipart/form-data" in media_types and "application/json" not in media_types:
            return ["multipart/form-data"]  # an upload: the one operation shape with a file
        return ["application/json"]

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (direction == "request" and isinstance(field, serializers.JSONField)
                and "type" not in schema and "$ref" not in schema):
            # Crux's JSON inputs are objects (specs); bets.api.plumbing.common refuses the rest.
            schema = {**schema, "type": "object", "additionalProperties": {}}
            if field.allow_null:
                schema["nullable"] = True
        if (direction == "request" and isinstance(field, serializers.CharField)
                and not isinstance(field, serializers.ChoiceField)
                and schema.get("type") == "string" and "format" not in schema
                and "enum" not in schema and "pattern" not in schema):
            blank_ok = field.allow_blank or not field.trim_whitespace
            schema["pattern"] = NO_NUL if blank_ok else NOT_BLANK
        return schema

    def _get_parameters(self) -> list[dict]:
        parameters = super()._get_parameters()
        for parameter in parameters:
            _blank_is_no_filter(parameter.get("schema"))
        if self._is_idempotent():
            parameters.append(dict(IDEMPOTENCY_HEADER))
        return parameters

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        serializer = self.get_response_serializers()
        if self.method == "DELETE" and "204" in responses and is_serializer(serializer):
            # drf-spectacular assumes a DELETE answers 204 without a body; Crux's answer
            # with the row as it now is (a withdrawn forecast, a deleted comment).
            responses = {"200": self._get_response_for_code(serializer, "200",
                                                             direction=direction)}
        for code in self._error_codes():
            if code in responses:
                continue
            response: dict[str, Any] = {
                "description": ERRORS[code],
                "content": {"application/json": {"schema": ERROR_REF}},
            }
            if code == "429":
                response["headers"] = RETRY_AFTER
            responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        # Any request can be malformed, carry a bad token, be throttled, or name something
        # missing (a path id, a participant to filter by, a claim in a body).
        codes = ["400", "401", "404", "429"]
        if self.method not in permissions.SAFE_METHODS:
            codes += ["403", "409", "413"]
        elif getattr(getattr(self.view, self.method.lower(), None), "crux_may_forbid", False):
            codes.append("403")
        if self._is_idempotent():
            codes.append("422")
        return sorted(codes)

    def _is_idempotent(self) -> bool:
        handler = getattr(self.view, self.method.lower(), None)
        return bool(getattr(handler, "crux_idempotent", False))


def add_error_component(result: dict, generator, request: Request | None, public) -> dict:
    """Postprocessing hook: the one error body every documented 4xx refers to, and request
    bodies closed to fields they do not name (bets.api.plumbing.common refuses unknown fields, so
    a misspelt or read-only field is a 400, not silently ignored)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    schemas["Error"] = ERROR_COMPONENT
    return result
