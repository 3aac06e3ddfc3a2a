"""c3voc/pretalx schedule.json, pretalx widget JSON and pretalx API submissions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bot import cli
from bot.document import DataError
from bot.formats import read_programme
from bot.formats.pretalx import i18n
from tests.bot.formats.helpers import fixture_path, sessions, validate


def raw(name: str) -> Any:
    return json.loads(fixture_path(name).read_text("utf-8"))


def read(data: Any, name: str = "schedule.json", timezone: str | None = None) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=1)
    return read_programme(text.encode("utf-8"), name, timezone=timezone)


# --- the real exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["c3voc-camp2019.json", "pretalx-c3voc-rc3-channels-2020.json"])
def test_a_real_schedule_json_keeps_every_session_speaker_and_room(name: str) -> None:
    conference = raw(name)["schedule"]["conference"]
    events = [e for day in conference["days"] for room in day["rooms"].values() for e in room]
    persons = {}
    for event in events:
        for p in event["persons"]:
            key = next(str(p[k]) for k in ("guid", "code", "id") if p.get(k) not in (None, ""))
            persons[key] = p.get("public_name") or p.get("name")
    rooms = {room for day in conference["days"] for room in day["rooms"]}

    document, warnings = read_programme(fixture_path(name).read_bytes(), name)
    validate(document)
    got = sessions(document)
    assert len(got) == len(events)
    assert sorted(s["title"] for s in got) == sorted(" ".join(e["title"].split()) for e in events)
    assert len(document["speakers"]) == len(persons)
    assert {s["name"] for s in document["speakers"]} == {" ".join(n.split()) for n in persons.values()}
    assert {r["name"] for r in document["venue"]["rooms"]} == rooms
    assert not any("answers" in w for w in warnings)  # known, deliberately not read (personal data)


def test_rc3_personal_answers_are_never_read() -> None:
    document, _ = read_programme(
        fixture_path("pretalx-c3voc-rc3-channels-2020.json").read_bytes(), "rc3.json"
    )
    assert "0160" not in json.dumps(document)  # a phone number among the speakers' answers


def test_the_widget_keeps_every_talk_break_speaker_and_room() -> None:
    name = "pretalx-widget-devopsdays-lima-2026.json"
    data = raw(name)
    document, warnings = read_programme(fixture_path(name).read_bytes(), name)
    validate(document)
    got = sessions(document)
    assert len(got) == len(data["talks"]) == 112
    assert sum(s["kind"] == "break" for s in got) == 16
    assert len(document["speakers"]) == len(data["speakers"])
    assert {r["name"] for r in document["venue"]["rooms"]} == {i18n(r["name"]) for r in data["rooms"]}
    assert {t["name"] for t in document["tracks"]} == {i18n(t["name"]) for t in data["tracks"]}
    assert document["event"]["timezone"] == "America/Lima"
    # A break's start in UTC and end in local time: 15:50Z is 10:50 in Lima.
    first_break = next(
        s for s in got if s["kind"] == "break" and s["start"] == "10:50" and s["room"] == "manchay"
    )
    assert first_break["end"] == "11:10"
    assert any("nazwy wydarzenia" in w for w in warnings)  # the widget has none


def test_the_pyconfr_api_grid_is_read_as_pretalx_submissions() -> None:
    name = "pretalx-api-grid-pyconfr-2024.json"
    data = raw(name)
    talks = [
        t
        for part in ("schedule", "sprints")
        for d in data[part].values()
        for m in d.values()
        for t in m.values()
    ]
    codes = set(data["speakers"]) | {p["code"] for t in talks for p in t["speakers"]}
    document, warnings = read_programme(fixture_path(name).read_bytes(), name)
    validate(document)
    got = sessions(document)
    assert len(got) == len(talks) == 76
    assert len(document["speakers"]) == len(codes)
    assert {r["name"] for r in document["venue"]["rooms"]} == {i18n(r["name"]) for r in data["rooms"]}
    welcome = next(s for s in got if s["title"] == "Accueil / Welcome")
    assert (welcome["kind"], welcome["start"], welcome["end"]) == ("plenary", "09:00", "09:30")
    assert "pominięto 5 pozycji z „extra”" in " ".join(warnings)  # breaks without an end or a room
    assert any("'Sprint'" in w for w in warnings)


# --- the edge cases, written for the tests -----------------------------------------------------------


def event(ident: int, date: str, duration: str, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "guid": f"00000000-0000-4000-8000-{ident:012d}",
        "date": date,
        "start": date[11:16],
        "duration": duration,
        "room": extra.pop("room", "Sala 1"),
        "slug": f"slug-{ident}",
        "title": title,
        "type": extra.pop("type", "Wykład"),
        "language": extra.pop("language", "pl"),
        "persons": extra.pop("persons", []),
        "links": extra.pop("links", []),
        **extra,
    }


SCHEDULE: dict[str, Any] = {
    "$schema": "https://c3voc.de/schedule/schema.json",
    "schedule": {
        "version": "1",
        "conference": {
            "acronym": "zjazd_2024",
            "title": "Zjazd Społeczników w Gdańsku",
            "start": "2024-10-26",
            "end": "2024-10-27",
            "daysCount": 2,
            "timeslot_duration": "00:15",
            "time_zone_name": "Europe/Warsaw",
            "days": [
                {
                    "index": 1,
                    "date": "2024-10-26",
                    "day_start": "2024-10-26T09:00:00+02:00",
                    "day_end": "2024-10-27T04:00:00+01:00",
                    "rooms": {
                        "Sala 1": [
                            event(
                                1,
                                "2024-10-26T10:00:00+02:00",
                                "01:30",
                                "Otwarcie zjazdu",
                                type="Keynote",
                                persons=[
                                    {"id": 5, "public_name": "Anna Świątek"},
                                    {"code": "ABC123", "name": "Jerzy Łoś", "biography": "<p>Działacz</p>"},
                                    {"guid": "11111111-1111-4111-8111-111111111111", "name": "Ewa Ćma"},
                                ],
                                description="<p>Powitanie &amp; <i>program</i></p>",
                                links=[
                                    "https://example.org/a",
                                    {"url": "https://example.org/b", "title": "Opis"},
                                ],
                                foo=1,
                            ),
                            event(
                                2,
                                "2024-10-27T01:30:00+02:00",
                                "03:00",
                                "Nocna dyskusja panelowa",
                                type="Panel",
                                persons=[{"id": 5, "public_name": "Anna Świątek"}],
                                foo=2,
                            ),
                        ],
                        "Sala 2": [
                            {
                                "id": 3,
                                "start": "14:00",
                                "duration": "0:45",
                                "room": "Sala 2",
                                "title": "Warsztat bez opisu",
                                "type": "Workshop",
                            }
                        ],
                    },
                },
                {
                    "index": 2,
                    "date": "2024-10-27",
                    "day_start": "2024-10-27T09:00:00+01:00",
                    "day_end": "2024-10-27T18:00:00+01:00",
                    "rooms": {
                        "Sala 1": [
                            event(4, "2024-10-27T09:00:00+01:00", "00:30", "Kawa", type="Coffee break")
                        ]
                    },
                },
            ],
        },
    },
}


def test_a_polish_schedule_json_with_its_edge_cases() -> None:
    document, warnings = read(SCHEDULE)
    validate(document)
    assert document["event"] == {
        "id": "zjazd_2024",
        "name": "Zjazd Społeczników w Gdańsku",
        "timezone": "Europe/Warsaw",
        "start_date": "2024-10-26",
        "end_date": "2024-10-27",
        "day_starts_at": "09:00",
    }
    saturday, sunday = document["days"]
    opening, workshop, night = saturday["sessions"]
    assert (opening["id"], opening["kind"], opening["start"], opening["end"]) == (
        "1",
        "plenary",
        "10:00",
        "11:30",
    )
    assert opening["speakers"] == ["anna-swiatek", "jerzy-los", "ewa-cma"]
    assert opening["description"] == (
        "Powitanie & program\n\nLinki:\n- https://example.org/a\n- Opis: https://example.org/b"
    )
    assert (workshop["kind"], workshop["start"], workshop["end"], workshop["room"]) == (
        "workshop",
        "14:00",
        "14:45",
        "sala-2",
    )
    assert "description" not in workshop and "speakers" not in workshop and "language" not in workshop
    # 01:30 CEST + 3 h across the clock going back: 03:30 CET, still Saturday's night.
    assert (night["kind"], night["start"], night["end"]) == ("panel", "01:30", "03:30")
    assert sunday["sessions"][0]["kind"] == "break"
    speakers = {s["id"]: s for s in document["speakers"]}
    assert speakers["jerzy-los"] == {"id": "jerzy-los", "name": "Jerzy Łoś", "bio": "Działacz"}
    assert len(speakers) == 3  # Anna Świątek twice, one person
    assert document["kinds"] == [
        {"id": "panel", "name": "panel", "plural": "panele", "aliases": ["dyskusja panelowa", "debata"]}
    ]
    assert [w for w in warnings if "'foo'" in w] == [
        "pominięto nieznany klucz 'foo' w wydarzeniu (2 razy, pierwszy: "
        "schedule.conference.days[0].rooms.'Sala 1'[0].foo)"
    ]


def test_a_pretalx_widget_with_mixed_offsets_and_languages() -> None:
    widget = {
        "version": "0.17",
        "timezone": "Europe/Warsaw",
        "event_start": "2024-06-01",
        "event_end": "2024-06-01",
        "rooms": [{"id": 1, "name": {"en": "Hall", "pl": "Aula Główna"}}],
        "tracks": [{"id": 9, "name": {"en": "Community"}}],
        "speakers": [{"code": "AAA111", "name": "Michał Żak", "biography": "O **mnie**"}],
        "talks": [
            {
                "code": "TALK01",
                "id": 1,
                "title": "Jak zacząć?",
                "abstract": "None",
                "speakers": ["AAA111"],
                "track": 9,
                "start": "2024-06-01T10:00:00+02:00",
                "end": "2024-06-01T10:45:00+02:00",
                "room": 1,
                "duration": 45,
                "content_locale": "pl",
            },
            {
                "id": 2,
                "title": {"en": "Break", "pl": "Przerwa"},
                "start": "2024-06-01T08:45:00Z",
                "end": "2024-06-01T11:00:00+02:00",
                "room": 1,
                "slot_type": "break",
            },
            {
                "code": "TALK02",
                "id": 3,
                "title": "Bez końca",
                "start": "2024-06-01T11:00:00+02:00",
                "duration": 30,
                "room": 1,
                "speakers": [],
            },
        ],
    }
    document, _ = read(widget, "widget.json")
    validate(document)
    talk, pause, last = sessions(document)
    assert (talk["id"], talk["title"], talk["start"], talk["end"]) == (
        "talk01",
        "Jak zacząć?",
        "10:00",
        "10:45",
    )
    assert "description" not in talk  # pretalx's "None"
    assert talk["tracks"] == ["community"] and talk["speakers"] == ["michal-zak"]
    assert (pause["title"], pause["kind"], pause["start"], pause["end"]) == (
        "Przerwa",
        "break",
        "10:45",
        "11:00",
    )
    assert (last["start"], last["end"]) == ("11:00", "11:30")
    assert document["venue"]["rooms"] == [{"id": "aula-glowna", "name": "Aula Główna"}]
    assert document["speakers"] == [{"id": "michal-zak", "name": "Michał Żak", "bio": "O mnie"}]


# --- broken files ------------------------------------------------------------------------------------


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(SCHEDULE)
    change(data["schedule"]["conference"])
    return data


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        (
            broken(lambda c: c["days"][0]["rooms"]["Sala 1"][0].update(date="2024-02-30T10:00:00+01:00")),
            "schedule.conference.days[0].rooms.'Sala 1'[0].date",
            "to nie jest data i godzina ISO 8601",
        ),
        (
            broken(lambda c: c["days"][1]["rooms"]["Sala 1"][0].update(duration="pół godziny")),
            "schedule.conference.days[1].rooms.'Sala 1'[0].duration",
            "czas trwania musi mieć postać GG:MM: 'pół godziny'",
        ),
        (broken(lambda c: c.pop("days")), "schedule.conference.days", "brak wymaganego pola days"),
        (broken(lambda c: c.update(days={"a": 1})), "schedule.conference.days", "oczekiwano listy [dni]"),
        (
            broken(lambda c: c["days"][0]["rooms"]["Sala 2"][0].pop("title")),
            "schedule.conference.days[0].rooms.'Sala 2'[0].title",
            "brak tytułu",
        ),
    ],
)
def test_a_broken_schedule_json_names_the_place(data: Any, path: str, message: str) -> None:
    with pytest.raises(DataError) as refused:
        read(data)
    issue = refused.value.issues[0]
    assert (issue.file, issue.path) == ("schedule.json", path)
    assert message in issue.message


def test_json_syntax_errors_name_the_line() -> None:
    text = json.dumps(SCHEDULE, indent=1).replace('"Otwarcie zjazdu",', '"Otwarcie zjazdu"', 1)
    line = text[: text.index('"Otwarcie zjazdu"')].count("\n") + 2
    with pytest.raises(DataError) as refused:
        read(text)
    issue = refused.value.issues[0]
    assert issue.line == line and issue.message.startswith("błąd składni JSON: brak przecinka")


def test_hostile_json_is_refused_plainly() -> None:
    deep = '{"schedule": {"conference": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    with pytest.raises(DataError, match="za głębokie zagnieżdżenie list i obiektów JSON"):
        read(deep)
    huge = '{"schedule": {"version": "1", "conference": {"title": "x", "days": [], "n": ' + "9" * 5000 + "}}}"
    with pytest.raises(DataError, match="błędna wartość JSON"):
        read(huge)


def test_check_data_on_a_broken_pretalx_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(
        json.dumps(broken(lambda c: c["days"][1]["rooms"]["Sala 1"][0].update(duration="x"))), "utf-8"
    )
    assert cli.main(["check-data", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: schedule.conference.days[1].rooms.'Sala 1'[0].duration: czas trwania" in err
    assert "Traceback" not in err


def test_a_widget_night_on_the_dst_day_and_a_broken_talk() -> None:
    widget = {
        "version": "0.17",
        "timezone": "Europe/Warsaw",
        "rooms": [{"id": 1, "name": "Scena"}],
        "speakers": [],
        "talks": [
            {
                "code": "A",
                "id": 1,
                "title": "Wieczór",
                "start": "2024-10-26T21:00:00+02:00",
                "end": "2024-10-26T23:00:00+02:00",
                "room": 1,
            },
            # 01:30 CEST to 02:30 CET: two hours; the widget has no days, so it is Sunday's.
            {
                "code": "B",
                "id": 2,
                "title": "Noc",
                "start": "2024-10-26T23:30:00Z",
                "end": "2024-10-27T01:30:00Z",
                "room": 1,
            },
        ],
    }
    document, warnings = read(widget, "widget.json")
    assert [(d["date"], [(s["start"], s["end"]) for s in d["sessions"]]) for d in document["days"]] == [
        ("2024-10-26", [("21:00", "23:00")]),
        ("2024-10-27", [("01:30", "02:30")]),
    ]
    assert "day_starts_at" not in document["event"]
    assert any("02:30" in w and "dwa razy" in w for w in warnings)
    widget["talks"][1]["start"] = "jutro"
    with pytest.raises(DataError) as refused:
        read(widget, "widget.json")
    assert refused.value.issues[0].path == "talks[1].start"


def test_a_pretalx_api_page_of_submissions() -> None:
    page = {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "code": "XYZ789",
                "title": "Otwarte dane w gminie",
                "speakers": [{"code": "SPK1", "name": "Ola Źrebiec", "biography": "Urzędniczka."}],
                "submission_type": {"en": "Workshop", "pl": "Warsztat"},
                "track": {"pl": "Samorząd"},
                "abstract": "Jak **zacząć**.",
                "description": None,
                "content_locale": "pl",
                "slots": [
                    {
                        "room": {"pl": "Sala 3"},
                        "start": "2024-05-10T10:00:00+02:00",
                        "end": "2024-05-10T11:30:00+02:00",
                    },
                    {
                        "room": {"pl": "Sala 3"},
                        "start": "2024-05-11T10:00:00+02:00",
                        "end": "2024-05-11T11:30:00+02:00",
                    },
                ],
            }
        ],
    }
    document, _ = read(page, "submissions.json", timezone="Europe/Warsaw")
    validate(document)
    first, second = sessions(document)
    assert (first["id"], first["kind"], first["title"], first["description"]) == (
        "xyz789",
        "workshop",
        "Otwarte dane w gminie",
        "Jak zacząć.",
    )
    assert (
        second["id"] == "xyz789-2"
        and first["tracks"] == ["samorzad"]
        and first["speakers"] == ["ola-zrebiec"]
    )
    page["results"][0]["slots"][1]["end"] = "2024-05-11T25:00:00+02:00"
    with pytest.raises(DataError) as refused:
        read(page, "submissions.json", timezone="Europe/Warsaw")
    assert refused.value.issues[0].path == "results[0].slots[1].end"
