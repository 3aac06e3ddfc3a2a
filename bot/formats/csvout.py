"""The programme as a CSV spreadsheet (`python -m bot export --format csv`), in the import's header.

One session a row under the Polish header of docs/spreadsheet.md, so the file opens in Excel or
Google Sheets, can be edited there, and reads back (`python -m bot import`) with every session,
room, speaker and track. UTF-8 with a BOM (Excel needs it to see Polish letters), commas, CRLF.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot import schema
from bot.formats import Exporter
from bot.formats._cells import FORMULA_START, HEADER
from bot.formats._common import BUILTIN_NAMES


def write(spec: schema.DataFile) -> bytes:
    """The programme's sessions as CSV bytes."""
    rooms = {room.id: room.name for room in spec.venue.rooms}
    people = {person.id: person.name for person in spec.speakers}
    tracks = {track.id: track.name for track in spec.tracks}
    kinds = {kind.id: kind.name for kind in spec.kinds}
    boundary = spec.event.day_starts_at
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER.values())
    for day in spec.days:
        for session in day.sessions:
            # Listed under its evening, a session after midnight is still on the next date.
            night = boundary is not None and session.start < boundary
            calendar = day.date + timedelta(days=1) if night else day.date
            speakers = [people.get(p, p) for p in dict.fromkeys([*session.speakers, *session.chairs])]
            row = {
                "id": session.id,
                "date": calendar.isoformat(),
                "start": f"{session.start:%H:%M}",
                "end": f"{session.end:%H:%M}",
                "title": session.title,
                "room": rooms.get(session.room, session.room) if session.room else "",
                "kind": kinds.get(session.kind) or BUILTIN_NAMES.get(session.kind, (session.kind,))[0],
                "track": "; ".join(tracks.get(t, t) for t in session.tracks),
                "speakers": _people(speakers),
                "language": session.language or "",
                "url": session.url or "",
                "description": session.description or "",
                "day": day.date.isoformat() if night else "",
            }
            writer.writerow(_cell(row[column]) for column in HEADER)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _people(names: list[str]) -> str:
    """Names joined with "; " — and one name that has a comma or " i " ends with ";", so that the
    import does not split it (a semicolon in a cell makes it the only separator)."""
    text = "; ".join(names)
    if len(names) == 1 and ("," in text or " i " in text):
        text += ";"
    return text


def _cell(value: str) -> str:
    """A text a spreadsheet would run as a formula (=…, +…, -…, @…) gets a leading ' (the import
    drops it), so opening the file never runs anything."""
    return "'" + value if value.startswith(FORMULA_START) else value


EXPORTERS = (Exporter("csv", "arkusz CSV (nagłówek jak przy imporcie)", write),)
