"""The general event model: kinds, rooms, speakers, tracks, parts, nights past midnight, places
without an address, the event's noun — on the shipped conference and a festival written for the
tests (tests/data/festiwal-dzwieki-doliny.yaml)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot import texts
from bot.assistant import Answer, Assistant
from bot.changes import ChangeKind, change_reply, programme_changes
from bot.clock import FixedClock, parse_now
from bot.ics import programme_ics
from bot.intents import Intent
from bot.loading import DataError, load_conference, parse_conference
from bot.model import Conference, Session
from bot.notices import reminder_reply
from bot.nouns import derived_noun, inflect
from scheduler.reminders import is_visit, reminder_jobs

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "miejsca-otwarte-2023.yaml"
FESTIVAL = ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml"
WARSAW = ZoneInfo("Europe/Warsaw")

# A small document to break or extend in one place at a time.
BASE = """\
event:
  id: kongres-2030
  name: Kongres Testowy
  kind: ogólnopolski kongres naukowy
  timezone: Europe/Warsaw
  start_date: 2030-05-14
  end_date: 2030-05-14
venue:
  name: Aula Główna
  address: ul. Próbna 1
  city: Testowo
  rooms:
    - id: sala-a
      name: Sala A
      floor: 1. piętro
      note: schodami w prawo
speakers:
  - id: nowak
    name: Anna Nowak
    affiliation: Uniwersytet Testowy
  - id: kowal
    name: Jan Kowal
tracks:
  - id: fizyka
    name: Fizyka
days:
  - date: 2030-05-14
    sessions:
      - id: blok
        title: Sesja referatowa
        start: 10:00
        end: 11:30
        room: sala-a
        chairs: [nowak]
        tracks: [fizyka]
        parts:
          - id: ref-1
            title: Pierwszy referat
            speakers: [kowal]
          - id: ref-2
            title: Drugi referat
          - id: ref-3
            title: Trzeci referat
            speakers: [nowak, kowal]
