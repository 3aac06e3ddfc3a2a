"""handlers/uploads.py without a channel: expiry, the bound on waiting uploads, a reload that fails
after the swap, two taps at once, and the preview's Polish number agreement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.changes import programme_diff
from bot.clock import FixedClock, parse_now
from bot.loading import load_conference
from bot.store.store import Store
from handlers.operations import Operations
from handlers.reports import upload_preview_reply, upload_result_reply
from handlers.uploads import Outcome, Preview, Uploads
from tests.bot.formats.test_frab import WARSAW_NIGHT
from tests.bot.formats.test_loading_hook import FESTIVAL_YAML

FESTIVAL = Path(__file__).resolve().parents[1] / "data" / "festiwal-dzwieki-doliny.yaml"


@dataclass
class Setup:
    uploads: Uploads
    operations: Operations
    clock: list[float]
    folder: Path


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    """A YAML data file whose programme is a local frab export (programy/noc.xml)."""
    data = tmp_path / "dane.yaml"
    data.write_text(FESTIVAL_YAML, "utf-8")
    (tmp_path / "programy").mkdir()
    (tmp_path / "programy" / "noc.xml").write_text(WARSAW_NIGHT, "utf-8")
    conference = load_conference(data)
    holder = [Assistant(conference, FixedClock(parse_now("2024-10-26 20:00", conference.tz)))]
    store = Store.open(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.migrate()
    operations = Operations(
        data, store, current=lambda: holder[0], swap=lambda new: holder.__setitem__(0, new)
    )
    clock = [1_000.0]
    try:
        yield Setup(Uploads(operations, limit=2, clock=lambda: clock[0]), operations, clock, tmp_path)
    finally:
        await store.close()


def _renamed(title: str) -> bytes:
    return WARSAW_NIGHT.replace("Koncert „Żółta łódź”", title).encode()


def _staged(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.upload-*"))


async def _preview(setup: Setup, title: str) -> Preview:
    checked = await setup.uploads.check("noc.xml", _renamed(title))
    assert isinstance(checked, Preview), checked
    return checked


async def test_a_preview_expires_after_30_minutes_and_its_staged_file_goes(setup: Setup) -> None:
    preview = await _preview(setup, "Koncert A")
    assert len(_staged(setup.folder)) == 1
    setup.clock[0] += 30 * 60 + 1
    result = await setup.uploads.apply(preview.token)
    assert result.outcome is Outcome.GONE
    assert _staged(setup.folder) == []
    assert (setup.folder / "programy" / "noc.xml").read_text("utf-8") == WARSAW_NIGHT


async def test_only_the_newest_uploads_wait(setup: Setup) -> None:
    first, second, third = [await _preview(setup, f"Koncert {n}") for n in "ABC"]
    assert len(_staged(setup.folder)) == 2  # limit=2: the oldest was dropped with its file
    assert setup.uploads.drop(first.token).outcome is Outcome.GONE
    assert (await setup.uploads.apply(third.token)).outcome is Outcome.APPLIED
    # The file changed under the other one since its preview: refused, not applied over it.
    assert (await setup.uploads.apply(second.token)).outcome is Outcome.CHANGED
    assert b"Koncert C" in (setup.folder / "programy" / "noc.xml").read_bytes()
    assert _staged(setup.folder) == []


async def test_a_reload_that_fails_after_the_swap_puts_the_previous_file_back(setup: Setup) -> None:
    preview = await _preview(setup, "Koncert A")
    data = setup.operations.data_path
    data.write_text(FESTIVAL_YAML.replace("timezone: Europe/Warsaw", "timezone: Europe/Nigdzie"), "utf-8")
    result = await setup.uploads.apply(preview.token)
    assert result.outcome is Outcome.FAILED and result.reload is not None and result.reload.error is not None
    source = setup.folder / "programy" / "noc.xml"
    assert source.read_text("utf-8") == WARSAW_NIGHT  # back as it was
    assert (setup.folder / "programy" / "noc.xml.poprzedni").read_text("utf-8") == WARSAW_NIGHT
    said = upload_result_reply(result).plain_text
    assert said.startswith("Przywróciłem poprzedni plik programy/noc.xml") and "Europe/Nigdzie" in said
    assert setup.operations.current().conference.session("101").title == "Koncert „Żółta łódź”"  # type: ignore[union-attr]


async def test_two_taps_at_once_apply_once(setup: Setup) -> None:
    preview = await _preview(setup, "Koncert A")
    results = await asyncio.gather(setup.uploads.apply(preview.token), setup.uploads.apply(preview.token))
    assert sorted(r.outcome for r in results) == [Outcome.ALREADY, Outcome.APPLIED]
    assert setup.uploads.drop(preview.token).outcome is Outcome.ALREADY


async def test_the_preview_agrees_in_number(tmp_path: Path) -> None:
    """2 nowe punkty / 7 nowych punktów, five shown and „…i 2 inne”; „mają … dostaną” for 2 people."""
    text = FESTIVAL.read_text("utf-8")
    old = load_conference(FESTIVAL)

    def with_new(count: int) -> Path:
        added = "".join(
            f"      - id: nowy-{n}\n        kind: koncert\n        title: Nowy {n}\n"
            f"        start: 14:0{n}\n        end: 15:00\n        place: venue\n"
            for n in range(count)
        )
        path = tmp_path / f"nowe-{count}.yaml"
        path.write_text(
            text.replace("      - id: koncert-finalowy\n", added + "      - id: koncert-finalowy\n"), "utf-8"
        )
        return path

    cases = [
        (2, "2 nowe punkty:", None, 2, "Mają je w planie 2 osoby — po zastosowaniu dostaną powiadomienie"),
        (
            7,
            "7 nowych punktów:",
            "…i 2 inne",
            5,
            "Ma je w planie 5 osób — po zastosowaniu dostanie powiadomienie",
        ),
    ]
    for count, heading, rest, people, planned in cases:
        new = load_conference(with_new(count))
        preview = Preview("t", "nowy.yaml", "event.yaml", programme_diff(old, new), old, new, people)
        said = upload_preview_reply(preview).plain_text
        assert heading in said and said.count("• „Nowy") == min(count, 5)
        assert (rest in said) if rest else ("…i" not in said)
        assert planned in said
