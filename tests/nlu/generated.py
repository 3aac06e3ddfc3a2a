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
    unique = [s for s in sessions if titles[fold(_short_title(s))] == 1 and len(_short_title(s)) >= 8]
    before = (conference.days[0].date - timedelta(days=1)).isoformat() + " 12:00"
    organisers = [o.name for o in conference.organisations if "organiser" in {r.value for r in o.roles}]

    # Sessions by title: when, where, who.
    for session in rng.sample(unique, min(12, len(unique))):
        name = _short_title(session)
        yield Generated(_typed(f"kiedy jest {name}?", rng), before, "session_when", (_hhmm(session),))
        if session.room is not None and session.room.name:
            yield Generated(_typed(f"gdzie jest {name}?", rng), before, "session_where", (session.room.name,))
        people = session.speakers or session.chairs
        if people:
            yield Generated(
                _typed(f"kto prowadzi {name}?", rng),
                before,
                "session_who",
                (people[0].name,),
                tuple(o for o in organisers if all(o != p.name for p in people)),
            )

    # People: when does X speak, by surname and by full name.
    surnames = Counter(fold(p.name.split()[-1]) for p in conference.speakers if p.name.split())
    for person in rng.sample(list(conference.speakers), min(12, len(conference.speakers))):
        own = conference.sessions_with(person)
        words = person.name.split()
        if len(own) != 1 or len(words) < 2 or surnames[fold(words[-1])] > 1:
            continue
        (session,) = own
        asked = _typed(f"kiedy występuje {words[-1]}?", rng)
        yield Generated(asked, before, "speaker_when", (session.title, _hhmm(session)))
        yield Generated(_typed(f"o czym mówi {person.name}?", rng), before, "speaker_about", (session.title,))

    # Rooms and kinds on a day.
    by_room: dict[tuple[str, int], list[Session]] = defaultdict(list)
    by_kind: dict[tuple[str, int], list[Session]] = defaultdict(list)
    for session in sessions:
        if session.room is not None and session.room.name:
            by_room[(session.room.name, session.day_index)].append(session)
        by_kind[(session.kind.id, session.day_index)].append(session)
    for (room, index), listed in rng.sample(sorted(by_room.items()), min(8, len(by_room))):
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
    for (kind_id, index), listed in rng.sample(sorted(by_kind.items()), min(6, len(by_kind))):
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
    for session in rng.sample(unique, min(6, len(unique))):
        if session.room is None:
            continue
        same_room = conference.sessions_in(session.room)
        later = sorted(
            (s for s in same_room if s.start >= session.end and s.day == session.day), key=lambda s: s.start
        )
        if later:
            asked = _typed(f"co jest po {_short_title(session)}?", rng)
            yield Generated(asked, before, "relative", (later[0].title,))

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

    @property
    def passed(self) -> bool:
        folded = fold(self.answer)
        if any(fold(r) in folded for r in self.case.reject):
            return False
        if not self.case.expect:  # "I don't know" is right: no confident reply about something else
            return True
        return UNSURE not in folded and all(fold(e) in folded for e in self.case.expect)


def run(conference: Conference) -> list[Result]:
    from bot.clock import parse_now

    generated = list(cases(conference))
    clock = FixedClock(parse_now(generated[0].now, conference.tz))
    assistant = Assistant(conference, clock, cache_size=0)
    results = []
    for case in generated:
        clock.moment = parse_now(case.now, conference.tz)
        results.append(Result(case, assistant.ask(case.question).reply.plain_text))
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
