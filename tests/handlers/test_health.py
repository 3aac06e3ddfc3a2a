"""`/healthz`, `/readyz` and `/metrics` over real HTTP, on the web server `run` uses."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.metrics import Metrics
from bot.model import Conference
from bot.store.store import Store
from handlers.health import Health
from handlers.web import web_server
from scheduler.leadership import Leadership
from tests.bot.test_metrics import sample
from tests.fakes.telegram_api import free_port


@contextlib.asynccontextmanager
async def serving(health: Health) -> AsyncIterator[httpx.AsyncClient]:
    port = free_port()
    async with (
        web_server([], "127.0.0.1", port, health),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
    ):
        yield client


def probes(store: Store, conference: Conference | None) -> Health:
    metrics = Metrics()
    assistant = None
    if conference is not None:
        assistant = Assistant(conference, FixedClock(parse_now("2023-11-29 14:00", conference.tz)))
    provide: Callable[[], Assistant | None] = lambda: assistant  # noqa: E731
    return Health(store, provide, Leadership(metrics), metrics)


@pytest.fixture
async def unreachable() -> AsyncIterator[Store]:
    """PostgreSQL that is not there: nothing listens on the port."""
    store = Store.open(f"postgresql+asyncpg://bot:secret@127.0.0.1:{free_port()}/bot")
    try:
        yield store
    finally:
        await store.close()


async def test_ready_with_the_database_and_the_data(store: Store, conference: Conference) -> None:
    health = probes(store, conference)
    async with serving(health) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {
            "status": "ready",
            "database": "ok",
            "data": {"loaded": True, "event": conference.event.name, "sessions": len(conference.sessions)},
            "scheduler": False,
        }
        health.leadership.held = True  # as `run` does when it starts the scheduler
        assert (await client.get("/readyz")).json()["scheduler"] is True
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
        assert sample(metrics.text, "eventbot_scheduler_leader") == 1


async def test_not_ready_while_the_database_is_unreachable(
    unreachable: Store, conference: Conference, caplog: pytest.LogCaptureFixture
) -> None:
    health = probes(unreachable, conference)
    async with serving(health) as client:
        answers = await asyncio.gather(*(client.get("/readyz") for _ in range(20)))
        assert {a.status_code for a in answers} == {503}
        body = answers[0].json()
        assert body["status"] == "not ready" and body["database"] == "failed"
        assert body["data"]["loaded"] is True  # what is fine is still said
        assert (await client.get("/healthz")).status_code == 200  # alive all the same
    # One line for the outage, not one per probe; no traceback, no password.
    lines = [r for r in caplog.records if r.name == "handlers.health"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert "secret" not in caplog.text


async def test_not_ready_without_data(tmp_path: Path) -> None:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        async with serving(probes(store, None)) as client:
            response = await client.get("/readyz")
    finally:
        await store.close()
    assert response.status_code == 503
    assert response.json()["database"] == "ok" and response.json()["data"] == {"loaded": False}


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
async def test_bad_requests_to_the_probes_are_never_a_5xx(
    tmp_path: Path, conference: Conference, path: str
) -> None:
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        async with serving(probes(store, conference)) as client:
            for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
                response = await client.request(method, path, content=b"\xff" * 10_000)
                assert response.status_code == 405, (method, response.status_code)
            assert (await client.head(path)).status_code == 200
            for odd in ("?%ff%fe=%00", "?name[]=1&name[]=2", "?" + "a" * 8000):
                assert (await client.get(path + odd)).status_code == 200
            headers = {"Accept": "application/openmetrics-text; version=99", "Content-Type": "x/;;"}
            assert (await client.get(path, headers=headers)).status_code == 200
            assert (await client.get(path + "/")).status_code < 500
            assert (await client.get(path.upper())).status_code == 404
            host, port = client.base_url.host, client.base_url.port
            assert port is not None
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".encode())
            status = (await reader.readline()).split()[1]
            writer.close()
            await writer.wait_closed()
            assert status == b"400"
    finally:
        await store.close()
