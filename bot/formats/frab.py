"""frab/pentabarf `schedule.xml` (c3voc's XSD), read with defusedxml.

Read: the conference (acronym, title, time_zone_name, url, venue, city, tracks), every day (its date
and start), every room (also one without sessions), and each event's date — `<date>` with its offset
first, `<start>` on the day's date otherwise — duration (H:MM or H:MM:SS), room, title, subtitle,
type, track, language, abstract, description, url, persons and links. Only an element's own children
are read, so a `<title>` inside a `<link>` is never taken for the event's title.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from bot.document import DataError, DataIssue, fragment
from bot.formats import Format, Source
from bot.formats.programme import (
    Item,
    Programme,
    ProgrammeBuilder,
    join_texts,
    languages,
    parse_date,
    parse_datetime,
    parse_duration,
    plain_text,
    slug,
    web_url,
)

GENERATOR = "konferencja-bot"  # <generator name=…> of the files bot/formats/export.py writes
_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")  # c3voc schema.json's slug


def our_slug(ident: str) -> str:
    """A session id as an exported slug: itself, or with "-0" when c3voc's pattern refuses it ("a")."""
    return ident if _SLUG.match(ident) else f"{ident}-0"


def id_from_our_slug(slug_text: str) -> str:
    """The session id back from `our_slug`."""
    if slug_text.endswith("-0") and not _SLUG.match(slug_text[:-2]):
        return slug_text[:-2]
    return slug_text


_CONFERENCE = frozenset(
    {"acronym", "title", "subtitle", "start", "end", "days", "timeslot_duration", "time_zone_name", "url"}
    | {"base_url", "track", "venue", "city", "day_change", "logo", "release", "colors", "rooms", "keywords"}
    | {"description"}
)
_EVENT = frozenset(
    {"date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track", "type", "language"}
    | {"abstract", "description", "persons", "links", "recording", "logo", "code", "origin_url"}
    | {"feedback_url", "attachments", "video_download_url", "answers", "do_not_record", "do_not_stream"}
)
_EXPAT = {
    "mismatched tag": "znacznik zamykający nie pasuje do otwartego",
    "not well-formed (invalid token)": "niepoprawny XML (niedozwolony znak lub znacznik)",
    "no element found": "plik kończy się przed zamknięciem wszystkich elementów",
    "junk after document element": "dodatkowa treść po zamknięciu głównego elementu",
    "unclosed token": "niezamknięty znacznik",
    "undefined entity": "nieznana encja (np. &nbsp; — w XML-u tylko &amp; &lt; &gt; &quot; &apos;)",
    "syntax error": "błąd składni",
    "duplicate attribute": "powtórzony atrybut",
    "unbound prefix": "nieznany prefiks przestrzeni nazw",
}


def _recognise(source: Source) -> bool:
    head = source.head
    return head.startswith(b"<") and b"<schedule" in head


class _LineTarget:
    """A tree builder that remembers the line each element starts on (ElementTree forgets it)."""

    def __init__(self) -> None:
        self._builder = TreeBuilder()
        self.expat: Any = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = self._builder.start(tag, attrs)
        self.lines[id(element)] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        return self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def close(self) -> Element:
        return self._builder.close()


def parse_xml(source: Source) -> tuple[Element, dict[int, int]]:
    """The XML tree and each element's line; `DataError` for broken XML or entity declarations."""
    target = _LineTarget()
    parser = DefusedXMLParser(target=target)  # entities and external references are refused
    target.expat = parser.parser

    def refuse(line: int | None, message: str) -> DataError:
        return DataError([DataIssue(source.name, "", line, message)])

    try:
        parser.feed(source.text)
        root: Element = parser.close()
    except ParseError as exc:
        line, column = exc.position
        problem = str(exc).split(":", 1)[0]
        said = _EXPAT.get(problem, fragment(problem).strip("'"))
        raise refuse(line, f"błąd składni XML: {said} (kolumna {column + 1})") from None
    except EntitiesForbidden:
        raise refuse(
            target.expat.CurrentLineNumber,
            "plik XML deklaruje własne encje (<!ENTITY …>) — odrzucony: tak wyglądają ataki "
            "„billion laughs”, a program wydarzenia ich nie potrzebuje",
        ) from None
    except DefusedXmlException as exc:
        raise refuse(
            target.expat.CurrentLineNumber,
            f"plik XML odwołuje się do zewnętrznych zasobów (DTD, encje) — odrzucony ({type(exc).__name__})",
        ) from None
    return root, target.lines


