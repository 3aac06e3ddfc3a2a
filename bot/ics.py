"""The programme as iCalendar (RFC 5545), for Google Calendar, Outlook and phones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from icalendar import Calendar, Event, Timezone

from bot import texts
from bot.model import Conference, Session
from bot.programme import where


def _location(session: Session, conference: Conference) -> str:
    if session.at_venue:
        venue = conference.venue
        room = f", {session.room}" if session.room else ""
        return f"{venue.name}{room}, {venue.full_address}"
    if session.place is not None:
        place = session.place
        address = place.address or place.district or texts.PROVISIONAL
        return f"{place.name}, {address}"
    return where(session, conference) or texts.PROVISIONAL


def _description(session: Session) -> str:
    lines = []
    if session.organisations:
        lines.append("Prowadzi: " + ", ".join(o.name for o in session.organisations))
    if session.meeting_point is not None:
        given = session.meeting_point
        point = given.described or texts.PROVISIONAL
        lines.append(f"Miejsce zbiórki: {point}")
    if session.description:
        lines.append(session.description)
    if session.provisional:
        lines.append(f"Uwaga: {texts.PROVISIONAL_TIME} — program może się zmienić.")
    return "\n".join(lines)


def _timezone(conference: Conference) -> Timezone:
    """A VTIMEZONE with the zone's real rules around the event, as RFC 5545 asks."""
    year = conference.starts_at.year
    return Timezone.from_tzinfo(
        conference.tz,
        tzid=str(conference.tz),
        first_date=date(year - 1, 1, 1),
        last_date=date(year + 1, 12, 31),
    )


def programme_ics(
    conference: Conference, sessions: Iterable[Session] | None = None, stamp: datetime | None = None
) -> bytes:
    """The given sessions (default: the whole programme) as an .ics document."""
    calendar = Calendar()
    calendar.add("prodid", f"-//konferencja-bot//{conference.event.id}//PL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", conference.event.label)
    calendar.add("x-wr-timezone", str(conference.tz))
    calendar.add_component(_timezone(conference))
    stamp = stamp or datetime.now(UTC)
    for session in sessions if sessions is not None else conference.sessions:
        event = Event()
        event.add("uid", f"{session.id}@{conference.event.id}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.start)
        event.add("dtend", session.end)
        event.add("summary", session.title)
        event.add("location", _location(session, conference))
        event.add("description", _description(session))
        if session.provisional:
            event.add("status", "TENTATIVE")
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document
