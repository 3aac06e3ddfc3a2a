"""An organiser sends a data file as a document: checked, previewed, applied on „Zastosuj” — through
the real application over HTTP against the fake Bot API."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest

from bot.loading import load_conference
from bot.store.store import Store
from handlers.operations import Operations
from handlers.telegram.notifier import TelegramNotifier
from scheduler.fanout import FanOut
from scheduler.limiter import RateLimiter
from scheduler.reminders import Reminders
from tests.bot.formats.test_frab import WARSAW_NIGHT
from tests.bot.formats.test_loading_hook import FESTIVAL_YAML
from tests.conftest import ROOT
from tests.fakes import updates
from tests.fakes.telegram_api import Call, FakeBotApi
from tests.handlers.telegram.conftest import RunningBot, parse_telegram_html, running_bot

ADMIN = 7101
GUEST = 7102
FESTIVAL = ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml"
SCHEDULES = ROOT.parent / "shared" / "schedules"  # real public exports, read in place
_file_ids = count(1)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """SQLite only: uploads use the store just as /przeladuj does, which runs on both databases."""
    opened = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await opened.migrate()
    try:
        yield opened
    finally:
        await opened.close()


@dataclass
class Uploading:
    bot: RunningBot
    operations: Operations
    data: Path

    @property
    def api(self) -> FakeBotApi:
        return self.bot.api

    async def send(self, body: bytes, name: str, chat: int = ADMIN, **size: object) -> Call:
        """The file sent as a document; the bot's one answer."""
        document = self.api.add_file(f"file-{next(_file_ids)}", body, name, **size)  # type: ignore[arg-type]
        [answer] = await self.bot.say(updates.document(chat, document), chat)
        return answer

    async def tap(self, preview: Call, label: str, chat: int = ADMIN) -> list[Call]:
        """A tap on the preview's button with this label."""
        [data] = [str(b["callback_data"]) for b in preview.buttons() if b["text"] == label]
        return await self.tap_data(data, chat)

    async def tap_data(self, data: str, chat: int = ADMIN) -> list[Call]:
        """A tap on a button carrying `data` (a forged one, too), under a message in the chat."""
        preview = {"message_id": 1000, "date": int(time.time()), "chat": {"id": chat, "type": "private"}}
        return await self.bot.say(updates.callback(data, preview, chat_id=chat), chat)


