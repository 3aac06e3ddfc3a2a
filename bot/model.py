"""Typed, immutable domain objects for one event, built from the validated data file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Role(StrEnum):
    ORGANISER = "organiser"
    CO_ORGANISER = "co_organiser"
    FUNDER = "funder"
    PARTNER = "partner"


class SessionKind(StrEnum):
    VISIT = "visit"
    SESSION = "session"
    PLENARY = "plenary"
    WORKSHOP = "workshop"
    BREAK = "break"
    REGISTRATION = "registration"
    SOCIAL = "social"


class TransportMode(StrEnum):
    TRAM = "tram"
    BUS = "bus"
    TRAIN = "train"


@dataclass(frozen=True, slots=True)
class Note:
    """A short piece of practical information that may still be unconfirmed."""

    text: str
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float
    approximate: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingPoint:
    """Where a group meets before a site visit; any part may still be unknown."""

    text: str = ""
    provisional: bool = False
    address: str | None = None
    location: GeoPoint | None = None

    @property
    def described(self) -> str:
        """The meeting point in words, as far as it is known ("" if not at all)."""
        return ", ".join(x for x in (self.text, self.address) if x)


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    roles: frozenset[Role] = frozenset()
    description: str | None = None
    websites: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Stop:
    name: str
    mode: TransportMode
    lines: tuple[str, ...] = ()
    note: str | None = None
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class Direction:
    """How to get to the venue from one starting point or by one means of transport."""

    origin: str
    label: str
    text: str
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class Building:
    name: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    address: str
    city: str
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    postal_code: str | None = None
    description: str | None = None
    buildings: tuple[Building, ...] = ()
    location: GeoPoint | None = None
    map_url: str | None = None
    stops: tuple[Stop, ...] = ()
    directions: tuple[Direction, ...] = ()
    parking: Note | None = None
    accessibility: Note | None = None
    bicycles: Note | None = None

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def full_address(self) -> str:
        city = f"{self.postal_code} {self.city}" if self.postal_code else self.city
        return f"{self.address}, {city}"

    def direction(self, origin: str) -> Direction | None:
        return next((d for d in self.directions if d.origin == origin), None)


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    organisation: Organisation | None = None
    address: str | None = None
    district: str | None = None
    city: str | None = None
    description: str | None = None
    location: GeoPoint | None = None
    map_url: str | None = None
    provisional: bool = False

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def locality(self) -> str:
        """What is known of where it is: address, district, city ("" if nothing)."""
        return ", ".join(x for x in (self.address, self.district, self.city) if x)


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    kind: SessionKind
    title: str
    start: datetime
    end: datetime
    day_index: int
    aliases: tuple[str, ...] = ()
    place: Place | None = None
    at_venue: bool = False
    room: str | None = None
    organisations: tuple[Organisation, ...] = ()
    meeting_point: MeetingPoint | None = None
    description: str | None = None
    provisional: bool = False

    def is_running(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Day:
    date: date
    index: int
    title: str | None = None
    provisional: bool = False
    sessions: tuple[Session, ...] = ()


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class EventInfo:
    id: str
    name: str
    timezone: ZoneInfo
    start_date: date
    end_date: date
    short_name: str | None = None
    edition: int | None = None
    kind: str | None = None
    motto: str | None = None
    city: str | None = None
    participants: str | None = None
    topics: tuple[str, ...] = ()
    history: str | None = None
    website: str | None = None
    programme_website: str | None = None

    @property
    def label(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Conference:
    """Everything the assistant knows about one event."""

    event: EventInfo
    venue: Venue
    days: tuple[Day, ...]
    contact: Contact | None = None
    organisations: tuple[Organisation, ...] = ()
    places: tuple[Place, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    partners_note: str | None = None
    sessions: tuple[Session, ...] = field(default=())
    # By id, for `session()`: comparing two programmes on /przeladuj looks up every session, and a
    # scan each time made that quadratic (5 s at 9,000 sessions).
    _by_id: dict[str, Session] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.sessions})

    @property
    def tz(self) -> ZoneInfo:
        return self.event.timezone

    @property
    def starts_at(self) -> datetime:
        return min(s.start for s in self.sessions)

    @property
    def ends_at(self) -> datetime:
        return max(s.end for s in self.sessions)

    def session(self, session_id: str) -> Session | None:
        return self._by_id.get(session_id)

    def day_for(self, when: date) -> Day | None:
        return next((d for d in self.days if d.date == when), None)

    def running_at(self, moment: datetime) -> list[Session]:
        return [s for s in self.sessions if s.is_running(moment)]

    def starting_after(self, moment: datetime) -> list[Session]:
        """Sessions of the earliest start time after `moment` (parallel ones together)."""
        later = [s for s in self.sessions if s.start > moment]
        if not later:
            return []
        first = min(s.start for s in later)
        return [s for s in later if s.start == first]

    def overlapping(self, start: datetime, end: datetime) -> list[Session]:
        return [s for s in self.sessions if s.overlaps(start, end)]

    def organisations_with(self, role: Role) -> list[Organisation]:
        return [o for o in self.organisations if role in o.roles]

    def sessions_at(self, place: Place) -> list[Session]:
        return [s for s in self.sessions if s.place is place]

    def sessions_by(self, organisation: Organisation) -> list[Session]:
        return [s for s in self.sessions if organisation in s.organisations]

    @property
    def visits(self) -> list[Session]:
        return [s for s in self.sessions if s.kind is SessionKind.VISIT]
