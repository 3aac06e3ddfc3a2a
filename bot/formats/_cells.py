"""A programme spreadsheet's columns and what its cells hold (docs/spreadsheet.md).

The header names each column goes by, and how a cell becomes a date, a time, a duration or a list of
people — from CSV text or from XLSX values (Excel dates and times, fractions of a day).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.document import fragment
from bot.text import fold

# Each column and the header names it goes by, folded (lower case, no diacritics). The export
# writes HEADER; English names are what Google Sheets templates use, German the c3voc template's.
# fmt: off
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "identyfikator", "uid", "guid"),
    "date": ("data", "date", "datum", "day date"),
    "start": ("poczatek", "start", "od", "godzina", "godzina rozpoczecia", "rozpoczecie", "start time",
              "begin", "from", "time", "starts at", "uhrzeit", "beginn", "zeit"),
    "end": ("koniec", "end", "do", "godzina zakonczenia", "zakonczenie", "end time", "to", "ends at", "ende"),
    "duration": ("czas trwania", "duration", "dlugosc", "czas", "length", "dauer"),
    "title": ("tytul", "title", "nazwa", "temat", "session", "session title", "talk", "titel"),
    "subtitle": ("podtytul", "subtitle", "untertitel"),
    "room": ("sala", "room", "miejsce", "scena", "stage", "location", "lokalizacja", "ort", "raum", "saal"),
    "kind": ("rodzaj", "type", "kind", "typ", "format", "session type", "rodzaj sesji", "art"),
    "description": ("opis", "description", "details", "szczegoly", "beschreibung"),
    "abstract": ("streszczenie", "abstract", "summary", "zajawka", "lead", "kurzbeschreibung"),
    "speakers": ("prowadzacy", "prowadzaca", "prowadzace", "prowadzenie", "prelegent", "prelegenci",
                 "prelegentka", "prelegentki", "mowca", "mowcy", "osoby", "goscie", "wykonawca",
                 "wykonawcy", "speakers", "speaker", "persons", "person", "presenters", "presenter", "hosts",
                 "host", "performers", "vortragende", "referent", "referenten", "referentin"),
    "track": ("sciezka", "sciezki", "track", "tracks", "kategoria", "category", "categories", "topic",
              "themenfeld"),
    "language": ("jezyk", "language", "lang", "sprache"),
    "url": ("link", "url", "www", "strona", "website", "adres strony", "link do sesji"),
    "day": ("dzien", "day", "tag", "dzien programu"),
}
# fmt: on
# The header the export writes, in its order; an import reads it back.
HEADER = {
    "id": "id",
    "date": "data",
    "start": "początek",
    "end": "koniec",
    "title": "tytuł",
    "room": "sala",
    "kind": "rodzaj",
    "track": "ścieżka",
    "speakers": "prowadzący",
    "language": "język",
    "url": "link",
    "description": "opis",
    "day": "dzień",
}
MANY = frozenset({"speakers", "track"})  # may have several columns (prowadzący 1, prowadzący 2…)
REQUIRED = ("title", "start", "date")
EXCEL_EPOCH = datetime(1899, 12, 30)
# What the export puts before a text a spreadsheet would take for a formula: '=… '+… '-… '@…
FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@])")
FORMULA_START = ("=", "+", "-", "@")

_NAMES = {name: column for column, names in COLUMNS.items() for name in names}
_STRIP_HEADER = re.compile(r"[*:#()\[\]]+|\s+\d+$")  # "Prowadzący 2", "Tytuł*", "Data:"
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?)?\s*([ap]\.?m\.?)?$", re.I)
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](.+))?$")
_DATE_PL = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:[ ,]+(.+))?$")
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:min|minut|minuten|minutes|m)?\.?$", re.I)
_HOURS = re.compile(r"^(\d{1,2})[:.h](\d{2})(?::(\d{2}))?$")
_SPEAKER_ID = re.compile(r"^\d+:\s*")  # voctosched writes "12:Daniel"
_LIST_STRONG = re.compile(r"\s*[;|\n]\s*")
_LIST_WEAK = re.compile(r"\s*,\s*|\s+i\s+")


def column_of(header: Any) -> str | None:
    """The column a header names ("Początek", "START TIME", "prowadzący 2"), or None."""
    if not isinstance(header, str):
        return None
    return _NAMES.get(fold(_STRIP_HEADER.sub(" ", header)).strip())


def letter(index: int) -> str:
    """A column's letter as spreadsheets show it: 0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def plain(value: Any) -> str:
    """A cell as text (an integer stored as 3.0 is "3")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def shown(value: Any) -> str:
    """A cell quoted for a message: short and escaped."""
    return fragment(value if isinstance(value, str) else plain(value))


def names(value: Any, *, people: bool) -> list[str]:
    """People or tracks in one cell: split at ; | and line breaks — or, when the cell has none of
    these, people also at commas and " i ". voctosched's "12:Name" loses its number."""
    if value is None:
        return []
    text = plain(value)
    strong = _LIST_STRONG.search(text) is not None
    parts = _LIST_STRONG.split(text) if strong or not people else _LIST_WEAK.split(text)
    found = [part.strip() for part in parts if part.strip()]
    if found and all(_SPEAKER_ID.match(n) for n in found):
        found = [_SPEAKER_ID.sub("", n) for n in found]
    return found