"""


def changed(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def issues(text: str) -> list[tuple[str, str]]:
    with pytest.raises(DataError) as caught:
        parse_conference(text, "dane.yaml")
    return [(issue.path, issue.message) for issue in caught.value.issues]


def session(conference: Conference, ident: str) -> Session:
    found = conference.session(ident)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def festival() -> Conference:
    return load_conference(FESTIVAL)


@pytest.fixture(scope="module")
def festival_assistant(festival: Conference) -> tuple[Assistant, FixedClock]:
    clock = FixedClock(parse_now("2031-08-01 12:00", festival.tz))
    return Assistant(festival, clock), clock


Ask = Callable[..., Answer]


@pytest.fixture
def ask_festival(festival_assistant: tuple[Assistant, FixedClock], festival: Conference) -> Ask:
    assistant, clock = festival_assistant

    def _ask(question: str, now: str = "2031-08-01 12:00") -> Answer:
        clock.moment = parse_now(now, festival.tz)
        return assistant.ask(question)

    return _ask


# --- kinds -----------------------------------------------------------------------------------


def test_built_in_kinds_keep_their_meaning(conference: Conference) -> None:
    visit = session(conference, "wizyta-na-kozlowce")
    assert (visit.kind.id, visit.kind.name, visit.kind.plural) == (
        "visit",
        "wizyta studyjna",
        "wizyty studyjne",
    )
    assert visit.kind.travel and is_visit(visit)
    coffee = session(conference, "przerwa-kawowa")
    assert coffee.kind.id == "break" and not coffee.kind.reminders
    assert {s.kind.id for s in conference.visits} == {"visit"}
    jobs = reminder_jobs(conference, parse_now("2023-11-29 08:00", conference.tz))
    assert not any(job.session_id in ("przerwa-kawowa", "obiad") for job in jobs)


def test_the_data_defines_its_own_kinds(festival: Conference) -> None:
    concert = session(festival, "koncert-nocny")
    assert (concert.kind.id, concert.kind.name, concert.kind.plural) == ("koncert", "koncert", "koncerty")
    trip = session(festival, "wycieczka-wawoz")
    assert trip.kind.travel and is_visit(trip) and festival.visits == [trip]
    assert [k.id for k in festival.travel_kinds] == ["wycieczka"]
    jobs = reminder_jobs(festival, parse_now("2031-08-01 08:00", festival.tz))
    assert not any(job.session_id == "przerwa-techniczna" for job in jobs)  # a built-in break
    assert any(job.session_id == "set-dj" for job in jobs)


def test_unknown_kind_names_the_known_ones() -> None:
    found = issues(
        changed(
            "        title: Sesja referatowa\n", "        kind: koncert\n        title: Sesja referatowa\n"
        )
    )
    assert len(found) == 1
    path, message = found[0]
    assert path == "days[0].sessions[0].kind"
    assert "'koncert'" in message
    for known in ("session", "plenary", "workshop", "visit", "break", "registration", "social"):
        assert known in message


def test_a_file_may_rename_a_built_in_kind() -> None:
    text = changed(
        "tracks:\n", "kinds:\n  - {id: visit, name: wyjazd, plural: wyjazdy, travel: true}\ntracks:\n"
    )
    text = changed(
        "        title: Sesja referatowa\n", "        kind: visit\n        title: Sesja referatowa\n", text
    )
    conference = parse_conference(text)
    assert session(conference, "blok").kind.plural == "wyjazdy"


def test_kind_ids_are_unique() -> None:
    kinds = "kinds:\n  - {id: panel, name: panel, plural: panele}\n  - {id: panel, name: x, plural: y}\n"
    text = changed("tracks:\n", kinds + "tracks:\n")
    assert [path for path, _ in issues(text)] == ["kinds[1].id"]


# --- rooms -----------------------------------------------------------------------------------


def test_a_room_id_resolves_to_the_room(festival: Conference) -> None:
    concert = session(festival, "koncert-nocny")
    assert concert.room is not None and concert.room.id == "duza-scena" and concert.room.name == "Duża Scena"
    assert concert.at_venue
    debate = session(festival, "debata-male-miasta")  # a venue room without `place`: at the venue
    assert (
        debate.at_venue
        and debate.room is not None
        and debate.room.way == "parter, obok strefy gastronomicznej"
    )
    stage = concert.room
    assert [s.id for s in festival.sessions_in(stage)] == [
        "koncert-kapela",
        "koncert-nocny",
        "koncert-finalowy",
    ]


def test_free_text_rooms_stay_as_before() -> None:
    text = changed("        room: sala-a\n", "        room: sala 2.14\n        place: venue\n")
    conference = parse_conference(text)
    room = session(conference, "blok").room
    assert room is not None and room.id is None and room.name == "sala 2.14"


def test_session_details_show_the_room_and_the_way(ask_festival: Ask) -> None:
    text = ask_festival("Muzyka w małych miastach").reply.plain_text
    assert "— Namiot Rozmów" in text
    assert "Jak trafić: parter, obok strefy gastronomicznej" in text


# --- speakers and tracks ---------------------------------------------------------------------


def test_people_lines_agree_with_how_many_people(ask_festival: Ask) -> None:
    night = ask_festival("Wielki koncert nocny").reply.plain_text
    assert "Występują: Orkiestra Księżycowa i Kapela Spod Wierzby" in night
    dj = ask_festival("Nocny set DJ-a").reply.plain_text
    assert "Występuje: DJ Nocny Marek" in dj
    debate = ask_festival("Muzyka w małych miastach").reply.plain_text
    assert "Prowadzenie: Ewa Przykładna" in debate
    assert "Ścieżka: Rozmowy o kulturze" in debate
    assert "Język: polski" in night


def test_affiliations_are_shown() -> None:
    conference = parse_conference(BASE)
    assistant = Assistant(conference, FixedClock(parse_now("2030-05-14 09:00", conference.tz)))
    reply = assistant.reply_session("blok")
    assert reply is not None
    assert "Prowadzenie: Anna Nowak (Uniwersytet Testowy)" in reply.plain_text
    assert [p.id for p in conference.sessions_with(conference.speakers[1])] == ["blok"]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("chairs: [nowak]", "chairs: [nowakowa]", "days[0].sessions[0].chairs[0]"),
        ("speakers: [kowal]", "speakers: [kowalski]", "days[0].sessions[0].parts[0].speakers[0]"),
        ("tracks: [fizyka]", "tracks: [chemia]", "days[0].sessions[0].tracks[0]"),
    ],
)
def test_unknown_people_and_tracks_name_the_place(old: str, new: str, path: str) -> None:
    found = issues(changed(old, new))
    assert len(found) == 1 and found[0][0] == path
    assert "nie ma" in found[0][1] and "znane:" in found[0][1]


# --- after midnight --------------------------------------------------------------------------


def test_a_session_may_end_the_next_day(festival: Conference) -> None:
    night = session(festival, "koncert-nocny")
    assert night.start == datetime(2031, 8, 1, 22, 10, tzinfo=WARSAW)
    assert night.end == datetime(2031, 8, 2, 1, 20, tzinfo=WARSAW)
    assert night.duration == timedelta(hours=3, minutes=10)


def test_a_long_wrap_is_still_a_typo() -> None:
    found = issues(changed("        end: 11:30\n", "        end: 09:00\n"))
    assert found == [("days[0].sessions[0].end", "koniec (09:00) nie jest po początku (10:00)")]


def test_day_starts_at_puts_the_night_into_the_evening_before(festival: Conference) -> None:
    dj = session(festival, "set-dj")
    assert dj.start == datetime(2031, 8, 2, 1, 30, tzinfo=WARSAW)  # the true moment: Saturday
    assert dj.day.isoformat() == "2031-08-01" and dj.day_index == 0  # Friday's programme
    assert dj in festival.days[0].sessions
    assert festival.programme_date(parse_now("2031-08-02 00:30", festival.tz)).isoformat() == "2031-08-01"
    assert festival.programme_date(parse_now("2031-08-02 04:00", festival.tz)).isoformat() == "2031-08-02"


def test_files_without_day_starts_at_are_unchanged(conference: Conference) -> None:
    assert all(s.day == s.start.date() for s in conference.sessions)


def test_friday_programme_lists_the_night(ask_festival: Ask) -> None:
    text = ask_festival("program na piątek").reply.plain_text
    assert "22:10–01:20 Wielki koncert nocny" in text
    assert "Po północy, w nocy z piątku na sobotę:" in text
    assert text.index("Po północy") < text.index("01:30–03:00 Nocny set DJ-a")
    assert "Koncert finałowy" not in text  # Saturday's


def test_now_after_midnight_shows_the_concert_running_since_friday(ask_festival: Ask) -> None:
    answer = ask_festival("co jest teraz?", "2031-08-02 00:30")
    text = answer.reply.plain_text
    assert answer.intent is Intent.NOW
    assert "22:10–01:20 Wielki koncert nocny" in text
    assert "do 01:20 (koniec za 50 minut)" in text
    assert "Dalej, o 01:30 (za godzinę)" in text


def test_before_midnight_the_end_says_which_night(ask_festival: Ask) -> None:
    text = ask_festival("co jest teraz?", "2031-08-01 23:00").reply.plain_text
    assert "do 01:20 w nocy z piątku na sobotę (koniec za 2 godziny i 20 minut)" in text


def test_next_works_across_midnight(ask_festival: Ask) -> None:
    text = ask_festival("co dalej?", "2031-08-01 23:50").reply.plain_text
    assert "Następnie w nocy z piątku na sobotę, o 01:30 (za godzinę i 40 minut):" in text
    later = ask_festival("co dalej?", "2031-08-02 01:40").reply.plain_text
    assert "Następnie jutro (w sobotę, 2 sierpnia) o 10:00" in later  # Friday's programme day still runs


def test_details_of_a_night_session(ask_festival: Ask) -> None:
    text = ask_festival("Nocny set DJ-a", "2031-08-01 12:00").reply.plain_text
    assert "Kiedy: dziś w nocy z piątku na sobotę, 1/2 sierpnia, 01:30–03:00" in text


def test_reminders_and_calendar_use_the_true_moments(festival: Conference) -> None:
    jobs = {
        (j.session_id, j.lead_minutes): j
        for j in reminder_jobs(festival, parse_now("2031-08-01 08:00", festival.tz))
    }
    assert jobs[("set-dj", 15)].due == datetime(2031, 8, 2, 1, 15, tzinfo=WARSAW)
    calendar = Calendar.from_ical(programme_ics(festival, stamp=datetime(2031, 1, 1, tzinfo=UTC)))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    night = events["koncert-nocny@dzwieki-doliny-2031"]
    assert night.decoded("DTEND") == datetime(2031, 8, 2, 1, 20, tzinfo=WARSAW)
    assert events["set-dj@dzwieki-doliny-2031"].decoded("DTSTART") == datetime(
        2031, 8, 2, 1, 30, tzinfo=WARSAW
    )
    assert "Występują: Orkiestra Księżycowa i Kapela Spod Wierzby" in str(night["DESCRIPTION"])
    assert night["GEO"].latitude == pytest.approx(50.513)  # the stage's own pin


# --- parts -----------------------------------------------------------------------------------


def test_parts_default_back_to_back(festival: Conference) -> None:
    debate = session(festival, "debata-male-miasta")
    spans = [(f"{p.start:%H:%M}", f"{p.end:%H:%M}") for p in debate.parts]
    assert spans == [("18:00", "18:40"), ("18:40", "19:10"), ("19:10", "19:30")]
    assert [s.name for s in debate.parts[0].speakers] == ["Anna Wymyślona"]


def test_parts_without_times_share_the_block() -> None:
    block = session(parse_conference(BASE), "blok")
    spans = [(f"{p.start:%H:%M}", f"{p.end:%H:%M}") for p in block.parts]
    assert spans == [("10:00", "10:30"), ("10:30", "11:00"), ("11:00", "11:30")]


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        (
            "            title: Drugi referat\n",
            "            title: Drugi referat\n            start: 09:30\n",
            "start",
        ),
        (
            "            title: Trzeci referat\n",
            "            title: Trzeci referat\n            end: 12:00\n",
            "end",
        ),
    ],
)
def test_parts_lie_within_the_block(old: str, new: str, path: str) -> None:
    found = issues(changed(old, new))
    assert found and all(p.startswith("days[0].sessions[0].parts[") for p, _ in found)
    assert any(p.endswith(path) and "blok" in m for p, m in found)


def test_a_part_id_is_used_once() -> None:
    found = issues(changed("          - id: ref-2\n", "          - id: ref-1\n"))
    assert [p for p, _ in found] == ["days[0].sessions[0].parts[1].id"]


def test_details_list_the_parts_and_the_day_shows_the_block(ask_festival: Ask) -> None:
    text = ask_festival("Muzyka w małych miastach").reply.plain_text
    assert "Program bloku:" in text
    assert "• 18:40–19:10 Dom kultury i festiwal — Jan Zmyślony (Dom Kultury w Wymyślicach)" in text
    assert "• 19:10–19:30 Pytania z sali" in text
    day = ask_festival("program na piątek").reply.plain_text
    assert "Muzyka w małych miastach" in day and "Dom kultury i festiwal" not in day


# --- places and a venue without an address ---------------------------------------------------


def test_a_venue_without_an_address_gives_its_pin_honestly(ask_festival: Ask) -> None:
    answer = ask_festival("jak dojechać?")
    text = answer.reply.plain_text
    assert answer.intent is Intent.VENUE
    assert "Adres:" not in text
    assert "Bez adresu pocztowego — położenie: 50.51200, 20.48700" in text
    assert answer.reply.location is not None and answer.reply.location.latitude == pytest.approx(50.512)


def test_every_direction_is_shown(ask_festival: Ask) -> None:
    text = ask_festival("jak dojechać?").reply.plain_text
    assert "Samochodem: drogą wojewódzką" in text and "Ze stacji Wymyślice: autobusem" in text
    by_car = ask_festival("jak dojechać samochodem?").reply.plain_text
    assert "Samochodem: drogą wojewódzką" in by_car and "Parking: Parking polowy" in by_car


def test_a_venue_without_an_address_or_a_pin_says_it_is_unknown() -> None:
    # A programme export names the venue only; the bot says so honestly instead of refusing the file.
    conference = parse_conference(changed("  address: ul. Próbna 1\n  city: Testowo\n", ""))
    assert conference.venue.full_address == ""
    assistant = Assistant(conference, FixedClock(parse_now("2030-05-14 09:00", conference.tz)))
    text = assistant.reply_venue().plain_text
    assert texts.UNKNOWN_ADDRESS in text and "Adres:" not in text
    reply = assistant.reply_session("blok")
    assert reply is not None and "Gdzie: Aula Główna — Sala A" in reply.plain_text


def test_a_place_without_an_address_is_described_by_its_pin(ask_festival: Ask) -> None:
    text = ask_festival("Wycieczka: Wąwóz Lessowy").reply.plain_text
    assert "Bez adresu pocztowego — położenie: 50.49800, 20.52100" in text
    assert "Dokładny adres" not in text


def test_an_unknown_address_is_still_said_to_be_unknown(ask: Callable[..., Answer]) -> None:
    text = ask("kiedy jest wizyta na Kozłówce?").reply.plain_text
    assert "Dokładny adres: jeszcze nieznany" in text


# --- the event's noun ------------------------------------------------------------------------


def test_nouns_are_inflected() -> None:
    conference_noun = inflect("konferencja")
    assert conference_noun is not None
    assert (conference_noun.genitive, conference_noun.accusative, conference_noun.locative) == (
        "konferencji",
        "konferencję",
        "konferencji",
    )
    festival_noun = inflect("festiwal")
    assert festival_noun is not None and festival_noun.locative == "festiwalu"
    assert festival_noun.agree("zakończył", "zakończyła", "zakończyło", "zakończyły") == "zakończył"
    fair = inflect("targi")
    assert fair is not None and fair.plural and fair.locative == "targach"
    assert fair.agree("zakończył", "zakończyła", "zakończyło", "zakończyły") == "zakończyły"
    congress = inflect("zjazd")
    assert congress is not None and congress.locative == "zjeździe"
    assert inflect("hackathon") is None


@pytest.mark.parametrize(
    ("kind", "noun"),
    [
        ("ogólnopolska konferencja", "konferencja"),
        ("festiwal muzyczny", "festiwal"),
        ("Międzynarodowe Targi Książki", "targi"),
        ("coroczne", "wydarzenie"),
        (None, "wydarzenie"),
    ],
)
def test_the_noun_comes_from_the_kind(kind: str | None, noun: str) -> None:
    assert derived_noun(kind).nominative == noun


def test_a_noun_the_dictionary_does_not_know_is_an_error() -> None:
    found = issues(changed("  kind: ogólnopolski kongres naukowy\n", "  noun: hackathon\n"))
    assert [p for p, _ in found] == ["event.noun"]


def test_the_shipped_event_is_a_conference(conference: Conference) -> None:
    assert conference.noun.nominative == "konferencja"
    assert texts.farewell(conference) == "Do zobaczenia na konferencji!"


def test_festival_texts_say_festiwal(festival: Conference, ask_festival: Ask) -> None:
    before = ask_festival("co jest teraz?", "2031-07-20 12:00").reply.plain_text
    started = "Festiwal „Dźwięki Doliny” jeszcze się nie zaczął. Zaczyna się w piątek, 1 sierpnia, o 16:00"
    assert started in before
    after = ask_festival("co jest teraz?", "2031-08-05 12:00").reply.plain_text
    assert "Festiwal „Dźwięki Doliny” zakończył się w nocy z soboty na niedzielę, 2/3 sierpnia." in after
    assert ask_festival("pomoc").reply.plain_text.startswith("Jestem asystentem festiwalu „Dźwięki Doliny”.")
    assert "kto organizuje festiwal?" in ask_festival("pomoc").reply.plain_text
    assert "asystentem festiwalu" in ask_festival("cześć").reply.plain_text
    assert texts.farewell(festival) == "Do zobaczenia na festiwalu!"
    assert texts.pick_day(festival) == "Program festiwalu „Dźwięki Doliny”: wybierz dzień."
    assert texts.console_welcome(festival).startswith("Asystent festiwalu „Dźwięki Doliny”")
    assert "(bot) festiwalu „Dźwięki Doliny”: program, wycieczki, dojazd" in texts.messenger_greeting(
        festival
    )


def test_a_plural_noun_agrees() -> None:
    text = changed("  kind: ogólnopolski kongres naukowy\n", "  noun: targi\n")
    conference = parse_conference(text)
    assistant = Assistant(conference, FixedClock(parse_now("2030-05-01 12:00", conference.tz)))
    said = assistant.ask("co jest teraz?").reply.plain_text
    assert "Targi „Kongres Testowy” jeszcze się nie zaczęły. Zaczynają się we wtorek, 14 maja" in said
    assert texts.farewell(conference) == "Do zobaczenia na targach!"


def test_help_examples_are_built_from_the_event(shared_assistant: tuple[Assistant, FixedClock]) -> None:
    assistant, _clock = shared_assistant
    examples = [question for question, _meaning in assistant.examples()]
    assert "kiedy jest wizyta studyjna „Nad Potokiem”?" in examples
    assert "jakie są wizyty studyjne?" in examples
    assert "kto organizuje konferencję?" in examples
    for question in examples:  # each one understood, none a fallback
        assert assistant.ask(question).intent is not Intent.FALLBACK


def test_every_festival_suggestion_is_understood(ask_festival: Ask) -> None:
    for question in ("co jest teraz", "pomoc", "xyz qwe", "jak dojechać", "jakie są wycieczki?", "cześć"):
        for moment in ("2031-07-20 12:00", "2031-08-01 23:00", "2031-08-05 12:00"):
            for suggestion in ask_festival(question, moment).reply.suggestions:
                assert ask_festival(suggestion.question, moment).intent is not Intent.FALLBACK, suggestion


# --- one event never speaks of another ---------------------------------------------------------

GENERIC_QUESTIONS = (
    "co jest teraz?",
    "co dalej?",
    "program",
    "harmonogram",
    "program na jutro",
    "co jest jutro o 10?",
    "pomoc",
    "cześć",
    "dziękuję",
    "xyz qwe",
    "jaka będzie pogoda?",
    "jak dojechać?",
    "jak dojechać z dworca?",
    "jak dojechać z lotniska?",
    "czy jest parking?",
    "czy są windy?",
    "kontakt",
    "kto organizuje?",
    "o czym jest to wydarzenie?",
    "jakie są wizyty studyjne?",
    "przypominaj mi 10 minut przed",
)


def names_of(conference: Conference) -> set[str]:
    """What only this event would say: the names of its things."""
    names = {conference.event.name, conference.event.label, conference.venue.name, conference.venue.label}
    names |= {p.name for p in conference.places} | {p.label for p in conference.places}
    names |= {o.name for o in conference.organisations} | {o.label for o in conference.organisations}
    names |= {s.title for s in conference.sessions} | {p.name for p in conference.speakers}
    names |= {r.name for r in conference.venue.rooms}
    names |= {conference.event.city or "", conference.contact.name if conference.contact else ""}
    names |= {*conference.venue.aliases, *(a for p in conference.places for a in p.aliases)}
    names |= {a for o in conference.organisations for a in o.aliases}
    return {name for name in names if len(name) >= 5}


def replies(conference: Conference, moments: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(question, everything a user could read of its reply) for the generic questions."""
    clock = FixedClock(parse_now(moments[0], conference.tz))
    assistant = Assistant(conference, clock, cache_size=0)
    for moment in moments:
        clock.moment = parse_now(moment, conference.tz)
        answers = [(q, assistant.ask(q).reply) for q in GENERIC_QUESTIONS]
        answers += [("/start", assistant.reply_welcome()), ("/pomoc", assistant.reply_help())]
        answers += [("/teraz", assistant.reply_now()), ("/wizyty", assistant.reply_visits())]
        answers += [("/dojazd", assistant.reply_venue()), ("/kontakt", assistant.reply_contact())]
        for question, reply in answers:
            said = [reply.plain_text, *(f"{s.label} {s.question}" for s in reply.suggestions)]
            said += [link.title for link in reply.links]
            yield question, "\n".join(said)
    for text in (
        texts.greeting(conference),
        texts.greeting_more(conference),
        texts.messenger_greeting(conference),
    ):
        yield "(powitanie)", text
    yield (
        "(konsola)",
        texts.console_welcome(conference) + texts.farewell(conference) + texts.pick_day(conference),
    )


