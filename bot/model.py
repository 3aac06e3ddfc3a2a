"""Typed, immutable domain objects for one event, built from the validated data file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Role(StrEnum):
    ORGANISER = "organiser"
    CO_ORGANISER = "co_organiser"
    FUNDER = "funder"
    PARTNER = "partner"


class TransportMode(StrEnum):
    TRAM = "tram"
    BUS = "bus"
    TRAIN = "train"
    METRO = "metro"  # underground, U-Bahn


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of session: built in (bot/kinds.py) or defined by the data ("koncert", "panel")."""

    id: str
    name: str  # Polish, singular nominative: "wizyta studyjna"
    plural: str  # Polish, plural nominative: "wizyty studyjne"
    aliases: tuple[str, ...] = ()
    travel: bool = False  # held elsewhere: a longer reminder lead, a meeting point
    reminders: bool = True  # False: nobody needs a reminder (a coffee break)


@dataclass(frozen=True, slots=True)
class Noun:
    """The Polish noun that names the event, in the cases the texts need.

    Built once at load (bot/nouns.py, morfeusz2); `agree` picks the verb or adjective form that
    goes with it: "festiwal zakończył się", "konferencja zakończyła się", "targi zakończyły się".
    """

    nominative: str
    genitive: str
    dative: str
    accusative: str
    instrumental: str
    locative: str
    gender: str  # "m", "f" or "n"
    plural: bool = False  # plurale tantum: "targi", "warsztaty"

    def agree(self, masculine: str, feminine: str, neuter: str, plural: str) -> str:
        if self.plural:
            return plural
        return {"m": masculine, "f": feminine}.get(self.gender, neuter)

    @property
    def title(self) -> str:
        """The nominative with a capital, to start a sentence."""
        return self.nominative[:1].upper() + self.nominative[1:]


# The event's noun when the data gives none and its `kind` ends in no noun.
EVENT_NOUN = Noun("wydarzenie", "wydarzenia", "wydarzeniu", "wydarzenie", "wydarzeniem", "wydarzeniu", "n")


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
class Room:
    """A room, hall, stage or tent at the venue; a session's free-text room is one without an id."""

    name: str
    id: str | None = None
    aliases: tuple[str, ...] = ()
    kind: str | None = None  # "sala", "scena", "namiot"
    floor: str | None = None
    note: str | None = None  # how to find it
    location: GeoPoint | None = None
    capacity: int | None = None

    @property
    def way(self) -> str:
        """Floor and way-finding note, as far as given ("" if none)."""
        return ", ".join(x for x in (self.floor, self.note) if x)


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person (or a band) on the programme: speaker, performer, chair, moderator."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None
    bio: str | None = None
    links: tuple[str, ...] = ()

    @property
    def credit(self) -> str:
        """ "Anna Nowak (Uniwersytet Jagielloński)"."""
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """A talk inside a session block, with its own time and speakers."""

    id: str
    title: str
    start: datetime
    end: datetime
    speakers: tuple[Speaker, ...] = ()
    description: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    address: str | None = None
    city: str | None = None
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    postal_code: str | None = None
    description: str | None = None
    buildings: tuple[Building, ...] = ()
    rooms: tuple[Room, ...] = ()
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
        """Street, postal code and city as far as given ("" for a field with no address)."""
        city = " ".join(x for x in (self.postal_code, self.city) if x)
        return ", ".join(x for x in (self.address, city) if x)

    @property
    def located(self) -> str:
        """The venue's name and, if it has one, its address: "Aula Główna, ul. Próbna 1, 00-001 Testowo"."""
        return ", ".join(x for x in (self.name, self.full_address) if x)

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
    kind: Kind
    title: str
    start: datetime  # the true moments: a 01:30 concert of Friday's night starts on Saturday
    end: datetime
    day_index: int
    day: date  # the programme day it is listed under (`Day.date`), not always `start.date()`
    aliases: tuple[str, ...] = ()
    place: Place | None = None
    at_venue: bool = False
    room: Room | None = None
    tracks: tuple[Track, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    chairs: tuple[Speaker, ...] = ()
    parts: tuple[Part, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    meeting_point: MeetingPoint | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    provisional: bool = False

    def is_running(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def people(self) -> tuple[Speaker, ...]:
        """Everyone on it: chairs, speakers, the speakers of its parts, each once."""
        seen: dict[str, Speaker] = {}
        for person in (*self.chairs, *self.speakers, *(p for part in self.parts for p in part.speakers)):
            seen.setdefault(person.id, person)
        return tuple(seen.values())


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
    noun: Noun = EVENT_NOUN
    day_starts_at: time = time(0)
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
    kinds: tuple[Kind, ...] = ()  # the kinds its sessions use and those the file defines
    tracks: tuple[Track, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    sessions: tuple[Session, ...] = field(default=())
    # By id, for `session()`: comparing two programmes on /przeladuj looks up every session, and a
    # scan each time made that quadratic (5 s at 9,000 sessions).
    _by_id: dict[str, Session] = field(init=False, repr=False, compare=False, hash=False)
    # By person: "kiedy występuje X?" is asked of every person on a 1,000-session programme.
    _by_person: dict[str, list[Session]] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.sessions})
        by_person: dict[str, list[Session]] = {}
        for session in self.sessions:
            for person in session.people:  # each person once per session already
                by_person.setdefault(person.id, []).append(session)
        object.__setattr__(self, "_by_person", by_person)

    @property
    def tz(self) -> ZoneInfo:
        return self.event.timezone

    @property
    def noun(self) -> Noun:
        return self.event.noun

    def programme_date(self, moment: datetime) -> date:
        """The programme day a moment belongs to: before `day_starts_at` it is still the day before."""
        starts = self.event.day_starts_at
        local = moment.astimezone(self.tz)
        return (local - timedelta(hours=starts.hour, minutes=starts.minute)).date()

    def programme_moment(self, day: date, at: time) -> datetime:
        """A clock time of a programme day as a true moment (01:30 of Friday's night is Saturday)."""
        moment = datetime.combine(day, at, self.tz)
        return moment + timedelta(days=1) if at < self.event.day_starts_at else moment

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

    def sessions_in(self, room: Room) -> list[Session]:
        return [s for s in self.sessions if s.room is room]

    def sessions_with(self, speaker: Speaker) -> list[Session]:
        """Sessions the person chairs, speaks at, or speaks in a part of."""
        return list(self._by_person.get(speaker.id, ()))

    @property
    def visits(self) -> list[Session]:
        """Sessions of the travel kinds (study visits, excursions): people must get there."""
        return [s for s in self.sessions if s.kind.travel]

    @property
    def travel_kinds(self) -> list[Kind]:
        """The travel kinds the programme uses, in order of first use."""
        found: dict[str, Kind] = {}
        for s in self.visits:
            found.setdefault(s.kind.id, s.kind)
        return list(found.values())
