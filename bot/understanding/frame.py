"""What a question asks, about what, and under which constraints."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.intents import Intent
from bot.model import FaqEntry, Kind, Organisation, Place, Room, Session, Speaker, Track
from bot.timeexpr import TimeQuery


class Ask(StrEnum):
    """What the person wants to know."""

    LIST = "list"  # what is on (in a room, of a kind, by a person, at a time)
    WHEN = "when"
    WHERE = "where"
    WHO = "who"
    ABOUT = "about"  # what it is about
    DURATION = "duration"
    START = "start"  # when something (the event) starts
    END = "end"  # … or ends
    ANY = "any"  # nothing more precise: the thing's card


class Relation(StrEnum):
    AFTER = "after"
    BEFORE = "before"
    PARALLEL = "parallel"


class Topic(StrEnum):
    """What the frame is about, and so which answer it gets."""

    SPEAKER = "speaker"  # a person on the programme
    LISTING = "listing"  # sessions filtered by room, kind, track and time
    RELATIVE = "relative"  # sessions after, before or alongside a named session
    EVENT_TIME = "event_time"  # when the event starts or ends
    CHOICE = "choice"  # two things match about equally: ask which one
    PLACE = "place"  # where a place is and how to get there: that place, never the main venue
    ROOM = "room"  # where a room, hall or stage is, and what is on there
    EVENT_SPAN = "event_span"  # how long the event lasts
    DAY_WHERE = "day_where"  # where a day's programme takes place ("gdzie jest konferencja w środę?")
    UNKNOWN = "unknown"  # something the data does not say (prices, sign-up, wi-fi…)
    NOW = "now"  # what is on now, across the programme
    NEXT = "next"  # what comes next
    DAY = "day"  # a day's programme (or every day's)
    AT_TIME = "at_time"  # what is on at an hour or in a window
    VISITS = "visits"  # the sessions held elsewhere (visits, trips)
    CARD = "card"  # one session's or place's details
    VENUE = "venue"  # where the event is and how to get there
    CONTACT = "contact"
    ORGANISERS = "organisers"
    EVENT = "event"  # what the event is
    ORGANISATION = "organisation"  # one organisation (the main organiser when none is named)
    FAQ = "faq"  # an entry of the event's own questions and answers
    DIALOGUE = "dialogue"  # greetings, thanks, help, reminder settings, "I don't know": the conversation's


@dataclass(frozen=True, slots=True)
class Frame:
    topic: Topic
    ask: Ask
    intent: Intent  # the general answer's kind, and what logs and statistics count
    when: TimeQuery | None = None
    now: bool = False  # "teraz", "now"
    speaker: Speaker | None = None
    room: Room | None = None
    kind: Kind | None = None
    track: Track | None = None
    session: Session | None = None  # the session a relation is to
    place: Place | None = None
    missing: str | None = None  # for UNKNOWN: what the data does not say, as a Polish phrase
    relation: Relation | None = None
    choices: tuple[Session | Speaker, ...] = ()  # for CHOICE: the things that fit equally
    sessions: tuple[Session, ...] = ()  # for LISTING by topic: the sessions it is about
    upcoming: bool = False  # "co dalej w sali X": what comes next there, not the whole list
    starting: bool = False  # "jakie wizyty zaczynają się o 15:30": starting then, not running
    at_venue: bool = False  # "co jest na Zabłociu po 12": at the main venue only
    subject: Session | Place | Organisation | None = None  # for CARD and ORGANISATION
    faq: FaqEntry | None = None  # for FAQ
    venue_topics: tuple[str, ...] = ()  # for VENUE: what of the way is asked (parking, tram…)
    rooms: tuple[Room, ...] = ()  # rooms one word names together ("Kidspace": its four corners)
    same_room: bool = False  # for RELATIVE: in the room of the session it is relative to