def _staged(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.upload-*"))


@contextlib.asynccontextmanager
async def uploading(api: FakeBotApi, store: Store, data: Path, now: str) -> AsyncIterator[Uploading]:
    """The bot on `data`, with ADMIN as organiser, change notices and reminders wired as `run` does."""
    conference = load_conference(data)
    holder: dict[str, object] = {}
    operations = Operations(
        data,
        store,
        current=lambda: holder["replier"].assistant,  # type: ignore[attr-defined]
        swap=lambda new: setattr(holder["replier"], "assistant", new),
    )
    async with running_bot(
        api, conference, now=now, store=store, operations=operations, admins=frozenset({ADMIN})
    ) as bot:
        replier = bot.application.bot_data["replier"]
        holder["replier"] = replier
        notifier = TelegramNotifier(bot.application.bot, replier)
        limiter = RateLimiter(rate=1000, per_chat=0)
        operations.fanout = FanOut(store, notifier, limiter)
        operations.reminders = Reminders(
            store, notifier, lambda: replier.assistant.conference, bot.clock, limiter
        )
        for chat in (ADMIN, GUEST):
            await bot.say(updates.message(chat, "/start"), chat)
        yield Uploading(bot, operations, data)


@pytest.fixture
async def festival(fake_api: FakeBotApi, store: Store, tmp_path: Path) -> AsyncIterator[Uploading]:
    data = tmp_path / "event.yaml"
    shutil.copy(FESTIVAL, data)
    async with uploading(fake_api, store, data, "2031-08-01 12:00") as running:
        yield running


def _session(text: str, ident: str) -> tuple[int, int]:
    """Where one session's block is in the YAML text: from its `- id:` line to the next one."""
    start = text.index(f"- id: {ident}\n")
    end = text.find("      - id: ", start + 1)
    return start, end if end > 0 else len(text)


def _edit(text: str, ident: str, old: str, new: str) -> str:
    start, end = _session(text, ident)
    block = text[start:end]
    assert old in block, (ident, old)
    return text[:start] + block.replace(old, new, 1) + text[end:]


def _changed_festival() -> str:
    """One session moved, one moved elsewhere, one renamed, one removed, one added."""
    text = FESTIVAL.read_text("utf-8")
    text = _edit(
        text, "koncert-kapela", "start: 20:00\n        end: 21:30", "start: 20:30\n        end: 22:00"
    )
    text = _edit(text, "koncert-finalowy", "room: duza-scena", "room: mala-scena")
    text = _edit(text, "set-dj", "title: Nocny set DJ-a", "title: Nocny set DJ-ki")
    start, end = _session(text, "przerwa-techniczna")
    text = text[:start] + text[end:].removeprefix("      ")
    added = (
        "      - id: warsztaty-bebnow\n"
        "        kind: koncert\n"
        "        title: Warsztaty bębnów\n"
        "        start: 14:00\n"
        "        end: 15:00\n"
        "        place: venue\n"
        "        room: namiot\n"
    )
    return text.replace("      - id: koncert-finalowy\n", added + "      - id: koncert-finalowy\n", 1)


async def _plan(store: Store, chat: int, session_id: str) -> None:
    person = await store.touch("telegram", str(chat), datetime.now(UTC))
    assert await store.add_to_plan(person.id, session_id, datetime.now(UTC))


async def test_a_yaml_is_previewed_then_applied_once_with_notices(festival: Uploading) -> None:
    api, data = festival.api, festival.data
    await _plan(festival.operations.store, GUEST, "koncert-kapela")
    original = data.read_bytes()
    new = _changed_festival().encode()

    preview = await festival.send(new, "festiwal-nowy.yaml")
    text = parse_telegram_html(preview.text)
    assert "Plik „festiwal-nowy.yaml” jest poprawny. Po zastosowaniu zastąpi event.yaml." in text
    assert "Punkty programu: 8 (teraz: 8)." in text
    assert "1 nowy punkt:\n• „Warsztaty bębnów” — sobota, 2 sierpnia, 14:00–15:00" in text
    assert "1 punkt znika z programu:\n• „Przerwa techniczna na scenach” — sobota, 2 sierpnia" in text
    assert (
        "1 punkt zmienia termin:\n• „Kapela Spod Wierzby” — piątek, 1 sierpnia, 20:00–21:30 → 20:30–22:00"
        in text
    )
    assert "1 punkt zmienia miejsce:\n• „Koncert finałowy” — Duża Scena → Mała Scena" in text
    assert "1 punkt zmienia tytuł:\n• „Nocny set DJ-a” → „Nocny set DJ-ki”" in text
    assert "Ma je w planie 1 osoba — po zastosowaniu dostanie powiadomienie o zmianie." in text
    assert [b["text"] for b in preview.buttons()] == ["✅ Zastosuj", "Anuluj"]
    assert data.read_bytes() == original  # nothing applied yet
    assert len(_staged(data.parent)) == 1 and not (data.parent / "event.yaml.poprzedni").exists()
    assert len(api.sent(GUEST)) == 1  # only the /start answer

    [done] = await festival.tap(preview, "✅ Zastosuj")
    said = parse_telegram_html(done.text)
    assert (
        "Plik „festiwal-nowy.yaml” zastąpił event.yaml. "
        "Poprzednia wersja leży obok jako event.yaml.poprzedni." in said
    )
    assert "Zmiany w programie: 3; powiadomione osoby, które miały je w planie: 1" in said
    assert api.calls_of("editMessageReplyMarkup")  # the buttons are gone from the preview
    assert data.read_bytes() == new
    assert (data.parent / "event.yaml.poprzedni").read_bytes() == original
    assert _staged(data.parent) == []
    notices = [c for c in await api.wait_sent(GUEST, 2) if "Zmiana godziny" in c.text]
    assert len(notices) == 1 and "20:30–22:00" in parse_telegram_html(notices[0].text)
    answer = await festival.bot.say(updates.message(GUEST, "kiedy gra Kapela Spod Wierzby?"), GUEST)
    assert "20:30–22:00" in parse_telegram_html(answer[0].text)  # (a venue pin may follow)

    [again] = await festival.tap(preview, "✅ Zastosuj")
    assert parse_telegram_html(again.text) == "Ten plik już został zastosowany."
    assert len([c for c in api.sent(GUEST) if "Zmiana godziny" in c.text]) == 1  # told once
    assert data.read_bytes() == new


async def test_cancel_drops_the_staged_file_and_changes_nothing(festival: Uploading) -> None:
    data = festival.data
    original = data.read_bytes()
    preview = await festival.send(_changed_festival().encode(), "nowy.yml")
    assert len(_staged(data.parent)) == 1
    [edited] = await festival.tap(preview, "Anuluj")
    assert edited.method == "editMessageText"
    assert (
        parse_telegram_html(edited.text)
        == "Anulowane — plik „nowy.yml” nie został zastosowany, nic się nie zmieniło."
    )
    assert _staged(data.parent) == [] and data.read_bytes() == original
    [late] = await festival.tap(preview, "✅ Zastosuj")
    assert "nie czeka już na zatwierdzenie" in parse_telegram_html(late.text)
    assert data.read_bytes() == original
    assert festival.operations.current().conference.session("przerwa-techniczna") is not None


async def test_the_same_file_again_says_there_is_nothing_to_change(festival: Uploading) -> None:
    reply = await festival.send(festival.data.read_bytes(), "event.yaml")
    assert "jest taki sam jak obecny event.yaml" in parse_telegram_html(reply.text)
    assert reply.buttons() == [] and _staged(festival.data.parent) == []


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ("event:\n  name: [Festiwal\n", "\nnowy.yaml:3: (cały plik): błąd składni YAML"),
        (None, "\nnowy.yaml:144: days[0].sessions[2].end: koniec (09:00) nie jest po początku (20:00)"),
    ],
)
async def test_a_broken_file_lists_its_problems_and_changes_nothing(
    festival: Uploading, broken: str | None, problem: str
) -> None:
    data = festival.data
    original = data.read_bytes()
    text = broken or _edit(original.decode(), "koncert-kapela", "end: 21:30", "end: 09:00")
    reply = await festival.send(text.encode(), "nowy.yaml")
    said = parse_telegram_html(reply.text)
    assert said.startswith("Plik „nowy.yaml” ma błędy (") and "nic nie zmieniłem" in said
    assert problem in said  # named as sent, not by the server's path
    assert reply.buttons() == []
    assert data.read_bytes() == original and _staged(data.parent) == []


