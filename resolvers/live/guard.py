"""Model calls of live runs go through the same SSRF guard as resolver fetches.

inspect's `openai-api` provider talks to an endpoint through the OpenAI SDK on httpx, which
follows redirects and resolves names itself: a registered public endpoint that answered
`/v1/models` normally and then `307 -> http://127.0.0.1:...` for chat completions made the
evals worker POST to loopback. So every model call's HTTP client is built here:

- every request (so every connection) is checked by `resolvers.netguard` *after* DNS
  resolution, and sent to the exact address that was checked (no second lookup that DNS
  rebinding could answer differently), with the original Host header and TLS name;
- redirects are never followed, for any endpoint: an OpenAI-compatible API has no reason to
  redirect a model call, and a followed 307 re-sends the POST (prompt and key) elsewhere. The
  endpoint's 3xx comes back to the SDK as an error that names the refused target;
- no environment proxy is used (a proxy would make the connection we check not the one made).

Endpoints an admin marked private (`allow_private`: a model server on our own host or
network) skip the address check, as their `/v1/models` probe does, but not the redirect
refusal. `allow_loopback` is the resolvers' test switch (CRUX_URL_SOURCE_ALLOW_LOOPBACK): it
lets a public-policy endpoint live on 127.0.0.1 in tests; it never lets a redirect through.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from resolvers import netguard

REDIRECT_CODES = range(300, 400)
REFUSED_STATUS = 421  # Misdirected Request: not retried by the SDK or by inspect
LOOKUP_SECONDS = 30.0  # a name lookup for one model call


def model_client(*, check_addresses: bool, allow_loopback: bool) -> Any:
    """An `httpx2.AsyncClient` for the OpenAI SDK, with inspect's tuned defaults (timeouts,
    limits, a transport per event loop) and the guard in front of its transport."""
    from inspect_ai._util.http_defaults_httpx2 import default_client_kwargs
    from openai import DefaultAsyncHttpxClient

    kwargs = default_client_kwargs(follow_redirects=False, trust_env=False)
    kwargs["mounts"] = {}  # no proxies: the checked address must be the one connected to
    kwargs["transport"] = _guarded_transport_class()(
        kwargs["transport"], check_addresses=check_addresses, allow_loopback=allow_loopback)
    return DefaultAsyncHttpxClient(**kwargs)


def guard_model(model: Any, *, check_addresses: bool, allow_loopback: bool) -> None:
    """Give an inspect Model (openai-api provider) the guarded client, now and whenever the
    provider builds a new one (it does after its client was closed): the provider's own
    default would follow redirects unchecked."""
    def build() -> Any:
        return model_client(check_addresses=check_addresses, allow_loopback=allow_loopback)

    api = model.api
    api._create_http_client = build  # noqa: SLF001 (the provider's one client factory)
    api.http_client = build()
    api.initialize()  # rebuilds the SDK client around the guarded one


_TRANSPORT: type | None = None


def _guarded_transport_class() -> type:
    """Defined on first use: httpx2 comes with inspect's OpenAI SDK, which pure-resolvers
    use does not need."""
    global _TRANSPORT
    if _TRANSPORT is not None:
        return _TRANSPORT
    import anyio.to_thread
    import httpx2

    class GuardedTransport(httpx2.AsyncBaseTransport):
        def __init__(self, inner: httpx2.AsyncBaseTransport, *, check_addresses: bool,
                     allow_loopback: bool):
            self.inner = inner
            self.check_addresses = check_addresses
            self.allow_loopback = allow_loopback

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            outgoing = request
            if self.check_addresses:
                try:
                    target = await anyio.to_thread.run_sync(functools.partial(
                        netguard.check_url, str(request.url),
                        allow_loopback=self.allow_loopback, timeout=LOOKUP_SECONDS))
                except netguard.RefusedURL as e:
                    return _refusal(request, REFUSED_STATUS, f"Crux refused this model call: {e}")
                extensions = dict(request.extensions)
                if request.url.scheme == "https":
                    extensions["sni_hostname"] = request.url.host  # TLS checks the name
                # The Host header was set from the original URL when the request was built.
                outgoing = httpx2.Request(request.method, request.url.copy_with(host=target.ip),
                                          headers=request.headers, stream=request.stream,
                                          extensions=extensions)
            response = await self.inner.handle_async_request(outgoing)
            if response.status_code in REDIRECT_CODES:
                location = response.headers.get("location", "(none)")
                await response.aclose()
                return _refusal(request, response.status_code,
                                f"Crux refused a redirect of this model call to {location}: "
                                "model calls never follow redirects (register the endpoint "
                                "by the URL that answers)")
            return response

        async def aclose(self) -> None:
            await self.inner.aclose()

    _TRANSPORT = GuardedTransport
    return _TRANSPORT


def _refusal(request: Any, status: int, message: str) -> Any:
    """An error response in the shape OpenAI-compatible servers use, so the SDK raises it
    with this message (and without a Location header, so nothing can follow it)."""
    import httpx2

    body = json.dumps({"error": {"message": message, "type": "crux_ssrf_guard"}}).encode()
    return httpx2.Response(status, headers={"content-type": "application/json"},
                           content=body, request=request)
