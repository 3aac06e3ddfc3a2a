"""Sessionize "All data" JSON: the real exports keep every session, speaker and room; edge cases."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.document import DataError
from bot.formats import Source, detect, read_programme
from tests.bot.formats.helpers import fixture_path, problems, sessions, validate

REAL = {
    "sessionize-qa-or-the-highway-2026.json": "America/New_York",
    "sessionize-global-azure-austria-2024.json": "Europe/Vienna",
}


def _read(raw: Any, timezone: str | None = "Europe/Warsaw") -> tuple[dict[str, Any], list[str]]:
    data = raw if isinstance(raw, bytes) else json.dumps(raw, ensure_ascii=False).encode()
    return read_programme(data, "festiwal.json", timezone=timezone)


@pytest.mark.parametrize(("name", "zone"), REAL.items())
def test_a_real_export_keeps_every_session_speaker_and_room(name: str, zone: str) -> None:
    data = fixture_path(name).read_bytes()
    raw = json.loads(data)
    assert detect(Source(data, name)).name == "sessionize"  # type: ignore[union-attr]
    assert detect(Source(data, "export")).name == "sessionize"  # type: ignore[union-attr]
    document, _ = read_programme(data, name, timezone=zone)
    validate(document)
    found = sessions(document)
    assert sorted(s["title"] for s in found) == sorted(" ".join(s["title"].split()) for s in raw["sessions"])
    assert {s["name"] for s in document["speakers"]} == {p["fullName"] for p in raw["speakers"]}
    assert [r["name"] for r in document["venue"]["rooms"]] == [
        r["name"] for r in sorted(raw["rooms"], key=lambda r: r["sort"])
    ]
    assert document["event"]["timezone"] == zone
    # Every session's speakers, as the file links them.
    by_id = {s["id"]: s for s in found}
    names = {p["id"]: p["fullName"] for p in raw["speakers"]}
    speakers = {p["id"]: p["name"] for p in document["speakers"]}
    for session in raw["sessions"]:
        ours = by_id[session["id"].lower()]
        assert sorted(speakers[p] for p in ours.get("speakers", [])) == sorted(
            names[p] for p in session["speakers"]
        )
        assert ours["start"] == session["startsAt"][11:16] and ours["end"] == session["endsAt"][11:16]


def test_service_sessions_are_breaks_and_plenum_sessions_plenary() -> None:
    name = "sessionize-qa-or-the-highway-2026.json"
    document, _ = read_programme(fixture_path(name).read_bytes(), name, timezone="America/New_York")
    kinds = {s["title"]: s["kind"] for s in sessions(document)}
    assert kinds["Coffee Break"] == "break" and kinds["Lunch"] == "break"
    assert kinds["Raffle & Closing Remarks"] == "plenary"  # a service session that closes the day
    assert kinds["Ensuring Software Quality in the world of AI Developers"] == "plenary"  # a plenum keynote
    assert kinds["Break & Refreshments - 2nd floor, Traditions Room"] == "break"
    assert sum(k == "session" for k in kinds.values()) == 46 - 8 - 2


def test_local_times_without_a_zone_need_timezone() -> None:
    name = "sessionize-global-azure-austria-2024.json"
    with pytest.raises(DataError, match="--timezone") as caught:
        read_programme(fixture_path(name).read_bytes(), name)
    assert len(caught.value.issues) == 1


def _export(**changes: Any) -> dict[str, Any]:
    """A small export in Polish with the edge cases (a festival night on the DST weekend)."""
    raw: dict[str, Any] = {
        "sessions": [
            {
                "id": "101",
                "title": "Koncert: Żółć i gęślą jaźń",
                "description": "<p>Wieczór <b>muzyki</b> &amp; tańca.</p><ul><li>scena główna</li></ul>",
                "startsAt": "2024-10-26T22:10:00",
                "endsAt": "2024-10-27T01:20:00",
                "isServiceSession": False,
                "isPlenumSession": False,
                "speakers": ["a1", "a2"],
                "categoryItems": [11, 21, 31],
                "roomId": 1,
            },
            {
                "id": "102",
                "title": "Nocne kino",
                "startsAt": "2024-10-27T01:30:00",
                "endsAt": "2024-10-27T03:30:00",
                "speakers": [],
                "roomId": 2,
                "isServiceSession": False,
                "isPlenumSession": False,
                "categoryItems": [],
            },
            {
                "id": "103",
                "title": "Śniadanie",
                "startsAt": "2024-10-27T09:00:00",
                "endsAt": "2024-10-27T10:00:00",
                "isServiceSession": True,
                "isPlenumSession": True,
                "speakers": [],
                "categoryItems": [],
                "roomId": None,
            },
            {
                "id": "104",
                "title": "Warsztaty ceramiczne",
                "startsAt": "2024-10-27T10:00:00",
                "endsAt": "2024-10-27T12:00:00",
                "speakers": ["a1"],
                "categoryItems": [12],
                "roomId": 2,
                "futureField": 1,
            },
            {"id": "105", "title": "Niezaplanowane", "startsAt": None, "endsAt": None, "speakers": []},
        ],
        "speakers": [
            {
                "id": "a1",
                "firstName": "Łucja",
                "lastName": "Gęślicka",
                "fullName": "Łucja Gęślicka",
                "tagLine": "Filharmonia Śląska",
                "bio": "Skrzypaczka.\r\nUczy w Katowicach.",
                "links": [{"title": "WWW", "url": "https://example.org/lg", "linkType": "Blog"}],
                "sessions": [101, 104],
            },
            {"id": "a2", "fullName": "Zespół „Źdźbło”", "sessions": [101]},
        ],
        "rooms": [{"id": 2, "name": "Namiot Kino", "sort": 1}, {"id": 1, "name": "Scena Główna", "sort": 0}],
        "categories": [
            {
                "id": 1,
                "title": "Format",
                "items": [{"id": 11, "name": "Koncert"}, {"id": 12, "name": "Warsztaty"}],
            },
            {"id": 2, "title": "Track", "items": [{"id": 21, "name": "Muzyka"}]},
            {"id": 3, "title": "Language", "items": [{"id": 31, "name": "Polski"}]},
            {"id": 4, "title": "Level", "items": [{"id": 41, "name": "Wszyscy"}]},
        ],
        "questions": [],
    }
    raw.update(changes)
    return raw


def test_edge_cases_night_dst_html_polish_and_missing_fields() -> None:
    document, warnings = _read(_export())
    validate(document)
    assert document["event"]["start_date"] == "2024-10-26" and document["event"]["end_date"] == "2024-10-27"
    # 01:30 on the night after the concert stays with Saturday's evening programme.
    assert document["event"]["day_starts_at"] <= "09:00"
    saturday, sunday = document["days"]
    assert [s["id"] for s in saturday["sessions"]] == ["101", "102"]
    concert, cinema = saturday["sessions"]
    assert (concert["start"], concert["end"]) == (
        "22:10",
        "01:20",
    )  # past midnight: the end is not after the start
    assert (cinema["start"], cinema["end"]) == ("01:30", "03:30")  # across the DST change, in wall-clock time
    assert concert["kind"] == "koncert" and concert["language"] == "pl"
    assert concert["description"] == "Wieczór muzyki & tańca.\n\n- scena główna"
    assert [r["name"] for r in document["venue"]["rooms"]] == ["Scena Główna", "Namiot Kino"]
    assert concert["room"] == "scena-glowna" and concert["place"] == "venue"
    assert document["tracks"] == [{"id": "muzyka", "name": "Muzyka"}] and concert["tracks"] == ["muzyka"]
    people = {p["id"]: p for p in document["speakers"]}
    assert people["lucja-geslicka"]["affiliation"] == "Filharmonia Śląska"
    assert people["lucja-geslicka"]["bio"] == "Skrzypaczka.\nUczy w Katowicach."
    assert people["lucja-geslicka"]["links"] == ["https://example.org/lg"]
    assert concert["speakers"] == ["lucja-geslicka", "zespol-zdzblo"]
    breakfast, workshop = sunday["sessions"]
    assert breakfast["kind"] == "break" and "room" not in breakfast and "speakers" not in breakfast
    assert "description" not in breakfast and "tracks" not in breakfast
    assert workshop["kind"] == "workshop"
    assert any("'futureField'" in w for w in warnings)  # an unknown field: one warning naming it
    assert any("Niezaplanowane" in w for w in warnings)  # not scheduled: skipped, said
    assert any("'Level'" in w for w in warnings)


def test_the_same_file_gives_the_same_ids() -> None:
    first, _ = _read(_export())
    second, _ = _read(_export())
    assert first == second


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"sessions": [}', r"festiwal.json:1: \(cały plik\): błąd składni JSON"),
        (json.dumps({"sessions": {"a": 1}}).encode(), "brak listy „sessions”"),
        (
            json.dumps(
                _export(sessions=[{"id": "1", "title": "X", "startsAt": "jutro", "speakers": []}])
            ).encode(),
            r"festiwal.json: sessions\[0\].startsAt: data i godzina muszą mieć postać .*'jutro'",
        ),
        (
            json.dumps(_export(rooms=[{"id": 1, "name": None}])).encode(),
            r"rooms\[0\].name: sala bez nazwy",
        ),
        ('{"sessions": []}'.encode("utf-16"), "nie jest w UTF-8"),
    ],
)
def test_a_broken_export_is_a_data_error_with_its_place(data: bytes, expected: str) -> None:
    with pytest.raises(DataError) as caught:
        read_programme(data, "festiwal.json", timezone="Europe/Warsaw", format="sessionize")
    assert any(re.search(expected, p) for p in problems(caught.value)), problems(caught.value)