async def test_a_programme_export_replaces_the_yamls_local_source(
    fake_api: FakeBotApi, store: Store, tmp_path: Path
) -> None:
    data = tmp_path / "dane.yaml"
    data.write_text(FESTIVAL_YAML, "utf-8")
    (tmp_path / "programy").mkdir()
    source = tmp_path / "programy" / "noc.xml"
    source.write_text(WARSAW_NIGHT, "utf-8")
    yaml_before = data.read_bytes()
    renamed = WARSAW_NIGHT.replace(
        "<title>Koncert „Żółta łódź”</title>", "<title>Koncert „Zielona łódź”</title>"
    )
    async with uploading(fake_api, store, data, "2024-10-26 20:00") as running:
        preview = await running.send(renamed.encode(), "schedule.xml")
        text = parse_telegram_html(preview.text)
        assert "zastąpi programy/noc.xml" in text
        assert "1 punkt zmienia tytuł:\n• „Koncert „Żółta łódź”” → „Koncert „Zielona łódź”" in text
        assert "Nikt nie ma" not in text and "w planie" not in text  # a new title is told to nobody
        assert source.read_text("utf-8") == WARSAW_NIGHT
        [done] = await running.tap(preview, "✅ Zastosuj")
        assert "zastąpił programy/noc.xml" in parse_telegram_html(done.text)
        assert source.read_text("utf-8") == renamed
        assert (source.parent / "noc.xml.poprzedni").read_text("utf-8") == WARSAW_NIGHT
        assert data.read_bytes() == yaml_before  # the YAML is untouched
        concert = running.operations.current().conference.session("101")
        assert concert is not None and concert.title == "Koncert „Zielona łódź”"


async def test_a_programme_at_a_url_is_changed_there(festival: Uploading) -> None:
    data = festival.data
    url = "https://program.example.org/noc.xml"
    data.write_text(FESTIVAL_YAML.replace("source: programy/noc.xml", f"source: {url}"), "utf-8")
    before = data.read_bytes()
    reply = await festival.send(WARSAW_NIGHT.encode(), "noc.xml")
    said = parse_telegram_html(reply.text)
    assert f"Program pochodzi z adresu {url} — zmień go tam" in said
    assert reply.buttons() == [] and data.read_bytes() == before and _staged(data.parent) == []