def moments_of(conference: Conference) -> tuple[str, ...]:
    """A week before, the first afternoon, the night after it, the last noon, and after the end."""
    first, last = conference.event.start_date, conference.event.end_date
    return (
        f"{first - timedelta(days=7)} 12:00",
        f"{first} 15:10",
        f"{first} 23:00",
        f"{first + timedelta(days=1)} 00:30",
        f"{last} 12:00",
        f"{last + timedelta(days=5)} 12:00",
    )


def every_event() -> dict[str, Conference]:
    """Every event the project ships in data/, and the festival written for the tests."""
    events = {path.name: load_conference(path) for path in sorted((ROOT / "data").glob("*.yaml"))}
    events[FESTIVAL.name] = load_conference(FESTIVAL)
    return events


def test_several_real_events_are_shipped() -> None:
    shipped = sorted((ROOT / "data").glob("*.yaml"))
    assert len(shipped) >= 3
    nouns = {load_conference(path).noun.nominative for path in shipped}
    assert len(nouns) >= 2  # not only conferences


def test_no_event_mentions_another() -> None:
    events = every_event()
    names = {label: names_of(event) for label, event in events.items()}
    for label, event in events.items():
        others = set().union(*(names[other] for other in events if other != label)) - names[label]
        # One pattern for all of them: hundreds of names, hundreds of replies.
        pattern = re.compile(
            "|".join(rf"\b{re.escape(name)}\b" for name in sorted(others, key=len, reverse=True)), re.I
        )
        own = pattern_of(names[label])
        generic = event.noun.nominative != "konferencja"
        for question, said in replies(event, moments_of(event)):
            # What the bot says itself: its own event's names taken out ("Petit manuel de
            # déminage" is a title here, "manuel" a speaker elsewhere).
            bots_words = own.sub(" ", said)
            leaked = sorted({m.group(0) for m in pattern.finditer(bots_words)})
            assert not leaked, f"{label}: {question!r} mentions {leaked}:\n{said}"
            if generic:
                assert "konferencj" not in bots_words.lower(), f"{label}: {question!r}:\n{said}"
            if not event.travel_kinds and question not in ("jakie są wizyty studyjne?", "/wizyty"):
                assert "wizyt" not in said.lower(), f"{label}: {question!r}:\n{said}"


