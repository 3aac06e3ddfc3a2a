"""A bot process killed with SIGKILL in the middle of a reminder fan-out, then started again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bot.model import Conference
from bot.store.models import Delivery, DeliveryStatus
from bot.store.store import Preferences, Store
from tests.conftest import ROOT
from tests.fakes.telegram_api import TOKEN, FakeBotApi

PEOPLE = 150
VISITS = ("wizyta-nad-potokiem", "wizyta-na-kozlowce", "wizyta-cak-skawina")  # all at 15:00


def _start(tmp_path: Path, api: FakeBotApi, url: str, now: str, log: str) -> subprocess.Popen[bytes]:
    """`python -m bot run` on the shared database; output to a file (a pipe could fill and block)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=api.base_url,
        DATABASE_URL=url,
        BOT_NOW=now,
        BOT_SEND_RATE="150",
        BOT_CLAIM_TIMEOUT="2",
    )
    with (tmp_path / log).open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stdout=out, stderr=out
        )


def _received(api: FakeBotApi, conference: Conference) -> Counter[tuple[int, str]]:
    """(chat, session) of every reminder the fake received, counted."""
    titles = {conference.session(s).title: s for s in VISITS}  # type: ignore[union-attr]
    got: Counter[tuple[int, str]] = Counter()
    for call in api.calls_of("sendMessage"):
        if call.text.startswith("⏰"):
            session = next(
                s
                for title, s in titles.items()
                if title.replace("„", "").split(":")[-1].strip()[:10] in call.text.replace("„", "")
            )
            got[(int(call.params["chat_id"]), session)] += 1
    return got


async def test_sigkill_mid_fan_out_loses_nothing_and_repeats_only_what_was_in_flight(
    tmp_path: Path, fake_api: FakeBotApi, conference: Conference
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    store = Store.open(url)
    await store.migrate()
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    for i in range(PEOPLE):
        person = await store.touch("telegram", str(50_000 + i), now)
        await store.save_preferences(person.id, Preferences(True, 15, 15), now)

    fake_api.send_delay = 0.01
    first = _start(tmp_path, fake_api, url, "2023-11-29 14:44:58", "first.log")
    try:
        deadline = time.monotonic() + 60
        while len(fake_api.calls_of("sendMessage")) < PEOPLE:  # about a third of the way through
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            assert time.monotonic() < deadline, "the fan-out did not start"
            await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    await asyncio.sleep(0.3)  # requests the dead process had on the wire reach the fake

    received_at_kill = sum(_received(fake_api, conference).values())
    async with store.sessions() as db:
        from sqlalchemy import func, select

        in_flight = (
            await db.scalar(select(func.count()).where(Delivery.status == DeliveryStatus.CLAIMED.value)) or 0
        )
    assert 0 < received_at_kill < PEOPLE * len(VISITS)

    second = _start(tmp_path, fake_api, url, "2023-11-29 14:45:00", "second.log")
    try:
        deadline = time.monotonic() + 60
        while len(_received(fake_api, conference)) < PEOPLE * len(VISITS):
            assert second.poll() is None, (tmp_path / "second.log").read_text()
            assert time.monotonic() < deadline, f"not everyone got it: {len(_received(fake_api, conference))}"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    received = _received(fake_api, conference)
    duplicates = sum(count - 1 for count in received.values())
    print(
        f"crash test: {received_at_kill} delivered before SIGKILL, {in_flight} claimed in flight, "
        f"{duplicates} duplicates after restart, {len(received)} of {PEOPLE * len(VISITS)} delivered"
    )
    assert len(received) == PEOPLE * len(VISITS)  # every subscriber got every reminder: nothing lost
    assert duplicates <= in_flight  # only what was claimed but unconfirmed at the kill went twice
    await store.close()
