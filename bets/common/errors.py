"""Errors raised by services. Views, the API, the admin and the CLI turn them into messages.

Each says whether trying again can help: bad input never will; a state conflict may, once the
state changes (the claim opens, the offer is topped up).
"""


class ServiceError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class InvalidInput(ServiceError):
    """The request itself is wrong; repeating it will fail the same way."""


class Conflict(ServiceError):
    """The request is well-formed but the current state does not allow it."""

    status_code = 409
    code = "conflict"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class NotFound(ServiceError):
    """The thing named does not exist; the API answers 404."""

    status_code = 404
    code = "not_found"
