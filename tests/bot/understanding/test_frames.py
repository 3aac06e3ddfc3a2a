"""Questions read as frames (bot/understanding): a person, a room, a kind, a relation, the event's
own start and end, and "which one?" — on the festival written for the tests and on small files."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.assistant import Answer, Assistant
from bot.clock import FixedClock, parse_now
from bot.entities import EntityIndex, EntityKind
from bot.intents import Intent
from bot.loading import load_conference, parse_conference
from bot.model import Conference
from bot.understanding.frame import Relation, Topic
from tests.conftest import ROOT

FESTIVAL = ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml"
Ask = Callable[..., Answer]


@pytest.fixture(scope="module")
def festival() -> Conference:
    return load_conference(FESTIVAL)


@pytest.fixture
def ask(festival: Conference) -> Ask:
    clock = FixedClock(parse_now("2031-07-30 12:00", festival.tz))
    assistant = Assistant(festival, clock, cache_size=0)

    def _ask(question: str, now: str = "2031-07-30 12:00") -> Answer:
        clock.moment = parse_now(now, festival.tz)
        return assistant.ask(question)

    return _ask


@pytest.mark.parametrize(
    "question",
    ["kiedy występuje Anna Wymyślona?", "kiedy wystepuje Wymyslona", "o czym mówi Anna Wymyślona?"],
)
def test_a_person_is_answered_with_their_session(ask: Ask, question: str) -> None:
    answer = ask(question)
    assert answer.frame is not None and answer.frame.topic is Topic.SPEAKER
    text = answer.reply.plain_text
    assert "Muzyka w małych miastach" in text and "18:00" in text


def test_an_inflected_name_still_names_the_person(ask: Ask) -> None:
    # "z Anną Wymyśloną": instrumental of both words.
    answer = ask("kiedy jest spotkanie z Anną Wymyśloną?")
    assert "Muzyka w małych miastach" in answer.reply.plain_text


def test_a_performer_on_two_sessions_lists_both(ask: Ask) -> None:
    text = ask("kiedy gra Orkiestra Księżycowa?").reply.plain_text
    assert "Wielki koncert nocny" in text and "Koncert finałowy" in text
    assert "2 punkty programu" in text


def test_a_room_on_a_day_lists_only_that_room(ask: Ask) -> None:
    answer = ask("co gra na dużej scenie w sobotę?")
    text = answer.reply.plain_text
    assert answer.frame is not None and answer.frame.topic is Topic.LISTING
    assert "Koncert finałowy" in text
    assert "Nocny set DJ-a" not in text and "Wielki koncert nocny" not in text  # Friday's, or elsewhere


def test_a_kind_lists_its_sessions_across_days(ask: Ask) -> None:
    text = ask("jakie są koncerty?").reply.plain_text
    assert "Kapela Spod Wierzby" in text and "Koncert finałowy" in text
    assert "Muzyka w małych miastach" not in text  # a debate


def test_a_room_now_says_what_runs_there(ask: Ask) -> None:
    text = ask("co jest teraz na dużej scenie?", "2031-08-01 23:00").reply.plain_text
    assert "Wielki koncert nocny" in text and "teraz" in text
    quiet = ask("co jest teraz w namiocie rozmów?", "2031-08-01 23:00").reply.plain_text
    assert "teraz nic" in quiet


@pytest.mark.parametrize(
    ("question", "relation", "expected", "not_expected"),
    [
        (
            "co jest po koncercie Kapela Spod Wierzby?",
            Relation.AFTER,
            "Wielki koncert nocny",
            "Otwarcie bram",
        ),
        ("co jest przed Wielkim koncertem nocnym?", Relation.BEFORE, "Kapela Spod Wierzby", "Nocny set"),
    ],
)
def test_relative_to_a_session(
    ask: Ask, question: str, relation: Relation, expected: str, not_expected: str
) -> None:
    answer = ask(question)
    assert answer.frame is not None and answer.frame.relation is relation
    text = answer.reply.plain_text
    assert expected in text and not_expected not in text


def test_the_event_start_and_end(ask: Ask) -> None:
    start = ask("o której startuje festiwal?")
    assert start.frame is not None and start.frame.topic is Topic.EVENT_TIME
    assert "16:00" in start.reply.plain_text and "piątek" in start.reply.plain_text
    end = ask("kiedy się kończy festiwal?").reply.plain_text
    assert "kończy się" in end and "Koncert finałowy" in end


SMALL = """\
event: {id: t, name: Zjazd Testowy, kind: zjazd, timezone: Europe/Warsaw,
        start_date: 2030-05-14, end_date: 2030-05-14}