def pattern_of(names: set[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.I)


# --- notices ---------------------------------------------------------------------------------


def test_a_room_change_is_told_by_the_rooms_names(festival: Conference) -> None:
    text = FESTIVAL.read_text(encoding="utf-8")
    moved = text.replace(
        "        room: duza-scena\n        tracks: [scena-muzyczna]\n        speakers: [orkiestra",
        "        room: mala-scena\n        tracks: [scena-muzyczna]\n        speakers: [orkiestra",
        1,
    )
    assert moved != text
    after = parse_conference(moved)
    changes = programme_changes(festival, after)
    assert [(c.kind, c.before.id) for c in changes] == [(ChangeKind.PLACE, "koncert-nocny")]
    said = change_reply(changes[0], festival, after).plain_text
    assert "teraz: Mała Scena." in said and "Było: Duża Scena." in said


def test_a_reminder_says_where_in_the_venue(festival: Conference) -> None:
    dj = session(festival, "set-dj")
    said = reminder_reply(festival, dj, dj.start - timedelta(minutes=15)).plain_text
    assert said.startswith("⏰ Za 15 minut, o 01:30: Nocny set DJ-a")
    assert "— Mała Scena" in said and "Jak trafić: przy wejściu od strony parkingu" in said


# --- the event's own words in questions --------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("gdzie jest kongres?", Intent.VENUE),
        ("gdzie odbywa się kongres", Intent.VENUE),
        ("kiedy jest kongres?", Intent.ABOUT_EVENT),
        ("jak dojechać na kongres?", Intent.VENUE),
    ],
)
def test_the_events_own_noun_names_the_event(question: str, intent: Intent) -> None:
    conference = parse_conference(BASE)
    assert conference.noun.nominative == "kongres"
    assistant = Assistant(conference, FixedClock(parse_now("2030-05-14 09:00", conference.tz)))
    assert assistant.ask(question).intent is intent


