"""Messages the bot sends on its own: reminders before sessions."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.details import where_lines
from bot.model import Conference, Session
from bot.polish import format_duration, format_time
from bot.programme import session_location
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
    where_lines(out, session, conference)
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
