"""Programme exports as data files: --data, check-data, a YAML's programme source, import, export."""

from __future__ import annotations

import json
import shutil
import socket
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot import cli, formats
from bot.document import DataError, Document
from bot.loading import load_conference
from bot.model import Conference
from tests.bot.formats.helpers import fixture_path, sessions

SCHEMA = json.loads((Path(__file__).parent / "c3voc-schedule.schema.json").read_text("utf-8"))
FIXTURES = [
    "frab-31c3.xml",
    "frab-39c3-20251206.xml",
    "c3voc-camp2019.json",
    "pretalx-c3voc-rc3-channels-2020.json",
    "pretalx-widget-devopsdays-lima-2026.json",
    "pretalx-api-grid-pyconfr-2024.json",
]


def full_load(path: Path) -> Conference:
    """The whole way a data file goes: read, validated, built."""
    return load_conference(path)


FESTIVAL_YAML = """\
event:
  id: festiwal-2024
  name: Festiwal Nocy
  timezone: Europe/Warsaw
  start_date: 2024-10-26
  end_date: 2024-10-27
contact:
  name: Biuro festiwalu
  email: biuro@example.org
venue:
  name: Park Śląski
  address: ul. Parkowa 1
  city: Chorzów
  rooms:
    - id: scena-glowna
      name: Scena Główna
      floor: plener
programme:
  source: programy/noc.xml
faq:
  - id: wifi
    question: Czy jest wi-fi?
    answer: Tak.
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def night_programme(folder: Path) -> Path:
    from tests.bot.formats.test_frab import WARSAW_NIGHT

    (folder / "programy").mkdir()
    path = folder / "programy" / "noc.xml"
    path.write_text(WARSAW_NIGHT, "utf-8")
    return path


# --- a programme export as the data file -----------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_check_data_takes_a_programme_export(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_path(name)
    full_load(path)
    assert cli.main(["check-data", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK: {path}") and "ostrzeżenia programu" in out


def test_check_data_counts_rooms_people_and_tracks(capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_path("frab-39c3-20251206.xml")
    assert cli.main(["check-data", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  dzień 3: poniedziałek, 29 grudnia — 64 punkty" in out
    assert "  14 sal, 263 osoby, 7 ścieżek" in out


def test_the_document_of_an_export_is_what_import_writes(tmp_path: Path) -> None:
    path = fixture_path("c3voc-camp2019.json")
    doc = formats.load_document(path)
    assert isinstance(doc, formats.ProgrammeDocument)
    document, _ = formats.read_programme(path.read_bytes(), path.name)
    assert doc.data == document


def test_an_export_over_the_size_limit_is_refused_like_a_yaml_file() -> None:
    path = fixture_path("frab-39c3-20251206.xml")
    with pytest.raises(
        DataError, match=r"plik jest za duży: 0,7 MB, a limit to 0,1 MB \(zmień BOT_DATA_MAX_MB"
    ):
        load_conference(path, 100_000)


def test_a_programme_file_is_refused_on_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schedule.json"
    path.write_text('{"schedule": {"conference": {"title": "x",\n "days": [}}}', "utf-8")
    assert cli.main(["ask", "co teraz?", "--data", str(path)]) == 2
    assert f"{path}:2: (cały plik): błąd składni JSON" in capsys.readouterr().err


# --- a YAML file with its programme elsewhere ------------------------------------------------------


def test_a_yaml_takes_its_programme_from_the_source(tmp_path: Path) -> None:
    night_programme(tmp_path)
    path = tmp_path / "dane.yaml"
    path.write_text(FESTIVAL_YAML, "utf-8")
    doc = formats.load_document(path)
    data: dict[str, Any] = doc.data
    assert data["event"]["name"] == "Festiwal Nocy"  # the YAML's own
    assert data["event"]["day_starts_at"] == "10:00"  # the source's night belongs to its evening
    assert data["faq"][0]["id"] == "wifi" and data["contact"]["name"] == "Biuro festiwalu"
    assert data["venue"]["name"] == "Park Śląski" and data["venue"]["address"] == "ul. Parkowa 1"
    # The YAML's room (with its floor) wins over the source's of the same id; the source adds the rest.
    assert data["venue"]["rooms"] == [
        {"id": "scena-glowna", "name": "Scena Główna", "floor": "plener"},
        {"id": "sala-kameralna", "name": "Sala Kameralna"},
    ]
    assert [s["id"] for s in sessions(data)] == ["101", "102", "103", "201"]
    assert {k["id"] for k in data["kinds"]} == {"koncert", "film"}
    assert len(data["speakers"]) == 2
    conference = full_load(path)
    assert len(conference.sessions) == 4


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (f"source: http://127.0.0.1:{_closed_port()}/schedule.xml", "programme.source", "nie można pobrać"),
        ("source: ftp://127.0.0.1/schedule.xml", "programme.source", "https://"),
        ("source: programy/brak.xml", "", "nie ma takiego pliku"),
        ("source: programy/noc.xml\n  format: pretalx-widget", "", "błąd składni JSON"),
    ],
)
def test_a_bad_programme_source_is_a_data_error(tmp_path: Path, change: str, path: str, message: str) -> None:
    night_programme(tmp_path)
    data = tmp_path / "dane.yaml"
    data.write_text(FESTIVAL_YAML.replace("source: programy/noc.xml", change), "utf-8")
    with pytest.raises(DataError) as refused:
        load_conference(data)
    issue = next(i for i in refused.value.issues if message in i.message)
    assert issue.path == path


def test_days_in_the_yaml_and_in_the_source_are_refused(tmp_path: Path) -> None:
    night_programme(tmp_path)
    data = tmp_path / "dane.yaml"
    days = "days:\n  - date: 2024-10-26\n    sessions:\n      - {id: a, title: A, start: 10:00, end: 11:00}\n"
    data.write_text(FESTIVAL_YAML + days, "utf-8")
    with pytest.raises(DataError) as refused:
        load_conference(data)
    assert any(i.path == "days" and "programme.source" in i.message for i in refused.value.issues)


def test_a_yaml_day_boundary_other_than_the_sources_is_refused(tmp_path: Path) -> None:
    night_programme(tmp_path)
    data = tmp_path / "dane.yaml"
    data.write_text(
        FESTIVAL_YAML.replace("  end_date: 2024-10-27\n", "  end_date: 2024-10-27\n  day_starts_at: 04:00\n"),
        "utf-8",
    )
    doc = formats.load_document(data)
    assert [i.path for i in doc.issues] == ["event.day_starts_at"]
    assert "10:00" in doc.issues[0].message and doc.issues[0].line == 7


def test_the_source_is_read_in_the_yamls_time_zone(tmp_path: Path) -> None:
    night_programme(tmp_path)
    data = tmp_path / "dane.yaml"
    data.write_text(FESTIVAL_YAML.replace("Europe/Warsaw", "Europe/London"), "utf-8")
    doc = formats.load_document(data)
    assert sessions(doc.data)[0]["start"] == "21:30"  # 22:30 in Warsaw


# --- import ------------------------------------------------------------------------------------------


def test_import_writes_the_yaml_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "schedule.json"
    shutil.copy(fixture_path("pretalx-c3voc-rc3-channels-2020.json"), source)
    target = tmp_path / "dane.yaml"
    code = cli.main(["import", str(source), "--output", str(target), "--timezone", "Europe/Berlin"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[:3] == [
        f"Zaimportowano: {source} (c3voc/frab/pretalx schedule.json)",
        "  rC3 Channels (rc3-channels-2020), 2020-12-27 – 2020-12-30, strefa Europe/Berlin",
        "  sesje: 48, dni: 4, osoby: 56, sale: 5, ścieżki: 5",
    ]
    assert f"Zapisano: {target}" in out
    text = target.read_text("utf-8")
    assert text.startswith("# Zaimportowano z schedule.json (c3voc/frab/pretalx schedule.json)")
    assert (
        Document(str(target), text).data
        == formats.read_programme(source.read_bytes(), source.name, timezone="Europe/Berlin")[0]
    )
    assert cli.main(["check-data", str(target)]) == 0


def test_import_to_stdout_keeps_the_summary_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["import", str(fixture_path("c3voc-camp2019.json"))])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("# Zaimportowano z c3voc-camp2019.json") and "Zaimportowano:" not in out
    assert err.startswith("Zaimportowano:")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "/nie/ma/pliku.xml"], "nie ma takiego pliku"),
        (["import", "FIXTURE", "--format", "pdf"], "invalid choice: 'pdf'"),
        (
            ["import", "FIXTURE", "--timezone", "Mars/Olympus"],
            "--timezone: nieznana strefa czasowa 'Mars/Olympus'",
        ),
    ],
)
def test_import_refuses_plainly(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(fixture_path("frab-31c3.xml")) if a == "FIXTURE" else a for a in argv]
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(cli.main(argv))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# --- export ------------------------------------------------------------------------------------------


def test_export_of_the_shipped_data_as_c3voc_json_is_valid(tmp_path: Path) -> None:
    target = tmp_path / "schedule.json"
    assert cli.main(["export", "--format", "json", "--output", str(target)]) == 0
    document = json.loads(target.read_text("utf-8"))
    jsonschema.Draft6Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    events = [
        e
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for e in room
    ]
    assert len(events) == 17


def test_export_as_frab_xml_reads_back(tmp_path: Path) -> None:
    target = tmp_path / "schedule.xml"
    assert cli.main(["export", "--format", "frab-xml", "--output", str(target)]) == 0
    document, _ = formats.read_programme(target.read_bytes(), target.name)
    assert len(sessions(document)) == 17
    assert "wizyta-nad-potokiem" in {s["id"] for s in sessions(document)}


# --- the bot answering from an export ----------------------------------------------------------------


def test_the_bot_answers_from_a_frab_export(capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_path("frab-39c3-20251206.xml")
    full_load(path)
    assert cli.main(["ask", "co jest teraz?", "--data", str(path), "--now", "2025-12-27 16:10"]) == 0
    assert "All my Deutschlandtickets gone" in capsys.readouterr().out


def test_a_night_across_the_clock_change_loads_with_its_real_length(tmp_path: Path) -> None:
    path = night_programme(tmp_path)
    conference = full_load(path)
    films = conference.session("102")
    assert films is not None
    assert films.end.astimezone(UTC) - films.start.astimezone(UTC) == timedelta(hours=3)  # CEST to CET
    assert films.start.date().isoformat() == "2024-10-27"
    saturday = conference.days[0]
    assert saturday.date.isoformat() == "2024-10-26" and "102" in {s.id for s in saturday.sessions}


def test_a_programme_at_a_url_is_fetched_or_taken_as_polled(tmp_path: Path) -> None:
    """`programme.source` at a URL: downloaded at load (a local server), or given by the poll."""
    from tests.fakes.export_server import export_server

    programme = night_programme(tmp_path).read_bytes()
    with export_server() as (export, base):
        export.body = programme
        data = tmp_path / "dane.yaml"
        data.write_text(FESTIVAL_YAML.replace("source: programy/noc.xml", f"source: {base}/noc.xml"), "utf-8")
        assert len(full_load(data).sessions) == 4
        assert len(export.requests) == 1
        polled = load_conference(data, fetched={f"{base}/noc.xml": programme})
        assert len(polled.sessions) == 4 and len(export.requests) == 1  # nothing fetched again
        from bot.formats.merging import programme_url

        assert programme_url(data, 1_000_000) == (f"{base}/noc.xml", None)
