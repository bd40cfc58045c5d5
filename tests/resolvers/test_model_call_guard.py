"""The HTTP client of live runs' model calls checks every request after DNS resolution and
connects to the checked address (resolvers/live/guard.py), like resolver fetches do. The
package's network guard (conftest) fails any non-loopback connect and answers fake DNS."""

from __future__ import annotations

import asyncio

from resolvers.live import guard


def post(url: str, **client_args):
    async def go():
        async with guard.model_client(**client_args) as client:
            return await client.post(url, json={"model": "gen2", "messages": []})
    return asyncio.run(go())


def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(network):
    network.fake_dns["lab.example"] = ["10.1.2.3"]
    response = post("http://lab.example/v1/chat/completions", check_addresses=True,
                    allow_loopback=True)
    assert response.status_code == guard.REFUSED_STATUS
    assert "10.1.2.3 is in the non-public range" in response.json()["error"]["message"]
    assert network.connects == []


def test_the_checked_address_is_connected_to_with_the_original_host_header(http_server,
                                                                          network):
    seen = {}

    def record(handler):
        seen["host"] = handler.headers["Host"]
        return 200, {"Content-Type": "application/json"}, b"{}"

    http_server.routes["/v1/chat/completions"] = record
    port = http_server.server_address[1]
    network.fake_dns["lab.localtest"] = ["127.0.0.1"]
    response = post(f"http://lab.localtest:{port}/v1/chat/completions", check_addresses=True,
                    allow_loopback=True)
    assert response.status_code == 200
    assert seen["host"] == f"lab.localtest:{port}"
    assert ("127.0.0.1", port) in network.connects


def test_a_redirect_is_refused_even_where_loopback_is_allowed(http_server, network):
    http_server.routes["/v1/chat/completions"] = (
        307, {"Location": "http://127.0.0.1:9/v1/chat/completions"}, b"")
    response = post(f"{http_server.url}/v1/chat/completions", check_addresses=False,
                    allow_loopback=True)
    assert response.status_code == 307 and "location" not in response.headers
    assert "refused a redirect" in response.json()["error"]["message"]
    assert http_server.requests == ["/v1/chat/completions"]
    assert all(a[1] != 9 for a in network.connects if isinstance(a, tuple) and len(a) == 2)


def test_a_client_the_provider_builds_again_after_closing_is_guarded_too(network):
    from inspect_ai.model import get_model

    model = get_model("openai-api/lab/gen2", base_url="http://127.0.0.1:9/v1", api_key="x",
                      memoize=False)
    guard.guard_model(model, check_addresses=True, allow_loopback=False)
    first = model.api.http_client
    asyncio.run(model.api.aclose())
    model.api.initialize()  # what the provider does when its client was closed
    again = model.api.http_client
    assert again is not first and not again.is_closed
    for client in (first, again):
        assert type(client._transport).__name__ == "GuardedTransport"
        assert client.follow_redirects is False
