"""The Graph API client on aiohttp: proxies read once from the environment, uploads as multipart."""

from __future__ import annotations

import json
import urllib.request

import pytest

from handlers.messenger.graph import GraphApi, GraphError, proxy_for
from tests.fakes.graph_api import PAGE_TOKEN, FakeGraphApi


def test_the_proxy_comes_from_the_environment_unless_no_proxy_covers_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    assert proxy_for("https://graph.facebook.com/v26.0") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert proxy_for("https://graph.facebook.com/v26.0") == "http://proxy.example:3128"
    assert proxy_for("http://127.0.0.1:8091/v26.0") is None  # HTTP_PROXY is not set
    monkeypatch.setenv("NO_PROXY", "facebook.com")
    assert proxy_for("https://graph.facebook.com/v26.0") is None


async def test_a_file_goes_up_as_multipart_with_the_other_fields_beside_it() -> None:
    with FakeGraphApi() as graph:
        api = GraphApi(graph.base_url, PAGE_TOKEN)
        try:
            await api.send_file("7001", "plan.ics", b"BEGIN:VCALENDAR", "text/calendar")
        finally:
            await api.stop()
    [call] = graph.calls
    assert call.file == {"filename": "plan.ics", "content": b"BEGIN:VCALENDAR"}
    assert call.recipient == "7001" and call.body["messaging_type"] == "RESPONSE"
    assert graph.tokens_seen == {PAGE_TOKEN}


async def test_the_fakes_stats_count_what_messages_lists() -> None:
    """The bench polls /_fake/stats; counted as calls arrive, it must agree with messages()."""
    with FakeGraphApi() as graph:
        api = GraphApi(graph.base_url, PAGE_TOKEN, backoff=0)
        try:
            await api.send({"recipient": {"id": "7001"}, "sender_action": "typing_on"})
            await api.send({"recipient": {"id": "7001"}, "message": {"text": "a"}})
            await api.send({"recipient": {"id": "7002"}, "message": {"text": "b"}})
            graph.fail("me/messages", 400, 100)
            with pytest.raises(GraphError):
                await api.send({"recipient": {"id": "7003"}, "message": {"text": "c"}})
        finally:
            await api.stop()
        with urllib.request.urlopen(f"http://127.0.0.1:{graph.port}/_fake/stats") as response:
            stats = json.loads(response.read())
        messages = graph.messages()
    assert stats == {"messages": len(messages), "people": len({m.recipient for m in messages})}
    assert stats == {"messages": 2, "people": 2}
