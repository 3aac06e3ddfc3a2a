"""The programme as iCalendar (RFC 5545), for Google Calendar, Outlook and phones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from icalendar import Calendar, Event, Timezone

from bot import texts
from bot.details import coordinates, credits
from bot.model import Conference, GeoPoint, Session
from bot.polish import format_span
from bot.programme import session_location, where


def _location(session: Session, conference: Conference) -> str:
    room = f", {session.room.name}" if session.room is not None else ""
    if session.at_venue:
        venue = conference.venue
        address = f", {venue.full_address}" if venue.full_address else ""
        return f"{venue.name}{room}{address}"
    if session.place is not None:
        place = session.place
        pin = coordinates(place.location) if place.location is not None else None
        address = place.address or place.district or pin or texts.PROVISIONAL
        return f"{place.name}{room}, {address}"
    return where(session, conference) or texts.PROVISIONAL


def _geo(session: Session, conference: Conference) -> GeoPoint | None:
    """Where the calendar's map should point: the meeting point, place or room, else the venue."""
    pin = session_location(session)
    if pin is not None:
        return GeoPoint(pin.latitude, pin.longitude)
    return conference.venue.location if session.at_venue else None


def _description(session: Session) -> str:
    lines = []
    if session.chairs:
        lines.append(f"Prowadzenie: {credits(session.chairs)}")
    if session.speakers:
        verb = "Występuje" if len(session.speakers) == 1 else "Występują"
        lines.append(f"{verb}: {credits(session.speakers)}")
    if session.organisations:
        lines.append("Prowadzi: " + ", ".join(o.name for o in session.organisations))
    if session.meeting_point is not None:
        given = session.meeting_point
        point = given.described or texts.PROVISIONAL
        lines.append(f"Miejsce zbiórki: {point}")
    if session.description:
        lines.append(session.description)
    for part in session.parts:
        speakers = f" — {credits(part.speakers)}" if part.speakers else ""
        lines.append(f"• {format_span(part.start, part.end)} {part.title}{speakers}")
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
        geo = _geo(session, conference)
        if geo is not None:
            event.add("geo", (geo.latitude, geo.longitude))
        event.add("description", _description(session))
        event.add("categories", [session.kind.name])
        if session.url:
            event.add("url", session.url)
        if session.provisional:
            event.add("status", "TENTATIVE")
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document
