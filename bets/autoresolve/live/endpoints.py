"""Registering model endpoints (admins only: the admin site and `manage.py endpoint_add`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bets.common.errors import Conflict, InvalidInput
from bets.models import Endpoint
from bets.models.live import ENDPOINT_NAME, ENV_NAME


def endpoint_check(*, name: str, base_url: str, models: list[str], api_key_env: str = "",
                   allow_private: bool = False) -> None:
    """Raise InvalidInput naming the field for anything wrong, before anything is written.

    An endpoint not marked private must resolve to public addresses only (the SSRF guard of
    URL sources, resolvers.netguard): spec authors cannot reach the service's own network
    through it. Marking it private is an admin's explicit statement that it is ours.
    """
    from resolvers import netguard

    for validator, value, field in ((ENDPOINT_NAME, name, "name"),
                                    (ENV_NAME, api_key_env, "api_key_env")):
        if field == "api_key_env" and not value:
            continue
        try:
            validator(value)
        except ValidationError as exc:
            raise InvalidInput(f"{field}: {exc.messages[0]}", field=field) from None
    if not base_url.startswith(("http://", "https://")):
        raise InvalidInput("base_url: only http:// and https:// URLs.", field="base_url")
    cleaned = [m.strip() for m in models]
    if not cleaned or any(not m or len(m) > 200 for m in cleaned):
        raise InvalidInput("models: name at least one model (each at most 200 characters).",
                           field="models")
    if len(set(cleaned)) != len(cleaned):
        raise InvalidInput("models: a model is listed twice.", field="models")
    if not allow_private:
        try:
            netguard.check_url(base_url)
        except netguard.RefusedURL as exc:
            raise InvalidInput(f"base_url: {exc} (mark the endpoint private if it is a model "
                               "server on this host or network).", field="base_url") from None
        except Exception as exc:  # e.g. a name that does not resolve
            raise InvalidInput(f"base_url: {exc}", field="base_url") from None


def endpoint_add(*, name: str, base_url: str, models: list[str], api_key_env: str = "",
                 allow_private: bool = False) -> Endpoint:
    endpoint_check(name=name, base_url=base_url, models=models, api_key_env=api_key_env,
                   allow_private=allow_private)
    try:
        with transaction.atomic():
            return Endpoint.objects.create(
                name=name, base_url=base_url.rstrip("/"),
                served_models=[m.strip() for m in models], api_key_env=api_key_env,
                allow_private=allow_private)
    except IntegrityError:
        raise Conflict(f"An endpoint named {name!r} exists already.") from None