venue: {name: Aula, city: Testowo}
speakers:
  - {id: sim, name: Kate Sim}
  - {id: nowak, name: Anna Nowak}
days:
  - date: 2030-05-14
    sessions:
      - {id: a, title: Bazy danych dla początkujących, start: "10:00", end: "11:00", speakers: [nowak]}
      - {id: b, title: Bazy danych dla zaawansowanych, start: "11:00", end: "12:00", speakers: [sim]}
      - {id: c, title: Rejestracja, kind: registration, start: "09:00", end: "10:00"}
      - {id: d, title: Sesja plenarna otwierająca, kind: plenary, start: "12:00", end: "13:00"}
      - {id: e, title: Obiad, kind: break, start: "13:00", end: "14:00"}
"""


def assistant_at(conference: Conference, now: str) -> Assistant:
    return Assistant(conference, FixedClock(parse_now(now, conference.tz)), cache_size=0)


@pytest.fixture(scope="module")
def small() -> Assistant:
    return assistant_at(parse_conference(SMALL), "2030-05-13 12:00")


def test_two_sessions_matching_equally_are_asked_about(small: Assistant) -> None:
    answer = small.ask("kiedy są bazy danych?")
    assert answer.frame is not None and answer.frame.topic is Topic.CHOICE
    text = answer.reply.plain_text
    assert "Bazy danych dla początkujących" in text and "Bazy danych dla zaawansowanych" in text
    assert {s.question for s in answer.reply.suggestions} >= {
        "Bazy danych dla początkujących",
        "Bazy danych dla zaawansowanych",
    }
    # Named in full, there is no doubt.
    assert small.ask("kiedy są bazy danych dla zaawansowanych?").frame.topic is not Topic.CHOICE  # type: ignore[union-attr]


def test_a_surname_is_not_a_word_of_the_question(small: Assistant) -> None:
    # "się" is no form of "Sim"; the question is about the event.
    answer = small.ask("o której zaczyna się zjazd?")
    assert answer.frame is not None and answer.frame.topic is Topic.EVENT_TIME
    assert "09:00" in answer.reply.plain_text


def test_the_generic_session_word_is_no_kind(small: Assistant) -> None:
    assert small.ask("następna sesja?").intent is Intent.NEXT
    # "sesja" alone does not name "sesja plenarna".
    assert small.ask("jaka sesja jest teraz?").frame.topic is not Topic.LISTING  # type: ignore[union-attr]


def test_a_kind_with_one_session_gives_its_card(small: Assistant) -> None:
    answer = small.ask("kiedy rejestracja?")
    assert answer.intent is Intent.SESSION and "09:00–10:00" in answer.reply.plain_text


def test_new_entity_kinds_are_indexed(festival: Conference) -> None:
    index = EntityIndex(festival)
    kinds = {e.kind for e in index.entities}
    assert {EntityKind.SPEAKER, EntityKind.ROOM, EntityKind.KIND, EntityKind.TRACK} <= kinds


# --- named places and rooms, the event's length, what the data does not say --------------------

MIEJSCA = ROOT / "data" / "miejsca-otwarte-2023.yaml"


@pytest.fixture(scope="module")
def miejsca() -> Assistant:
    return assistant_at(load_conference(MIEJSCA), "2023-11-28 12:00")


def test_directions_to_a_visited_place_are_never_the_venues(miejsca: Assistant) -> None:
    answer = miejsca.ask("jak dojechać na Kozłówkę?")
    assert answer.frame is not None and answer.frame.topic is Topic.PLACE
    text = answer.reply.plain_text
    assert "Na Kozłówce" in text
    assert "Zabłocie 22" not in text and "Kraków Zabłocie" not in text


def test_where_a_room_is(ask: Ask) -> None:
    answer = ask("gdzie jest duża scena?", "2031-08-01 21:00")
    assert answer.frame is not None and answer.frame.topic is Topic.ROOM
    text = answer.reply.plain_text
    assert "na końcu głównej alei" in text  # the room's own way-finding note
    assert "Kapela Spod Wierzby" in text  # what is on there now
    assert answer.reply.location is not None  # its pin on the festival field


def test_how_long_the_event_lasts(ask: Ask) -> None:
    answer = ask("ile dni trwa festiwal?")
    assert answer.frame is not None and answer.frame.topic is Topic.EVENT_SPAN
    assert "trwa 2 dni" in answer.reply.plain_text


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("ile kosztuje bilet?", "biletach"),
        ("czy jest wifi?", "sieci Wi-Fi"),
        ("jak się zarejestrować?", "zapisach"),
        ("czy jest szatnia?", "szatni"),
    ],
)
def test_what_the_data_lacks_is_said_with_whom_to_ask(ask: Ask, question: str, missing: str) -> None:
    answer = ask(question)
    text = answer.reply.plain_text
    assert f"Nie mam informacji o {missing}" in text[: 60 + len(missing)]
    assert "Biuro festiwalu" in text  # the contact
    assert "Pole festiwalowe" not in text  # no neighbouring answer


def test_the_faq_answers_before_any_i_dont_know(miejsca: Assistant) -> None:
    answer = miejsca.ask("czy jest wifi?")
    assert answer.intent is Intent.FAQ
    # The data says how many people come: that is an answer, not "I don't know".
    assert "Ponad 150" in miejsca.ask("ile osób przyjdzie?").reply.plain_text


def test_listed_things_are_no_missing_information(miejsca: Assistant) -> None:
    assert miejsca.ask("na jakie wizyty mogę się zapisać?").intent is Intent.VISITS


# --- what a session is about ------------------------------------------------------------------

TOPICS = """\
event: {id: t2, name: Dni Testowe, kind: konferencja, timezone: Europe/Warsaw,
        start_date: 2030-05-14, end_date: 2030-05-14}
