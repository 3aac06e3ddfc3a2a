"""What every importer builds: a data-file document (docs/data-format.md) from a programme's parts.

A reader walks its file and hands over what it finds — the event's name, rooms, speakers, and each
session with its times as datetimes — to a `ProgrammeBuilder`, which decides everything the formats
share: the time zone, local times, days (with sessions after midnight kept under their evening),
stable ids, Polish kinds, plain-text descriptions and the warnings. The result is plain Python data in
exactly the shape of a YAML data file, so it goes through the same validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.document import MAX_NODES, MAX_TEXT, DataError, DataIssue, PathKey, format_path, fragment, number
from bot.formats.values import (
    BUILTIN_KINDS,
    EXTRA_KINDS,
    ID_PATTERN,
    MAX_ID,
    join_texts,
    kind_of,
    languages,
    parse_date,
    parse_datetime,
    parse_duration,
    plain_text,
    slug,
    web_url,
)
from bot.polish import plural

__all__ = [  # the helpers are re-exported: every reader imports them from here
    "BUILTIN_KINDS",
    "EXTRA_KINDS",
    "ID_PATTERN",
    "MAX_ID",
    "Item",
    "Programme",
    "ProgrammeBuilder",
    "join_texts",
    "kind_of",
    "languages",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "plain_text",
    "slug",
    "web_url",
]

Document = dict[str, Any]

MAX_ISSUES = 200  # problems collected before reading stops (DataError shows the first 20)
TIMEZONE_HINT = (
    "podaj strefę opcją --timezone (np. python -m bot import PLIK --timezone Europe/Warsaw) "
    "albo wskaż ten plik w YAML-u: programme: {source: …} obok event.timezone"
)
PLACEHOLDER_VENUE = "Miejsce wydarzenia"


@dataclass(slots=True)
class Item:
    """One session as a reader found it, before times are made local and ids are given."""

    key: str  # the source's own identity (id, code, guid…): the session id is made from it
    title: str
    start: datetime  # aware, or naive: wall-clock time in the file's zone
    end: datetime | None  # as `start`; None when `duration` says it
    listed: date | None  # the day the source lists it under
    where: str  # its place in the source, for messages
    line: int | None
    kind: str = "session"
    room: str | None = None  # a room id
    tracks: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    description: str | None = None
    language: str | None = None
    url: str | None = None
    fixed_id: bool = False  # `key` is already our id (a file this bot exported)
    duration: timedelta | None = None  # real time (across a clock change too), instead of `end`


@dataclass(slots=True)
class Programme:
    """A read programme: the document, warnings in Polish, and the source line of document paths."""

    document: Document
    warnings: list[str]
    lines: dict[PathKey, int]
    format: str = ""


class ProgrammeBuilder:
    """Collects what a reader finds and puts the document together (`build`)."""

    def __init__(self, file: str, timezone: str | None = None) -> None:
        self.file = file
        self.timezone_option = timezone
        self.zone_name: str | None = None  # as the file states it
        self.zone_where = ""  # where the file states it
        self.event: Document = {}
        self.venue_name: str | None = None
        self.items: list[Item] = []
        self.windows: dict[date, datetime] = {}  # a day's own start, as the source gives it
        self.issues: list[DataIssue] = []
        self._warnings: list[str] = []
        self._unknown: dict[str, tuple[str, int]] = {}  # name → (first place, count)
        self._kind_warnings: dict[str, int] = {}
        self._rooms: dict[str, Document] = {}  # name → room
        self._tracks: dict[str, Document] = {}  # name → track
        self._speakers: dict[str, Document] = {}  # source key → speaker
        self._speaker_ids: set[str] = set()
        self._kinds: dict[str, Document] = {}

    # --- problems -------------------------------------------------------------------------------

    def error(self, where: str, line: int | None, message: str) -> DataError:
        """A DataError about one place of the source (with any problems collected so far)."""
        return DataError([*self.issues, DataIssue(self.file, where, line, message)])

    def problem(self, where: str, line: int | None, message: str) -> None:
        """Note a problem and read on, so that one run lists them all (up to MAX_ISSUES)."""
        self.issues.append(DataIssue(self.file, where, line, message))
        if len(self.issues) >= MAX_ISSUES:
            raise DataError(self.issues)

    def warn(self, message: str) -> None:
        if message not in self._warnings:
            self._warnings.append(message)

    def unknown(self, what: str, where: str) -> None:
        """An element or key this reader does not know: one warning per name, however often it occurs."""
        first, count = self._unknown.get(what, (where, 0))
        self._unknown[what] = (first, count + 1)

    # --- parts ----------------------------------------------------------------------------------

    def room(self, name: str | None) -> str | None:
        """The id of the room called `name` (added on first use)."""
        name = plain_text(name, markup=False)
        if name is None:
            return None
        if name not in self._rooms:
            ident = self._unique(slug(name) or "sala", {r["id"] for r in self._rooms.values()})
            self._rooms[name] = {"id": ident, "name": name}
        return str(self._rooms[name]["id"])

    def track(self, name: str | None, ident: str | None = None) -> str | None:
        """The id of the track called `name` (added on first use; `ident` as the source gives it)."""
        name = plain_text(name, markup=False)
        if name is None:
            return None
        if name not in self._tracks:
            taken = {t["id"] for t in self._tracks.values()}
            wanted = ident if ident and ID_PATTERN.match(ident) and len(ident) <= MAX_ID else slug(name)
            self._tracks[name] = {"id": self._unique(wanted or "sciezka", taken), "name": name}
        return str(self._tracks[name]["id"])

    def speaker(
        self,
        key: str | None,
        name: str | None,
        *,
        bio: str | None = None,
        affiliation: str | None = None,
        links: Iterable[str] = (),
    ) -> str | None:
        """The id of a person, deduplicated by the source's `key` (their name when there is none).

        The id is made from the name ("Anna Nowak" → "anna-nowak", a second Anna Nowak "anna-nowak-2"),
        so the data file stays readable; the same file always gives the same ids.
        """
        name = plain_text(name, markup=False)
        if name is None:
            return None
        identity = f"key:{key}" if key else f"name:{name}"
        found = self._speakers.get(identity)
        if found is None:
            ident = self._unique(slug(name) or "osoba", self._speaker_ids)
            self._speaker_ids.add(ident)
            found = {"id": ident, "name": name}
            self._speakers[identity] = found
        for field_name, value in (("affiliation", affiliation), ("bio", plain_text(bio))):
            if value and field_name not in found:
                found[field_name] = value
        for link in links:
            if link and link not in found.setdefault("links", []):
                found["links"].append(link)
        return str(found["id"])

    def kind(self, source_type: str | None) -> str:
        """The kind for a source's session type; an unknown one is a session, with one warning."""
        kind = kind_of(source_type)
        if kind is None:
            shown = (source_type or "").strip()
            self._kind_warnings[shown] = self._kind_warnings.get(shown, 0) + 1
            return "session"
        if kind in EXTRA_KINDS:
            self._kinds[kind] = EXTRA_KINDS[kind]
        return kind

    def known_kind(self, ident: str) -> str:
        """A kind given by its id (a file this bot exported); unknown ids go through `kind`."""
        if ident in BUILTIN_KINDS:
            return ident
        if ident in EXTRA_KINDS:
            self._kinds[ident] = EXTRA_KINDS[ident]
            return ident
        return self.kind(ident)

    def add(self, item: Item) -> None:
        self.items.append(item)

    # --- the document ---------------------------------------------------------------------------

    def build(self) -> Programme:
        """The document: sessions in local time under their days, ids, kinds, warnings."""
        zone = self._zone()
        if self.issues:
            raise DataError(self.issues)
        placed = [self._localise(item, zone) for item in self.items]
        if self.issues:
            raise DataError(self.issues)
        day_starts_at = self._group(placed, zone)
        document, lines = self._document(placed, zone, day_starts_at)
        self._check_size(document)
        return Programme(document, self.warnings(), lines)

    def warnings(self) -> list[str]:
        out = list(self._warnings)
        for shown, count in self._kind_warnings.items():
            sessions = plural(count, "sesję", "sesje", "sesji")
            out.append(
                f"nieznany rodzaj {fragment(shown) if shown else '(pusty)'}: {number(count)} {sessions} "
                "zapisano jako zwykłą sesję (kind: session)"
            )
        for what, (first, count) in self._unknown.items():
            times = f"{number(count)} {plural(count, 'raz', 'razy', 'razy')}"
            out.append(f"pominięto nieznany {what} ({times}, pierwszy: {first})")
        return out

    def _unique(self, wanted: str, taken: set[str] | Iterable[str]) -> str:
        taken = set(taken)
        if wanted not in taken:
            return wanted
        n = 2
        while True:
            suffix = f"-{n}"
            candidate = wanted[: MAX_ID - len(suffix)].rstrip("-_") + suffix
            if candidate not in taken:
                return candidate
            n += 1

    def _zone(self) -> tzinfo:
        """The event's zone: --timezone, else the file's zone name, else a fixed offset all times share."""
        option, stated = self.timezone_option, self.zone_name
        if option:
            try:
                zone: tzinfo = ZoneInfo(option)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                raise self.error(
                    "", None, f"--timezone: nieznana strefa czasowa {fragment(option)} (np. Europe/Warsaw)"
                ) from None
            if stated and stated != option:
                self.warn(f"plik podaje strefę {fragment(stated)}, a użyto {fragment(option)} z --timezone")
            self.event["timezone"] = option
            return zone
        if stated:
            try:
                zone = ZoneInfo(stated)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                raise self.error(
                    self.zone_where, None, f"nieznana strefa czasowa {fragment(stated)}; {TIMEZONE_HINT}"
                ) from None
            self.event["timezone"] = stated
            return zone
        offsets = {item.start.utcoffset() for item in self.items if item.start.tzinfo is not None}
        naive = any(item.start.tzinfo is None for item in self.items)
        if len(offsets) == 1 and not naive:
            offset = offsets.pop()
            assert offset is not None
            hours, rest = divmod(int(offset.total_seconds()), 3600)
            if not rest and -12 <= hours <= 14:
                # IANA's Etc zones count the other way round: UTC+01:00 is Etc/GMT-1.
                name = "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
                self.warn(
                    f"plik nie podaje strefy czasowej, tylko przesunięcie {_offset(offset)}: przyjęto {name} "
                    "(bez czasu letniego) — podaj prawdziwą strefę opcją --timezone, np. Europe/Warsaw"
                )
                self.event["timezone"] = name
                return ZoneInfo(name)
        if not self.items:
            raise self.error("", None, "w pliku nie ma żadnej sesji z godziną")
        if offsets and not naive:
            shown = ", ".join(sorted(_offset(o) for o in offsets if o is not None))
            reason = f"godziny mają różne przesunięcia ({shown})"
        else:
            reason = "godziny nie mają przesunięcia względem UTC"
        raise self.error(
            "", None, f"nie da się ustalić strefy czasowej: plik jej nie podaje, a {reason}; {TIMEZONE_HINT}"
        )

    def _localise(self, item: Item, zone: tzinfo) -> tuple[Item, datetime, datetime]:
        """The item with its start and end as wall-clock times of the event's zone."""
        start = item.start if item.start.tzinfo else item.start.replace(tzinfo=self._file_zone(zone))
        if item.duration is not None:
            end = (start.astimezone(UTC) + item.duration).astimezone(zone)
        else:
            assert item.end is not None
            end = item.end if item.end.tzinfo else item.end.replace(tzinfo=self._file_zone(zone))
        length = end.astimezone(UTC) - start.astimezone(UTC)
        if length <= timedelta(0):
            self.problem(item.where, item.line, "sesja nie trwa ani chwili (koniec nie jest po początku)")
        elif length >= timedelta(days=1):
            self.problem(
                item.where,
                item.line,
                "sesja trwa dobę albo dłużej — tego plik z danymi nie wyrazi (podziel ją na dni)",
            )
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        for moment in (local_start, local_end):
            if moment.fold and moment.replace(fold=0).utcoffset() != moment.utcoffset():
                self.warn(
                    f"{fragment(item.title)}: godzina {moment:%H:%M} dnia {moment:%Y-%m-%d} występuje dwa "
                    "razy (zmiana czasu); plik z danymi zapisze ją jako pierwszą z nich"
                )
                break  # one warning a session
        return item, local_start.replace(second=0, microsecond=0), local_end.replace(second=0, microsecond=0)

    def _file_zone(self, zone: tzinfo) -> tzinfo:
        """The zone wall-clock times without an offset are in: the file's own, if it names one."""
        if self.zone_name and self.zone_name != self.timezone_option:
            try:
                return ZoneInfo(self.zone_name)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                return zone
        return zone

    def _group(self, placed: list[tuple[Item, datetime, datetime]], zone: tzinfo) -> time | None:
        """Put each session under a day; the event's day_starts_at when evenings run past midnight.

        A session the source lists under the evening before its date (00:20 under 27 December) stays
        there when one boundary time comes after every such night session and not after any session
        listed under its own date — the day's start in the source when that fits. Night sessions
        that no boundary can separate go under their own date.
        """
        for item, start, _ in placed:
            if item.listed is None or start.date() not in (item.listed, item.listed + timedelta(days=1)):
                item.listed = start.date()
        night = [start.time() for item, start, _ in placed if item.listed != start.date()]
        own = [start.time() for item, start, _ in placed if item.listed == start.date()]
        if not night:
            return None
        starts = [
            moment.time()
            for day, window in self.windows.items()
            if (moment := (window if window.tzinfo else window.replace(tzinfo=zone)).astimezone(zone)).date()
            == day
        ]
        latest_night, earliest_own = max(night), min(own, default=None)
        day_start = min(starts, default=None)
        if (
            day_start is not None
            and latest_night < day_start
            and (earliest_own is None or day_start <= earliest_own)
        ):
            boundary = day_start
        elif earliest_own is not None:
            boundary = earliest_own
        else:
            boundary = time(0)  # only night sessions: each goes under its own date
        for item, start, _ in placed:
            if item.listed != start.date() and start.time() >= boundary:
                item.listed = start.date()
        if all(item.listed == start.date() for item, start, _ in placed):
            return None
        return boundary.replace(second=0, microsecond=0)

    def _document(
        self, placed: list[tuple[Item, datetime, datetime]], zone: tzinfo, day_starts_at: time | None
    ) -> tuple[Document, dict[PathKey, int]]:
        by_day: dict[date, list[tuple[Item, datetime, datetime]]] = {}
        for entry in sorted(placed, key=lambda e: (e[1], e[2])):
            listed = entry[0].listed
            assert listed is not None
            by_day.setdefault(listed, []).append(entry)
        taken: set[str] = set()
        fixed = {item.key for item in self.items if item.fixed_id and ID_PATTERN.match(item.key)}
        days: list[Document] = []
        lines: dict[PathKey, int] = {}
        for d, (day, entries) in enumerate(sorted(by_day.items())):
            sessions = []
            for s, (item, start, end) in enumerate(entries):
                wanted = item.key if item.key in fixed else (slug(item.key) or slug(item.title) or "sesja")
                ident = self._unique(wanted, taken)
                taken.add(ident)
                session: Document = {"id": ident, "kind": item.kind, "title": item.title}
                session["start"] = f"{start:%H:%M}"
                session["end"] = f"{end:%H:%M}"
                if item.room:
                    session["place"] = "venue"
                    session["room"] = item.room
                for key, value in (
                    ("tracks", item.tracks),
                    ("speakers", item.speakers),
                    ("description", item.description),
                    ("language", item.language),
                    ("url", item.url),
                ):
                    if value:
                        session[key] = list(dict.fromkeys(value)) if isinstance(value, list) else value
                sessions.append(session)
                if item.line:
                    lines[("days", d, "sessions", s)] = item.line
            days.append({"date": day.isoformat(), "sessions": sessions})
        event = dict(self.event)
        event.setdefault("id", "wydarzenie")
        event.setdefault("name", "Wydarzenie")
        if days:
            event["start_date"] = days[0]["date"]
            event["end_date"] = days[-1]["date"]
        if day_starts_at is not None:
            event["day_starts_at"] = f"{day_starts_at:%H:%M}"
        document: Document = {"event": _ordered_event(event)}
        rooms = list(self._rooms.values())
        if self.venue_name or rooms:
            if not self.venue_name:
                self.warn(
                    f"plik nie podaje miejsca wydarzenia: venue.name to „{PLACEHOLDER_VENUE}” — popraw je "
                    "i dopisz adres w pliku YAML"
                )
            venue: Document = {"name": self.venue_name or PLACEHOLDER_VENUE}
            if rooms:
                venue["rooms"] = rooms
            document["venue"] = venue
        if self._kinds:
            document["kinds"] = [self._kinds[k] for k in EXTRA_KINDS if k in self._kinds]
        if self._tracks:
            document["tracks"] = list(self._tracks.values())
        if self._speakers:
            document["speakers"] = sorted(self._speakers.values(), key=lambda s: str(s["id"]))
        document["days"] = days
        return document, lines

    def _check_size(self, document: Document) -> None:
        """The limits a YAML file has (docs/data-format.md, Limits), so no format is a way round them."""
        nodes = 0
        stack: list[tuple[Any, PathKey]] = [(document, ())]
        while stack:
            value, path = stack.pop()
            nodes += 1
            if isinstance(value, dict):
                nodes += len(value)  # the keys
                stack.extend((v, (*path, k)) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend((v, (*path, i)) for i, v in enumerate(value))
            elif isinstance(value, str) and len(value) > MAX_TEXT:
                raise self.error(
                    format_path(path),
                    None,
                    f"tekst jest za długi: {number(len(value))} znaków, najwyżej {number(MAX_TEXT)}",
                )
        if nodes > MAX_NODES:
            raise self.error(
                "",
                None,
                f"za dużo elementów: {number(nodes)}, najwyżej {number(MAX_NODES)} — to nie wygląda "
                "na program wydarzenia",
            )


_EVENT_ORDER = ("id", "name", "timezone", "start_date", "end_date", "day_starts_at", "city", "website")


def _ordered_event(event: Document) -> Document:
    ordered = {key: event[key] for key in _EVENT_ORDER if key in event}
    ordered.update((key, value) for key, value in event.items() if key not in ordered)
    return ordered


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
