"""Messages the bot sends on its own: reminders before sessions."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.details import meeting_point_lines, where_lines
from bot.model import Conference, Session
from bot.polish import at_time, format_duration
from bot.programme import session_location
from bot.reply import Reply, ReplyBuilder, bold, italic


def reminder_reply(conference: Conference, session: Session, now: datetime) -> Reply:
    """ "⏰ Za 15 minut, o 15:00: …", where, the meeting point's pin for a visit, two buttons."""
    out = ReplyBuilder()
    left = session.start - now
    at = at_time(session.start)  # "o północy", never "o 00:00"
    when = f"za {format_duration(left)}, {at}" if left.total_seconds() >= 60 else f"teraz, {at}"
    out.line("⏰ ", bold(when[0].upper() + when[1:]), ": ", bold(session.title))
    where_lines(out, session, conference)
    meeting_point_lines(out, session)
    if session.provisional:
        label = texts.PROVISIONAL_TIME
        out.line(italic(f"{label[:1].upper()}{label[1:]} — program może się jeszcze zmienić."))
    out.location = session_location(session)
    out.suggest("Szczegóły", session.title)
    out.suggest("Wyłącz przypomnienia", "wyłącz przypomnienia")
    return out.build()