venue: {name: Aula, city: Testowo}
days:
  - date: 2030-05-14
    sessions:
      - {id: a, title: "Wagtail: CMS dla każdego", start: "10:00", end: "11:00"}
      - {id: b, title: Strony w Wagtailu od zera, kind: workshop, start: "11:00", end: "12:00"}
      - {id: c, title: Pandas w praktyce analityka, kind: workshop, start: "12:00", end: "13:00"}
      - {id: d, title: Mars i Wenus w danych, start: "13:00", end: "14:00"}
      - {id: e, title: Zamknięcie, kind: plenary, start: "14:00", end: "14:30"}
"""


@pytest.fixture(scope="module")
def topics() -> Assistant:
    return assistant_at(parse_conference(TOPICS), "2030-05-13 12:00")


def test_a_topic_several_titles_share_lists_them_all(topics: Assistant) -> None:
    # "Wagtail" alone is also one title's head: asked "o Wagtailu", both sessions are meant.
    text = topics.ask("kiedy jest coś o Wagtailu?").reply.plain_text
    assert "Wagtail: CMS dla każdego" in text and "Strony w Wagtailu od zera" in text
    assert "Pandas" not in text


def test_a_topic_word_and_a_kind_narrow_to_one(topics: Assistant) -> None:
    answer = topics.ask("warsztat o pandas o której?")
    assert answer.intent is Intent.SESSION and "12:00–13:00" in answer.reply.plain_text


def test_an_inflected_topic_word(topics: Assistant) -> None:
    assert "Mars i Wenus w danych" in topics.ask("referat o Marsie?").reply.plain_text


def test_a_title_named_in_full_is_not_a_topic(topics: Assistant) -> None:
    answer = topics.ask("kiedy jest Wagtail: CMS dla każdego?")
    assert answer.intent is Intent.SESSION and "10:00–11:00" in answer.reply.plain_text


def test_a_part_of_a_session_names_its_block(ask: Ask) -> None:
    text = ask("o której są pytania z sali?").reply.plain_text
    assert "Muzyka w małych miastach" in text and "19:10" in text


def test_relative_to_a_kind_of_one_session(ask: Ask) -> None:
    answer = ask("co jest po debacie?")
    assert answer.frame is not None and answer.frame.relation is Relation.AFTER
    assert "Kapela Spod Wierzby" in answer.reply.plain_text


def test_relative_to_a_persons_one_session(small: Assistant) -> None:
    text = small.ask("co jest po wystąpieniu Kate Sim?").reply.plain_text
    assert "Sesja plenarna otwierająca" in text and "Bazy danych dla początkujących" not in text


def test_a_title_that_says_its_kind_is_listed_with_it() -> None:
    text = SMALL.replace(
        '      - {id: e, title: Obiad, kind: break, start: "13:00", end: "14:00"}',
        '      - {id: e, title: Obiad, kind: break, start: "13:00", end: "14:00"}\n'
        '      - {id: f, title: Lutowanie dla każdego workshop, start: "14:00", end: "15:00"}\n'
        '      - {id: g, title: Warsztat pisania, kind: workshop, start: "15:00", end: "16:00"}',
    )
    listed = assistant_at(parse_conference(text), "2030-05-13 12:00").ask("jakie są warsztaty?").reply
    assert "Lutowanie dla każdego workshop" in listed.plain_text and "Warsztat pisania" in listed.plain_text
    assert "Obiad" not in listed.plain_text


def test_this_one_of_several_asks_which(ask: Ask) -> None:
    answer = ask("kiedy jest ten nocny?")
    assert answer.frame is not None and answer.frame.topic is Topic.CHOICE
    assert "Wielki koncert nocny" in answer.reply.plain_text and "Nocny set DJ-a" in answer.reply.plain_text


def test_a_practical_question_is_not_about_a_title_sharing_its_word() -> None:
    text = SMALL.replace("Bazy danych dla zaawansowanych", "Szybsze WiFi w domu")
    answer = assistant_at(parse_conference(text), "2030-05-13 12:00").ask("jakie jest hasło do wifi?")
    assert "Nie mam informacji o sieci Wi-Fi" in answer.reply.plain_text
    assert "Szybsze WiFi" not in answer.reply.plain_text


def test_a_kinds_plural_lists_the_kind_not_one_session() -> None:
    text = SMALL.replace(
        '      - {id: e, title: Obiad, kind: break, start: "13:00", end: "14:00"}',
        '      - {id: e, title: Przerwa obiadowa, kind: break, start: "13:00", end: "14:00"}\n'
        '      - {id: f, title: Przerwa kawowa, kind: break, start: "15:00", end: "15:30"}',
    )
    answer = assistant_at(parse_conference(text), "2030-05-14 08:00").ask("jakie są dziś przerwy?")
    assert "Przerwa obiadowa" in answer.reply.plain_text and "Przerwa kawowa" in answer.reply.plain_text


def test_before_the_closing_and_nothing_at_night(small: Assistant) -> None:
    before = small.ask("co jest przed zamknięciem?").reply.plain_text
    assert before.startswith("Przed „Obiad”") and "Sesja plenarna otwierająca" in before
    night = small.ask("co jest jutro w nocy?").reply.plain_text
    assert "nic nie zaplanowano, a dalej w programie już nic" in night
    assert "Rejestracja" not in night  # not the whole day again


def test_a_starting_point_the_directions_name_asks_the_way() -> None:
    text = SMALL.replace(
        "venue: {name: Aula, city: Testowo}",
        "venue:\n  name: Aula\n  city: Testowo\n  directions:\n"
        "    - {from: airport, label: z lotniska Pyrzowice, text: Autobusem do centrum Testowa.}",
    )
    assistant = assistant_at(parse_conference(text), "2030-05-13 12:00")
    answer = assistant.ask("a z Pyrzowic?")
    assert answer.intent is Intent.VENUE and "autobusem do centrum Testowa" in answer.reply.plain_text
    assert assistant.ask("jaka pogoda w Testowie?").intent is not Intent.VENUE  # the city asks no way


ABROAD = """\
event: {id: t3, name: Test Days, kind: konferencja, timezone: Europe/Warsaw,
        start_date: 2030-05-14, end_date: 2030-05-16, day_starts_at: "00:00"}
