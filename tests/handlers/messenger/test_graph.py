"""The Graph API client on aiohttp: proxies read once from the environment, uploads as multipart."""

from __future__ import annotations

import pytest

from handlers.messenger.graph import GraphApi, proxy_for
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