def test_numbers_in_a_named_session_are_not_a_time() -> None:
    text = changed("title: Sesja referatowa", "title: Nowości w Pythonie 3.13")
    # A second session, so that the words of a title tell it apart (one alone tells nothing).
    text += "      - {id: inna, title: Bazy danych w praktyce, start: 12:00, end: 13:00}\n"
    assistant = Assistant(parse_conference(text), FixedClock(parse_now("2030-05-14 09:00", WARSAW)))
    answer = assistant.ask("kiedy jest Nowości w Pythonie 3.13?")
    assert answer.intent is Intent.SESSION
    assert "Nowości w Pythonie 3.13" in answer.reply.plain_text
    # Not named: still a time ("co jest o 3.13" is early morning, nothing on).
    assert assistant.ask("co jest o 10.30?").intent is Intent.AT_TIME


def test_metro_stops_and_line_counts() -> None:
    text = changed(
        "  city: Testowo\n",
        "  city: Testowo\n  stops:\n"
        "    - {name: Rondo, mode: metro, lines: [M1]}\n"
        "    - {name: Dworzec, mode: tram, lines: ['1', '7'], provisional: true}\n",
    )
    assistant = Assistant(parse_conference(text), FixedClock(parse_now("2030-05-14 09:00", WARSAW)))
    where = assistant.ask("jak dojechać?").reply.plain_text
    assert "• Rondo (metro, linia M1)" in where
    assert "• Dworzec (tramwaj, linie 1, 7; do potwierdzenia)" in where
    assert "Rondo (linia M1)" in assistant.ask("jak dojechać metrem?").reply.plain_text
