"""The programme written out as frab `schedule.xml` and c3voc `schedule.json`.

Written from the validated data file (`schema.DataFile`), not from the `Conference`: the file's
document says everything a session has — speakers, tracks, kinds, rooms by id — in the terms the
importers read back, so YAML → export → YAML gives the same document; the domain model is shaped for
answering questions and changes with it. Validation (the builder's too) has run before: `load_spec`.

Each file names this bot as its generator, and its slugs are our session ids: reading it back keeps
them. What frab cannot hold is said in docs/importing.md (one track per session, parts in the
description, places as rooms).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from xml.etree.ElementTree import Element, SubElement, indent, tostring
from zoneinfo import ZoneInfo

from bot import schema
from bot.formats import Exporter
from bot.formats.frab import GENERATOR, our_slug

# uuid5 namespace of the guids this bot writes: the same event and session always get the same guid.
NAMESPACE = uuid.UUID("6f0c3c1e-9a8e-5d1b-b7a4-3c2f1e0d9a51")
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
_ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")  # c3voc schema.json
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


def _version() -> str:
    try:
        return metadata.version("konferencja-bot")
    except metadata.PackageNotFoundError:
        return "0"


@dataclass(slots=True)
class _Event:
    """A session with everything frab wants spelt out."""

    number: int  # frab's integer id: the session's place in the file
    guid: str
    session: schema.SessionSpec
    start: datetime
    end: datetime
    room: str
    track: str | None
    persons: list[tuple[int, str, schema.SpeakerSpec]]  # frab's number, guid, person
    description: str | None

    @property
    def duration(self) -> str:
        minutes = int((self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds()) // 60
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(slots=True)
class _Day:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: dict[str, list[_Event]] = field(default_factory=dict)


def _guid(spec: schema.DataFile, *parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join((spec.event.id, *parts))))


def _days(spec: schema.DataFile) -> list[_Day]:
    """Each day with its sessions by room, in time order, as moments in the event's zone."""
    zone = ZoneInfo(spec.event.timezone)
    boundary = spec.event.day_starts_at
    venue = getattr(spec, "venue", None)
    rooms = {room.id: room.name for room in (venue.rooms if venue else [])}
    places = {place.id: place.name for place in spec.places}
    tracks = {track.id: track.name for track in spec.tracks}
    people = {
        person.id: (number, _guid(spec, "speaker", person.id), person)
        for number, person in enumerate(spec.speakers, 1)
    }
    days = []
    number = 0
    for index, day in enumerate(spec.days, 1):
        events = []
        for session in day.sessions:
            on = day.date + timedelta(days=1) if boundary and session.start < boundary else day.date
            start = datetime.combine(on, session.start, zone)
            end = datetime.combine(on, session.end, zone)
            if end <= start:
                end = datetime.combine(on + timedelta(days=1), session.end, zone)
            room = rooms.get(session.room or "", session.room) or places.get(session.place or "") or ""
            persons = [
                people[ident] for ident in dict.fromkeys(session.speakers + session.chairs) if ident in people
            ]
            events.append((start, end, session, room, persons))
        events.sort(key=lambda e: (e[0], e[1]))
        if boundary:
            first = datetime.combine(day.date, boundary, zone)
            last = datetime.combine(day.date + timedelta(days=1), boundary, zone)
        else:
            first = min(e[0] for e in events)
            last = max(e[1] for e in events)
        out = _Day(index, day.date, first, last)
        for start, end, session, room, persons in events:
            number += 1
            track = next((tracks.get(t, t) for t in session.tracks), None)
            out.rooms.setdefault(room, []).append(
                _Event(
                    number,
                    _guid(spec, session.id),
                    session,
                    start,
                    end,
                    room,
                    track,
                    persons,
                    _description(session),
                )
            )
        days.append(out)
    return days


def _description(session: schema.SessionSpec) -> str | None:
    """The description, with a block's parts listed (frab has no parts)."""
    if not session.parts:
        return session.description
    lines = []
    for part in session.parts:
        when = f"{part.start:%H:%M} " if part.start else ""
        lines.append(f"- {when}{part.title}")
    return "\n\n".join(x for x in (session.description, "Wystąpienia:\n" + "\n".join(lines)) if x)


def _url(value: str | None) -> str | None:
    return value if value and value.startswith(("http://", "https://")) else None


# --- frab schedule.xml ---------------------------------------------------------------------------


