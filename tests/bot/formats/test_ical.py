"""iCalendar: the real files (one malformed) keep every event, speaker and room; edge cases."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.document import DataError
from bot.formats import Source, detect, read_programme
from tests.bot.formats.helpers import fixture_path, problems, sessions, validate


def _unfolded(name: str) -> str:
    return re.sub(r"\r?\n[ \t]", "", fixture_path(name).read_text(encoding="utf-8"))


def _calendar(*events: str, head: str = "X-WR-CALNAME:Festiwal Łąka\nX-WR-TIMEZONE:Europe/Warsaw\n") -> bytes:
    body = "".join(f"BEGIN:VEVENT\n{event.strip()}\nEND:VEVENT\n" for event in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//PL\n{head}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def _read(data: bytes, timezone: str | None = None) -> tuple[dict[str, Any], list[str]]:
    return read_programme(data, "kalendarz.ics", timezone=timezone)


def test_the_malformed_moca_calendar_keeps_every_event_speaker_and_room() -> None:
    name = "ics-moca-2024.ics"
    text = _unfolded(name)
    data = fixture_path(name).read_bytes()
    assert detect(Source(data, "schedule")).name == "ical"  # type: ignore[union-attr]
    document, warnings = read_programme(data, name)
    validate(document)
    found = sessions(document)
    assert len(found) == text.count("BEGIN:VEVENT") == 88
    assert {r["name"] for r in document["venue"]["rooms"]} == set(
        re.findall(r"^LOCATION: ?(.+?)\r?$", text, re.M)
    )
    # The generator writes the speaker as the organiser's name, under one shared address.
    # A CN of several names (CN=Anna, Jan: a parameter's list, RFC 5545) is several people.
    organisers = re.findall(r"^ORGANIZER;CN=(.+?):MAILTO", text, re.M)
    assert {p["name"] for p in document["speakers"]} == {
        n.strip() for cn in organisers for n in cn.split(",")
    }
    assert len({s["id"] for s in found}) == 88  # 87 of 88 UIDs are shared: ids come from the titles too
    assert document["event"]["timezone"] == "Europe/Rome"  # from the bare "VTIMEZONE: Europe/Rome" line
    first = next(s for s in found if s["title"] == "Opening Keynote")
    assert (first["start"], first["end"]) == ("12:00", "13:00")  # 10:00Z in Rome's summer time
    # Each kind of problem once, with its line and how many more there are.
    assert any(w.startswith("wiersz 4: spacja po dwukropku") and "i jeszcze" in w for w in warnings)
    assert any(w.startswith("wiersz 4: strefa zapisana jako właściwość VTIMEZONE") for w in warnings)
    assert len(warnings) == len(set(warnings)) < 8


def test_the_fosdem_bookmarks_keep_every_event_speaker_room_and_track() -> None:
    name = "ics-fosdem-2024-bookmarks.ics"
    text = _unfolded(name)
    document, warnings = read_programme(fixture_path(name).read_bytes(), name, timezone="Europe/Brussels")
    validate(document)
    found = sessions(document)
    assert len(found) == text.count("BEGIN:VEVENT") == 26
    assert {r["name"] for r in document["venue"]["rooms"]} == set(
        re.findall(r"^LOCATION:(.+?)\r?$", text, re.M)
    )
    assert {p["name"] for p in document["speakers"]} == set(
        re.findall(r'^ATTENDEE;.*CN="([^"]+)"', text, re.M)
    )
    assert {t["name"] for t in document["tracks"]} == set(re.findall(r"^CATEGORIES:(.+?)\r?$", text, re.M))
    semver = next(s for s in found if s["title"].startswith("SemVer in the Rust ecosystem"))
    assert (semver["start"], semver["end"]) == ("10:30", "11:10")  # 09:30Z in Brussels in February
    assert semver["url"].startswith("https://fosdem.org/2024/schedule/event/")
    # The HTML description keeps the paragraphs the folded plain one loses.
    assert "simple: breaking changes require major versions." in semver["description"]
    assert "\n\nNone of those statements are true!" in semver["description"]
    assert not any("Etc/UTC" in w for w in warnings)


def test_utc_only_without_timezone_is_taken_as_utc_with_a_warning() -> None:
    name = "ics-fosdem-2024-bookmarks.ics"
    document, warnings = read_programme(fixture_path(name).read_bytes(), name)
    assert document["event"]["timezone"] == "Etc/UTC"
    assert any("--timezone" in w for w in warnings)


def test_edge_cases_dst_night_duration_polish_and_repeats() -> None:
    data = _calendar(
        # The night the clocks go back in Warsaw (last Sunday of October): wall-clock times kept.
        "UID:noc\nDTSTART;TZID=Europe/Warsaw:20241027T013000\nDTEND;TZID=Europe/Warsaw:20241027T033000\n"
        "SUMMARY:Nocne kino\nLOCATION:Namiot Kino",
        # UTC on both sides of the change: 09:00Z is 11:00 on Saturday and 10:00 on Sunday.
        "UID:sob\nDTSTART:20241026T090000Z\nDURATION:PT1H30M\nSUMMARY:Wykład\\, część 1\n"
        "LOCATION:Aula Łąkowa",
        "UID:nd\nDTSTART:20241027T090000Z\nDTEND:20241027T100000Z\nSUMMARY:Wykład\\, część 2\n"
        "LOCATION:Aula Łąkowa",
        # Past midnight, floating time (the calendar's X-WR-TIMEZONE).
        "UID:koncert\nDTSTART:20241026T221000\nDTEND:20241027T012000\nSUMMARY:Koncert „Źdźbło”\n"
        "LOCATION:Scena Główna\nCATEGORIES:Muzyka,Koncerty\n"
        'ATTENDEE;CN="Zespół Źdźbło";ROLE=REQ-PARTICIPANT:https://example.org/zdzblo\n'
        "ATTENDEE;CN=Jan Gość:mailto:jan@example.org\n"
        "X-ALT-DESC;FMTTYPE=text/html:<p>Opis <b>HTML</b></p><p>drugi akapit</p>",
        "UID:kawa\nDTSTART;TZID=Europe/Warsaw:20241026T100000\nDTEND;TZID=Europe/Warsaw:20241026T103000\n"
        "SUMMARY:Kawa\nCATEGORIES:Przerwa",
        "UID:joga\nDTSTART;TZID=Europe/Warsaw:20241026T080000\nDURATION:PT45M\nSUMMARY:Joga\n"
        "RRULE:FREQ=DAILY;COUNT=3\nEXDATE;TZID=Europe/Warsaw:20241027T080000",
        "UID:caly\nDTSTART;VALUE=DATE:20241026\nDTEND;VALUE=DATE:20241027\nSUMMARY:Pole namiotowe otwarte",
        "UID:odw\nDTSTART:20241026T120000Z\nDTEND:20241026T130000Z\nSUMMARY:Odwołane\nSTATUS:CANCELLED",
        "UID:bez\nDTSTART;TZID=Europe/Warsaw:20241026T140000\nSUMMARY:Bez końca\nLOCATION:Aula Łąkowa",
    )
    document, warnings = _read(data)
    validate(document)
    assert document["event"]["name"] == "Festiwal Łąka" and document["event"]["timezone"] == "Europe/Warsaw"
    by_title: dict[str, list[dict[str, Any]]] = {}
    for session in sessions(document):
        by_title.setdefault(session["title"], []).append(session)
    [night] = by_title["Nocne kino"]
    assert (night["start"], night["end"]) == ("01:30", "03:30")
    assert [(s["start"], s["end"]) for s in by_title["Wykład, część 1"]] == [("11:00", "12:30")]
    assert [(s["start"], s["end"]) for s in by_title["Wykład, część 2"]] == [("10:00", "11:00")]
    [concert] = by_title["Koncert „Źdźbło”"]
    assert (concert["start"], concert["end"]) == ("22:10", "01:20")
    assert concert["description"] == "Opis HTML\n\ndrugi akapit"
    assert concert["speakers"] == ["zespol-zdzblo"] and document["speakers"][0]["links"] == [
        "https://example.org/zdzblo"
    ]
    assert len(concert["tracks"]) == 2
    assert by_title["Kawa"][0]["kind"] == "break" and "tracks" not in by_title["Kawa"][0]
    yoga = by_title["Joga"]
    assert len(yoga) == 2 and len({s["id"] for s in yoga}) == 2  # 3 days, one excluded
    assert "Pole namiotowe otwarte" not in by_title and "Odwołane" not in by_title
    [open_end] = by_title["Bez końca"]
    assert open_end["provisional"] is True and open_end["end"] == "15:00"
    # The night cinema starts after midnight, less than 3 hours after the concert: Saturday's night.
    saturday = next(d for d in document["days"] if d["date"] == "2024-10-26")
    assert night in saturday["sessions"]
    for expected in ("całodniowe", "odwołane", "goście spotkania", "godziny końca"):
        assert any(expected in w for w in warnings), (expected, warnings)


def test_an_endless_repeat_stops_where_the_calendar_ends() -> None:
    data = _calendar(
        "UID:a\nDTSTART;TZID=Europe/Warsaw:20240801T100000\nDTEND;TZID=Europe/Warsaw:20240801T110000\nSUMMARY:A",
        "UID:b\nDTSTART;TZID=Europe/Warsaw:20240804T100000\nDTEND;TZID=Europe/Warsaw:20240804T110000\nSUMMARY:B",
        "UID:c\nDTSTART;TZID=Europe/Warsaw:20240801T090000\nDURATION:PT30M\nSUMMARY:Apel\nRRULE:FREQ=DAILY",
    )
    document, warnings = _read(data)
    assert [s["title"] for s in sessions(document)].count("Apel") == 4  # 1–4 August, as the rest
    assert any("bez końca" in w for w in warnings)


def test_malformed_lines_are_skipped_with_their_line_once_per_kind() -> None:
    data = _calendar(
        "UID:1\nDTSTART:20240801T100000Z\nDTEND:20240801T110000Z\nSUMMARY:Dobre\nto nie jest właściwość",
        "UID:2\nDTSTART:2024-13-45\nSUMMARY:Zła data\nBLAH-BLAH:x",
        "UID:3\nDTSTART:20240801T120000Z\nDTEND:20240801T130000Z\nSUMMARY:Też dobre\nkolejny zły wiersz",
    )
    document, warnings = _read(data, timezone="Europe/Warsaw")
    assert [s["title"] for s in sessions(document)] == ["Dobre", "Też dobre"]
    [bad_line] = [w for w in warnings if "to nie jest właściwość iCalendar" in w]
    assert bad_line.startswith("wiersz 11:") and "i jeszcze 1 takie miejsce" in bad_line
    assert any(w.startswith("wiersz 15: DTSTART: nieczytelna wartość") for w in warnings)
    assert any("'BLAH-BLAH'" in w for w in warnings)  # an unknown property: named once


def test_a_truncated_calendar_keeps_what_was_read() -> None:
    data = _calendar("UID:1\nDTSTART:20240801T100000Z\nDTEND:20240801T110000Z\nSUMMARY:Jest")
    data = data[: data.index(b"END:VEVENT")]
    document, warnings = _read(data, timezone="Europe/Warsaw")
    assert [s["title"] for s in sessions(document)] == ["Jest"]
    assert any("urywa" in w for w in warnings)


def test_a_file_named_ics_that_is_no_calendar_is_refused() -> None:
    with pytest.raises(DataError, match=r"nie rozpoznano formatu pliku \.ics"):
        read_programme(b"event:\n  id: x\n", "kalendarz.ics")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n", r"kalendarz.ics:1: .*to nie jest plik iCalendar"),
        (_calendar(head=""), "nie ma żadnego wydarzenia"),
        (_calendar("UID:1\nSUMMARY:Bez początku"), "nie ma wydarzenia z datą i godziną"),
        (_calendar("UID:1\nDTSTART:20240801T100000\nSUMMARY:x", head=""), "--timezone"),
        (b"BEGIN:VCALENDAR\r\nSUMMARY:\xff\r\n", r"nie jest w UTF-8: bajt 0xFF, wiersz 2"),
    ],
)
def test_a_broken_calendar_is_a_data_error_with_its_place(data: bytes, expected: str) -> None:
    with pytest.raises(DataError) as caught:
        read_programme(data, "kalendarz.ics", format="ical")
    assert any(re.search(expected, p) for p in problems(caught.value)), problems(caught.value)


def test_a_zone_the_calendar_defines_itself_is_used() -> None:
    zone = (
        "BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\nDTSTART:16010101T030000\n"
        "TZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\n"
        "BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\n"
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\nEND:VTIMEZONE\n"
    )
    data = _calendar(
        "UID:1\nDTSTART;TZID=W. Europe Standard Time:20241027T013000\n"
        "DTEND;TZID=W. Europe Standard Time:20241027T033000\nSUMMARY:Outlook",
        head=zone,
    )
    document, _ = _read(data, timezone="Europe/Warsaw")
    [session] = sessions(document)
    assert (session["start"], session["end"]) == ("01:30", "03:30")


def test_too_many_occurrences_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.formats import ical

    monkeypatch.setattr(ical, "MAX_SESSIONS", 5)
    data = _calendar("UID:1\nDTSTART:20240801T100000Z\nDURATION:PT1H\nSUMMARY:Apel\nRRULE:FREQ=DAILY;COUNT=9")
    with pytest.raises(DataError, match="za dużo wydarzeń"):
        _read(data, timezone="Europe/Warsaw")
