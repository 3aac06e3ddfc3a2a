"""Exports (frab XML, c3voc JSON) and the round trips YAML → export → YAML."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot import schema
from bot.document import Document
from bot.formats import read_programme
from bot.formats.export import write_c3voc_json, write_frab_xml
from tests.bot.formats.helpers import fixture_path, validate

SCHEMA = json.loads((Path(__file__).parent / "c3voc-schedule.schema.json").read_text("utf-8"))

# A Polish festival night: rooms, kinds, tracks and people with ids unlike their names, a concert past
# midnight on the day the clocks go back, a room nobody uses yet, texts with diacritics.
FESTIVAL = """\
event:
  id: festiwal-nocy-2024
  name: Festiwal Nocy „Źródła”
  timezone: Europe/Warsaw
  start_date: 2024-10-26
  end_date: 2024-10-27
  day_starts_at: 06:00
venue:
  name: Park Śląski
  address: ul. Parkowa 1
  city: Chorzów
  rooms:
    - id: duza
      name: Duża Scena
    - id: namiot
      name: Namiot Rozmów
    - id: pusta
      name: Sala Zapasowa
kinds:
  - id: koncert
    name: koncert
    plural: koncerty
tracks:
  - id: muz
    name: Muzyka
  - id: rozm
    name: Rozmowy
speakers:
  - id: zz
    name: Zofia Żółkiewska
    bio: Wokalistka zespołu „Łąka”.
  - id: kowal
    name: Jan Kowalski
days:
  - date: 2024-10-26
    sessions:
      - id: otwarcie
        kind: plenary
        title: Otwarcie festiwalu
        start: 18:00
        end: 18:30
        place: venue
        room: duza
        speakers: [kowal]
        language: pl
      - id: koncert-laka
        kind: koncert
        title: Koncert zespołu „Łąka”
        start: 23:00
        end: 01:20
        place: venue
        room: duza
        tracks: [muz]
        speakers: [zz, kowal]
        description: |-
          Dwa sety.

          Bis o północy.
        url: https://example.org/laka
      - id: nocna-rozmowa
        kind: session
        title: Nocna rozmowa o źródłach
        start: 01:30
        end: 03:30
        place: venue
        room: namiot
        tracks: [rozm]
        speakers: [zz]
        language: pl, en
  - date: 2024-10-27
    sessions:
      - id: sniadanie
        kind: break
        title: Śniadanie
        start: 09:00
        end: 10:00
        place: venue
        room: namiot
      - id: warsztat
        kind: workshop
        title: Warsztat bębniarski
        start: 10:00
        end: 11:45
        place: venue
        room: namiot
"""


def festival() -> tuple[dict[str, Any], schema.DataFile]:
    data = Document("festiwal.yaml", FESTIVAL).data
    return data, schema.DataFile.model_validate(data)


def programme(document: dict[str, Any], bios: bool = True) -> dict[str, Any]:
    """What a round trip must keep, with rooms, tracks and people by name (ids may differ)."""
    rooms = {r["id"]: r["name"] for r in (document.get("venue") or {}).get("rooms", [])}
    people = {p["id"]: p for p in document.get("speakers", [])}
    tracks = {t["id"]: t["name"] for t in document.get("tracks", [])}
    sessions = {}
    for day in document["days"]:
        for s in day["sessions"]:
            sessions[s["id"]] = {
                "date": str(day["date"]),
                **{k: s.get(k) for k in ("title", "kind", "start", "end", "description", "language", "url")},
                "room": rooms.get(s.get("room", ""), s.get("room")),
                "tracks": [tracks[t] for t in s.get("tracks", [])],
                "speakers": [people[p]["name"] for p in s.get("speakers", [])],
            }
    event = document["event"]
    return {
        "event": {k: event.get(k) for k in ("name", "timezone", "start_date", "end_date", "day_starts_at")},
        "sessions": sessions,
        "speakers": sorted((p["name"], p.get("bio") if bios else None) for p in people.values()),
        "rooms": sorted(rooms.values()),
        "tracks": sorted(tracks.values()),
        "kinds": sorted(k["id"] for k in document.get("kinds", [])),
    }


def check_c3voc(data: bytes) -> dict[str, Any]:
    """Valid against c3voc's schema.json; the moments it marks date-time parse as ISO 8601 with an offset."""
    document = json.loads(data)
    jsonschema.Draft6Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    for day in document["schedule"]["conference"]["days"]:
        for key in ("day_start", "day_end"):
            assert datetime.fromisoformat(day[key]).tzinfo is not None
        for events in day["rooms"].values():
            for event in events:
                assert datetime.fromisoformat(event["date"]).tzinfo is not None
    return document  # type: ignore[no-any-return]


