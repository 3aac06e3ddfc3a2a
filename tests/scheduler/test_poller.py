"""The live programme's poll against a local HTTP server: unchanged, changed, broken, unreachable."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest

from bot.metrics import Metrics
from scheduler.poller import Poller
from tests.bot.test_metrics import sample
from tests.fakes.export_server import export_server


class _Applied:
    """Stands in for the reload: records each new export, refuses the ones marked broken."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, body: bytes) -> str | None:
        if body.startswith(b"broken"):
            return "dane.json:1: (cały plik): błąd składni"
        self.bodies.append(body)
        return None


async def test_unchanged_changed_broken_and_back(caplog: pytest.LogCaptureFixture) -> None:
    applied = _Applied()
    metrics = Metrics()
    with export_server() as (export, base), caplog.at_level(logging.INFO):
        poller = Poller(f"{base}/schedule.json", applied, metrics=metrics)
        try:
            assert await poller.poll() and applied.bodies == [b"version 1"]
            assert not await poller.poll()  # a 304: nothing applied
            assert export.requests[-1]["if-none-match"] == '"v1"' and applied.bodies == [b"version 1"]
            export.body, export.etag = b"version 2", '"v2"'
            assert await poller.poll() and applied.bodies[-1] == b"version 2"  # applied once
            assert not await poller.poll() and len(applied.bodies) == 2
            export.body, export.etag = b"broken export", '"v3"'
            for _ in range(3):  # refused every time, logged once, the programme stays
                assert not await poller.poll()
            assert poller.status.problem is not None and "odrzucona" in poller.status.problem
            export.status = 503
            assert not await poller.poll()
            assert poller.status.problem is not None and "503" in poller.status.problem
            export.status, export.body, export.etag = 200, b"version 4", '"v4"'
            assert await poller.poll() and poller.status.problem is None
            assert applied.bodies == [b"version 1", b"version 2", b"version 4"]
        finally:
            await poller.stop()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3  # refused (once for three polls), the 503, and "works again"
    assert "works again" in warnings[-1]
    polls = {
        r: sample(metrics.exposition(), "eventbot_source_polls_total", result=r)
        for r in ("changed", "unchanged", "failed")
    }
    assert polls == {"changed": 3, "unchanged": 2, "failed": 4}


async def test_an_unreachable_source_keeps_the_programme() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    applied = _Applied()
    poller = Poller(f"http://127.0.0.1:{port}/schedule.xml", applied)
    try:
        assert not await poller.poll()
        assert applied.bodies == [] and "nie można się połączyć" in (poller.status.problem or "")
    finally:
        await poller.stop()


async def test_polls_in_the_background_at_its_interval() -> None:
    applied = _Applied()
    with export_server() as (_export, base):
        poller = Poller(f"{base}/s", applied, minutes=0.002)  # every 0.12 s
        poller.start()
        try:
            for _ in range(100):
                if applied.bodies:
                    break
                await asyncio.sleep(0.05)
        finally:
            await poller.stop()
    assert applied.bodies == [b"version 1"]
