"""Sessionize, iCalendar and spreadsheet programmes loaded as the bot loads its data: a YAML's
programme source, --data/check-data, and export --format csv of what was loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import cli, formats
from bot.document import DataError
from bot.loading import load_conference
from bot.model import Conference
from tests.bot.formats.helpers import fixture_path, sessions

SOURCES = {
    "sessionize-qa-or-the-highway-2026.json": "America/New_York",
    "sessionize-global-azure-austria-2024.json": "Europe/Vienna",
    "ics-moca-2024.ics": "Europe/Rome",
    "ics-fosdem-2024-bookmarks.ics": "Europe/Brussels",
    "csv-gpn11.csv": "Europe/Berlin",
    "xlsx-muenchen-opengov-2016.xlsx": "Europe/Berlin",
}
# What the domain model's builder does not take until the general event model lands (issue 11).
_AWAITED = ("venue.address", "venue.city")


def _load(path: Path) -> Conference:
    try:
        return load_conference(path)
    except DataError as exc:
        if all(i.path in _AWAITED or i.path.endswith(".kind") for i in exc.issues):
            pytest.skip(f"the builder does not take this yet: {exc.issues[0]}")
        raise


def _yaml(folder: Path, name: str, zone: str) -> Path:
    """A hand-written YAML (event, venue, FAQ) taking its programme from the real export."""
    shutil.copy(fixture_path(name), folder / name)
    document, _ = formats.read_programme((folder / name).read_bytes(), name, timezone=zone)
    event = document["event"]
    path = folder / "dane.yaml"
    path.write_text(
        f"event:\n  id: test\n  name: Wydarzenie testowe\n  timezone: {zone}\n"
        f"  start_date: {event['start_date']}\n  end_date: {event['end_date']}\n"
        "venue:\n  name: Centrum Kongresowe\n  address: ul. Przykładowa 1\n  city: Kraków\n"
        f"programme:\n  source: {name}\n"
        "faq:\n  - id: wifi\n    question: Czy jest wi-fi?\n    answer: Tak.\n",
        "utf-8",
    )
    return path


@pytest.mark.parametrize(("name", "zone"), SOURCES.items())
def test_a_yaml_takes_its_programme_from_the_export(tmp_path: Path, name: str, zone: str) -> None:
    path = _yaml(tmp_path, name, zone)
    document, _ = formats.read_programme(fixture_path(name).read_bytes(), name, timezone=zone)
    conference = _load(path)
    assert len(conference.sessions) == len(sessions(document))
    assert conference.venue.name == "Centrum Kongresowe"
    assert {s.title for s in conference.sessions} == {s["title"] for s in sessions(document)}


@pytest.mark.parametrize(("name", "zone"), SOURCES.items())
def test_export_csv_of_the_loaded_programme_reads_back_the_same(
    tmp_path: Path, name: str, zone: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _yaml(tmp_path, name, zone)
    _load(path)  # skips while the builder does not take it
    target = tmp_path / "program.csv"
    assert cli.main(["export", "--format", "csv", "--data", str(path), "--output", str(target)]) == 0
    again, _ = formats.read_programme(target.read_bytes(), target.name, timezone=zone)
    document, _ = formats.read_programme(fixture_path(name).read_bytes(), name, timezone=zone)
    assert sorted((s["id"], s["title"], s["start"], s["end"]) for s in sessions(again)) == sorted(
        (s["id"], s["title"], s["start"], s["end"]) for s in sessions(document)
    )
    assert {p["name"] for p in again.get("speakers", [])} == {p["name"] for p in document.get("speakers", [])}


def test_check_data_reads_a_calendar_directly(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["check-data", str(fixture_path("ics-moca-2024.ics"))])
    out, err = capsys.readouterr()
    if code == 2 and ("venue.address" in err or "brak adresu" in err):
        pytest.skip("the builder does not take a venue without an address yet")
    assert code == 0 and out.startswith("OK: ")


def test_a_broken_sheet_is_exit_2_with_its_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "program.csv"
    sheet.write_text("tytuł,data,początek\nKoncert,2024-08-02,25:61\n", "utf-8")
    source = tmp_path / "dane.yaml"
    source.write_text(
        "event:\n  id: t\n  name: T\n  timezone: Europe/Warsaw\n  start_date: 2024-08-02\n"
        "  end_date: 2024-08-02\nvenue:\n  name: V\n  address: A\n  city: C\n"
        "programme:\n  source: program.csv\n",
        "utf-8",
    )
    assert cli.main(["check-data", str(source)]) == 2
    err = capsys.readouterr().err
    assert "program.csv:2: wiersz 2, kolumna C (początek): godzina musi mieć postać GG:MM" in err
    assert "Traceback" not in err