# --- round trips ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "name"), [(write_frab_xml, "schedule.xml"), (write_c3voc_json, "schedule.json")]
)
def test_yaml_to_export_to_yaml_keeps_every_session_speaker_and_room(write: Any, name: str) -> None:
    data, spec = festival()
    back, warnings = read_programme(write(spec), name)
    validate(back)
    bios = name.endswith(".json")  # frab XML has no place for a person's bio
    assert programme(back, bios) == programme(data, bios)
    assert [s["id"] for day in back["days"] for s in day["sessions"]] == [
        s["id"] for day in data["days"] for s in day["sessions"]
    ]  # our own export: the slugs are our ids
    assert not [w for w in warnings if "rodzaj" in w or "nieznany" in w]


def test_a_reimported_export_exports_the_same_again() -> None:
    _, spec = festival()
    first = write_frab_xml(spec)
    back, _ = read_programme(first, "schedule.xml")
    back["venue"].update(address="ul. Parkowa 1", city="Chorzów")
    assert write_frab_xml(schema.DataFile.model_validate(back)).count(b"<event ") == first.count(b"<event ")


@pytest.mark.parametrize(
    "name",
    [
        "frab-31c3.xml",
        "frab-39c3-20251206.xml",
        "c3voc-camp2019.json",
        "pretalx-c3voc-rc3-channels-2020.json",
        "pretalx-widget-devopsdays-lima-2026.json",
        "pretalx-api-grid-pyconfr-2024.json",
    ],
)
def test_real_programmes_survive_both_exports(name: str) -> None:
    imported, _ = read_programme(fixture_path(name).read_bytes(), name)
    spec = validate(imported)
    xml, _ = read_programme(write_frab_xml(spec), "schedule.xml")
    assert programme(xml, bios=False) == programme(imported, bios=False)
    exported = check_c3voc(write_c3voc_json(spec))
    assert sum(
        len(events) for day in exported["schedule"]["conference"]["days"] for events in day["rooms"].values()
    ) == len([s for day in imported["days"] for s in day["sessions"]])
    back, _ = read_programme(json.dumps(exported).encode(), "schedule.json")
    expected = programme(imported)
    expected["event"]["timezone"] = back["event"]["timezone"]  # Etc/GMT-1 is not written (schema)
    assert programme(back) == expected


# --- the files themselves ------------------------------------------------------------------------------


def test_the_json_export_is_valid_c3voc_json() -> None:
    _, spec = festival()
    document = check_c3voc(write_c3voc_json(spec))
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == "festiwal_nocy_2024"  # c3voc allows no hyphens there
    assert conference["time_zone_name"] == "Europe/Warsaw"
    assert [r["name"] for r in conference["rooms"]] == ["Duża Scena", "Namiot Rozmów", "Sala Zapasowa"]
    saturday = conference["days"][0]
    assert (saturday["day_start"], saturday["day_end"]) == (
        "2024-10-26T06:00:00+02:00",
        "2024-10-27T06:00:00+01:00",
    )
    concert = saturday["rooms"]["Duża Scena"][1]
    assert concert["date"] == "2024-10-26T23:00:00+02:00" and concert["duration"] == "02:20"
    assert concert["persons"][0] == {
        "name": "Zofia Żółkiewska",
        "guid": concert["persons"][0]["guid"],
        "biography": "Wokalistka zespołu „Łąka”.",
    }
    night = saturday["rooms"]["Namiot Rozmów"][0]
    # 01:30 CEST to 03:30 CET is three hours.
    assert (night["date"], night["duration"]) == ("2024-10-27T01:30:00+02:00", "03:00")


def test_guids_are_stable_across_exports() -> None:
    _, spec = festival()
    assert write_c3voc_json(spec) == write_c3voc_json(copy.deepcopy(spec))
    assert write_frab_xml(spec) == write_frab_xml(spec)


def test_the_xml_export_is_well_formed_frab() -> None:
    _, spec = festival()
    text = write_frab_xml(spec).decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<schedule>')
    assert "<time_zone_name>Europe/Warsaw</time_zone_name>" in text
    assert (
        '<day index="1" date="2024-10-26" start="2024-10-26T06:00:00+02:00" end="2024-10-27T06:00:00+01:00">'
        in text
    )
    assert "<title>Koncert zespołu „Łąka”</title>" in text and "<duration>02:20</duration>" in text
