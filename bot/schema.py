"""The shape of the YAML data file (docs/data-format.md), validated with pydantic."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.model import Role, TransportMode

_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


def _parse_clock_time(value: object) -> object:
    if isinstance(value, str):
        match = _TIME.match(value)
        if not match:
            raise ValueError("godzina musi mieć postać GG:MM, np. 09:30 albo 15:00")
        return time(int(match.group(1)), int(match.group(2)))
    return value


ClockTime = Annotated[time, BeforeValidator(_parse_clock_time)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]
# Built-in session kinds (bot/kinds.py gives their Polish names); `kinds:` in the file adds more.
BUILTIN_KINDS = ("session", "plenary", "workshop", "visit", "break", "registration", "social")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventSpec(Strict):
    id: Id
    name: Text
    short_name: Text | None = None
    edition: int | None = Field(default=None, ge=1)
    kind: Text | None = None  # a description: "ogólnopolska konferencja", "festiwal muzyczny"
    # What the event is, one Polish noun in the nominative ("konferencja", "festiwal", "kongres",
    # "targi"): every text that names the event inflects it. Absent: the last word of `kind`
    # when it is a noun, else "wydarzenie".
    noun: Text | None = None
    # Sessions of a day listed with a start before this time belong to the next calendar date
    # and still to that day's programme (a 01:30 concert in Friday's night): pretalx's 04:00.
    day_starts_at: ClockTime | None = None
    motto: Text | None = None
    timezone: Text
    start_date: date
    end_date: date
    city: Text | None = None
    participants: Text | None = None
    topics: list[Text] = []
    history: Text | None = None
    website: Text | None = None
    programme_website: Text | None = None


class ContactSpec(Strict):
    name: Text
    role: Text | None = None
    phone: Text | None = None
    email: Text | None = None


class OrganisationSpec(Strict):
    id: Id
    name: Text
    short_name: Text | None = None
    aliases: list[Text] = []
    roles: list[Role] = []
    description: Text | None = None
    websites: list[Text] = []


class GeoPointSpec(Strict):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    approximate: bool = False
    note: Text | None = None


class NoteSpec(Strict):
    text: Text | None = None
    provisional: bool = False


class MeetingPointSpec(NoteSpec):
    address: Text | None = None
    location: GeoPointSpec | None = None


class StopSpec(Strict):
    name: Text
    mode: TransportMode
    lines: list[Text] = []
    note: Text | None = None
    provisional: bool = False


class DirectionSpec(Strict):
    from_: Text = Field(alias="from")
    label: Text
    text: Text
    provisional: bool = False


class BuildingSpec(Strict):
    name: Text
    note: Text | None = None


class RoomSpec(Strict):
    """A room, hall, stage or tent inside the venue: something "co jest w sali B?" points at."""

    id: Id
    name: Text
    aliases: list[Text] = []
    kind: Text | None = None  # "sala", "scena", "namiot", "aula"…, in the nominative
    floor: Text | None = None  # "parter", "1. piętro"
    note: Text | None = None  # a short way-finding note
    location: GeoPointSpec | None = None  # on a big site (a festival field)
    capacity: int | None = Field(default=None, ge=1)


class VenueSpec(Strict):
    name: Text
    short_name: Text | None = None
    aliases: list[Text] = []
    # A field or an airfield has no address: then `location` (and a `description`) say where it is.
    address: Text | None = None
    postal_code: Text | None = None
    city: Text | None = None
    description: Text | None = None
    buildings: list[BuildingSpec] = []
    rooms: list[RoomSpec] = []
    location: GeoPointSpec | None = None
    map_url: Text | None = None
    stops: list[StopSpec] = []
    directions: list[DirectionSpec] = []
    parking: NoteSpec | None = None
    accessibility: NoteSpec | None = None
    bicycles: NoteSpec | None = None


class PlaceSpec(Strict):
    id: Id
    name: Text
    short_name: Text | None = None
    aliases: list[Text] = []
    organisation: Id | None = None
    address: Text | None = None
    district: Text | None = None
    city: Text | None = None
    description: Text | None = None
    location: GeoPointSpec | None = None
    map_url: Text | None = None
    provisional: bool = False


class KindSpec(Strict):
    """A kind of session the event has: "koncert", "panel", "keynote", "film", "spotkanie"…"""

    id: Id
    name: Text  # Polish, singular nominative: "koncert"
    plural: Text  # Polish, plural nominative: "koncerty"
    aliases: list[Text] = []  # other words people use: "gig", "występ"
    travel: bool = False  # held elsewhere, people must get there: longer reminders, meeting point
    reminders: bool = True  # false: nobody needs a reminder (a coffee break)


class TrackSpec(Strict):
    """A track, category or theme sessions belong to ("Bazy danych", "Scena muzyczna")."""

    id: Id
    name: Text
    aliases: list[Text] = []
    description: Text | None = None


class SpeakerSpec(Strict):
    """A person on the programme: speaker, performer, chair, moderator."""

    id: Id
    name: Text
    aliases: list[Text] = []  # another spelling, a stage name
    affiliation: Text | None = None
    bio: Text | None = None
    links: list[Text] = []


class PartSpec(Strict):
    """A talk inside a session block (a paper session, a keynote block), with its own time."""

    id: Id
    title: Text
    start: ClockTime | None = None  # absent: the block's start (or the previous part's end)
    end: ClockTime | None = None
    speakers: list[Id] = []
    description: Text | None = None
    url: Text | None = None


class SessionSpec(Strict):
    id: Id
    kind: Id = "session"  # a built-in kind (BUILTIN_KINDS) or one defined in `kinds`
    title: Text
    aliases: list[Text] = []
    start: ClockTime
    end: ClockTime  # not after `start`: the session ends the next day (22:10–01:20)
    place: Id | None = None
    room: Text | None = None  # a room's id from venue.rooms, or free text (older files)
    tracks: list[Id] = []
    speakers: list[Id] = []
    chairs: list[Id] = []  # who chairs or moderates the block
    parts: list[PartSpec] = []
    organisations: list[Id] = []
    meeting_point: MeetingPointSpec | None = None
    description: Text | None = None
    language: Text | None = None  # "pl", "en"
    url: Text | None = None
    provisional: bool = False


class DaySpec(Strict):
    date: date
    title: Text | None = None
    provisional: bool = False
    sessions: list[SessionSpec] = Field(min_length=1)


class FaqSpec(Strict):
    id: Id
    question: Text
    keywords: list[Text] = []
    answer: Text
    provisional: bool = False


class ProgrammeSourceSpec(Strict):
    """The programme kept elsewhere: a pretalx/frab/Sessionize/iCalendar/spreadsheet export."""

    source: Text  # a path (relative to this file) or an https URL
    format: Text | None = None  # absent: told by the file's name and contents
    poll_minutes: float | None = Field(default=None, gt=0, le=1440)  # URLs: how often to fetch


class DataFile(Strict):
    event: EventSpec
    contact: ContactSpec | None = None
    organisations: list[OrganisationSpec] = []
    partners_note: Text | None = None
    venue: VenueSpec
    places: list[PlaceSpec] = []
    kinds: list[KindSpec] = []
    tracks: list[TrackSpec] = []
    speakers: list[SpeakerSpec] = []
    programme: ProgrammeSourceSpec | None = None  # `days` (and speakers, rooms…) from a source
    days: list[DaySpec] = Field(min_length=1)
    faq: list[FaqSpec] = []
