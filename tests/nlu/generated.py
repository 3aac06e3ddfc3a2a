"""Questions generated from an event's own data: the honest check that understanding generalises.

Our question sets are written by people who know one event; the product meets events nobody here
has seen. So for any loaded event, questions are built from its speakers, rooms, kinds, sessions
and days, in the forms people type (no diacritics, lower case, part of a title), each with the
facts a right answer must contain and what a wrong, confident one would contain instead.

Run as a script for the figures per event and class:
    .venv/bin/python -m tests.nlu.generated [data.yaml …]
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.assistant import Assistant
from bot.clock import FixedClock
from bot.model import Conference, Session
from bot.text import fold
from bot.understanding.frame import Topic

ROOT = Path(__file__).resolve().parents[2]
# Our own, not the bot's: a generator sharing the bot's Polish would share its mistakes.
ON_WEEKDAY = ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę")
UNSURE = "nie mam pewności"  # the fallback's words: an answer that is no answer


@dataclass(frozen=True)
class Generated:
    question: str
    now: str  # "YYYY-MM-DD HH:MM", the event's local time
    kind: str  # the class of question
    expect: tuple[str, ...]  # a right answer contains each (case- and diacritics-insensitive)
    reject: tuple[str, ...] = ()  # a wrong answer about another thing contains one of these
    subject: str = ""  # the session asked about: asking back which one, with it among them, is right


def _hhmm(session: Session) -> str:
    return session.start.strftime("%H:%M")


def _typed(text: str, rng: random.Random) -> str:
    """As people type it: sometimes without diacritics, sometimes in lower case, no question mark."""
    roll = rng.random()
    if roll < 0.3:
        text = fold(text)
    elif roll < 0.6:
        text = text.lower()
    return text.rstrip("?") if rng.random() < 0.3 else text


def _short_title(session: Session) -> str:
    """The part of a title people type: up to the first colon or dash, at most six words."""
    head = session.title
    for mark in (":", " – ", " - ", " — ", "?", "!"):
        head = head.split(mark)[0]
    return " ".join(head.split()[:6]).strip(" „”\"'")


def _other(conference: Conference, index: int, unlike: Callable[[Session], bool]) -> tuple[str, ...]:
    """A title of that day that a list filtered by room or kind must leave out (if any is unique)."""
    counts = Counter(s.title for s in conference.sessions)
    found = [s.title for s in conference.days[index].sessions if unlike(s) and counts[s.title] == 1]
    return tuple(found[:1])


def cases(conference: Conference, seed: int = 11) -> Iterator[Generated]:
    rng = random.Random(f"{conference.event.id}-{seed}")
    sessions = [s for s in conference.sessions if s.kind.reminders]
    titles = Counter(fold(_short_title(s)) for s in sessions)
    full = Counter(fold(s.title) for s in sessions)
    # The part people type, or the whole title when that part is shared ("Wizyta studyjna: …").
    named = {
        s.id: _short_title(s) if titles[fold(_short_title(s))] == 1 else s.title
        for s in sessions
        if titles[fold(_short_title(s))] == 1 or full[fold(s.title)] == 1
    }
    unique = [s for s in sessions if s.id in named and len(named[s.id]) >= 8]
    before = (conference.days[0].date - timedelta(days=1)).isoformat() + " 12:00"
    organisers = [o.name for o in conference.organisations if "organiser" in {r.value for r in o.roles}]

    first, last = conference.days[0].date, conference.days[-1].date
    moments = (  # at many clock times: before, during (morning, evening, past midnight), after
        before,
        f"{first} 09:05",
        f"{first} 20:40",
        f"{first + timedelta(days=1)} 00:45",
        f"{last} 12:00",
        f"{last + timedelta(days=3)} 12:00",
    )

    # Every session by its title (or the part people type): when, where, who.
    for session in unique:
        name = named[session.id]
        when = rng.choice(moments)
        title = session.title
        yield Generated(
            _typed(f"kiedy jest {name}?", rng),
            when,
            "session_when",
            (session.title, _hhmm(session)),
            subject=title,
        )
        if session.room is not None and session.room.name:
            where = (session.title, session.room.name)
            yield Generated(
                _typed(f"gdzie jest {name}?", rng), rng.choice(moments), "session_where", where, subject=title
            )
        people = session.speakers or session.chairs
        if people:
            yield Generated(
                _typed(f"kto prowadzi {name}?", rng),
                rng.choice(moments),
                "session_who",
                (people[0].name,),
                tuple(o for o in organisers if all(o != p.name for p in people)),
                subject=title,
            )

    # Every person: when they speak and what about, by full name, and by surname when it is theirs
    # alone.
    surnames = Counter(fold(p.name.split()[-1]) for p in conference.speakers if p.name.split())
    name_words = Counter(w for p in conference.speakers for w in set(fold(p.name).split()))
    for person in conference.speakers:
        own = conference.sessions_with(person)
        # One word that other names share ("Leonard", "W") names nobody for sure: the bot should ask.
        single = fold(person.name).split()
        if not own or len(fold(person.name)) < 3 or (len(single) == 1 and name_words[single[0]] > 1):
            continue
        session = own[0]
        words = person.name.split()
        yield Generated(
            _typed(f"kiedy występuje {person.name}?", rng),
            rng.choice(moments),
            "speaker_when",
            (session.title,),
        )
        yield Generated(
            _typed(f"o czym mówi {person.name}?", rng), rng.choice(moments), "speaker_about", (session.title,)
        )
        personal = 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and "&" not in person.name
        # A surname nobody else has as any part of their name (else the bot rightly asks which one).
        only_theirs = surnames[fold(words[-1])] == 1 and name_words[fold(words[-1])] == 1
        if personal and only_theirs and len(own) == 1 and len(words[-1]) >= 3:
            asked = _typed(f"kiedy występuje {words[-1]}?", rng)
            yield Generated(asked, rng.choice(moments), "speaker_surname", (session.title, _hhmm(session)))

    # Rooms and kinds on a day.
    by_room: dict[tuple[str, int], list[Session]] = defaultdict(list)
    by_kind: dict[tuple[str, int], list[Session]] = defaultdict(list)
    for session in sessions:
        if session.room is not None and session.room.name:
            by_room[(session.room.name, session.day_index)].append(session)
        by_kind[(session.kind.id, session.day_index)].append(session)
    for (room, index), listed in sorted(by_room.items()):
        day = conference.days[index].date
        elsewhere = _other(conference, index, lambda s, room=room: s.room is None or s.room.name != room)
        yield Generated(
            _typed(f"co jest w {room} {ON_WEEKDAY[day.weekday()]}?", rng),
            before,
            "room_day",
            (listed[0].title,),
            elsewhere,
        )
    kinds = {k.id: k for k in conference.kinds}
    for (kind_id, index), listed in sorted(by_kind.items()):
        kind = kinds.get(kind_id)
        if kind is None or kind_id == "session":
            continue
        day = conference.days[index].date
        yield Generated(
            _typed(f"jakie są {kind.plural} {ON_WEEKDAY[day.weekday()]}?", rng),
            before,
            "kind_day",
            (listed[0].title,),
            _other(conference, index, lambda s, kind_id=kind_id: s.kind.id != kind_id),
        )

    # What follows a session in its room.
    for session in unique:
        if session.room is None:
            continue
        same_room = conference.sessions_in(session.room)
        later = sorted(
            (s for s in same_room if s.start >= session.end and s.day == session.day), key=lambda s: s.start
        )
        if later:
            asked = _typed(f"co jest po {named[session.id]}?", rng)
            yield Generated(asked, before, "relative", (later[0].title,))

    # Every place sessions are held at (a visit's site): where it is — never the main venue's address.
    venue_address = (conference.venue.address,) if conference.venue.address else ()
    for place in conference.places:
        if conference.sessions_at(place):
            yield Generated(
                _typed(f"gdzie jest {place.label}?", rng),
                rng.choice(moments),
                "place",
                (place.label,),
                venue_address,
            )

    # The event itself, and what the data cannot know.
    first = conference.days[0].sessions[0]
    noun = conference.noun.nominative
    yield Generated(f"o której zaczyna się {noun}?", before, "event_start", (_hhmm(first),))
    if conference.event.city:
        weather = f"jaka będzie pogoda w {conference.event.city}?"
        yield Generated(weather, before, "out_of_scope", (), (conference.venue.name,))
    yield Generated("kto wygrał wczoraj mecz?", before, "out_of_scope", (), (conference.venue.name,))


@dataclass(frozen=True)
class Result:
    case: Generated
    answer: str
    asked_back: bool = False  # the bot asked which one was meant

    @property
    def passed(self) -> bool:
        folded = fold(self.answer)
        if any(fold(r) in folded for r in self.case.reject):
            return False
        if not self.case.expect:  # "I don't know" is right: no confident reply about something else
            return True
        if self.asked_back and self.case.subject and fold(self.case.subject) in folded:
            return True  # the name fits several sessions ("Minecraft Education"): which one, this among them
        return UNSURE not in folded and all(fold(e) in folded for e in self.case.expect)

    @property
    def about_another(self) -> bool:
        """A confident answer without the thing asked about: worse than "I don't know"."""
        return not self.passed and not self.asked_back and UNSURE not in fold(self.answer)


def run(conference: Conference) -> list[Result]:
    from bot.clock import parse_now

    generated = list(cases(conference))
    clock = FixedClock(parse_now(generated[0].now, conference.tz))
    assistant = Assistant(conference, clock, cache_size=0)
    results = []
    for case in generated:
        clock.moment = parse_now(case.now, conference.tz)
        answer = assistant.ask(case.question)
        choice = answer.frame is not None and answer.frame.topic is Topic.CHOICE
        results.append(Result(case, answer.reply.plain_text, choice))
    return results


def by_class(results: list[Result]) -> dict[str, tuple[int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        totals[result.case.kind][0] += result.passed
        totals[result.case.kind][1] += 1
    return {kind: (passed, total) for kind, (passed, total) in sorted(totals.items())}


if __name__ == "__main__":
    import sys

    from bot.loading import load_conference

    paths = [a for a in sys.argv[1:] if a != "-v"] or [str(p) for p in sorted((ROOT / "data").glob("*.yaml"))]
    for path in paths:
        outcome = run(load_conference(path))
        passed = sum(r.passed for r in outcome)
        print(f"{Path(path).name}: {passed}/{len(outcome)} ({passed / len(outcome):.0%})")
        for kind, (ok, total) in by_class(outcome).items():
            print(f"  {kind:15} {ok}/{total}")
        if "-v" in sys.argv:
            for r in outcome:
                if not r.passed:
                    print(f"    miss {r.case.kind}: {r.case.question!r} expect={list(r.case.expect)}")