async def test_an_export_in_another_format_than_the_data_file_is_refused(
    fake_api: FakeBotApi, store: Store, tmp_path: Path
) -> None:
    data = tmp_path / "noc.xml"
    data.write_text(WARSAW_NIGHT, "utf-8")
    real = (SCHEDULES / "c3voc-camp2019.json").read_bytes()  # a real export, read in place
    async with uploading(fake_api, store, data, "2024-10-26 20:00") as running:
        reply = await running.send(real, "camp2019.json")
        said = parse_telegram_html(reply.text)
        assert said.startswith("Program jest w pliku noc.xml, a ten plik to ")
        unknown = await running.send(b"just some notes\n", "notatki.txt")
        assert "nie rozpoznano formatu programu" in parse_telegram_html(unknown.text)
    assert data.read_text("utf-8") == WARSAW_NIGHT and _staged(tmp_path) == []


async def test_other_peoples_documents_get_the_polite_reply_and_are_never_fetched(
    festival: Uploading,
) -> None:
    reply = await festival.send(_changed_festival().encode(), "nowy.yaml", chat=GUEST)
    assert parse_telegram_html(reply.text).startswith("Nie oglądam zdjęć ani plików")
    assert festival.api.calls_of("getFile", "download") == []


async def test_a_file_too_big_is_refused_before_it_is_fetched(festival: Uploading) -> None:
    festival.operations.data_max_bytes = 10_000
    reply = await festival.send(b"x" * 100, "duzy.yaml", size=25_000_000)
    said = parse_telegram_html(reply.text)
    assert said.startswith("Ten plik jest za duży: 25 MB, a limit to 0,01 MB")
    assert festival.api.calls_of("getFile", "download") == []
    # A document without a stated size: getFile says it, still before any download.
    unsized = await festival.send(b"x" * 20_000, "duzy.yaml", sized=False)
    assert "za duży: 0,02 MB" in parse_telegram_html(unsized.text)
    assert len(festival.api.calls_of("getFile")) == 1 and festival.api.calls_of("download") == []


async def test_only_an_organiser_can_apply_and_forged_tokens_are_refused(festival: Uploading) -> None:
    data = festival.data
    original = data.read_bytes()
    preview = await festival.send(_changed_festival().encode(), "nowy.yaml")
    [refused] = await festival.tap(preview, "✅ Zastosuj", chat=GUEST)
    assert parse_telegram_html(refused.text) == "Ta komenda jest tylko dla organizatorów."
    assert data.read_bytes() == original and len(_staged(data.parent)) == 1
    for forged in ("a:apply:0123456789abcdef", "a:drop:../../event.yaml", "a:apply:", "a:apply"):
        [polite] = await festival.tap_data(forged)
        assert "nie czeka już na zatwierdzenie" in parse_telegram_html(polite.text)
    assert data.read_bytes() == original and len(_staged(data.parent)) == 1


async def test_a_file_changed_on_disk_since_the_preview_is_not_replaced(festival: Uploading) -> None:
    data = festival.data
    preview = await festival.send(_changed_festival().encode(), "nowy.yaml")
    edited_by_hand = data.read_text("utf-8").replace("Czy można przyjść z psem?", "Czy wolno przyjść z psem?")
    data.write_text(edited_by_hand, "utf-8")
    [refused] = await festival.tap(preview, "✅ Zastosuj")
    assert "Plik event.yaml zmienił się od podglądu — nic nie zastosowałem" in parse_telegram_html(
        refused.text
    )
    assert data.read_text("utf-8") == edited_by_hand
    assert _staged(data.parent) == [] and not (data.parent / "event.yaml.poprzedni").exists()


async def test_buttons_that_cannot_be_removed_do_not_stop_the_apply(festival: Uploading) -> None:
    preview = await festival.send(_changed_festival().encode(), "nowy.yaml")
    festival.api.fail("editMessageReplyMarkup", 400)  # "message is not modified", say
    [done] = await festival.tap(preview, "✅ Zastosuj")
    assert "zastąpił event.yaml" in parse_telegram_html(done.text)
    assert festival.data.read_text("utf-8") == _changed_festival()
