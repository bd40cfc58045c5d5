"""Which endpoints exist and what a live run may spend: set by the service, read here.

The resolvers package never imports Django, so the service registers a function that answers
"the endpoint called NAME" (from its Endpoint table) and the budgets from its settings
(`set_environment`). Without one (pure-resolvers use), no endpoint is known and the defaults
below apply. An API key is never part of this: `api_key_env` names the variable that holds it,
read only when a run starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class EndpointInfo:
    name: str
    base_url: str  # e.g. http://10.0.0.5:8080/v1
    models: tuple[str, ...]
    api_key_env: str = ""  # the environment variable holding its key; "" for none
    allow_private: bool = False  # an admin's explicit "this server is on our network"

    def api_key(self) -> str:
        # Local OpenAI-compatible servers accept any key; the client library needs one.
        return os.environ.get(self.api_key_env, "") if self.api_key_env else "none"


@dataclass(frozen=True)
class Limits:
    max_samples: int = 5000  # samples x epochs x models x conditions, per run
    max_seconds: int = 3600  # wall-clock budget of a whole run
    max_tokens: int = 5_000_000
    max_shards: int = 64
    max_connections: int = 256
    retry_attempts: int = 2  # eval_set's retries of a failed task
    retry_wait: float = 5.0
    request_timeout: int = 60  # one model call
    request_retries: int = 3  # the provider's own retries with backoff


@dataclass
class Environment:
    endpoint: Callable[[str], EndpointInfo | None] = lambda name: None
    limits: Limits = field(default_factory=Limits)
    data_dir: Path | None = None
    # Tests only (CRUX_URL_SOURCE_ALLOW_LOOPBACK): a public-policy endpoint may be on
    # loopback. Redirects of model calls stay refused (resolvers/live/guard.py).
    allow_loopback: bool = False


_ENV = Environment()


def set_environment(*, endpoint: Callable[[str], EndpointInfo | None], limits: Limits,
                    data_dir: Path | None, allow_loopback: bool = False) -> None:
    global _ENV
    _ENV = Environment(endpoint=endpoint, limits=limits, data_dir=data_dir,
                       allow_loopback=allow_loopback)


def environment() -> Environment:
    return _ENV


def endpoint(name: str) -> EndpointInfo | None:
    return _ENV.endpoint(name)