venue: {name: Hall, city: Testowo, parking: {text: "Parking przy wejściu, 15 zł za dzień."}}
speakers:
  - {id: ada, name: Ada Lovelace}
  - {id: anne, name: Anne Lüscher}
kinds:
  - {id: plenary, name: ceremonia, plural: ceremonie, aliases: [otwarcie, zamknięcie, ceremony]}
faq:
  - {id: fee, question: Czy udział jest płatny?, answer: Udział jest bezpłatny., keywords: [płatny, kosztuje]}
days:
  - date: 2030-05-14
    sessions:
      - {id: a, title: Hacking washing machines, start: "10:00", end: "11:00", room: One}
      - {id: b, title: Assemblée générale, start: "11:00", end: "12:00", room: One}
      - {id: c, title: Databases for everyone, start: "12:00", end: "13:00", room: Two}
      - {id: d, title: Databases at scale, start: "12:00", end: "13:00", room: One}
      - {id: e, title: Opening ceremony, kind: plenary, start: "09:00", end: "09:30", room: One}
      - {id: "2405", title: Everything about DNS, start: "14:00", end: "15:00", room: Two,
         speakers: [anne]}
      - {id: g, title: They Talk Tech live mit Anne Roth, start: "15:00", end: "16:00", room: One}
      - {id: h, title: "Och Menno: Uppsis", start: "16:00", end: "16:30", room: Two}
      - {id: i, title: "Och Menno Mode", start: "17:00", end: "17:30", room: Two}
  - date: 2030-05-16
    sessions:
      - {id: f, title: Closing ceremony, kind: plenary, start: "16:00", end: "16:30", room: One,
         speakers: [ada]}
