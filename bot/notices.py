"""Messages the bot sends on its own: reminders before sessions."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.model import Conference, Session
from bot.polish import format_duration, format_time
from bot.programme import session_location, where
from bot.reply import Reply, ReplyBuilder, bold, italic


def reminder_reply(conference: Conference, session: Session, now: datetime) -> Reply:
    """ "⏰ Za 15 minut, o 15:00: …", where, the meeting point's pin for a visit, two buttons."""
    out = ReplyBuilder()
    left = session.start - now
    when = (
        f"za {format_duration(left)}, o {format_time(session.start)}"
        if left.total_seconds() >= 60
        else (f"teraz, o {format_time(session.start)}")
    )
    out.line("⏰ ", bold(when[0].upper() + when[1:]), ": ", bold(session.title))
    if session.at_venue:
        venue = conference.venue
        room = session.room or f"sala {texts.PROVISIONAL}"
        out.line(f"Gdzie: {venue.name}, {venue.full_address} — {room}")
    elif session.place is not None:
        place = session.place
        out.line(f"Gdzie: {place.name}" + (f", {place.locality}" if place.locality else ""))
    elif where(session, conference):
        out.line(f"Gdzie: {where(session, conference)}")
    point = session.meeting_point
    if point is not None:
        described = point.described
        mark = f" ({texts.PROVISIONAL})" if point.provisional else ""
        out.line(f"Miejsce zbiórki: {described}{mark}" if described else texts.UNKNOWN_MEETING_POINT)
    if session.provisional:
        out.line(italic(f"{texts.PROVISIONAL_TIME} — program może się jeszcze zmienić."))
    out.location = session_location(session)
    out.suggest("Szczegóły", session.title)
    out.suggest("Wyłącz przypomnienia", "wyłącz przypomnienia")
    return out.build()
