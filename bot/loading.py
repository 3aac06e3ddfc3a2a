"""Load and validate an event data file into a `Conference`, with errors that point at the line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from bot import formats, schema
from bot.document import (
    DEFAULT_MAX_BYTES,
    DataError,
    DataIssue,
    Document,
    PathKey,
    format_path,
    fragment,
    number,
)
from bot.model import (
    Building,
    Conference,
    Contact,
    Day,
    Direction,
    EventInfo,
    FaqEntry,
    GeoPoint,
    MeetingPoint,
    Note,
    Organisation,
    Place,
    Session,
    SessionKind,
    Stop,
    Venue,
)
from bot.polish import plural

VENUE_PLACE_ID = "venue"
MAX_KNOWN_SHOWN = 5  # known ids listed when a reference points at none of them
# Different words in names and FAQ keywords: the assistant learns every one at start (morfeusz2,
# ~0.3 ms a word), so this bounds its start-up to a few seconds. A 2,000-session programme has a few
# thousand.
MAX_NAME_WORDS = 15_000
YEARS = (2000, 2100)  # the event's dates
_WORD = re.compile(r"\w+")
_TOP_KEYS = frozenset(schema.DataFile.model_fields)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DataError",
    "DataIssue",
    "format_path",
    "load_conference",
    "parse_conference",
]


_MESSAGES = {
    "missing": "brak wymaganego pola",
    "extra_forbidden": "nieznany klucz (sprawdź pisownię; dozwolone klucze: docs/data-format.md)",
    "int_parsing": "to nie jest liczba całkowita",
    "int_type": "oczekiwano liczby całkowitej",
    "float_type": "oczekiwano liczby",
    "bool_type": "oczekiwano true albo false",
    "time_type": "godzina musi mieć postać GG:MM, np. 09:30",
    "time_parsing": "godzina musi mieć postać GG:MM, np. 09:30",
    "date_type": "data musi mieć postać RRRR-MM-DD",
    "string_too_long": "tekst jest za długi",
    "float_parsing": "to nie jest liczba",
    "bool_parsing": "oczekiwano true albo false",
    "date_from_datetime_parsing": "data musi mieć postać RRRR-MM-DD",
    "date_parsing": "data musi mieć postać RRRR-MM-DD",
    "string_type": "oczekiwano tekstu",
    "list_type": "oczekiwano listy",
    "model_type": "oczekiwano sekcji z kluczami",
    "dict_type": "oczekiwano sekcji z kluczami",
    "string_too_short": "pole nie może być puste",
    "too_short": "lista nie może być pusta",
    "string_pattern_mismatch": "identyfikator może mieć tylko małe litery a–z, cyfry, '-' i '_'",
    "enum": "niedozwolona wartość",
    "greater_than_equal": "wartość za mała",
    "less_than_equal": "wartość za duża",
}


def _message(error: Any) -> str:
    kind = error["type"]
    base = _MESSAGES.get(kind)
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        expected = str(expected).replace(" or ", " lub ")
        return f"niedozwolona wartość {fragment(error.get('input'))}; dozwolone: {expected}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if base and kind.endswith("_parsing") and error.get("input") is not None:
        return f"{base}: {fragment(error['input'])}"
    return base or error["msg"]


def _pydantic_issues(doc: Document, exc: ValidationError) -> list[DataIssue]:
    issues = []
    for error in exc.errors(include_url=False):
        loc: PathKey = tuple("from" if part == "from_" else part for part in error["loc"])
        issues.append(DataIssue(doc.file, format_path(loc), doc.line_of(loc), _message(error)))
    return issues


def load_conference(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Conference:
    """Read (at most `max_bytes`), validate and build the conference; `DataError` lists every problem.

    A programme export (frab XML, pretalx JSON…: bot/formats) is read into the same document a YAML
    file gives and validated the same way; so is the programme a YAML file names in `programme`.
    """
    return conference_from(formats.load_document(path, max_bytes))


def parse_conference(text: str, file: str = "<dane>") -> Conference:
    """Validate YAML text (or a programme export's) and build the conference; `file` names it in errors."""
    return conference_from(formats.parse_document(text, file))


def conference_from(doc: Document) -> Conference:
    """Validate a read document (bot/document.py, bot/formats) and build the conference."""
    file = doc.file
    if not isinstance(doc.data, dict):
        raise DataError([DataIssue(file, "", 1, "plik musi być sekcją z kluczami (event, venue, days…)")])
    if doc.data and not _TOP_KEYS & doc.data.keys():
        # None of the keys is ours: this is some other file, so its keys are not quoted back.
        raise DataError(
            [
                DataIssue(
                    file,
                    "",
                    doc.line_of(()),
                    "to nie wygląda na plik z danymi wydarzenia: brak kluczy event, venue i days",
                )
            ]
        )
    try:
        spec = schema.DataFile.model_validate(doc.data)
    except ValidationError as exc:
        raise DataError(doc.issues + _pydantic_issues(doc, exc)) from None
    builder = _Builder(doc, spec)
    conference = builder.build()
    if doc.issues:
        raise DataError(doc.issues)
    return conference


def _note(spec: schema.NoteSpec | None) -> Note | None:
    if spec is None or spec.text is None:
        return Note("", True) if spec is not None and spec.provisional else None
    return Note(spec.text, spec.provisional)


def _meeting_point(spec: schema.MeetingPointSpec | None) -> MeetingPoint | None:
    if spec is None:
        return None
    if spec.text is None and spec.address is None and spec.location is None:
        return MeetingPoint("", True) if spec.provisional else None
    return MeetingPoint(spec.text or "", spec.provisional, spec.address, _point(spec.location))


def _point(spec: schema.GeoPointSpec | None) -> GeoPoint | None:
    if spec is None:
        return None
    return GeoPoint(spec.latitude, spec.longitude, spec.approximate, spec.note)


class _Builder:
    """Cross-checks the validated spec (ids, references, times) and builds domain objects."""

    def __init__(self, doc: Document, spec: schema.DataFile) -> None:
        self.doc = doc
        self.spec = spec

    def issue(self, path: PathKey, message: str) -> None:
        self.doc.issues.append(DataIssue(self.doc.file, format_path(path), self.doc.line_of(path), message))

    def unique(self, items: Iterable[tuple[PathKey, str]], what: str) -> None:
        seen: dict[str, PathKey] = {}
        for path, ident in items:
            if ident in seen:
                first = format_path(seen[ident])
                self.issue(path, f"{what} {fragment(ident)} już jest użyty w {first}")
            else:
                seen[ident] = path

    def build(self) -> Conference:
        spec = self.spec
        tz = self.timezone()
        event = spec.event
        if event.end_date < event.start_date:
            self.issue(("event", "end_date"), "koniec wydarzenia jest przed jego początkiem")
        for key in ("start_date", "end_date"):
            # Times far from now break conversions (an iCalendar export of year 1 fails in UTC).
            if not YEARS[0] <= getattr(event, key).year <= YEARS[1]:
                self.issue(("event", key), f"rok spoza zakresu {YEARS[0]}–{YEARS[1]}")

        self.unique(
            ((("organisations", i, "id"), o.id) for i, o in enumerate(spec.organisations)),
            "identyfikator organizacji",
        )
        organisations = {o.id: self.organisation(o) for o in spec.organisations}

        self.unique(((("places", i, "id"), p.id) for i, p in enumerate(spec.places)), "identyfikator miejsca")
        places: dict[str, Place] = {}
        for i, p in enumerate(spec.places):
            if p.id == VENUE_PLACE_ID:
                self.issue(
                    ("places", i, "id"), f"'{VENUE_PLACE_ID}' jest zarezerwowane dla miejsca konferencji"
                )
            org = self.ref(organisations, p.organisation, ("places", i, "organisation"), "organizacji")
            places[p.id] = Place(
                id=p.id,
                name=p.name,
                short_name=p.short_name,
                aliases=tuple(p.aliases),
                organisation=org,
                address=p.address,
                district=p.district,
                city=p.city,
                description=p.description,
                location=_point(p.location),
                map_url=p.map_url,
                provisional=p.provisional,
            )

        self.unique(
            (
                (("days", d, "sessions", s, "id"), session.id)
                for d, day in enumerate(spec.days)
                for s, session in enumerate(day.sessions)
            ),
            "identyfikator sesji",
        )
        self.unique(((("days", d, "date"), day.date.isoformat()) for d, day in enumerate(spec.days)), "dzień")
        days = tuple(self.day(d, day, tz, places, organisations) for d, day in enumerate(spec.days))
        self.unique(((("faq", i, "id"), f.id) for i, f in enumerate(spec.faq)), "identyfikator pytania")

        self.vocabulary()
        sessions = tuple(sorted((s for day in days for s in day.sessions), key=lambda s: (s.start, s.end)))
        return Conference(
            event=EventInfo(
                id=event.id,
                name=event.name,
                timezone=tz,
                start_date=event.start_date,
                end_date=event.end_date,
                short_name=event.short_name,
                edition=event.edition,
                kind=event.kind,
                motto=event.motto,
                city=event.city,
                participants=event.participants,
                topics=tuple(event.topics),
                history=event.history,
                website=event.website,
                programme_website=event.programme_website,
            ),
            venue=self.venue(spec.venue),
            days=days,
            contact=Contact(**spec.contact.model_dump()) if spec.contact else None,
            organisations=tuple(organisations.values()),
            places=tuple(places.values()),
            faq=tuple(
                FaqEntry(f.id, f.question, f.answer, tuple(f.keywords), f.provisional) for f in spec.faq
            ),
            partners_note=spec.partners_note,
            sessions=sessions,
        )

    def vocabulary(self) -> None:
        """Refuse names with more different words than the assistant can learn in a few seconds."""
        spec = self.spec
        names: list[str | None] = [spec.event.name, spec.event.short_name, spec.venue.name]
        names += [spec.venue.short_name, *spec.venue.aliases, spec.contact.name if spec.contact else None]
        for o in spec.organisations:
            names += [o.name, o.short_name, *o.aliases]
        for p in spec.places:
            names += [p.name, p.short_name, *p.aliases]
        names += [text for day in spec.days for s in day.sessions for text in (s.title, *s.aliases)]
        names += [keyword for entry in spec.faq for keyword in entry.keywords]
        words = {word for name in names if name for word in _WORD.findall(name.lower())}
        if len(words) > MAX_NAME_WORDS:
            self.issue(
                (),
                f"za dużo różnych słów w nazwach i słowach kluczowych FAQ: {number(len(words))} "
                f"(najwyżej {number(MAX_NAME_WORDS)}) — asystent uczy się każdego przy starcie",
            )

    def timezone(self) -> ZoneInfo:
        name = self.spec.event.timezone
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a directory of zones
            self.issue(("event", "timezone"), f"nieznana strefa czasowa {fragment(name)} (np. Europe/Warsaw)")
            return ZoneInfo("UTC")

    def ref(self, table: dict[str, Any], ident: str | None, path: PathKey, what: str) -> Any:
        if ident is None:
            return None
        if ident not in table:
            known = ", ".join(fragment(k).strip("'") for k in sorted(table)[:MAX_KNOWN_SHOWN]) or "brak"
            if len(table) > MAX_KNOWN_SHOWN:
                rest = len(table) - MAX_KNOWN_SHOWN
                known += f" i {rest} {plural(rest, 'inny', 'inne', 'innych')}"
            self.issue(path, f"nie ma {what} o identyfikatorze {fragment(ident)} (znane: {known})")
            return None
        return table[ident]

    def organisation(self, o: schema.OrganisationSpec) -> Organisation:
        return Organisation(
            id=o.id,
            name=o.name,
            short_name=o.short_name,
            aliases=tuple(o.aliases),
            roles=frozenset(o.roles),
            description=o.description,
            websites=tuple(o.websites),
        )

    def venue(self, v: schema.VenueSpec) -> Venue:
        return Venue(
            name=v.name,
            address=v.address,
            city=v.city,
            short_name=v.short_name,
            aliases=tuple(v.aliases),
            postal_code=v.postal_code,
            description=v.description,
            buildings=tuple(Building(b.name, b.note) for b in v.buildings),
            location=_point(v.location),
            map_url=v.map_url,
            stops=tuple(Stop(s.name, s.mode, tuple(s.lines), s.note, s.provisional) for s in v.stops),
            directions=tuple(Direction(d.from_, d.label, d.text, d.provisional) for d in v.directions),
            parking=_note(v.parking),
            accessibility=_note(v.accessibility),
            bicycles=_note(v.bicycles),
        )

    def day(
        self,
        index: int,
        d: schema.DaySpec,
        tz: ZoneInfo,
        places: dict[str, Place],
        organisations: dict[str, Organisation],
    ) -> Day:
        event = self.spec.event
        if not event.start_date <= d.date <= event.end_date:
            self.issue(
                ("days", index, "date"),
                f"dzień {d.date.isoformat()} jest poza terminem wydarzenia "
                f"({event.start_date.isoformat()} – {event.end_date.isoformat()})",
            )
        sessions = []
        for j, s in enumerate(d.sessions):
            path: PathKey = ("days", index, "sessions", j)
            start = datetime.combine(d.date, s.start, tz)
            end = datetime.combine(d.date, s.end, tz)
            if end <= start:
                self.issue((*path, "end"), f"koniec ({s.end:%H:%M}) nie jest po początku ({s.start:%H:%M})")
            at_venue = s.place == VENUE_PLACE_ID
            place = None if at_venue else self.ref(places, s.place, (*path, "place"), "miejsca")
            orgs = tuple(
                org
                for k, ident in enumerate(s.organisations)
                if (org := self.ref(organisations, ident, (*path, "organisations", k), "organizacji"))
            )
            try:
                kind = SessionKind(s.kind)
            except ValueError:  # interim: data-defined kinds come with the general event model
                self.issue((*path, "kind"), f"nieznany rodzaj {fragment(s.kind)}")
                kind = SessionKind.SESSION
            sessions.append(
                Session(
                    id=s.id,
                    kind=kind,
                    title=s.title,
                    start=start,
                    end=end,
                    day_index=index,
                    aliases=tuple(s.aliases),
                    place=place,
                    at_venue=at_venue,
                    room=s.room,
                    organisations=orgs,
                    meeting_point=_meeting_point(s.meeting_point),
                    description=s.description,
                    provisional=s.provisional or d.provisional,
                )
            )
        sessions.sort(key=lambda s: (s.start, s.end))
        return Day(
            date=d.date, index=index, title=d.title, provisional=d.provisional, sessions=tuple(sessions)
        )