"""


@pytest.fixture(scope="module")
def abroad() -> Assistant:
    return assistant_at(parse_conference(ABROAD), "2030-05-13 12:00")


def test_a_foreign_title_answers_to_polish_words(abroad: Assistant) -> None:
    assert "10:00" in abroad.ask("kiedy jest wykład o hakowaniu pralek?").reply.plain_text
    assert "Assemblée générale" in abroad.ask("kiedy walne zgromadzenie?").reply.plain_text


def test_one_thing_asked_when_a_few_fit_is_which_one_with_times(abroad: Assistant) -> None:
    answer = abroad.ask("o której jest wykład o bazach danych?")
    assert answer.frame is not None and answer.frame.topic is Topic.CHOICE
    text = answer.reply.plain_text
    assert "Databases for everyone" in text and "Databases at scale" in text and "12:00" in text
    # Asked of several ("kiedy są…"), they are listed.
    assert abroad.ask("kiedy są wykłady o bazach danych?").frame.topic is Topic.LISTING  # type: ignore[union-attr]


def test_a_session_a_topic_names_anchors_a_relation(abroad: Assistant) -> None:
    answer = abroad.ask("co jest po tym o pralkach?")
    assert answer.frame is not None and answer.frame.topic is Topic.RELATIVE
    assert "Assemblée générale" in answer.reply.plain_text


def test_a_kinds_last_one_for_the_closing(abroad: Assistant) -> None:
    text = abroad.ask("kto prowadzi ceremonię zamknięcia?").reply.plain_text
    assert "Ada Lovelace" in text and "Opening" not in text


def test_the_events_length_in_calendar_days_with_the_gap(abroad: Assistant) -> None:
    text = abroad.ask("ile dni trwa konferencja?").reply.plain_text
    assert "3 dni" in text and "15 maja, nie ma programu" in text


def test_an_faq_entry_does_not_answer_a_matter_it_does_not_speak_of(abroad: Assistant) -> None:
    assert "bezpłatny" in abroad.ask("ile kosztuje udział?").reply.plain_text
    text = abroad.ask("ile kosztuje nocleg?").reply.plain_text
    assert "Nie mam informacji o noclegach" in text and "bezpłatny" not in text


def test_the_venues_parking_says_its_price(abroad: Assistant) -> None:
    assert "15 zł" in abroad.ask("gdzie można zaparkować i ile to kosztuje?").reply.plain_text


def test_the_language_asked_is_no_relation(abroad: Assistant) -> None:
    answer = abroad.ask("po jakiemu jest Hacking washing machines?")
    assert answer.frame is not None and answer.frame.topic is not Topic.RELATIVE


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("co jest teraz?", Topic.NOW),
        ("co dalej?", Topic.NEXT),
        ("program na jutro", Topic.DAY),
        ("jak dojechać?", Topic.VENUE),
        ("kiedy jest Opening ceremony?", Topic.CARD),
        ("czy udział jest płatny?", Topic.FAQ),
        ("cześć", Topic.DIALOGUE),
        ("jaka jest stolica Peru?", Topic.DIALOGUE),
    ],
)
def test_every_answer_comes_from_a_frame(abroad: Assistant, question: str, topic: Topic) -> None:
    """The common cases are frames too: only the conversation's own acts are left to the assistant."""
    answer = abroad.ask(question)
    assert answer.frame is not None and answer.frame.topic is topic


