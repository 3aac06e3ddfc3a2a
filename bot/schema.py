"""The shape of the YAML data file (docs/data-format.md), validated with pydantic."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.model import Role, SessionKind, TransportMode

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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventSpec(Strict):
    id: Id
    name: Text
    short_name: Text | None = None
    edition: int | None = Field(default=None, ge=1)
    kind: Text | None = None
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


class VenueSpec(Strict):
    name: Text
    short_name: Text | None = None
    aliases: list[Text] = []
    address: Text
    postal_code: Text | None = None
    city: Text
    description: Text | None = None
    buildings: list[BuildingSpec] = []
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


class SessionSpec(Strict):
    id: Id
    kind: SessionKind = SessionKind.SESSION
    title: Text
    aliases: list[Text] = []
    start: ClockTime
    end: ClockTime
    place: Id | None = None
    room: Text | None = None
    organisations: list[Id] = []
    meeting_point: MeetingPointSpec | None = None
    description: Text | None = None
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


class DataFile(Strict):
    event: EventSpec
    contact: ContactSpec | None = None
    organisations: list[OrganisationSpec] = []
    partners_note: Text | None = None
    venue: VenueSpec
    places: list[PlaceSpec] = []
    days: list[DaySpec] = Field(min_length=1)
    faq: list[FaqSpec] = []
