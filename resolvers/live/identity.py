"""What an endpoint says about itself: its /v1/models answer at the start of a run, and the
`model` and `system_fingerprint` every response carried. Kept as `identity.json` beside the
logs, so the evidence can show it and a run whose responses name another model than the one
asked for is refused."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resolvers import netguard
from resolvers.base import SourceError
from resolvers.live.catalog import EndpointInfo, environment

FILE = "identity.json"
MAX_MODELS_ANSWER = 64 * 1024


class EndpointUnavailable(SourceError):  # noqa: N818 (reads as what happened)
    """The endpoint did not answer; trying again later may help."""

    def __init__(self, message: str):
        super().__init__(message, retryable=True)


def probe_models(endpoint: EndpointInfo, *, timeout: float) -> list[str]:
    """The model ids the endpoint lists at GET {base_url}/models.

    Public endpoints go through the SSRF guard; an endpoint an admin marked private skips it
    (it is a model server on our own host or network, which is exactly what the guard
    refuses). Raises EndpointUnavailable (retryable) when it does not answer.
    """
    url = endpoint.base_url.rstrip("/") + "/models"
    try:
        if endpoint.allow_private:
            content = _plain_get(url, endpoint, timeout)
        else:
            content = netguard.fetch(url, timeout=timeout, max_bytes=MAX_MODELS_ANSWER,
                                     allow_loopback=environment().allow_loopback).content
        body = json.loads(content)
        return sorted(str(m.get("id")) for m in body.get("data", []) if isinstance(m, dict))
    except netguard.RefusedURL:
        raise
    except (SourceError, OSError, ValueError, AttributeError) as e:
        raise EndpointUnavailable(f"endpoint {endpoint.name} did not answer GET /models: "
                                  f"{e}") from None


def _plain_get(url: str, endpoint: EndpointInfo, timeout: float) -> bytes:
    import urllib3

    headers = {"Authorization": f"Bearer {endpoint.api_key()}"}
    http = urllib3.PoolManager(retries=False, timeout=timeout)
    try:
        response = http.request("GET", url, headers=headers, preload_content=False)
    except urllib3.exceptions.HTTPError as e:  # refused, timed out, reset
        raise OSError(str(e)) from None
    try:
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
        data = response.read(MAX_MODELS_ANSWER + 1)
    finally:
        response.release_conn()
    if len(data) > MAX_MODELS_ANSWER:
        raise ValueError("answer too large")
    return data


@dataclass
class ResponseIdentity:
    """Counts of the `model` and `system_fingerprint` values responses carried, per model."""

    models: dict[str, Counter] = field(default_factory=dict)
    fingerprints: dict[str, Counter] = field(default_factory=dict)

    def add_sample(self, asked: str, sample: Any) -> None:
        models = self.models.setdefault(asked, Counter())
        prints = self.fingerprints.setdefault(asked, Counter())
        for event in sample.events or []:
            if getattr(event, "event", None) != "model" or event.call is None:
                continue
            response = event.call.response
            if not response:  # interrupted before the endpoint answered
                continue
            models[str(response.get("model") or "(absent)")] += 1
            prints[str(response.get("system_fingerprint") or "(absent)")] += 1

    def as_dict(self) -> dict:
        return {m: {"models": dict(self.models[m]), "fingerprints": dict(self.fingerprints[m])}
                for m in self.models}


def merge_seen(a: dict | None, b: dict) -> dict:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for part in (a or {}, b):
        for model, seen in part.items():
            slot = out.setdefault(model, {"models": {}, "fingerprints": {}})
            for kind in ("models", "fingerprints"):
                for value, n in seen.get(kind, {}).items():
                    slot[kind][value] = slot[kind].get(value, 0) + int(n)
    return out


def mismatches(asked: str, seen: dict) -> list[str]:
    """Model names responses gave that are not the one asked for (absent names pass: many
    servers omit them, and the evidence says so)."""
    names = seen.get(asked, {}).get("models", {})
    return sorted(n for n in names if n not in (asked, "(absent)"))


def load(log_dir: Path) -> dict:
    path = Path(log_dir) / FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}


def save(log_dir: Path, record: dict) -> None:
    path = Path(log_dir) / FILE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record, sort_keys=True, default=str), encoding="utf-8")
    tmp.replace(path)  # atomic: a reader never sees half a file