def test_a_first_name_beside_another_surname_is_someone_else(abroad: Assistant) -> None:
    """ "Anne Roth" is not Anne Lüscher: the title that names Anne Roth answers."""
    assert "They Talk Tech" in abroad.ask("kiedy mówi Anne Roth?").reply.plain_text
    assert "Everything about DNS" in abroad.ask("kiedy mówi Anne?").reply.plain_text


def test_a_greeting_before_a_question_is_the_question(abroad: Assistant) -> None:
    answer = abroad.ask("hej, kiedy mówi Lüscher?")
    assert answer.intent is not Intent.GREETING and "14:00" in answer.reply.plain_text


def test_a_session_by_its_number(abroad: Assistant) -> None:
    assert "Everything about DNS" in abroad.ask("co to za wykład nr 2405?").reply.plain_text


def test_a_short_foreign_word_with_a_polish_ending(abroad: Assistant) -> None:
    assert "14:00" in abroad.ask("kiedy ten o dnsie?").reply.plain_text


def test_a_head_other_titles_start_with_names_none_of_them(abroad: Assistant) -> None:
    answer = abroad.ask("kiedy jest och menno?")
    assert answer.frame is not None and answer.frame.topic is Topic.CHOICE
    assert "Uppsis" in answer.reply.plain_text and "Mode" in answer.reply.plain_text


def test_an_acronym_names_a_topic(ask: Ask) -> None:
    assert "01:30" in ask("kiedy gra DJ?").reply.plain_text


def test_a_person_on_a_day_they_do_not_speak(ask: Ask) -> None:
    text = ask("czy Anna Wymyślona występuje w sobotę?").reply.plain_text
    assert text.startswith("Anna Wymyślona nie występuje w sobotę, 2 sierpnia") and "18:00" in text
    assert "Muzyka w małych miastach" in ask("kiedy występuje Anna Wymyślona w piątek?").reply.plain_text


ROOMS = """\
event: {id: t4, name: Rooms, kind: konferencja, timezone: Europe/Warsaw,
        start_date: 2030-05-14, end_date: 2030-05-14}
venue:
  name: Hall
  city: Testowo
  rooms:
    - {id: kw, name: Kidspace - Workshopraum}
    - {id: kh, name: Kidspace - Hackcenter, note: na parterze}
    - {id: sa, name: Sala A}
    - {id: sb, name: Sala B}
days:
  - date: 2030-05-14
    sessions:
      - {id: a, title: Lutowanie, start: "10:00", end: "11:00", room: kw}
      - {id: b, title: Scratch, start: "12:00", end: "13:00", room: kh}
      - {id: c, title: Wykład, start: "12:00", end: "13:00", room: sa}
"""


