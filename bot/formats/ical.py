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
  values after "NAME: " lose their stray space, a value that cannot be read costs only itself (or its
  event, for DTSTART and SUMMARY) — each kind of problem warned once, with its line and how many
  more there are. A file that is no calendar at all, or has no event that can be read, is an error.

The lines are split here (icalendar's own parser reads a character at a time: 5 MB took 12 s);
icalendar reads the values — dates and times, durations — and the zones a file defines.
"""

from __future__ import annotations

import re
import warnings as python_warnings
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil.rrule import rruleset, rrulestr
from icalendar import Timezone
from icalendar.prop import vDDDTypes, vDuration

from bot.document import fragment, number
from bot.formats import Format, Source
from bot.formats._common import Draft, Kinds, Warnings, finish, is_zone, mark_provisional, name_from_file
from bot.formats.programme import Item, Programme, ProgrammeBuilder, kind_of, plain_text, slug

MAX_OCCURRENCES = 100  # sessions one repeating event may give
MAX_REPEAT = timedelta(days=366)  # …and how far after its first it may go
OPEN_REPEAT = timedelta(days=7)  # a rule without an end in a calendar with nothing else
MAX_SESSIONS = 10_000  # sessions a calendar may give, repeats included
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_PARAM = r'[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*'
_CONTENT = re.compile(rf"([A-Za-z0-9-]+)((?:;{_PARAM})*):(.*)", re.S)
_PARAMS = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')
_PARAM_VALUE = re.compile(r'"([^"]*)"|([^",]+)')
_ESCAPE = re.compile(r"\\(.)")
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
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
class _Property:
    name: str
    params: dict[str, list[str]]
    value: str  # as written (escaped)
    line: int

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None

    @property
    def text(self) -> str:
        """The value with its escapes undone (\\n, \\, \\; \\\\)."""
        return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), self.value)


@dataclass(slots=True)
class _Component:
    name: str
    line: int
    properties: list[_Property] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # a zone's own text (VTIMEZONE), for icalendar

    def get(self, name: str) -> _Property | None:
        return next((p for p in self.properties if p.name == name), None)

    def all(self, name: str) -> list[_Property]:
        return [p for p in self.properties if p.name == name]


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.builder = ProgrammeBuilder(source.name, source.timezone)
        self.warnings = Warnings()
        self.kinds = Kinds(self.builder, self.warnings)
        self.events: list[_Component] = []
        self.zone_names: list[str] = []  # as the file names them, best first
        self.zones: dict[str, tzinfo] = {}  # the zones the file defines (VTIMEZONE), by TZID
        self.calendar_name: str | None = None

    def read(self) -> Programme:
        builder = self.builder
        self.parse(self.source.text)
        if not self.events:
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
        drafts = self.drafts()
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

    def parse(self, text: str) -> None:
        """Components and properties with their lines; what cannot be read is skipped and warned."""
        logical: list[tuple[int, str]] = []
        for number_, line in enumerate(_LINE_BREAK.split(text), start=1):
            if line[:1] in (" ", "\t") and logical:
                start, previous = logical[-1]
                logical[-1] = (start, previous + line[1:])
            elif line.strip():
                logical.append((number_, line))
        stack: list[_Component] = []
        for line_no, line in logical:
            found = self.content(line, line_no)
            if found is None:
                continue
            name, params, value = found
            if name in ("BEGIN", "END"):
                self.structure(name, value.strip().upper(), line_no, stack)
            elif not stack:
                self.warnings.add(
                    "outside", f"wiersz {line_no}: wiersz poza BEGIN:VCALENDAR … END:VCALENDAR — pominięty"
                )
            else:
                self.property(stack, _Property(name, params, value, line_no), line)
        while stack:
            self.close(stack.pop(), None)

    def content(self, line: str, line_no: int) -> tuple[str, dict[str, list[str]], str] | None:
        match = _CONTENT.fullmatch(line)
        if match is None:
            self.warnings.add(
                "bad-line",
                lambda: (
                    f"wiersz {line_no}: to nie jest właściwość iCalendar (NAZWA:wartość) — pominięty: "
                    f"{fragment(line)}"
                ),
            )
            return None
        name, raw_params, value = match.groups()
        if value[:1] == " ":
            self.warnings.add(
                "leading-space",
                lambda: f"wiersz {line_no}: spacja po dwukropku ({fragment(line, 30)}) — pominięta",
            )
            value = value.lstrip(" ")
        params = {
            key.upper(): [quoted or plain for quoted, plain in _PARAM_VALUE.findall(values)]
            for key, values in _PARAMS.findall(raw_params)
        }
        return name.upper(), params, value

    def structure(self, name: str, component: str, line_no: int, stack: list[_Component]) -> None:
        if name == "BEGIN":
            if not stack and component != "VCALENDAR":
                raise self.builder.error(
                    "",
                    line_no,
                    f"to nie jest plik iCalendar: zaczyna się od BEGIN:{fragment(component).strip(chr(39))}, "
                    "a nie od BEGIN:VCALENDAR",
                )
            if component not in _COMPONENTS:
                self.warnings.add(
                    f"component:{component}", f"wiersz {line_no}: komponent {fragment(component)} pominięty"
                )
            stack.append(_Component(component, line_no))
            return
        if component not in (c.name for c in stack):
            self.warnings.add("stray-end", f"wiersz {line_no}: END:{component} bez BEGIN — pominięty")
            return
        while stack[-1].name != component:
            self.close(stack.pop(), line_no)
        self.finish(stack.pop(), stack)

    def close(self, component: _Component, line_no: int | None) -> None:
        """A component the file did not end: closed where the one around it ends, or at the end."""
        where = f"zamknięty w wierszu {line_no}" if line_no else "plik się urywa; wczytano, co było"
        self.warnings.add(
            "unclosed", f"wiersz {component.line}: BEGIN:{component.name} bez END:{component.name} — {where}"
        )
        self.finish(component, [])

    def finish(self, component: _Component, stack: list[_Component]) -> None:
        if component.name == "VEVENT":
            self.events.append(component)
        elif component.name == "VTIMEZONE":
            self.zone(component)
        if stack and stack[-1].name == "VTIMEZONE":  # STANDARD, DAYLIGHT: part of the zone's text
            stack[-1].lines += [f"BEGIN:{component.name}", *component.lines, f"END:{component.name}"]

    def property(self, stack: list[_Component], prop: _Property, line: str) -> None:
        component = stack[-1]
        component.properties.append(prop)
        if component.name in ("VTIMEZONE", "STANDARD", "DAYLIGHT"):
            component.lines.append(line)  # icalendar reads the zone from its text
        name, value = prop.name, prop.value.strip()
        if component.name == "VCALENDAR":
            if name == "X-WR-TIMEZONE":
                self.zone_names.insert(0, value)
            elif name == "VTIMEZONE":  # a zone written as a property, not a component
                self.warnings.add(
                    "zone-property",
                    f"wiersz {prop.line}: strefa zapisana jako właściwość VTIMEZONE, nie komponent — "
                    f"odczytano {fragment(value)}",
                )
                self.zone_names.append(value)
            elif name in ("X-WR-CALNAME", "NAME") and self.calendar_name is None:
                self.calendar_name = plain_text(prop.text, markup=False)
            elif name not in _CALENDAR_PROPERTIES:
                self.warnings.add(
                    f"unknown:{name}",
                    f"wiersz {prop.line}: nieznana właściwość kalendarza {fragment(name)} — pominięta",
                )
        elif component.name == "VEVENT" and name not in _EVENT_PROPERTIES:
            self.warnings.add(
                f"unknown:{name}",
                lambda: f"wiersz {prop.line}: nieznana właściwość {fragment(name)} — pominięta",
            )

    def zone(self, component: _Component) -> None:
        """A VTIMEZONE the file defines, made a tzinfo by icalendar (Outlook's "W. Europe Standard Time")."""
        tzid = component.get("TZID")
        if tzid is None:
            return
        name = tzid.value.strip()
        self.zone_names.append(name)
        if is_zone(name):
            return
        text = "\r\n".join(["BEGIN:VTIMEZONE", *component.lines, "END:VTIMEZONE", ""])
        try:
            with python_warnings.catch_warnings():
                python_warnings.simplefilter("ignore")
                self.zones[name] = Timezone.from_ical(text).to_tz()  # type: ignore[attr-defined]
        except Exception as exc:  # icalendar raises whatever a damaged zone makes it meet
            self.warnings.add(
                f"zone:{name}",
                f"wiersz {component.line}: nieczytelna strefa {fragment(name)} ({fragment(str(exc), 60)})",
            )

    # --- values ---------------------------------------------------------------------------------

    def moment(self, prop: _Property | None) -> datetime | date | None:
        """A DTSTART/DTEND/RECURRENCE-ID: aware with its TZID or Z, naive when floating, a date all day."""
        if prop is None:
            return None
        tzid = prop.param("TZID")
        try:
            with python_warnings.catch_warnings():
                python_warnings.simplefilter("ignore")
                zone = tzid if is_zone(tzid) else None
                value: datetime | date = vDDDTypes.from_ical(prop.value.strip(), timezone=zone)  # type: ignore[no-untyped-call]
        except (ValueError, TypeError) as exc:
            self.broken(prop, exc)
            return None
        if isinstance(value, datetime) and tzid and not is_zone(tzid) and value.tzinfo is None:
            if tzid in self.zones:
                return value.replace(tzinfo=self.zones[tzid])
            self.warnings.add(
                f"tzid:{tzid}",
                f"wiersz {prop.line}: nieznana strefa TZID={fragment(tzid)} bez VTIMEZONE — godziny wzięte "
                "jako czas lokalny wydarzenia",
            )
        return value

    def broken(self, prop: _Property, exc: Exception) -> None:
        lost = " — wydarzenie pominięte" if prop.name in ("DTSTART", "SUMMARY") else " — pominięta"
        self.warnings.add(
            f"broken:{prop.name}",
            f"wiersz {prop.line}: {prop.name}: nieczytelna wartość {fragment(prop.value)} "
            f"({fragment(str(exc), 60)}){lost}",
        )

    # --- events ---------------------------------------------------------------------------------

    def drafts(self) -> list[Draft]:
        events = self.events
        uids = Counter(_uid(e) for e in events)
        overrides: set[tuple[str, datetime | date]] = set()
        for event in events:
            recurrence = self.moment(event.get("RECURRENCE-ID"))
            if recurrence is not None:
                overrides.add((_uid(event), recurrence))
        starts = [self.moment(e.get("DTSTART")) for e in events if e.get("RRULE") is None]
        span_end = max(  # compared as wall-clock times: a calendar may mix zones and floating times
            (m.replace(tzinfo=None) for m in starts if isinstance(m, datetime)), default=None
        )
        organisers = self.organisers_are_speakers()
        found: list[tuple[str, Draft]] = []
        for event in events:
            uid = _uid(event)
            drafts = self.event(event, organisers, overrides, span_end)
            for draft in drafts:
                title = draft.item.title
                key = uid if uid and uids[uid] == 1 else f"{uid}-{title}" if uid else title
                found.append((key if len(drafts) == 1 else f"{key}-{draft.item.start:%Y%m%d-%H%M}", draft))
            if len(found) > MAX_SESSIONS:
                raise self.builder.error(
                    "",
                    event.line,
                    f"za dużo wydarzeń: ponad {number(MAX_SESSIONS)} (z powtórzeniami) — to nie "
                    "wygląda na program wydarzenia",
                )
        keys = Counter(key for key, _ in found)
        for key, draft in found:
            draft.item.key = key if keys[key] == 1 else f"{key}-{draft.item.start:%Y%m%d-%H%M}"
        return [draft for _, draft in found]

    def organisers_are_speakers(self) -> bool:
        """Whether ORGANIZER names the speaker: one address, different names (CN) from event to event."""
        pairs = [
            (o.value.strip().lower(), ", ".join(_names(o.params.get("CN"))))
            for event in self.events
            if (o := event.get("ORGANIZER")) is not None
        ]
        return len({a for a, _ in pairs}) == 1 and len({cn for _, cn in pairs if cn}) >= 2

    def event(
        self,
        event: _Component,
        organisers: bool,
        overrides: set[tuple[str, datetime | date]],
        span_end: datetime | None,
    ) -> list[Draft]:
        summary = event.get("SUMMARY")
        title = plain_text(summary.text, markup=False) if summary is not None else None
        title = " ".join(title.split()) if title else None
        start = self.moment(event.get("DTSTART"))
        if title is None or start is None:
            missing = "SUMMARY" if title is None else "DTSTART"
            if missing == "SUMMARY" or event.get("DTSTART") is None:  # an unreadable DTSTART was said
                self.warnings.add(
                    f"missing:{missing}", f"wiersz {event.line}: wydarzenie bez {missing} — pominięte"
                )
            return []
        status = _value(event, "STATUS").upper()
        if status == "CANCELLED":
            self.warnings.add(
                "cancelled", f"wiersz {event.line}: odwołane wydarzenie {fragment(title)} — pominięte"
            )
            return []
        if not isinstance(start, datetime):
            self.warnings.add(
                "all-day",
                f"wiersz {event.line}: wydarzenie całodniowe {fragment(title)} (bez godziny) — pominięte",
            )
            return []
        if status == "TENTATIVE":
            self.warnings.add(
                "tentative", f"wiersz {event.line}: wydarzenie wstępne (STATUS:TENTATIVE) — wczytane"
            )
        location = event.get("LOCATION")
        base = Item(
            key="",
            title=title,
            start=start,
            end=start,
            listed=None,
            where=f"wiersz {event.line}",
            line=event.line,
            room=self.builder.room(plain_text(location.text, markup=False) if location else None),
            description=self.description(event),
            url=_value(event, "URL") or None,
        )
        for category in _categories(event):
            if kind_of(category) in _KIND_CATEGORIES and base.kind == "session":
                base.kind = self.kinds.resolve(category, base.where)
            elif track := self.builder.track(category):
                base.tracks.append(track)
        base.speakers = self.speakers(event, organisers)
        length = self.length(event, start)
        drafts = []
        for moment in self.occurrences(event, start, overrides, span_end):
            item = replace(
                base, start=moment, end=moment, tracks=list(base.tracks), speakers=list(base.speakers)
            )
            drafts.append(Draft(item, moment + length if length is not None else None))
        return drafts

    def length(self, event: _Component, start: datetime) -> timedelta | None:
        end_prop = event.get("DTEND")
        end = self.moment(end_prop)
        if isinstance(end, datetime):
            if (end.tzinfo is None) != (start.tzinfo is None):
                end = end.replace(tzinfo=start.tzinfo)
            return end - start
        if end is not None and end_prop is not None:
            self.warnings.add(
                "date-end", f"wiersz {end_prop.line}: DTEND to sama data przy godzinie początku — pominięty"
            )
        duration = event.get("DURATION")
        if duration is None:
            return None
        try:
            value = vDuration.from_ical(duration.value.strip())  # type: ignore[no-untyped-call]
        except (ValueError, TypeError) as exc:
            self.broken(duration, exc)
            return None
        return value if isinstance(value, timedelta) else None

    def description(self, event: _Component) -> str | None:
        html = event.get("X-ALT-DESC")
        if html is not None and "html" in (html.param("FMTTYPE") or "text/html"):
            text = plain_text(html.text)
            if text:
                return text
        plain = event.get("DESCRIPTION")
        return plain_text(plain.text) if plain is not None else None

    def speakers(self, event: _Component, organisers: bool) -> list[str]:
        people: list[str] = []
        for attendee in event.all("ATTENDEE"):
            address = attendee.value.strip()
            names = _names(attendee.params.get("CN"))
            web = address.lower().startswith(("http://", "https://"))
            if names and (web or (attendee.param("ROLE") or "").upper() == "CHAIR"):
                for name in names:
                    if ident := self.builder.speaker(None, name, links=[address] if web else []):
                        people.append(ident)
            else:
                self.warnings.add(
                    "attendee", "ATTENDEE z adresem e-mail to goście spotkania, nie prelegenci — pominięci"
                )
        organiser = event.get("ORGANIZER")
        if organisers and organiser is not None:
            for name in _names(organiser.params.get("CN")):
                if ident := self.builder.speaker(None, name):
                    people.append(ident)
        return people

    def occurrences(
        self,
        event: _Component,
        start: datetime,
        overrides: set[tuple[str, datetime | date]],
        span_end: datetime | None,
    ) -> list[datetime]:
        """The starts of a (maybe repeating) event, within the bounds; overridden ones left out."""
        rules, extra = event.all("RRULE"), event.all("RDATE")
        if not rules and not extra:
            return [start]
        line = (rules or extra)[0].line
        moments = rruleset()
        bounded = True
        for rule in rules:
            bounded = bounded and ("COUNT=" in rule.value.upper() or "UNTIL=" in rule.value.upper())
            try:
                moments.rrule(rrulestr(rule.value.strip(), dtstart=start))  # type: ignore[arg-type]
            except (ValueError, TypeError) as exc:
                self.warnings.add(
                    "rrule",
                    f"wiersz {line}: nieczytelna reguła powtarzania ({fragment(str(exc), 60)}) — wzięto "
                    "tylko pierwsze wystąpienie",
                )
                return [start]
        moments.rdate(start)
        for props, add in ((extra, moments.rdate), (event.all("EXDATE"), moments.exdate)):
            for prop in props:
                for part in _UNESCAPED_COMMA.split(prop.value):
                    moment = self.moment(_Property(prop.name, prop.params, part, prop.line))
                    if isinstance(moment, datetime):
                        add(
                            moment.replace(tzinfo=start.tzinfo)
                            if (moment.tzinfo is None) != (start.tzinfo is None)
                            else moment
                        )
        limit = start + MAX_REPEAT
        if not bounded:
            # As far as the calendar's other events go: to the end of the last one's day.
            last = datetime.combine(span_end.date(), time.max, start.tzinfo) if span_end is not None else None
            limit = min(limit, last if last is not None and last > start else start + OPEN_REPEAT)
        uid = _uid(event)
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


def _value(event: _Component, name: str) -> str:
    """A property's value as written, stripped ("" when absent)."""
    prop = event.get(name)
    return prop.value.strip() if prop is not None else ""


def _uid(event: _Component) -> str:
    return _value(event, "UID")


def _names(values: list[str] | None) -> list[str]:
    """A CN parameter's names: CN=Anna Nowak, Jan Kowalski is two people (RFC 5545: a list)."""
    return [" ".join(v.split()) for v in values or [] if v.strip()]


def _categories(event: _Component) -> list[str]:
    out: list[str] = []
    for prop in event.all("CATEGORIES"):
        for part in _UNESCAPED_COMMA.split(prop.value):
            text = plain_text(_ESCAPE.sub(lambda m: m.group(1), part), markup=False)
            if text:
                out.append(" ".join(text.split()))
    return out


FORMATS = (Format("ical", "iCalendar (.ics)", (".ics", ".ical", ".ifb"), _recognise, read),)
