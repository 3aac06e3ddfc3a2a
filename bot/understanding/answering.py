"""Answers composed from a frame: a person's sessions, sessions filtered by room, kind, track and
time, sessions around a named one, when the event starts or ends, and "which one did you mean?"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache

from bot.details import answer_place, answer_session
from bot.info import (
    answer_about_event,
    answer_contact,
    answer_faq,
    answer_organisation,
    answer_organisers,
    answer_venue,
)
from bot.intents import Intent
from bot.model import Conference, Kind, Organisation, Place, Room, Session, Speaker
from bot.polish import at_time, counted, format_time, on_day, plural, short_label, until_time, when_phrase
from bot.programme import (
    LABEL_LIMIT,
    answer_at_time,
    answer_day,
    answer_next,
    answer_now,
    answer_visits,
    day_heading,
    resolve_days,
    session_line,
    session_when,
)
from bot.reply import Location, ReplyBuilder, bold
from bot.text import fold
from bot.timeexpr import TimeQuery
from bot.understanding.frame import Ask, Frame, Relation, Topic
from bot.understanding.reading import ELSEWHERE

MAX_LISTED = 25  # sessions in one list; the rest counted


Composed = tuple[ReplyBuilder, Intent]  # the answer, and the kind of answer it turned out to be


def compose(frame: Frame, conference: Conference, now: datetime) -> Composed | None:
    """The answer for a frame from the event's data; None for the conversation's own acts
    (greetings, thanks, help, reminder settings, "I don't know"), which the assistant answers."""
    general = _general(frame, conference, now)
    if general is not None:
        return general, frame.intent
    if frame.topic is Topic.SPEAKER and frame.speaker is not None:
        return answer_speaker(conference, frame.speaker, frame, now), frame.intent
    if frame.topic is Topic.LISTING:
        return answer_listing(conference, frame, now)
    if frame.topic is Topic.RELATIVE and frame.session is not None and frame.relation is not None:
        return answer_relative(conference, frame.session, frame.relation, now, frame), frame.intent
    if frame.topic is Topic.EVENT_TIME:
        return answer_event_time(conference, frame.ask, now, frame.when), frame.intent
    if frame.topic is Topic.CHOICE:
        return answer_choice(conference, frame, now), frame.intent
    if frame.topic is Topic.PLACE and frame.place is not None:
        return answer_place(conference, frame.place, now), frame.intent
    if frame.topic is Topic.ROOM and frame.room is not None:
        return answer_room(conference, frame, now), frame.intent
    if frame.topic is Topic.DAY_WHERE:
        return answer_day_where(conference, frame, now), frame.intent
    if frame.topic is Topic.EVENT_SPAN:
        return answer_event_span(conference), frame.intent
    if frame.topic is Topic.UNKNOWN:
        return answer_unknown(conference, frame)
    return None


def _general(frame: Frame, conference: Conference, now: datetime) -> ReplyBuilder | None:
    topic, subject = frame.topic, frame.subject
    if topic is Topic.NOW:
        return answer_now(conference, now)
    if topic is Topic.NEXT:
        return answer_next(conference, now)
    if topic is Topic.AT_TIME and frame.when is not None:
        return answer_at_time(conference, frame.when, now)
    if topic in (Topic.DAY, Topic.AT_TIME):
        return answer_day(conference, frame.when, now)
    if topic is Topic.VISITS:
        return answer_visits(conference, now)
    if topic is Topic.CARD and isinstance(subject, Session):
        return answer_session(conference, subject, now)
    if topic is Topic.CARD and isinstance(subject, Place):
        return answer_place(conference, subject, now)
    if topic is Topic.VENUE:
        return answer_venue(conference, frame.venue_topics)
    if topic is Topic.CONTACT:
        return answer_contact(conference)
    if topic is Topic.ORGANISERS:
        return answer_organisers(conference)
    if topic is Topic.EVENT:
        return answer_about_event(conference)
    if topic is Topic.ORGANISATION and isinstance(subject, Organisation):
        return answer_organisation(conference, subject)
    if topic is Topic.FAQ and frame.faq is not None:
        return answer_faq(frame.faq)
    return None


def _dated_line(out: ReplyBuilder, session: Session, conference: Conference, today: date) -> None:
    """A programme line that says its day too: "• sobota, 2 listopada, 10:30–10:55 Tytuł — Sala"."""
    room = f" — {session.room.name}" if session.room is not None and session.room.name else ""
    out.line(f"• {session_when(session, today)} ", bold(session.title), room)


def answer_speaker(conference: Conference, speaker: Speaker, frame: Frame, now: datetime) -> ReplyBuilder:
    sessions = conference.sessions_with(speaker)
    out = ReplyBuilder()
    today = conference.programme_date(now)
    if frame.when is not None and frame.when.has_day and sessions:
        # "czy Doctorow występuje w poniedziałek?": that day's, or that there is none that day.
        days = resolve_days(conference, frame.when, today)
        that_day = [s for s in sessions if s.day in days]
        if not that_day:
            named = " ani ".join(on_day(day) for day in days)
            out.line(f"{speaker.name} nie występuje {named} — w programie jest:")
            for session in sessions:
                _dated_line(out, session, conference, today)
                out.suggest(session.title, session.title)
            return out
        sessions = that_day
    if len(sessions) == 1:
        return answer_session(conference, sessions[0], now)
    if not sessions:
        return out.line(f"{speaker.credit} nie ma w programie żadnego wystąpienia.")
    count = len(sessions)
    out.line(bold(speaker.credit), f" — {count} {plural(count, 'punkt', 'punkty', 'punktów')} programu:")
    for session in sessions:
        _dated_line(out, session, conference, today)
        out.suggest(session.title, session.title)
    return out


def _filtered(conference: Conference, frame: Frame) -> list[Session]:
    found = []
    for session in frame.sessions or conference.sessions:
        if frame.at_venue and not session.at_venue:
            continue
        if frame.room is not None and (session.room is None or session.room.name not in _room_names(frame)):
            continue
        if frame.kind is not None and session.kind.id != frame.kind.id and not _titled(session, frame.kind):
            continue
        if frame.track is not None and frame.track not in session.tracks:
            continue
        found.append(session)
    return found


def _room_names(frame: Frame) -> set[str]:
    """The rooms a frame is about: the one named, or the several one word names together."""
    return {room.name for room in frame.rooms} or ({frame.room.name} if frame.room is not None else set())


def _group_name(rooms: Sequence[Room]) -> str:
    """What several rooms share in their names ("Kidspace" of "Kidspace - Workshopraum", …)."""
    split = [room.name.split() for room in rooms]
    shared = []
    for words in zip(*split, strict=False):
        if len({fold(w) for w in words}) != 1:
            break
        shared.append(words[0])
    return " ".join(shared).strip(" -–—") or ", ".join(room.name for room in rooms)


def _titled(session: Session, kind: Kind) -> bool:
    """A session whose title says it is of the kind ("… workshop", "Warsztat: …"), whatever kind
    its export gave it."""
    return _title_says(session.title, (kind.name, kind.plural, *kind.aliases))


@lru_cache(maxsize=65_536)  # every title against a kind's names, asked on each listing by kind
def _title_says(title: str, names: tuple[str, ...]) -> bool:
    words = set(fold(title).split())
    return any(set(fold(name).split()) <= words for name in names)


def _label(frame: Frame) -> str:
    """What the list holds: "Warsztaty", "Sala C04", "Warsztaty — Sala C04", "Ścieżka Security"."""
    parts = []
    if frame.kind is not None:
        parts.append(frame.kind.plural[:1].upper() + frame.kind.plural[1:])
    if frame.rooms:
        parts.append(_group_name(frame.rooms))
    elif frame.room is not None:
        kind = (
            f"{frame.room.kind} "
            if frame.room.kind and frame.room.kind.lower() not in frame.room.name.lower()
            else ""
        )
        parts.append(f"{kind}{frame.room.name}")
    if frame.track is not None:
        parts.append(f"ścieżka {frame.track.name}")
    text = " — ".join(parts) or "Pasujące punkty programu"  # a topic: the titles say what matched
    return text[:1].upper() + text[1:]


def _in_time(
    conference: Conference, sessions: Sequence[Session], query: TimeQuery, today: date
) -> list[Session]:
    if query.absolute is not None:
        return [s for s in sessions if s.end > query.absolute and s.start.date() == query.absolute.date()]
    days = set(resolve_days(conference, query, today))
    found = [s for s in sessions if s.day in days]
    if query.moment is not None:
        # "co jest w sali B o 15", "po 15": what runs then, and what comes later that day.
        found = [s for s in found if s.end > conference.programme_moment(s.day, query.moment)]
    elif query.window is not None:
        found = [
            s
            for s in found
            if s.overlaps(
                conference.programme_moment(s.day, query.window[0]),
                conference.programme_moment(s.day, query.window[1]),
            )
        ]
    return found


def answer_listing(conference: Conference, frame: Frame, now: datetime) -> Composed:
    out = ReplyBuilder()
    intent = frame.intent
    today = conference.programme_date(now)
    label = _label(frame) if not frame.at_venue else conference.venue.label
    sessions = _filtered(conference, frame)
    if frame.upcoming and frame.when is None:
        later = [s for s in sessions if s.start > now]
        if not later:
            return out.line(bold(label), " — dalej w programie już nic."), frame.intent
        out.line(bold(label), f" — następnie {at_time(later[0].start)}:")
        for session in [s for s in later if s.start == later[0].start]:
            _dated_line(out, session, conference, today)
        return out, Intent.NEXT
    if frame.now:
        running = [s for s in sessions if s.is_running(now)]
        if running:
            out.line(bold(label), " — teraz:")
            for session in running:
                session_line(out, session, conference)
            return out, frame.intent
        later = [s for s in sessions if s.start > now]
        if not later:
            return out.line(bold(label), " — teraz nic, a dalej w programie już nic."), frame.intent
        out.line(bold(label), f" — teraz nic. Następnie {at_time(later[0].start)}:")
        for session in later[:3]:
            _dated_line(out, session, conference, today)
        return out, frame.intent
    if frame.when is not None:
        sessions = _in_time(conference, sessions, frame.when, today)
        if frame.starting and frame.when.moment is not None:  # "zaczynają się o 15:30"
            sessions = [
                s
                for s in sessions
                if (s.start.hour, s.start.minute) == (frame.when.moment.hour, frame.when.moment.minute)
            ]
    elif len(sessions) == 1:
        return answer_session(conference, sessions[0], now), Intent.SESSION  # "kiedy rejestracja?"
    if not sessions:
        return out.line(bold(label), " — o tej porze nic nie ma w programie."), frame.intent
    if len(sessions) == 1 and frame.ask in (Ask.WHO, Ask.WHEN, Ask.WHERE, Ask.ABOUT, Ask.DURATION):
        return answer_session(conference, sessions[0], now), Intent.SESSION  # "kto prowadzi tę w nocy?"
    if all(s.kind.travel for s in sessions):
        intent = Intent.VISITS  # "jakie miejsca odwiedzamy?": the visits, by their places' words
    shown = sessions[:MAX_LISTED]
    day: date | None = None
    out.line(bold(label), ":")
    for session in shown:
        if session.day != day:
            day = session.day
            out.line(bold(day_heading(day, today)))
        session_line(out, session, conference)
    if len(sessions) > len(shown):
        rest = len(sessions) - len(shown)
        out.line(f"…i {rest} {plural(rest, 'inny punkt', 'inne punkty', 'innych punktów')}.")
    return out, intent


def answer_relative(
    conference: Conference, session: Session, relation: Relation, now: datetime, frame: Frame | None = None
) -> ReplyBuilder:
    out = ReplyBuilder()
    today = conference.programme_date(now)
    rooms = _room_names(frame) if frame is not None else set()
    if frame is not None and frame.same_room and session.room is not None:
        rooms = {session.room.name}  # "co jest po nim w tej samej sali?"
    others = [
        s
        for s in conference.sessions
        if s is not session and (not rooms or (s.room is not None and s.room.name in rooms))
    ]
    same_day = [s for s in others if s.day == session.day]
    where = f" — {', '.join(sorted(rooms))}" if rooms else ""
    if relation is Relation.PARALLEL:
        found = [s for s in same_day if s.overlaps(session.start, session.end)]
        heading = f"Równolegle z „{session.title}” ({session_when(session, today)}){where}"
    elif relation is Relation.AFTER:
        later = sorted((s for s in same_day if s.start >= session.end), key=lambda s: s.start)
        found = _nearest(later, session, first=True)
        heading = f"Po „{session.title}” ({until_time(session.end)}){where}"
    else:
        earlier = sorted((s for s in same_day if s.end <= session.start), key=lambda s: s.end)
        found = _nearest(earlier, session, first=False)
        heading = f"Przed „{session.title}” (od {format_time(session.start)}){where}"
    if not found and relation is Relation.AFTER:
        # "co potem po GPTDash?" at night: that day is over — the next thing, the next day.
        following = sorted((s for s in others if s.start >= session.end), key=lambda s: s.start)
        if following:
            out.line(heading, " — tego dnia już nic. Dalej:")
            for s in _nearest(following, session, first=True):
                _dated_line(out, s, conference, today)
            return out.suggest(session.title, session.title)
    if not found:
        nothing = "nic innego w tym czasie" if relation is Relation.PARALLEL else "nic więcej tego dnia"
        return out.line(heading, f" — {nothing} w programie.")
    out.line(heading, ":")
    for s in found:
        session_line(out, s, conference)
    out.suggest(session.title, session.title)
    return out


NEAR = timedelta(minutes=30)  # sessions this close to a session's end (or start) come "right after" it


def _nearest(ordered: list[Session], session: Session, first: bool) -> list[Session]:
    """The next (or previous) sessions: everything within half an hour of the nearest moment, and
    the nearest one in the same room when that comes later (or earlier)."""
    if not ordered:
        return []
    room = session.room.name if session.room is not None else None
    mine = [s for s in ordered if room is not None and s.room is not None and s.room.name == room]
    if first:
        found = [s for s in ordered if s.start <= ordered[0].start + NEAR]
        extra = mine[0] if mine else None
    else:
        found = [s for s in ordered if s.end >= ordered[-1].end - NEAR]
        extra = mine[-1] if mine else None
    if extra is not None and extra not in found:
        found.append(extra)
    return found


# (past, future) verbs by the noun's gender and number, and what the session is called.
_EVENT_EDGES = {
    Ask.START: (
        ("zaczął", "zaczęła", "zaczęło", "zaczęły"),
        ("zaczyna", "zaczyna", "zaczyna", "zaczynają"),
        "pierwszy",
    ),
    Ask.END: (
        ("zakończył", "zakończyła", "zakończyło", "zakończyły"),
        ("kończy", "kończy", "kończy", "kończą"),
        "ostatni",
    ),
}


def answer_event_time(
    conference: Conference, ask: Ask, now: datetime, when: TimeQuery | None = None
) -> ReplyBuilder:
    """ "Festiwal „X” zaczyna się w piątek, 1 sierpnia o 16:00 — pierwszy punkt programu to „Y”."; of
    one day when the question names it ("do której trwa festiwal w sobotę?")."""
    out = ReplyBuilder()
    noun = conference.noun
    past_forms, future_forms, which = _EVENT_EDGES[Ask.END if ask is Ask.END else Ask.START]
    sessions = list(conference.sessions)
    day_of = ""
    if when is not None and when.has_day:
        days = resolve_days(conference, when, conference.programme_date(now))
        on_those = [s for s in sessions if s.day in days]
        if not on_those:
            named = " ani ".join(on_day(day) for day in days)
            return out.line(f"{named[:1].upper()}{named[1:]} nie ma programu.").suggest(
                "Program", "harmonogram"
            )
        sessions, day_of = on_those, "day"
    if ask is Ask.END:
        session = max(sessions, key=lambda s: s.end)
        moment = session.end
    else:
        session = min(sessions, key=lambda s: s.start)
        moment = session.start
    if day_of:  # one day's programme, not the whole event: "Program na sobotę kończy się …"
        verb = (past_forms if now >= moment else future_forms)[0]
        # The day is named already: its own hour alone, the night's with the night.
        said = at_time(moment) if moment.date() == session.day else when_phrase(session.day, moment)
        out.line(
            f"Program na {day_name(session.day)}, {verb} się {said}",
            f" — {which} punkt to „{session.title}”.",
        )
    else:
        verb = noun.agree(*(past_forms if now >= moment else future_forms))
        out.line(
            f"{noun.title} „{conference.event.label}” {verb} się {when_phrase(session.day, moment)}",
            f" — {which} punkt programu to „{session.title}” ({format_time(session.start)}–"
            f"{format_time(session.end)}).",
        )
    out.suggest("Program", "harmonogram").suggest("Co jest teraz?", "co jest teraz?")
    return out


def day_name(day: date) -> str:
    """ "sobotę, 2 sierpnia": a programme day after "na"."""
    return on_day(day).split(" ", 1)[1]


def answer_choice(conference: Conference, frame: Frame, now: datetime) -> ReplyBuilder:
    """Two or more things fit the question equally: ask which one, a button each — each session
    with its time and place, each person with what they give, so that often the list itself answers."""
    out = ReplyBuilder()
    today = conference.programme_date(now)
    people = [thing for thing in frame.choices if isinstance(thing, Speaker)]
    whom = "o kogo" if len(people) == len(frame.choices) else "o które"
    out.line(f"Nie wiem, {whom} chodzi — pasuje kilka{' osób' if whom == 'o kogo' else ''}:")
    names = [person.name for person in people]
    for thing in frame.choices:
        if isinstance(thing, Session):
            _dated_line(out, thing, conference, today)
            out.suggest(thing.title, thing.title)
            continue
        # Two people of one name ("Leonard", "Leonard"): told apart by what they give.
        given = [s.title for s in conference.sessions_with(thing)]
        out.line(f"• {thing.name}" + (f" — „{given[0]}”" if given else ""))
        label = thing.name if not given or names.count(thing.name) == 1 else given[0]
        out.suggest(short_label(label, LABEL_LIMIT), label)
    out.line(f"Napisz, {whom} pytasz, albo wybierz przycisk.")
    return out


def answer_room(conference: Conference, frame: Frame, now: datetime) -> ReplyBuilder:
    """Where a room or a stage is (as far as the data says), and what is on there now or next."""
    assert frame.room is not None
    if frame.rooms:
        return _answer_rooms(conference, frame, now)
    room = frame.room
    out = ReplyBuilder()
    kind = room.kind or "sala"
    out.line(bold(room.name), f" — {kind}, {conference.venue.name}.")
    way = room.way
    if way:
        out.line(f"Jak trafić: {way}.")
    else:
        out.line("Nie mam opisu, jak do niej dojść — zapytaj na miejscu obsługę.")
    if room.location is not None:
        out.location = Location(
            room.location.latitude,
            room.location.longitude,
            room.name,
            conference.venue.name,
            room.location.approximate,
        )
    _on_there(out, conference, {room.name}, now)
    out.suggest(f"Program: {room.name}", f"co jest w {room.name}?")
    return out


def _on_there(out: ReplyBuilder, conference: Conference, rooms: set[str], now: datetime) -> None:
    """What is on in the rooms now, or else the next thing there."""
    sessions = [s for s in conference.sessions if s.room is not None and s.room.name in rooms]
    running = [s for s in sessions if s.is_running(now)]
    later = [s for s in sessions if s.start > now]
    if running:
        out.line("Teraz:")
        for session in running:
            session_line(out, session, conference)
    elif later:
        out.line("Najbliżej:")
        _dated_line(out, later[0], conference, conference.programme_date(now))


def _answer_rooms(conference: Conference, frame: Frame, now: datetime) -> ReplyBuilder:
    """Several rooms one word names ("gdzie jest Kidspace?"): each, how to find it if known, and
    what is on there now or next."""
    out = ReplyBuilder()
    name = _group_name(frame.rooms)
    places = counted(len(frame.rooms), "miejsce", "miejsca", "miejsc")
    out.line(bold(name), f" — {places}, {conference.venue.name}:")
    for room in frame.rooms:
        way = f" — {room.way}" if room.way else ""
        out.line(f"• {room.name}{way}")
        out.suggest(short_label(room.name, LABEL_LIMIT), f"co jest w {room.name}?")
    if not any(room.way for room in frame.rooms):
        out.line("Nie mam opisu, jak tam dojść — zapytaj na miejscu obsługę.")
    _on_there(out, conference, _room_names(frame), now)
    return out


def answer_event_span(conference: Conference) -> ReplyBuilder:
    """ "Festiwal trwa 2 dni: od piątku, 1 sierpnia, 16:00 do soboty, 2 sierpnia, 00:30 w nocy"."""
    out = ReplyBuilder()
    noun = conference.noun
    lasts = noun.agree("trwa", "trwa", "trwa", "trwają")
    # The programme days the first and last moments belong to: a 00:30 end is Saturday's night.
    first = min(conference.sessions, key=lambda s: s.start)
    last = max(conference.sessions, key=lambda s: s.end)
    # Calendar days from the first to the last: a day without a programme between them counts too.
    days = (last.day - first.day).days + 1
    held = {day.date for day in conference.days}
    empty = [first.day + timedelta(days=i) for i in range(days) if first.day + timedelta(days=i) not in held]
    gap = f" ({' ani '.join(on_day(day) for day in empty)}, nie ma programu)" if empty else ""
    out.line(
        f"{noun.title} „{conference.event.label}” {lasts} {days} {plural(days, 'dzień', 'dni', 'dni')}: "
        f"zaczyna się {when_phrase(first.day, first.start)}, "
        f"a kończy {when_phrase(last.day, last.end)}{gap}."
    )
    out.suggest("Program", "harmonogram")
    return out


def answer_unknown(conference: Conference, frame: Frame) -> Composed:
    """What the data does not say, said so, with whom to ask; the event's own facts where it has them."""
    out = ReplyBuilder()
    if frame.missing == "liczbie uczestników" and conference.event.participants:
        return out.line(conference.event.participants), Intent.ABOUT_EVENT
    if (frame.missing or "").startswith("osoba:"):
        name = (frame.missing or "").removeprefix("osoba:")
        out.line(f"W programie nie ma osoby „{name}”.")
        return out.suggest("Program", "harmonogram").suggest("Co jest teraz?", "co jest teraz?"), frame.intent
    elsewhere = ELSEWHERE.get(frame.missing or "")
    if elsewhere is not None:  # no organiser knows it better than a forecast or a sports service
        out.line(elsewhere)
        return out.suggest("Program", "harmonogram").suggest("Co jest teraz?", "co jest teraz?"), frame.intent
    out.line(f"Nie mam informacji o {frame.missing}.")
    contact = conference.contact
    if contact is not None:
        reach = ", ".join(x for x in (contact.phone and f"tel. {contact.phone}", contact.email) if x)
        out.line(f"Zapytaj organizatorów: {contact.name}" + (f" ({reach})." if reach else "."))
    elif conference.event.website:
        out.line(f"Sprawdź na stronie wydarzenia: {conference.event.website}")
    out.suggest("Kontakt", "kontakt").suggest("Co jest teraz?", "co jest teraz?")
    return out, frame.intent


def answer_day_where(conference: Conference, frame: Frame, now: datetime) -> ReplyBuilder:
    """Where a day's programme takes place: each place with what is there, in order."""
    out = ReplyBuilder()
    today = conference.programme_date(now)
    days = resolve_days(conference, frame.when, today)
    for when in days:
        day = conference.day_for(when)
        if day is None:
            out.line(bold(day_heading(when, today)), " — tego dnia nie ma programu.")
            continue
        places: dict[str, list[Session]] = {}
        venue = conference.venue
        at_venue = f"{venue.name}" + (f", {venue.full_address}" if venue.full_address else "")
        for session in day.sessions:
            where = at_venue if session.at_venue or session.place is None else session.place.label
            places.setdefault(where, []).append(session)
        out.line(bold(day_heading(when, today)), " — gdzie:")
        for where, sessions in places.items():
            first = sessions[0]
            more = f" (i {len(sessions) - 1} więcej)" if len(sessions) > 1 else ""
            out.line(f"• {where} — od {format_time(first.start)}: „{first.title}”{more}")
    out.suggest("Jak dojechać?", "jak dojechać?")
    return out
