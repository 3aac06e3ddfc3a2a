"""iCalendar (RFC 5545) files: a shared calendar, a conference's .ics export, an app's bookmarks.

Each VEVENT is a session: DTSTART with DTEND or DURATION (TZID, UTC or floating), SUMMARY the title,
LOCATION the room, DESCRIPTION (or the HTML of X-ALT-DESC) the description, CATEGORIES the tracks
(or the kind, when a category is a break, a workshop…), URL. People are taken only where they are
clearly the speakers: an ATTENDEE whose address is a web page or who chairs (ROLE=CHAIR), and an
ORGANIZER whose name (CN) changes from event to event under one shared address, as programme
generators write the speaker; attendees with e-mail addresses are a meeting's guests and are skipped.

Decided here:
- all-day events (a date, no time: "camp opens") are skipped, with one warning;
- a repeating event (RRULE, RDATE, EXDATE, RECURRENCE-ID) gives one session per occurrence, at most
  100 and within a year; a rule without an end is followed only as far as the calendar's other
  events go (a week if it has none), and said so;
- a cancelled event (STATUS:CANCELLED) is skipped; a tentative one is kept;
- a broken file is read as far as it can be: lines that are no iCalendar property are skipped,
  values after "NAME: " lose their stray space, a property that cannot be read costs only its event
  — each kind of problem warned once, with its line and how many more there are. A file that is no
  calendar at all, or has no event that can be read, is an error.
"""

from __future__ import annotations

import re
import warnings as python_warnings
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar, Component
from icalendar.parser import Contentline

from bot.document import fragment, number
from bot.formats import Format, Source
from bot.formats._common import (
    Draft,
    Kinds,
    Warnings,
    finish,
    is_zone,
    mark_provisional,
    name_from_file,
)
from bot.formats.programme import Item, Programme, ProgrammeBuilder, kind_of, plain_text, slug

