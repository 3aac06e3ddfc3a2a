"""Answers about one thing of the programme: a session (room, people, parts, tracks) or a place."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot import texts
from bot.model import Conference, GeoPoint, Organisation, Place, Session, Speaker
from bot.polish import LANGUAGES, format_date, format_span, in_how_long, join_and, short_label, until_time
from bot.programme import LABEL_LIMIT, day_label, session_location, session_when, where
from bot.reply import Location, ReplyBuilder, bold, italic, link


def coordinates(pin: GeoPoint) -> str:
    return f"{pin.latitude:.5f}, {pin.longitude:.5f}"


def credits(people: Iterable[Speaker]) -> str:
    """ "Anna Nowak (UJ), Jan Kowalski i Ewa Wiśniewska"."""
    return join_and([p.credit for p in people])


def people_lines(out: ReplyBuilder, session: Session) -> None:
    """Who chairs and who is on: "Prowadzenie: …", "Występuje: …" / "Występują: …"."""
    if session.chairs:
        out.line(f"Prowadzenie: {credits(session.chairs)}")
    if session.speakers:
        verb = "Występuje" if len(session.speakers) == 1 else "Występują"
        out.line(f"{verb}: {credits(session.speakers)}")


def parts_lines(out: ReplyBuilder, session: Session) -> None:
    """The talks of a block, each with its time and speakers."""
    if not session.parts:
        return
    out.line("Program bloku:")
    for part in session.parts:
        speakers = f" — {credits(part.speakers)}" if part.speakers else ""
        out.line(f"• {format_span(part.start, part.end)} ", bold(part.title), speakers)


def venue_where_lines(out: ReplyBuilder, session: Session, conference: Conference) -> None:
    """ "Gdzie:" for a session at the venue: its room (name, floor, way-finding note)."""
    room = session.room
    name = room.name if room is not None else f"sala {texts.PROVISIONAL}"
    out.line(f"Gdzie: {conference.venue.located} — {name}")
    if room is not None and room.way:
        out.line(f"Jak trafić: {room.way}")


def where_lines(out: ReplyBuilder, session: Session, conference: Conference) -> None:
    """Where a session is, in a reminder: the venue and room, or the place and its address."""
    if session.at_venue:
        venue_where_lines(out, session, conference)
    elif session.place is not None:
        place = session.place
        room = f" — {session.room.name}" if session.room is not None else ""
        out.line(f"Gdzie: {place.name}" + (f", {place.locality}" if place.locality else "") + room)
    elif where(session, conference):
        out.line(f"Gdzie: {where(session, conference)}")


def place_lines(out: ReplyBuilder, place: Place) -> None:
    if place.description:
        out.line(place.description)
    locality = place.locality
    if place.address:
        out.line(f"Adres: {locality}" + (f" ({texts.PROVISIONAL})" if place.provisional else ""))
        return
    if locality:
        out.line(f"Okolica: {locality}")
    if place.location is not None and not place.provisional:
        # A field or a lake shore: no postal address, and that is no gap in the data.
        out.line(f"Bez adresu pocztowego — położenie: {coordinates(place.location)} (pinezka na mapie).")
    else:
        out.line(texts.UNKNOWN_ADDRESS)


def _organisations_line(out: ReplyBuilder, organisations: Iterable[Organisation]) -> None:
    names = ", ".join(o.name for o in organisations)
    if names:
        out.line(f"Prowadzi: {names}")


def meeting_point_lines(out: ReplyBuilder, session: Session) -> None:
    """Where a group meets before a visit, or that it is not known yet."""
    point = session.meeting_point
    if point is None:
        return
    described = point.described
    if described:
        mark = f" ({texts.PROVISIONAL})" if point.provisional else ""
        out.line(f"Miejsce zbiórki: {described}{mark}")
    else:
        out.line(texts.UNKNOWN_MEETING_POINT)


def _facts_lines(out: ReplyBuilder, session: Session) -> None:
    """Tracks, language and the session's own page."""
    if session.tracks:
        label = "Ścieżka" if len(session.tracks) == 1 else "Ścieżki"
        out.line(f"{label}: " + ", ".join(t.name for t in session.tracks))
    if session.language:  # "pl", or several: "de, en"
        codes = [code.strip() for code in session.language.split(",") if code.strip()]
        names = [LANGUAGES.get(code.lower(), code) for code in codes]
        out.line(f"{'Język' if len(names) == 1 else 'Języki'}: {', '.join(names)}")
    if session.url:
        out.line("Więcej: ", link(session.url, session.url))


def answer_session(conference: Conference, session: Session, now: datetime) -> ReplyBuilder:
    out = ReplyBuilder()
    today = conference.programme_date(now)
    out.line(bold(session.title))
    out.line(f"Kiedy: {session_when(session, today, provisional=True)}")
    if session.start > now and session.start - now < timedelta(days=2):
        out.line(f"Zaczyna się {in_how_long(session.start, now)}.")
    elif session.is_running(now):
        out.line(f"Trwa teraz — {until_time(session.end)}.")
    if session.at_venue:
        venue_where_lines(out, session, conference)
        out.suggest("Jak dojechać?", "jak dojechać?")
    elif session.place is not None:
        room = f" — {session.room.name}" if session.room is not None else ""
        out.line(f"Gdzie: {session.place.name}{room}")
        place_lines(out, session.place)
    elif session.room is not None:
        out.line(f"Gdzie: {session.room.name}")
    else:
        out.line(f"Gdzie: miejsce {texts.PROVISIONAL}")
    people_lines(out, session)
    _organisations_line(out, session.organisations)
    meeting_point_lines(out, session)
    out.location = session_location(session)
    out.subject = session.id
    if out.location is not None and out.location.approximate:
        out.line(italic(f"{texts.APPROXIMATE_PIN}."))
    if session.description:
        out.line(session.description)
    parts_lines(out, session)
    _facts_lines(out, session)
    parallel = [
        s
        for s in conference.sessions
        if s is not session and s.start == session.start and s.kind == session.kind
    ]
    if parallel:
        out.line("Równolegle: " + "; ".join(s.title for s in parallel))
    if session.kind.travel:
        kinds = session.kind.plural
        out.suggest(short_label(kinds.capitalize(), LABEL_LIMIT), f"jakie są {kinds}?")
    out.suggest(day_label(session.day), f"program na {format_date(session.day, weekday=False)}")
    return out


def answer_place(conference: Conference, place: Place, now: datetime) -> ReplyBuilder:
    sessions = conference.sessions_at(place)
    if len(sessions) == 1:
        return answer_session(conference, sessions[0], now)
    out = ReplyBuilder()
    today = conference.programme_date(now)
    out.line(bold(place.name))
    if place.organisation:
        out.line(f"Prowadzi: {place.organisation.name}")
    place_lines(out, place)
    if sessions:
        out.line(f"W programie {conference.noun.genitive}:")
        for s in sessions:
            when = session_when(s, today)
            out.line(f"• {when[:1].upper()}{when[1:]} ", bold(s.title))
        if any(s.meeting_point and s.meeting_point.provisional for s in sessions):
            out.line(texts.UNKNOWN_MEETING_POINT)
    if place.location is not None:
        pin = place.location
        approximate = pin.approximate or place.provisional
        out.location = Location(pin.latitude, pin.longitude, place.name, place.locality, approximate)
    for s in sessions:
        out.suggest(short_label(s.title, LABEL_LIMIT), s.title)
    return out
