from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.ics import programme_ics
from bot.model import Conference


def test_programme_round_trips_through_icalendar(conference: Conference) -> None:
    document = programme_ics(conference, stamp=datetime(2026, 1, 1, tzinfo=UTC))
    calendar = Calendar.from_ical(document)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(conference.sessions)
    assert len(list(calendar.walk("VTIMEZONE"))) == 1
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)
    by_uid = {str(e["UID"]): e for e in events}
    visit = by_uid["wizyta-na-kozlowce@miejsca-otwarte-2023"]
    start = visit["DTSTART"].dt
    assert start == datetime(2023, 11, 29, 15, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert visit["DTSTART"].params["TZID"] == "Europe/Warsaw"
    assert visit["DTEND"].dt.hour == 16 and visit["DTEND"].dt.minute == 30
    assert "Kozłówce" in str(visit["SUMMARY"])
    assert "Fundacja Biuro Inicjatyw Społecznych" in str(visit["DESCRIPTION"])
    assert visit["DTSTAMP"].dt == datetime(2026, 1, 1, tzinfo=UTC)


def test_provisional_sessions_are_tentative_and_say_so(conference: Conference) -> None:
    calendar = Calendar.from_ical(programme_ics(conference))
    for event in calendar.walk("VEVENT"):
        session = next(s for s in conference.sessions if f"{s.id}@" in str(event["UID"]))
        assert str(event["STATUS"]) == ("TENTATIVE" if session.provisional else "CONFIRMED")
        if session.at_venue:
            assert "ul. Zabłocie 22" in str(event["LOCATION"])
        if session.provisional:
            assert "orientacyjna" in str(event["DESCRIPTION"])


def test_lines_are_folded_to_75_octets(conference: Conference) -> None:
    for line in programme_ics(conference).split(b"\r\n"):
        assert len(line) <= 75