def read(source: Source) -> Programme:
    root, lines = parse_xml(source)
    return _Reader(source, root, lines).read()


class _Reader:
    def __init__(self, source: Source, root: Element, lines: dict[int, int]) -> None:
        self.source = source
        self.root = root
        self.lines = lines
        self.builder = ProgrammeBuilder(source.name, source.timezone)
        self.ours = False  # a file this bot exported: its slugs are our session ids

    def line(self, element: Element) -> int | None:
        return self.lines.get(id(element))

    def children(self, element: Element, path: str, known: frozenset[str]) -> dict[str, Element]:
        """An element's own children by tag (the first of each); unknown tags are noted once each."""
        found: dict[str, Element] = {}
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag not in known:
                self.builder.unknown(
                    f"element <{fragment(child.tag, 30).strip(chr(39))}>", f"{path}/{child.tag}"
                )
            found.setdefault(child.tag, child)
        return found

    def read(self) -> Programme:
        root, builder = self.root, self.builder
        if root.tag != "schedule":
            raise builder.error(
                "",
                self.line(root),
                f"to nie jest frab schedule.xml: główny element to <{fragment(root.tag).strip(chr(39))}>, "
                "a nie <schedule>",
            )
        generator = root.find("generator")
        self.ours = generator is not None and generator.get("name") == GENERATOR
        top = self.children(root, "schedule", frozenset({"version", "generator", "conference", "day"}))
        conference = top.get("conference")
        if conference is None:
            raise builder.error("schedule/conference", self.line(root), "brak elementu <conference>")
        self.conference(conference)
        for index, day in enumerate(root.findall("day"), 1):
            self.day(day, f"schedule/day[{index}]")
        programme = builder.build()
        return programme

    def conference(self, element: Element) -> None:
        path = "schedule/conference"
        fields = self.children(element, path, _CONFERENCE)
        builder = self.builder
        text = {tag: (child.text or "").strip() for tag, child in fields.items()}
        title = plain_text(text.get("title"), markup=False)
        if title is None:
            raise builder.error(f"{path}/title", self.line(element), "brak nazwy wydarzenia (<title>)")
        builder.event["name"] = title
        builder.event["id"] = slug(text.get("acronym") or "") or slug(title) or "wydarzenie"
        if text.get("url"):
            builder.event["website"] = text["url"]
        if text.get("city"):
            builder.event["city"] = text["city"]
        builder.venue_name = plain_text(text.get("venue"), markup=False)
        if text.get("time_zone_name"):
            builder.zone_name = text["time_zone_name"]
            builder.zone_where = f"{path}/time_zone_name"
        for track in element.findall("track"):
            builder.track(track.get("name") or track.text, track.get("slug"))
        rooms = fields.get("rooms")
        if rooms is not None:
            for room in rooms.findall("room"):
                builder.room(room.get("name") or room.text)

    def day(self, element: Element, path: str) -> None:
        builder = self.builder
        listed: date | None = None
        if element.get("date") is not None:
            listed = parse_date(element.get("date") or "")
            if listed is None:
                builder.problem(
                    f"{path}/@date",
                    self.line(element),
                    f"to nie jest data RRRR-MM-DD: {fragment(element.get('date'))}",
                )
        window = parse_datetime(element.get("start") or "")
        if listed is None and window is not None:
            listed = window.date()
        if listed is not None and window is not None:
            builder.windows[listed] = window
        index = 0
        for child in element:
            if child.tag != "room":
                if isinstance(child.tag, str):
                    builder.unknown(f"element <{child.tag}>", f"{path}/{child.tag}")
                continue
            name = child.get("name") or ""
            room_path = f"{path}/room[@name={fragment(name)}]"
            builder.room(name)
            for event in child:
                if event.tag != "event":
                    if isinstance(event.tag, str):
                        builder.unknown(f"element <{event.tag}>", f"{room_path}/{event.tag}")
                    continue
                index += 1
                self.event(event, f"{room_path}/event[{index}]", name, listed, window)

    def event(
        self, element: Element, path: str, room: str, listed: date | None, window: datetime | None
    ) -> None:
        builder = self.builder
        line = self.line(element)
        fields = self.children(element, path, _EVENT)

        def text(tag: str) -> str:
            child = fields.get(tag)
            return (child.text or "").strip() if child is not None else ""

        title = plain_text(text("title"), markup=False)
        if title is None:
            builder.problem(f"{path}/title", line, "brak tytułu (<title>)")
            return
        start = self.start(fields, path, line, listed, window)
        duration_text = text("duration")
        duration = parse_duration(duration_text) if duration_text else None
        if duration_text and duration is None:
            builder.problem(
                f"{path}/duration",
                self.line(fields["duration"]),
                f"czas trwania musi mieć postać GG:MM albo GG:MM:SS: {fragment(duration_text)}",
            )
        elif not duration_text:
            builder.problem(f"{path}/duration", line, "brak czasu trwania (<duration>)")
        if start is None or duration is None:
            return
        kind_text = text("type")
        slug_text = text("slug")
        key = (
            id_from_our_slug(slug_text)
            if self.ours and slug_text
            else element.get("id") or text("code") or element.get("guid") or slug_text or title
        )
        item = Item(
            key=key,
            title=title,
            start=start,
            end=None,
            duration=duration,
            listed=listed,
            where=path,
            line=line,
            kind=builder.known_kind(kind_text) if self.ours else builder.kind(kind_text),
            room=builder.room(text("room") or room),
            tracks=[t for t in [builder.track(text("track"))] if t],
            description=join_texts(
                plain_text(text("subtitle")),
                plain_text(text("abstract")),
                plain_text(text("description")),
                self.links(fields.get("links")),
            ),
            language=languages(text("language")),
            url=web_url(text("url")),
            fixed_id=self.ours and bool(slug_text),
        )
        persons = fields.get("persons")
        if persons is not None:
            for person in persons.findall("person"):
                name = person.text or person.findtext("name") or person.findtext("public_name")
                key_attr = person.get("id") or person.get("guid") or person.get("code")
                speaker = builder.speaker(key_attr, name)
                if speaker:
                    item.speakers.append(speaker)
        builder.add(item)

    def start(
        self,
        fields: dict[str, Element],
        path: str,
        line: int | None,
        listed: date | None,
        window: datetime | None,
    ) -> datetime | None:
        """`<date>` (with its offset) if given, else `<start>` on the day's date (or the night after)."""
        builder = self.builder
        moment = fields.get("date")
        if moment is not None and (moment.text or "").strip():
            value = parse_datetime(moment.text or "")
            if value is None:
                builder.problem(
                    f"{path}/date",
                    self.line(moment),
                    "to nie jest data i godzina ISO 8601 (2025-12-27T16:00:00+01:00): "
                    + fragment((moment.text or "").strip()),
                )
            return value
        start = fields.get("start")
        start_text = (start.text or "").strip() if start is not None else ""
        if not start_text:
            builder.problem(f"{path}/date", line, "brak daty i godziny (<date> albo <start>)")
            return None
        value = parse_datetime(start_text)
        if value is not None:
            return value
        match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?", start_text)
        if match is None or listed is None:
            where = self.line(start) if start is not None else line
            reason = "godzina musi mieć postać GG:MM" if match is None else "dzień nie ma daty (<day date=…>)"
            builder.problem(f"{path}/start", where, f"{reason}: {fragment(start_text)}")
            return None
        value = datetime(listed.year, listed.month, listed.day, int(match.group(1)), int(match.group(2)))
        if window is not None and value.time() < window.time():
            value += timedelta(days=1)  # the night after the day's programme
        return value

    def links(self, element: Element | None) -> str | None:
        if element is None:
            return None
        lines = []
        for link in element.findall("link"):
            href = (link.get("href") or "").strip()
            title = plain_text(link.findtext("title") or link.text, markup=False)
            if href or title:
                lines.append(
                    f"- {title}: {href}" if title and href and title != href else f"- {title or href}"
                )
        return "Linki:\n" + "\n".join(lines) if lines else None


FORMATS = (Format("frab-xml", "frab/pentabarf schedule.xml", (".xml",), _recognise, read),)
