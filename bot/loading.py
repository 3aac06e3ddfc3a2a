"""Load and validate an event data file into a `Conference`, with errors that point at the line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
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
from bot.kinds import kind_registry
from bot.model import (
    Building,
    Conference,
    Contact,
    Day,
    Direction,
    EventInfo,
    FaqEntry,
    GeoPoint,
    Kind,
    MeetingPoint,
    Note,
    Noun,
    Organisation,
    Part,
    Place,
    Room,
    Session,
    Speaker,
    Stop,
    Track,
    Venue,
)
from bot.nouns import derived_noun, inflect
from bot.polish import plural

VENUE_PLACE_ID = "venue"
MAX_KNOWN_SHOWN = 5  # known ids listed when a reference points at none of them
# Different words in names and FAQ keywords: the assistant learns every one at start (morfeusz2,
# ~0.3 ms a word), so this bounds its start-up to a few seconds. A 2,000-session programme has a few
# thousand.
MAX_NAME_WORDS = 15_000
YEARS = (2000, 2100)  # the event's dates
# A session whose end is not after its start ends the next day (22:10–01:20); one that would then
# last longer than this is a typo (10:00–09:00) and is reported.
MAX_OVERNIGHT = timedelta(hours=12)
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


def load_conference(
    path: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetched: Mapping[str, bytes] | None = None,
    replaced: Mapping[Path, bytes] | None = None,
) -> Conference:
    """Read (at most `max_bytes`), validate and build the conference; `DataError` lists every problem.

    A programme export (frab XML, pretalx JSON…: bot/formats) is read into the same document a YAML
    file gives and validated the same way; so is the programme a YAML file names in `programme`.
    `replaced`: local files read from these bytes instead (an upload checked before it is applied).
    """
    return conference_from(formats.load_document(path, max_bytes, fetched=fetched, replaced=replaced))


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
        self.tz = ZoneInfo("UTC")
        self.organisations: dict[str, Organisation] = {}
        self.places: dict[str, Place] = {}
        self.kinds: dict[str, Kind] = {}
        self.tracks: dict[str, Track] = {}
        self.speakers: dict[str, Speaker] = {}
        self.rooms: dict[str, Room] = {}
        self.free_rooms: dict[str, Room] = {}  # free-text rooms, one object per text
        self.day_starts_at = spec.event.day_starts_at or time(0)

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
        self.tz = tz = self.timezone()
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
        self.organisations = {o.id: self.organisation(o) for o in spec.organisations}
        self.places = self.build_places()
        self.unique(((("kinds", i, "id"), k.id) for i, k in enumerate(spec.kinds)), "identyfikator rodzaju")
        self.kinds = kind_registry(spec.kinds)
        self.unique(((("tracks", i, "id"), t.id) for i, t in enumerate(spec.tracks)), "identyfikator ścieżki")
        self.tracks = {t.id: Track(t.id, t.name, tuple(t.aliases), t.description) for t in spec.tracks}
        self.unique(
            ((("speakers", i, "id"), p.id) for i, p in enumerate(spec.speakers)), "identyfikator osoby"
        )
        self.speakers = {p.id: self.speaker(p) for p in spec.speakers}
        venue = self.venue(spec.venue)

        self.unique(
            (
                (("days", d, "sessions", s, "id"), session.id)
                for d, day in enumerate(spec.days)
                for s, session in enumerate(day.sessions)
            ),
            "identyfikator sesji",
        )
        self.unique(
            (
                (("days", d, "sessions", s, "parts", k, "id"), part.id)
                for d, day in enumerate(spec.days)
                for s, session in enumerate(day.sessions)
                for k, part in enumerate(session.parts)
            ),
            "identyfikator części",
        )
        self.unique(((("days", d, "date"), day.date.isoformat()) for d, day in enumerate(spec.days)), "dzień")
        days = tuple(self.day(d, day) for d, day in enumerate(spec.days))
        self.unique(((("faq", i, "id"), f.id) for i, f in enumerate(spec.faq)), "identyfikator pytania")

        self.vocabulary()
        sessions = tuple(sorted((s for day in days for s in day.sessions), key=lambda s: (s.start, s.end)))
        used = {s.kind.id for s in sessions}
        defined = {k.id for k in spec.kinds}
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
                noun=self.noun(),
                day_starts_at=self.day_starts_at,
                motto=event.motto,
                city=event.city,
                participants=event.participants,
                topics=tuple(event.topics),
                history=event.history,
                website=event.website,
                programme_website=event.programme_website,
            ),
            venue=venue,
            days=days,
            contact=Contact(**spec.contact.model_dump()) if spec.contact else None,
            organisations=tuple(self.organisations.values()),
            places=tuple(self.places.values()),
            faq=tuple(
                FaqEntry(f.id, f.question, f.answer, tuple(f.keywords), f.provisional) for f in spec.faq
            ),
            partners_note=spec.partners_note,
            kinds=tuple(k for k in self.kinds.values() if k.id in used or k.id in defined),
            tracks=tuple(self.tracks.values()),
            speakers=tuple(self.speakers.values()),
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
        for r in spec.venue.rooms:
            names += [r.name, *r.aliases]
        for group in (spec.kinds, spec.tracks, spec.speakers):
            for item in group:
                names += [item.name, *item.aliases]
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

    def noun(self) -> Noun:
        event = self.spec.event
        if event.noun is None:
            return derived_noun(event.kind)
        noun = inflect(event.noun.strip()) if " " not in event.noun.strip() else None
        if noun is None:
            self.issue(
                ("event", "noun"),
                f"nie umiem odmienić {fragment(event.noun)} — podaj jeden polski rzeczownik w mianowniku, "
                "np. konferencja, festiwal, kongres, targi",
            )
            return derived_noun(event.kind)
        return noun

    def ref(
        self, table: dict[str, Any], ident: str | None, path: PathKey, what: str, shown: int = MAX_KNOWN_SHOWN
    ) -> Any:
        if ident is None:
            return None
        if ident not in table:
            known = ", ".join(fragment(k).strip("'") for k in sorted(table)[:shown]) or "brak"
            if len(table) > shown:
                rest = len(table) - shown
                known += f" i {rest} {plural(rest, 'inny', 'inne', 'innych')}"
            self.issue(path, f"nie ma {what} o identyfikatorze {fragment(ident)} (znane: {known})")
            return None
        return table[ident]

    def refs(self, table: dict[str, Any], idents: Sequence[str], path: PathKey, what: str) -> tuple[Any, ...]:
        """Every id of a list resolved; each unknown one reported at its own position."""
        return tuple(
            found for k, ident in enumerate(idents) if (found := self.ref(table, ident, (*path, k), what))
        )

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

    def speaker(self, p: schema.SpeakerSpec) -> Speaker:
        return Speaker(p.id, p.name, tuple(p.aliases), p.affiliation, p.bio, tuple(p.links))

    def build_places(self) -> dict[str, Place]:
        spec = self.spec
        self.unique(((("places", i, "id"), p.id) for i, p in enumerate(spec.places)), "identyfikator miejsca")
        places: dict[str, Place] = {}
        for i, p in enumerate(spec.places):
            if p.id == VENUE_PLACE_ID:
                self.issue(
                    ("places", i, "id"),
                    f"'{VENUE_PLACE_ID}' jest zarezerwowane dla głównego miejsca wydarzenia (sekcja venue)",
                )
            org = self.ref(self.organisations, p.organisation, ("places", i, "organisation"), "organizacji")
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
        return places

    def venue(self, v: schema.VenueSpec) -> Venue:
        self.unique(
            ((("venue", "rooms", i, "id"), r.id) for i, r in enumerate(v.rooms)), "identyfikator sali"
        )
        rooms = tuple(
            Room(r.name, r.id, tuple(r.aliases), r.kind, r.floor, r.note, _point(r.location), r.capacity)
            for r in v.rooms
        )
        self.rooms = {r.id: r for r in rooms if r.id is not None}
        return Venue(
            name=v.name,
            address=v.address,
            city=v.city,
            short_name=v.short_name,
            aliases=tuple(v.aliases),
            postal_code=v.postal_code,
            description=v.description,
            buildings=tuple(Building(b.name, b.note) for b in v.buildings),
            rooms=rooms,
            location=_point(v.location),
            map_url=v.map_url,
            stops=tuple(Stop(s.name, s.mode, tuple(s.lines), s.note, s.provisional) for s in v.stops),
            directions=tuple(Direction(d.from_, d.label, d.text, d.provisional) for d in v.directions),
            parking=_note(v.parking),
            accessibility=_note(v.accessibility),
            bicycles=_note(v.bicycles),
        )

    def room(self, text: str | None) -> Room | None:
        """A room id resolves to that room; any other text is a room known by that name only."""
        if text is None:
            return None
        found = self.rooms.get(text)
        if found is None:
            found = self.free_rooms.setdefault(text, Room(text))
        return found

    def kind(self, ident: str, path: PathKey) -> Kind:
        found = self.kinds.get(ident)
        if found is None:
            known = ", ".join(self.kinds)
            self.issue(path, f"nieznany rodzaj {fragment(ident)} (znane: {known}; własne dodasz w kinds)")
            return self.kinds["session"]
        return found

    def span(self, day: date, start: time, end: time, path: PathKey) -> tuple[datetime, datetime]:
        """A session's true moments: listed under `day`, after midnight when before day_starts_at."""
        begins = datetime.combine(day, start, self.tz)
        if start < self.day_starts_at:
            begins += timedelta(days=1)
        ends = datetime.combine(begins.date(), end, self.tz)
        if ends <= begins:
            ends += timedelta(days=1)  # 22:10–01:20
            if ends - begins > MAX_OVERNIGHT:
                self.issue((*path, "end"), f"koniec ({end:%H:%M}) nie jest po początku ({start:%H:%M})")
        return begins, ends

    def parts(self, s: schema.SessionSpec, start: datetime, end: datetime, path: PathKey) -> tuple[Part, ...]:
        """The block's parts with their moments: given ones kept, missing ones back to back."""
        if not s.parts:
            return ()

        def moment(at: time | None) -> datetime | None:
            if at is None:
                return None
            found = datetime.combine(start.date(), at, self.tz)
            later = found + timedelta(days=1)
            return later if found < start and later <= end else found  # 00:30 in a 23:00–01:00 block

        starts = [moment(p.start) for p in s.parts]
        ends = [moment(p.end) for p in s.parts]
        count = len(s.parts)
        starts[0] = starts[0] or start
        ends[-1] = ends[-1] or end
        for k in range(1, count):  # a junction known on one side is known on both
            starts[k] = starts[k] or ends[k - 1]
            ends[k - 1] = ends[k - 1] or starts[k]
        k = 1
        while k < count:  # junctions known on neither side: the time between known ones shared out
            if starts[k] is not None:
                k += 1
                continue
            last = k
            while last < count and starts[last] is None:
                last += 1
            origin, anchor = starts[k - 1], starts[last] if last < count else ends[-1]
            assert origin is not None and anchor is not None
            share = (anchor - origin) / (last - k + 1)
            for j in range(k, last):
                starts[j] = ends[j - 1] = (origin + share * (j - k + 1)).replace(second=0, microsecond=0)
            k = last
        parts = []
        for k, (p, begins, ends_at) in enumerate(zip(s.parts, starts, ends, strict=True)):
            assert begins is not None and ends_at is not None
            here: PathKey = (*path, "parts", k)
            if ends_at <= begins:
                self.issue(
                    (*here, "end" if p.end else "start"),
                    f"część kończy się ({ends_at:%H:%M}) nie później niż się zaczyna ({begins:%H:%M})",
                )
            elif begins < start:
                self.issue(
                    (*here, "start"), f"część zaczyna się ({begins:%H:%M}) przed blokiem ({start:%H:%M})"
                )
            elif ends_at > end:
                self.issue((*here, "end"), f"część kończy się ({ends_at:%H:%M}) po bloku ({end:%H:%M})")
            speakers = self.refs(self.speakers, p.speakers, (*here, "speakers"), "osoby")
            parts.append(Part(p.id, p.title, begins, ends_at, speakers, p.description, p.url))
        return tuple(parts)

    def day(self, index: int, d: schema.DaySpec) -> Day:
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
            start, end = self.span(d.date, s.start, s.end, path)
            # A room of the venue without a place: at the venue (a programme export names rooms only).
            at_venue = s.place == VENUE_PLACE_ID or (s.place is None and s.room in self.rooms)
            place = None if at_venue else self.ref(self.places, s.place, (*path, "place"), "miejsca")
            sessions.append(
                Session(
                    id=s.id,
                    kind=self.kind(s.kind, (*path, "kind")),
                    title=s.title,
                    start=start,
                    end=end,
                    day_index=index,
                    day=d.date,
                    aliases=tuple(s.aliases),
                    place=place,
                    at_venue=at_venue,
                    room=self.room(s.room),
                    tracks=self.refs(self.tracks, s.tracks, (*path, "tracks"), "ścieżki"),
                    speakers=self.refs(self.speakers, s.speakers, (*path, "speakers"), "osoby"),
                    chairs=self.refs(self.speakers, s.chairs, (*path, "chairs"), "osoby"),
                    parts=self.parts(s, start, end, path),
                    organisations=self.refs(
                        self.organisations, s.organisations, (*path, "organisations"), "organizacji"
                    ),
                    meeting_point=_meeting_point(s.meeting_point),
                    description=s.description,
                    language=s.language,
                    url=s.url,
                    provisional=s.provisional or d.provisional,
                )
            )
        sessions.sort(key=lambda s: (s.start, s.end))
        return Day(
            date=d.date, index=index, title=d.title, provisional=d.provisional, sessions=tuple(sessions)
        )