def clock(value: Any) -> tuple[time | None, date | None]:
    """A time of day, and the date when the cell has one too: 22:10, 22.10, 9:30 pm, 24:00 (as
    midnight), an Excel time or date and time; (None, None) when the cell is no time."""
    if isinstance(value, datetime):
        day = value.date()
        return _round(value.time()), None if day == EXCEL_EPOCH.date() else day
    if isinstance(value, time):
        return _round(value), None
    if isinstance(value, timedelta):
        if timedelta(0) <= value < timedelta(days=1):
            return _round((datetime.min + value).time()), None
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value < 1:  # Excel's time: a fraction of a day
            minutes = round(value * 24 * 60)
            return (time(minutes // 60, minutes % 60) if minutes < 24 * 60 else time(0)), None
        return None, None
    text = str(value).strip()
    match = _DATE_ISO.match(text) or _DATE_PL.match(text)
    if match and match.group(4):
        return clock(match.group(4))[0], date_of(text[: match.start(4)].strip(" ,T"))
    match = _TIME.match(text)
    if not match:
        return None, None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(4) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None, None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour == 24 and minute == 0:
        return time(0), None
    if hour > 23 or minute > 59:
        return None, None
    return time(hour, minute), None


def _round(moment: time) -> time:
    """Excel keeps times as fractions of a day: 09:19:59.999 is 09:20."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    total = round(seconds / 60)
    return time((total // 60) % 24, total % 60)


def date_of(value: Any) -> date | None:
    """2024-08-02, 02.08.2024, 2.8.24, 02/08/2024 (the day first), an Excel date; None otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20_000 < value < 80_000:  # an Excel date the sheet did not format as one
            return (EXCEL_EPOCH + timedelta(days=int(value))).date()
        return None
    text = str(value).strip()
    try:
        if match := _DATE_ISO.match(text):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _DATE_PL.match(text):
            year = int(match.group(3))
            return date(year + 2000 if year < 100 else year, int(match.group(2)), int(match.group(1)))
    except ValueError:  # 31.02.2024
        return None
    return None


def day_of(value: Any) -> tuple[int | None, date | None]:
    """The `dzień` column: the day's number (1 is the first) or its date."""
    text = plain(value) if not isinstance(value, date) else ""
    if text.isdecimal() and 0 < int(text) < 100:
        return int(text), None
    return None, date_of(value)


def duration_of(value: Any) -> timedelta | None:
    """1:30, 90, 90 min, 1:30:00, an Excel time or fraction of a day; None otherwise."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, datetime):
        return None
    if isinstance(value, time):
        return timedelta(hours=value.hour, minutes=value.minute)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(days=value) if 0 < value < 1 else timedelta(minutes=value)
    text = str(value).strip()
    if match := _MINUTES.match(text):
        return timedelta(minutes=int(match.group(1)))
    if match := _HOURS.match(text):
        hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return None
