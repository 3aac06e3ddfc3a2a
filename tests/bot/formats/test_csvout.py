"""The CSV export: the import's own header, so export → import keeps every session, speaker and room."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from bot.formats import exporters, read_programme
from tests.bot.formats.helpers import fixture_path, validate

REAL = {
    "sessionize-qa-or-the-highway-2026.json": "America/New_York",
    "ics-moca-2024.ics": None,
    "ics-fosdem-2024-bookmarks.ics": "Europe/Brussels",
    "csv-gpn11.csv": "Europe/Berlin",
    "xlsx-muenchen-opengov-2016.xlsx": "Europe/Berlin",
}


def _export(document: dict[str, Any]) -> bytes:
    return exporters()["csv"].write(validate(document))


def _programme(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Each session with what the CSV carries, rooms and people by name (ids may be renamed)."""
    rooms = {r["id"]: r["name"] for r in document["venue"].get("rooms", [])}
    people = {p["id"]: p["name"] for p in document.get("speakers", [])}
    tracks = {t["id"]: t["name"] for t in document.get("tracks", [])}
    return sorted(
        (
            day["date"],
            s["id"],
            s["title"],
            s["start"],
            s["end"],
            rooms.get(s.get("room")),
            tuple(people[p] for p in s.get("speakers", [])),
            tuple(tracks[t] for t in s.get("tracks", [])),
            s["kind"],
            s.get("description"),
            s.get("language"),
            s.get("url"),
        )
        for day in document["days"]
        for s in day["sessions"]
    )


def _round_trip(document: dict[str, Any]) -> dict[str, Any]:
    again, _ = read_programme(_export(document), "program.csv", timezone=document["event"]["timezone"])
    validate(again)
    return again


@pytest.mark.parametrize(("name", "zone"), REAL.items())
def test_a_real_programme_survives_export_and_import(name: str, zone: str | None) -> None:
    document, _ = read_programme(fixture_path(name).read_bytes(), name, timezone=zone)
    again = _round_trip(document)
    assert _programme(again) == _programme(document)
    assert {p["name"] for p in again.get("speakers", [])} == {p["name"] for p in document.get("speakers", [])}
    assert {r["name"] for r in again["venue"].get("rooms", [])} == {
        r["name"] for r in document["venue"].get("rooms", [])
    }
    assert again["event"].get("day_starts_at") == document["event"].get("day_starts_at")


FESTIVAL: dict[str, Any] = {
    "event": {
        "id": "dzwieki-doliny-2024",
        "name": "Festiwal Dźwięki Doliny",
        "timezone": "Europe/Warsaw",
        "start_date": "2024-10-26",
        "end_date": "2024-10-27",
        "day_starts_at": "04:00",
    },
    "venue": {
        "name": "Łąka nad Sanem",
        "rooms": [{"id": "scena", "name": "Scena Główna"}, {"id": "namiot", "name": "Namiot „Źdźbło”"}],
    },
    "kinds": [
        {"id": "koncert", "name": "koncert", "plural": "koncerty"},
        {"id": "pokaz-mody", "name": "pokaz mody", "plural": "pokazy mody"},
    ],
    "tracks": [{"id": "folk", "name": "Folk, tradycja"}, {"id": "noc", "name": "Noc"}],
    "speakers": [
        {"id": "zespol", "name": "Zespół Żółć i Gęśl", "affiliation": "Rzeszów"},
        {"id": "kowalski", "name": "Kowalski, Jan"},
        {"id": "nowak", "name": "Anna Nowak"},
    ],
    "days": [
        {
            "date": "2024-10-26",
            "sessions": [
                {
                    "id": "koncert-otwarcia",
                    "kind": "koncert",
                    "title": "=Koncert otwarcia",
                    "start": "22:10",
                    "end": "01:20",
                    "place": "venue",
                    "room": "scena",
                    "tracks": ["folk", "noc"],
                    "speakers": ["zespol"],
                    "chairs": ["nowak"],
                    "description": "- pierwszy punkt\n- drugi punkt, z przecinkiem; i średnikiem",
                    "language": "pl",
                    "url": "https://example.org/koncert",
                },
                {
                    "id": "kino-nocne",
                    "kind": "pokaz-mody",
                    "title": "Pokaz o północy",
                    "start": "02:30",
                    "end": "03:30",
                    "room": "namiot",
                    "speakers": ["kowalski"],
                },
            ],
        },
        {
            "date": "2024-10-27",
            "sessions": [
                {"id": "sniadanie", "kind": "break", "title": "Śniadanie", "start": "09:00", "end": "10:00"},
                {
                    "id": "warsztat",
                    "kind": "workshop",
                    "title": "Warsztat: gęśle",
                    "start": "10:00",
                    "end": "11:30",
                    "room": "namiot",
                    "speakers": ["kowalski", "nowak"],
                },
            ],
        },
    ],
}


def test_the_header_is_the_polish_one_and_formulas_are_defused() -> None:
    data = _export(FESTIVAL)
    assert data.startswith("\ufeff".encode())  # Excel sees UTF-8 only with a BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    header = "id data początek koniec tytuł sala rodzaj ścieżka prowadzący język link opis dzień"
    assert rows[0] == header.split()
    concert, night = rows[1], rows[2]
    assert concert[4] == "'=Koncert otwarcia" and concert[11].startswith("'- pierwszy")
    assert concert[6] == "koncert" and concert[8] == "Zespół Żółć i Gęśl; Anna Nowak"  # chairs too
    # After midnight: the calendar date, and the evening it belongs to in `dzień`.
    assert (night[1], night[2], night[12]) == ("2024-10-27", "02:30", "2024-10-26")
    assert night[8] == "Kowalski, Jan;"  # a name with a comma is not split on the way back
    assert rows[3][6] == "przerwa" and rows[4][6] == "warsztat"


def test_polish_names_night_sessions_kinds_and_people_survive_the_round_trip() -> None:
    again = _round_trip(FESTIVAL)
    # The chair is a person of the session on the way back (the CSV has one column for people).
    expected = [
        (*s[:6], ("Zespół Żółć i Gęśl", "Anna Nowak"), *s[7:]) if s[1] == "koncert-otwarcia" else s
        for s in _programme(FESTIVAL)
    ]
    assert _programme(again) == expected
    assert [d["date"] for d in again["days"]] == ["2024-10-26", "2024-10-27"]
    assert "02:30" < again["event"]["day_starts_at"] <= "09:00"  # the night stays with its evening
    assert {k["id"]: k["plural"] for k in again["kinds"]} == {
        "koncert": "koncerty",
        "pokaz-mody": "pokazy mody",
    }