MAX_OCCURRENCES = 100  # sessions one repeating event may give
MAX_REPEAT = timedelta(days=366)  # …and how far after its first it may go
OPEN_REPEAT = timedelta(days=7)  # a rule without an end in a calendar with nothing else
_NAME = re.compile(r"[A-Za-z0-9-]+")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
# Properties read, or known and of no use to attendees; others are named in one warning each.
_EVENT_PROPERTIES = frozenset(
    {"UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "LOCATION", "CATEGORIES"}
    | {"URL", "ORGANIZER", "ATTENDEE", "STATUS", "SEQUENCE", "CLASS", "CREATED", "LAST-MODIFIED", "GEO"}
    | {"TRANSP", "PRIORITY", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "X-ALT-DESC", "COMMENT"}
    | {"CONTACT", "RESOURCES", "ATTACH", "COLOR", "IMAGE", "CONFERENCE", "RELATED-TO", "REQUEST-STATUS"}
    | {"X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-IMPORTANCE", "X-MICROSOFT-CDO-INTENDEDSTATUS"}
    | {"X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-DISALLOW-COUNTER", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR"}
)
_CALENDAR_PROPERTIES = frozenset(
    {"VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME", "X-WR-TIMEZONE", "X-WR-CALDESC", "NAME"}
    | {"DESCRIPTION", "X-PUBLISHED-TTL", "REFRESH-INTERVAL", "SOURCE", "URL", "COLOR", "LAST-MODIFIED"}
    | {"X-APPLE-CALENDAR-COLOR", "X-ORIGINAL-URL", "UID"}
)
_COMPONENTS = frozenset({"VCALENDAR", "VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"})
_KIND_CATEGORIES = frozenset({"break", "registration", "workshop", "social", "plenary", "visit"})


def _recognise(source: Source) -> bool:
    return source.head[:15].upper() == b"BEGIN:VCALENDAR"


def read(source: Source) -> Programme:
    return _Reader(source).read()


@dataclass(slots=True)
class _Event:
    """Where a VEVENT is in the file: its BEGIN line and the first line of each property."""

    line: int
    properties: dict[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        return self.properties.get(name, self.line)


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.builder = ProgrammeBuilder(source.name, source.timezone)
        self.warnings = Warnings()
        self.kinds = Kinds(self.builder, self.warnings)
        self.events: list[_Event] = []
        self.zone_names: list[str] = []  # as the file names them, best first
        self.custom_zones: set[str] = set()  # TZIDs the file defines with a VTIMEZONE
        self.calendar_name: str | None = None

    def read(self) -> Programme:
        builder = self.builder
        cleaned = self.clean(self.source.text)
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # the library's deprecations are not the file's problems
            try:
                calendars = Calendar.from_ical(cleaned, multiple=True)
            except ValueError as exc:
                raise builder.error(
                    "", None, f"nie można odczytać kalendarza: {fragment(str(exc))}"
                ) from None
        vevents = [event for calendar in calendars for event in calendar.walk("VEVENT")]
        if len(vevents) != len(self.events):  # cannot happen with the file cleaned; lines would be wrong
            self.events = [_Event(0) for _ in vevents]
        if not vevents:
            raise builder.error("", None, "w kalendarzu nie ma żadnego wydarzenia (VEVENT)")
        for name in self.zone_names:
            if is_zone(name):
                builder.zone_name = name
                builder.zone_where = "X-WR-TIMEZONE"
                break
        name = self.calendar_name or name_from_file(self.source.name)
        builder.event.update({"id": slug(name) or "wydarzenie", "name": name})
        if self.calendar_name is None:
            builder.warn(
                f"kalendarz nie ma nazwy (X-WR-CALNAME) — przyjęto {fragment(name)}; popraw event.name"
            )
        speakers_as_organiser = self.organisers_are_speakers(vevents)
        drafts = self.drafts(vevents, speakers_as_organiser)
        if not drafts:
            self.warnings.flush(builder)
            why = "; ".join(builder.warnings()[:3]) or "brak DTSTART albo SUMMARY"
            raise builder.error(
                "", None, f"w kalendarzu nie ma wydarzenia z datą i godziną, które można odczytać ({why})"
            )
        guessed = finish(drafts, builder, self.warnings)
        self.warnings.flush(builder)
        programme = builder.build()
        return mark_provisional(self.kinds.add_to(programme), guessed)

    # --- the file, line by line -----------------------------------------------------------------

    def clean(self, text: str) -> str:
        """The calendar's lines unfolded, checked and put right where they can be (with warnings)."""
        physical = _LINE_BREAK.split(text)
        logical: list[tuple[int, str]] = []
        for number_, line in enumerate(physical, start=1):
            if line[:1] in (" ", "\t") and logical:
                start, previous = logical[-1]
                logical[-1] = (start, previous + line[1:])
            else:
                logical.append((number_, line))
        out: list[str] = []
        stack: list[tuple[str, int]] = []
        for line_no, line in logical:
            if not line.strip():
                continue
            parsed = self.parse_line(line, line_no)
            if parsed is None:
                continue
            name, params, value = parsed
            if name == "BEGIN":
                component = value.strip().upper()
                if not stack and component != "VCALENDAR":
                    raise self.builder.error(
                        "",
                        line_no,
                        f"to nie jest plik iCalendar: zaczyna się od {fragment(line)}, "
                        "a nie od BEGIN:VCALENDAR",
                    )
                if component not in _COMPONENTS:
                    self.builder.unknown(f"komponent {fragment(component)}", f"wiersz {line_no}")
                if component == "VEVENT":
                    self.events.append(_Event(line_no))
                stack.append((component, line_no))
                out.append(f"BEGIN:{component}")
                continue
            if not stack:
                self.warnings.add(
                    "outside", f"wiersz {line_no}: wiersz poza BEGIN:VCALENDAR … END:VCALENDAR — pominięty"
                )
                continue
            if name == "END":
                component = value.strip().upper()
                if component not in (c for c, _ in stack):
                    self.warnings.add("stray-end", f"wiersz {line_no}: END:{component} bez BEGIN — pominięty")
                    continue
                while stack[-1][0] != component:
                    opened, at = stack.pop()
                    self.warnings.add(
                        "unclosed",
                        f"wiersz {at}: BEGIN:{opened} bez END:{opened} — zamknięty w wierszu {line_no}",
                    )
                    out.append(f"END:{opened}")
                stack.pop()
                out.append(f"END:{component}")
                continue
            out.append(self.property(stack[-1][0], name, params, value, line, line_no))
        while stack:
            opened, at = stack.pop()
            self.warnings.add(
                "unclosed-end",
                f"wiersz {at}: BEGIN:{opened} bez END:{opened} — plik się urywa; wczytano, co było",
            )
            out.append(f"END:{opened}")
        return "\r\n".join(line for line in out if line) + "\r\n"

    def parse_line(self, line: str, line_no: int) -> tuple[str, Any, str] | None:
        try:
            name, params, value = Contentline(line).parts()  # type: ignore[no-untyped-call]
        except ValueError:
            name = ""
        if not name or not _NAME.fullmatch(name):
            self.warnings.add(
                "bad-line",
                f"wiersz {line_no}: to nie jest właściwość iCalendar (NAZWA:wartość) — pominięty: "
                f"{fragment(line)}",
            )
            return None
        return name.upper(), params, value

    def property(self, component: str, name: str, params: Any, value: str, line: str, line_no: int) -> str:
        """The line as icalendar should read it ("" to drop it); notes what the reader needs."""
        if value[:1] == " " and line.endswith(value):
            self.warnings.add(
                "leading-space",
                f"wiersz {line_no}: spacja po dwukropku ({fragment(line, 30)}) — pominięta",
            )
            line = line[: len(line) - len(value)] + value.lstrip(" ")
            value = value.lstrip(" ")
        if component == "VCALENDAR":
            if name == "X-WR-TIMEZONE":
                self.zone_names.insert(0, value.strip())
            elif name == "VTIMEZONE":  # a zone written as a property, not a component
                self.warnings.add(
                    "zone-property",
                    f"wiersz {line_no}: strefa zapisana jako właściwość VTIMEZONE, nie komponent — odczytano "
                    f"{fragment(value.strip())}",
                )
                self.zone_names.append(value.strip())
                return ""
            elif name in ("X-WR-CALNAME", "NAME") and self.calendar_name is None:
                self.calendar_name = plain_text(value.replace("\\,", ",").replace("\\;", ";"), markup=False)
            elif name not in _CALENDAR_PROPERTIES:
                self.warnings.add(
                    f"unknown:{name}",
                    f"wiersz {line_no}: nieznana właściwość kalendarza {fragment(name)} — pominięta",
                )
        elif component == "VTIMEZONE" and name == "TZID":
            self.custom_zones.add(value.strip())
            self.zone_names.append(value.strip())
        elif component == "VEVENT":
            event = self.events[-1]
            event.properties.setdefault(name, line_no)
            if name not in _EVENT_PROPERTIES:
                self.warnings.add(
                    f"unknown:{name}", f"wiersz {line_no}: nieznana właściwość {fragment(name)} — pominięta"
                )
            tzid = params.get("TZID") if name in ("DTSTART", "DTEND", "RECURRENCE-ID") else None
            if tzid and not is_zone(tzid) and tzid not in self.custom_zones:
                self.warnings.add(
                    f"tzid:{tzid}",
                    f"wiersz {line_no}: nieznana strefa TZID={fragment(tzid)} bez VTIMEZONE — godziny wzięte "
                    "jako czas lokalny wydarzenia",
                )
        return line

    # --- events ---------------------------------------------------------------------------------

    def organisers_are_speakers(self, vevents: list[Component]) -> bool:
        """Whether ORGANIZER names the speaker: one address, different names (CN) from event to event."""
        pairs = [
            (str(organiser).lower(), ", ".join(_names(organiser.params.get("CN"))))
            for event in vevents
            if (organiser := event.get("ORGANIZER")) is not None and not isinstance(organiser, list)
        ]
        return len({a for a, _ in pairs}) == 1 and len({cn for _, cn in pairs if cn}) >= 2

    def drafts(self, vevents: list[Component], organisers: bool) -> list[Draft]:
        uids = Counter(str(event.get("UID", "")).strip() for event in vevents)
        overrides: dict[tuple[str, datetime | date], Component] = {}
        for event in vevents:
            recurrence = _value(event, "RECURRENCE-ID")
            if recurrence is not None:
                overrides[(str(event.get("UID", "")).strip(), recurrence)] = event
        plain_starts = [_value(event, "DTSTART") for event in vevents if "RRULE" not in event]
        span_end = max(  # compared as wall-clock times: a calendar may mix zones and floating times
            (m.replace(tzinfo=None) for m in plain_starts if isinstance(m, datetime)), default=None
        )
        found: list[tuple[str, Draft]] = []
        for event, where in zip(vevents, self.events, strict=True):
            uid = str(event.get("UID", "")).strip()
            drafts = self.event(event, where, organisers, overrides, span_end)
            for draft in drafts:
                title = draft.item.title
                key = uid if uid and uids[uid] == 1 else f"{uid}-{title}" if uid else title
                found.append((key if len(drafts) == 1 else f"{key}-{draft.item.start:%Y%m%d-%H%M}", draft))
        keys = Counter(key for key, _ in found)
        for key, draft in found:
            draft.item.key = key if keys[key] == 1 else f"{key}-{draft.item.start:%Y%m%d-%H%M}"
        return [draft for _, draft in found]

    def event(
        self,
        event: Component,
        where: _Event,
        organisers: bool,
        overrides: dict[tuple[str, datetime | date], Component],
        span_end: datetime | None,
    ) -> list[Draft]:
        for name, problem in event.errors:
            name = str(name or "")
            self.warnings.add(
                f"broken:{name}",
                f"wiersz {where.line_of(name)}: {name}: nieczytelna wartość ({fragment(str(problem), 60)})"
                + (" — wydarzenie pominięte" if name in ("DTSTART", "SUMMARY") else " — pominięta"),
            )
        title = plain_text(_text(event, "SUMMARY"), markup=False)
        title = " ".join(title.split()) if title else None
        start = _value(event, "DTSTART")
        if title is None or start is None:
            missing = "SUMMARY" if title is None else "DTSTART"
            if missing not in (name for name, _ in event.errors):
                self.warnings.add(
                    f"missing:{missing}", f"wiersz {where.line}: wydarzenie bez {missing} — pominięte"
                )
            return []
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            self.warnings.add(
                "cancelled", f"wiersz {where.line}: odwołane wydarzenie {fragment(title)} — pominięte"
            )
            return []
        if not isinstance(start, datetime):
            self.warnings.add(
                "all-day",
                f"wiersz {where.line}: wydarzenie całodniowe {fragment(title)} (bez godziny) — pominięte",
            )
            return []
        length = self.length(event, start, where)
        base = Item(
            key="",
            title=title,
            start=start,
            end=start,
            listed=None,
            where=f"wiersz {where.line}",
            line=where.line,
            kind="session",
            room=self.builder.room(plain_text(_text(event, "LOCATION"), markup=False)),
            description=self.description(event),
            url=(_text(event, "URL") or "").strip() or None,
        )
        for category in _categories(event):
            kind = kind_of(category)
            if kind in _KIND_CATEGORIES and base.kind == "session":
                base.kind = self.kinds.resolve(category, f"wiersz {where.line_of('CATEGORIES')}")
            elif track := self.builder.track(category):
                base.tracks.append(track)
        base.speakers = self.speakers(event, organisers)
        if str(event.get("STATUS", "")).upper() == "TENTATIVE":
            self.warnings.add(
                "tentative", f"wiersz {where.line}: wydarzenie wstępne (STATUS:TENTATIVE) — wczytane"
            )
        starts = self.occurrences(event, start, where, overrides, span_end)
        drafts = []
        for moment in starts:
            item = replace(
                base, start=moment, end=moment, tracks=list(base.tracks), speakers=list(base.speakers)
            )
            drafts.append(Draft(item, moment + length if length is not None else None))
        return drafts

    def length(self, event: Component, start: datetime, where: _Event) -> timedelta | None:
        end = _value(event, "DTEND")
        if isinstance(end, datetime):
            if (end.tzinfo is None) != (start.tzinfo is None):
                end = end.replace(tzinfo=start.tzinfo)
            return end - start
        duration = _value(event, "DURATION")
        if isinstance(duration, timedelta):
            return duration
        if end is not None:
            self.warnings.add(
                "date-end",
                f"wiersz {where.line_of('DTEND')}: DTEND to sama data przy godzinie początku — pominięty",
            )
        return None

    def description(self, event: Component) -> str | None:
        html = event.get("X-ALT-DESC")
        if (
            html is not None
            and not isinstance(html, list)
            and "html" in str(html.params.get("FMTTYPE", "html"))
        ):
            text = plain_text(str(html))
            if text:
                return text
        return plain_text(_text(event, "DESCRIPTION"))

    def speakers(self, event: Component, organisers: bool) -> list[str]:
        people: list[str] = []
        attendees = event.get("ATTENDEE")
        for attendee in (
            attendees if isinstance(attendees, list) else [attendees] if attendees is not None else []
        ):
            address = str(attendee).strip()
            found = _names(attendee.params.get("CN"))
            web = address.lower().startswith(("http://", "https://"))
            if found and (web or str(attendee.params.get("ROLE", "")).upper() == "CHAIR"):
                for name in found:
                    if ident := self.builder.speaker(None, name, links=[address] if web else []):
                        people.append(ident)
            else:
                self.warnings.add(
                    "attendee",
                    "ATTENDEE z adresem e-mail to goście spotkania, nie prelegenci — pominięci",
                )
        organiser = event.get("ORGANIZER")
        if organisers and organiser is not None and not isinstance(organiser, list):
            for name in _names(organiser.params.get("CN")):
                if ident := self.builder.speaker(None, name):
                    people.append(ident)
        return people

    def occurrences(
        self,
        event: Component,
        start: datetime,
        where: _Event,
        overrides: dict[tuple[str, datetime | date], Component],
        span_end: datetime | None,
    ) -> list[datetime]:
        """The starts of a (maybe repeating) event, within the bounds; overridden ones left out."""
        uid = str(event.get("UID", "")).strip()
        rules = event.get("RRULE")
        extra = event.get("RDATE")
        if rules is None and extra is None:
            return [start]
        line = where.line_of("RRULE" if rules is not None else "RDATE")
        moments = rruleset()
        bounded = True
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            text = rule.to_ical().decode()
            bounded = bounded and ("COUNT=" in text.upper() or "UNTIL=" in text.upper())
            try:
                moments.rrule(rrulestr(text, dtstart=start))  # type: ignore[arg-type]
            except (ValueError, TypeError) as exc:
                self.warnings.add(
                    "rrule",
                    f"wiersz {line}: nieczytelna reguła powtarzania ({fragment(str(exc), 60)}) — "
                    "wzięto tylko pierwsze wystąpienie",
                )
                return [start]
        moments.rdate(start)
        for value, name in ((extra, "rdate"), (event.get("EXDATE"), "exdate")):
            for group in value if isinstance(value, list) else [value] if value is not None else []:
                for when in getattr(group, "dts", []):
                    moment = when.dt
                    if isinstance(moment, datetime):
                        if (moment.tzinfo is None) != (start.tzinfo is None):
                            moment = moment.replace(tzinfo=start.tzinfo)
                        getattr(moments, name)(moment)
        limit = start + MAX_REPEAT
        if not bounded:
            # As far as the calendar's other events go: to the end of the last one's day.
            last = datetime.combine(span_end.date(), time.max, start.tzinfo) if span_end is not None else None
            limit = min(limit, last if last is not None and last > start else start + OPEN_REPEAT)
        out: list[datetime] = []
        try:
            for moment in moments:
                if moment > limit or len(out) == MAX_OCCURRENCES:
                    self.warnings.add(
                        "repeat-bound",
                        f"wiersz {line}: wydarzenie powtarzające się {'długo' if bounded else 'bez końca'} — "
                        f"wzięto wystąpienia do {out[-1]:%Y-%m-%d} ({number(len(out))})",
                    )
                    break
                if (uid, moment) not in overrides:
                    out.append(moment)
        except (ValueError, TypeError) as exc:  # naive and aware moments mixed in the rule's dates
            self.warnings.add("rrule", f"wiersz {line}: nieczytelne powtórzenia ({fragment(str(exc), 60)})")
            return [start]
        return out


def _value(event: Component, name: str) -> Any:
    """A property's parsed value (a datetime, date or timedelta); None when absent or broken."""
    prop = event.get(name)
    if prop is None or isinstance(prop, list):
        return None
    try:
        return prop.dt
    except Exception:  # icalendar's broken property: noted from event.errors
        return None


def _text(event: Component, name: str) -> str | None:
    prop = event.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    return str(prop)


def _names(value: Any) -> list[str]:
    """A CN parameter's names: CN=Anna Nowak, Jan Kowalski is two people (RFC 5545: a list)."""
    values = value if isinstance(value, list) else [value] if value else []
    return [" ".join(str(v).split()) for v in values if str(v).strip()]


def _categories(event: Component) -> list[str]:
    value = event.get("CATEGORIES")
    out: list[str] = []
    for group in value if isinstance(value, list) else [value] if value is not None else []:
        for category in getattr(group, "cats", []):
            text = plain_text(str(category), markup=False)
            if text:
                out.append(" ".join(text.split()))
    return out


FORMATS = (Format("ical", "iCalendar (.ics)", (".ics", ".ical", ".ifb"), _recognise, read),)
