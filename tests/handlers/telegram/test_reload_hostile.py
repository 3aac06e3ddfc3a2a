"""/przeladuj with hostile data files, on a running bot over real HTTP: refused, reported, survived.

Each file is written over the data file of a live bot; an organiser sends /przeladuj, gets the
error (the file named, nothing of its content quoted), and attendees keep getting answers from the
programme that was there before.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.model import Conference
from bot.store.store import Store
from handlers.operations import Operations
from tests.conftest import DATA
from tests.fakes import hostile_data as hostile
from tests.fakes import updates
from tests.fakes.telegram_api import FakeBotApi
from tests.handlers.telegram.conftest import RunningBot, parse_telegram_html, running_bot

ADMIN = 7101
GUEST = 7102
QUESTION = "kiedy jest wizyta na Kozłówce?"
OLD_ANSWER = "15:00–16:30"


@dataclass
class Reloading:
    bot: RunningBot
    data: Path
    operations: Operations


@pytest.fixture
async def reloading(fake_api: FakeBotApi, conference: Conference, tmp_path: Path) -> AsyncIterator[Reloading]:
    data = tmp_path / "event.yaml"
    shutil.copy(DATA, data)
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.migrate()
    holder: dict[str, object] = {}
    operations = Operations(
        data,
        store,
        current=lambda: holder["replier"].assistant,  # type: ignore[attr-defined]
        swap=lambda new: setattr(holder["replier"], "assistant", new),
    )
    try:
        async with running_bot(
            fake_api, conference, store=store, operations=operations, admins=frozenset({ADMIN})
        ) as bot:
            holder["replier"] = bot.application.bot_data["replier"]
            yield Reloading(bot, data, operations)
    finally:
        await store.close()


def _replace_with(path: Path, make: Callable[[Path], None]) -> None:
    path.unlink(missing_ok=True)
    make(path)


# (attack, what the reply must say, text of the file that must not come back)
CASES = [
    ("billion-laughs", "za dużo elementów", "lol"),
    ("deep-nesting", "za głębokie zagnieżdżenie", "[[["),
    ("oversize", "plik jest za duży", "Sesja"),
    ("invalid-utf8", "plik nie jest w UTF-8: bajt 0xFF, wiersz 11", "Rozmowy"),
    ("python-tag", "niedozwolony znacznik YAML '!!python/name:os.system'", "Miejsca Otwarte na"),
    ("shadow-like", "to nie wygląda na plik z danymi wydarzenia", "saltsalt"),
    ("control-character", "niedozwolony znak sterujący U+0000", "Rozmowy"),
    ("long-line", "tekst jest za długi", "xxxxxxxx"),
]


@pytest.mark.parametrize(("attack", "said", "content"), CASES, ids=[c[0] for c in CASES])
async def test_reload_refuses_a_hostile_file_and_keeps_answering(
    reloading: Reloading, attack: str, said: str, content: str
) -> None:
    bot = reloading.bot
    reloading.data.write_bytes(hostile.ATTACKS[attack]())
    started = time.perf_counter()
    [reply] = await bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
    assert time.perf_counter() - started < 5  # a guard: refusals take milliseconds (docs/benchmarks.md)
    text = parse_telegram_html(reply.text)
    assert text.startswith("Plik z danymi ma błędy (1) — zostaje poprzedni program:")
    assert "event.yaml" in text and said in text
    assert content not in text
    assert len(reply.text) < 1000
    [answer] = await bot.say(updates.message(GUEST, QUESTION), GUEST)
    assert OLD_ANSWER in parse_telegram_html(answer.text)


async def test_reload_refuses_what_is_not_a_file_and_recovers(reloading: Reloading) -> None:
    bot = reloading.bot
    for make, said in [
        (os.mkfifo, "nie jest zwykły plik"),  # must not wait for a writer
        (lambda p: p.mkdir(), "to jest katalog"),
    ]:
        _replace_with(reloading.data, make)
        [reply] = await bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
        text = parse_telegram_html(reply.text)
        assert "zostaje poprzedni program" in text and said in text and "event.yaml" in text
        [answer] = await bot.say(updates.message(GUEST, QUESTION), GUEST)
        assert OLD_ANSWER in parse_telegram_html(answer.text)
        if reloading.data.is_dir():
            reloading.data.rmdir()
        else:
            reloading.data.unlink()
    # A good file again: the bot took no harm and reloads it.
    shutil.copy(DATA, reloading.data)
    [reply] = await bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
    assert "Zmiany w programie: 0" in parse_telegram_html(reply.text)


async def test_reload_lists_a_few_of_many_problems(reloading: Reloading) -> None:
    bot = reloading.bot
    text = hostile.shipped().replace("    roles: [", "    roles: [" + "sponsor, " * 3000, 1)
    reloading.data.write_text(text, encoding="utf-8")
    [reply] = await bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
    shown = parse_telegram_html(reply.text).splitlines()
    assert shown[0] == "Plik z danymi ma błędy (3000) — zostaje poprzedni program:"
    assert len(shown) == 12 and shown[-1] == "…i 2\u00a0990 innych problemów"
    [answer] = await bot.say(updates.message(GUEST, QUESTION), GUEST)
    assert OLD_ANSWER in parse_telegram_html(answer.text)


async def test_reload_keeps_to_the_configured_size(reloading: Reloading) -> None:
    reloading.operations.data_max_bytes = 10_000  # serve.py passes settings.data_max_bytes
    [reply] = await reloading.bot.say(updates.message(ADMIN, "/przeladuj"), ADMIN)
    text = parse_telegram_html(reply.text)
    assert "plik jest za duży: 0,02 MB, a limit to 0,01 MB (zmień BOT_DATA_MAX_MB" in text