def write_frab_xml(spec: schema.DataFile) -> bytes:
    """The programme as frab/pentabarf schedule.xml (in the shape of c3voc's schema.xsd)."""
    days = _days(spec)
    event = spec.event
    root = Element("schedule")
    SubElement(root, "generator", name=GENERATOR, version=_version())
    SubElement(root, "version").text = _version()
    conference = SubElement(root, "conference")
    for tag, value in (
        ("acronym", event.id),
        ("title", event.name),
        ("start", event.start_date.isoformat()),
        ("end", event.end_date.isoformat()),
        ("days", str(len(days))),
        ("timeslot_duration", "00:05"),
        ("time_zone_name", event.timezone),
        ("url", _url(event.website)),
    ):
        if value:
            SubElement(conference, tag).text = value
    for track in spec.tracks:
        SubElement(conference, "track", name=track.name, slug=track.id)
    venue = getattr(spec, "venue", None)
    if venue is not None and venue.rooms:
        rooms = SubElement(conference, "rooms")
        for room in venue.rooms:
            SubElement(rooms, "room", name=room.name, guid=_guid(spec, "room", room.id))
    for day in days:
        day_element = SubElement(
            root,
            "day",
            index=str(day.index),
            date=day.date.isoformat(),
            start=day.start.isoformat(),
            end=day.end.isoformat(),
        )
        for room_name, events in day.rooms.items():
            room_element = SubElement(day_element, "room", name=room_name)
            for item in events:
                _frab_event(SubElement(room_element, "event", guid=item.guid, id=str(item.number)), item)
    indent(root, "  ")
    body: bytes = tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def _frab_event(element: Element, item: _Event) -> None:
    session = item.session
    for tag, value in (
        ("date", item.start.isoformat()),
        ("start", f"{item.start:%H:%M}"),
        ("duration", item.duration),
        ("room", item.room),
        ("slug", our_slug(session.id)),
        ("url", _url(session.url)),
        ("title", session.title),
        ("subtitle", ""),
        ("language", session.language),
        ("track", item.track or ""),
        ("type", session.kind),
        ("abstract", ""),
        ("description", item.description),
    ):
        if value is not None:
            SubElement(element, tag).text = value
    persons = SubElement(element, "persons")
    for number, guid, person in item.persons:
        SubElement(persons, "person", id=str(number), guid=guid).text = person.name
    SubElement(element, "links")


# --- c3voc schedule.json -------------------------------------------------------------------------


def _acronym(ident: str) -> str:
    """c3voc acronyms have no hyphens (but before a year): miejsca-otwarte-2023 → miejsca_otwarte_2023."""
    acronym = ident.replace("-", "_")
    return acronym if _ACRONYM.match(acronym) else acronym.ljust(4, "_")


def write_c3voc_json(spec: schema.DataFile) -> bytes:
    """The programme as c3voc/frab schedule.json (valid against c3voc's schema.json)."""
    days = _days(spec)
    event = spec.event
    conference: dict[str, object] = {
        "acronym": _acronym(event.id),
        "title": event.name,
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": "00:05",
    }
    if _ZONE_NAME.search(event.timezone):  # not Etc/GMT-1: the offsets in the times say it then
        conference["time_zone_name"] = event.timezone
    if _url(event.website):
        conference["url"] = event.website
    if spec.tracks:
        conference["tracks"] = [{"name": track.name, "slug": track.id} for track in spec.tracks]
    venue = getattr(spec, "venue", None)
    if venue is not None and venue.rooms:
        conference["rooms"] = [
            {"name": room.name, "guid": _guid(spec, "room", room.id)} for room in venue.rooms
        ]
    conference["days"] = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {name: [_json_event(item) for item in events] for name, events in day.rooms.items()},
        }
        for day in days
    ]
    document = {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR, "version": _version()},
        "schedule": {"version": _version(), "conference": conference},
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_event(item: _Event) -> dict[str, object]:
    session = item.session
    persons = []
    for _, guid, person in item.persons:
        entry: dict[str, object] = {"name": person.name, "guid": guid}
        if person.bio:
            entry["biography"] = person.bio
        persons.append(entry)
    return {
        "id": item.number,
        "guid": item.guid,
        "date": item.start.isoformat(),
        "start": f"{item.start:%H:%M}",
        "duration": item.duration,
        "room": item.room,
        "slug": our_slug(session.id),
        "url": _url(session.url) or f"urn:uuid:{item.guid}",
        "title": session.title,
        "subtitle": None,
        "track": item.track,
        "type": session.kind,
        "language": session.language or "",
        "abstract": None,
        "description": item.description,
        "persons": persons,
        "links": [],
    }


EXPORTERS = (
    Exporter("frab-xml", "frab/pentabarf schedule.xml", write_frab_xml),
    Exporter("json", "c3voc schedule.json", write_c3voc_json),
)