def test_a_word_several_rooms_share_names_them_all() -> None:
    rooms = assistant_at(parse_conference(ROOMS), "2030-05-14 09:00")
    answer = rooms.ask("gdzie jest kidspace?")
    assert answer.frame is not None and answer.frame.topic is Topic.ROOM
    text = answer.reply.plain_text
    assert "Kidspace — 2 miejsca" in text and "Hackcenter — na parterze" in text
    listed = rooms.ask("co jest w kidspace?").reply.plain_text
    assert "Lutowanie" in listed and "Scratch" in listed and "Wykład" not in listed
    # "Sala" is what rooms are called, not one place.
    assert rooms.ask("gdzie jest sala?").frame.topic is not Topic.ROOM  # type: ignore[union-attr]


def test_when_one_days_programme_starts_and_ends(ask: Ask) -> None:
    assert ask("o której zaczyna się festiwal w sobotę?").reply.plain_text.startswith(
        "Program na sobotę, 2 sierpnia, zaczyna się o 10:00"
    )
    ends = ask("do której trwa festiwal w sobotę?").reply.plain_text
    assert ends.startswith("Program na sobotę, 2 sierpnia, kończy się w nocy z soboty na niedzielę")
    assert "00:30" in ends


@pytest.mark.parametrize(
    ("question", "missing"), [("gdzie jest toaleta?", "toaletach"), ("czy jest pole namiotowe?", "noclegach")]
)
def test_more_practical_matters_the_data_lacks(ask: Ask, question: str, missing: str) -> None:
    assert f"Nie mam informacji o {missing}" in ask(question).reply.plain_text


def test_a_kinds_last_one_asked_in_english(ask: Ask) -> None:
    assert "Koncert finałowy" in ask("When is the last concert?").reply.plain_text


def test_a_days_own_start_and_where_the_event_is(abroad: Assistant) -> None:
    assert abroad.ask("kiedy zaczyna się pierwszy dzień?").reply.plain_text.startswith(
        "Program na wtorek, 14 maja, zaczyna się o 09:00"
    )
    answer = abroad.ask("gdzie jest konferencja?")
    assert answer.frame is not None and answer.frame.topic is Topic.VENUE


@pytest.mark.parametrize(
    ("question", "relation"),
    [
        ("co poprzedza ceremonię zamknięcia?", Relation.BEFORE),
        ("co mogę zobaczyć zamiast wykładu o pralkach?", Relation.PARALLEL),
        ("co jest o tej samej porze co walne zgromadzenie?", Relation.PARALLEL),
    ],
)
def test_more_ways_to_say_a_relation(abroad: Assistant, question: str, relation: Relation) -> None:
    answer = abroad.ask(question)
    assert answer.frame is not None and answer.frame.relation is relation


def test_after_a_session_in_the_same_room(abroad: Assistant) -> None:
    text = abroad.ask("co jest po walnym zgromadzeniu w tej samej sali?").reply.plain_text
    assert "Databases at scale" in text and "Databases for everyone" not in text  # One, not Two


def test_a_pronoun_is_not_a_session_of_that_name() -> None:
    conference = parse_conference(TOPICS.replace("title: Zamknięcie", "title: Go"))
    go = assistant_at(conference, "2030-05-13 12:00")
    assert go.ask("kto to organizuje i kto go prowadzi?").frame.topic is not Topic.CARD  # type: ignore[union-attr]
    assert "14:00" in go.ask("kiedy jest Go?").reply.plain_text


def test_a_person_the_programme_does_not_have_is_said_so(abroad: Assistant) -> None:
    for question in ("kiedy występuje Linus Torvalds?", "is there a talk by Linus Torvalds?"):
        text = abroad.ask(question).reply.plain_text
        assert "W programie nie ma osoby „Linus Torvalds”" in text and "Everything" not in text
    # A room or a person the data has is no stranger.
    assert "Everything about DNS" in abroad.ask("kiedy występuje Anne Lüscher?").reply.plain_text


def test_of_several_times_the_one_asked_about(ask: Ask) -> None:
    text = ask(
        "w piątek o 18 jestem wolna, a o 20:00 mam spotkanie — co jest o 18 w Namiocie Rozmów?",
        "2031-08-01 12:00",
    ).reply.plain_text
    assert "Muzyka w małych miastach" in text and "Kapela Spod Wierzby" not in text
