"""frab/pentabarf schedule.xml: real exports kept whole, the edge cases, broken and hostile files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # the trusted fixtures only: counted independently of the reader
from pathlib import Path

import pytest

from bot import cli
from bot.document import DataError
from bot.formats import read_programme
from tests.bot.formats.helpers import fixture_path, sessions, validate

WARSAW_NIGHT = """\
<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <version>1.0</version>
  <conference>
    <acronym>noc-lodz-2024</acronym>
    <title>Noc Kultury „Łódź nocą”</title>
    <start>2024-10-26</start>
    <end>2024-10-27</end>
    <days>2</days>
    <time_zone_name>Europe/Warsaw</time_zone_name>
    <venue>Dom Kultury Śródmieście</venue>
    <city>Łódź</city>
  </conference>
  <day date="2024-10-26" index="1" start="2024-10-26T18:00:00+02:00" end="2024-10-27T06:00:00+01:00">
    <room name="Scena Główna">
      <event id="101" guid="0b8f1c1e-0000-4000-8000-000000000101">
        <date>2024-10-26T22:30:00+02:00</date>
        <start>22:30</start>
        <duration>02:00</duration>
        <room>Scena Główna</room>
        <title>Koncert „Żółta łódź”</title>
        <subtitle/>
        <track>Muzyka</track>
        <type>Koncert</type>
        <language>pl, en</language>
        <abstract></abstract>
        <description>&lt;p&gt;Zespół &lt;b&gt;Łąka&lt;/b&gt; &amp;amp; goście&lt;/p&gt;
          &lt;ul&gt;&lt;li&gt;pierwszy&lt;/li&gt;&lt;/ul&gt;</description>
        <persons>
          <person id="7">Zofia Żółkiewska</person>
          <person id="8">Łukasz Ćwik</person>
        </persons>
        <links>
          <link href="https://example.org/zolta"><title>Pułapka: nie tytuł</title><type>related</type></link>
        </links>
        <foo>nieznane</foo>
      </event>
      <event id="102" guid="0b8f1c1e-0000-4000-8000-000000000102">
        <date>2024-10-27T01:30:00+02:00</date>
        <start>01:30</start>
        <duration>3:00:00</duration>
        <room>Scena Główna</room>
        <title>Nocny maraton filmowy</title>
        <type>Film</type>
        <abstract>**Trzy** filmy o [Łodzi](https://example.org/lodz)</abstract>
        <persons><person id="7">Zofia Żółkiewska</person></persons>
        <foo/>
      </event>
      <event id="103">
        <date>2024-10-27T02:15:00+01:00</date>
        <start>02:15</start>
        <duration>0:30</duration>
        <room>Scena Główna</room>
        <title>Czytanie o drugiej (po zmianie czasu)</title>
        <type>Czytanie</type>
        <foo/>
      </event>
    </room>
    <room name="Sala Kameralna"/>
  </day>
  <day date="2024-10-27" index="2" start="2024-10-27T10:00:00+01:00" end="2024-10-27T18:00:00+01:00">
    <room name="Sala Kameralna">
      <event id="201">
        <start>11:00</start>
        <duration>1:15</duration>
        <room>Sala Kameralna</room>
        <title>Śniadanie z poezją</title>
        <type>Czytanie</type>
      </event>
    </room>
  </day>
</schedule>
"""


def read(text: str, name: str = "program.xml", timezone: str | None = None) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    return read_programme(text.encode("utf-8"), name, timezone=timezone)


def by_id(document: dict) -> dict:  # type: ignore[type-arg]
    return {s["id"]: s for s in sessions(document)}


# --- the real exports -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["frab-31c3.xml", "frab-39c3-20251206.xml"])
def test_a_real_frab_export_keeps_every_session_speaker_and_room(name: str) -> None:
    path = fixture_path(name)
    root = ET.parse(path).getroot()
    events = root.findall("day/room/event")
    persons = {
        p.get("id") or p.get("guid") or (p.text or "").strip(): " ".join((p.text or "").split())
        for p in root.iter("person")
    }
    rooms = {r.get("name") for r in root.findall("day/room")}

    document, _ = read_programme(path.read_bytes(), name)
    validate(document)

    got = sessions(document)
    assert len(got) == len(events)
    assert sorted(s["title"] for s in got) == sorted(
        " ".join((e.findtext("title") or "").split()) for e in events
    )
    assert len(document["speakers"]) == len(persons)
    assert {s["name"] for s in document["speakers"]} == set(persons.values())
    assert {r["name"] for r in document["venue"]["rooms"]} == rooms
    ids = [s["id"] for s in got]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", i) and len(i) <= 60 for i in ids)


def test_31c3_keeps_night_sessions_under_their_evening_and_guesses_no_zone_name() -> None:
    path = fixture_path("frab-31c3.xml")
    document, warnings = read_programme(path.read_bytes(), path.name)
    assert document["event"]["timezone"] == "Etc/GMT-1"  # only +01:00 offsets: said in a warning
    assert any("--timezone" in w and "+01:00" in w for w in warnings)
    assert document["event"]["day_starts_at"] == "11:00"  # the days' own start
    first_day = document["days"][0]
    assert first_day["date"] == "2014-12-27"
    assert any(s["start"] < "04:00" for s in first_day["sessions"])  # after midnight, same evening
    with_zone, warnings = read_programme(path.read_bytes(), path.name, timezone="Europe/Berlin")
    assert with_zone["event"]["timezone"] == "Europe/Berlin"
    assert not any("--timezone" in w for w in warnings)


def test_39c3_nested_link_titles_are_not_event_titles_and_markdown_is_plain() -> None:
    path = fixture_path("frab-39c3-20251206.xml")
    document, warnings = read_programme(path.read_bytes(), path.name)
    titles = {s["title"] for s in sessions(document)}
    assert "Zügli" not in titles  # a <title> inside <link>
    fraud = next(s for s in sessions(document) if s["title"].startswith("All my Deutschlandtickets"))
    assert "Zügli (https://zügli.app)" in fraud["description"]
    assert "[Zügli]" not in fraud["description"] and "*interesting*" not in fraud["description"]
    assert fraud["room"] == "one" and fraud["language"] == "en"
    languages = {s.get("language") for s in sessions(document)}
    assert "de, en" in languages and "en, de" in languages
    assert document["event"]["timezone"] == "Europe/Berlin"
    # Free-text types: each unknown one named once, with how many sessions it covers.
    podcast = [w for w in warnings if "Live-Podcast Bühne (45 Minuten)" in w]
    assert podcast == [
        "nieznany rodzaj 'Live-Podcast Bühne (45 Minuten)': 8 sesji zapisano jako zwykłą sesję "
        "(kind: session)"
    ]


# --- the edge cases, in a file written for the tests -------------------------------------------------


def test_polish_night_programme_on_the_dst_day() -> None:
    document, warnings = read(WARSAW_NIGHT)
    validate(document)
    event = document["event"]
    assert event == {
        "id": "noc-lodz-2024",
        "name": "Noc Kultury „Łódź nocą”",
        "timezone": "Europe/Warsaw",
        "start_date": "2024-10-26",
        "end_date": "2024-10-27",
        "day_starts_at": "10:00",  # the earliest day start that fits: Sunday's
        "city": "Łódź",
    }
    assert document["venue"]["name"] == "Dom Kultury Śródmieście"
    assert document["venue"]["rooms"] == [
        {"id": "scena-glowna", "name": "Scena Główna"},
        {"id": "sala-kameralna", "name": "Sala Kameralna"},  # a room without sessions is kept
    ]
    saturday, sunday = document["days"]
    assert [s["id"] for s in saturday["sessions"]] == ["101", "102", "103"]  # night kept under Saturday
    concert, films, reading = saturday["sessions"]
    assert (concert["start"], concert["end"]) == ("22:30", "00:30")  # ends the next day
    assert concert["kind"] == "koncert" and films["kind"] == "film"
    # 01:30 CEST + 3 h of real time, across the clock going back: 03:30 CET.
    assert (films["start"], films["end"]) == ("01:30", "03:30")
    assert (reading["start"], reading["end"]) == ("02:15", "02:45")
    assert any("02:15" in w and "dwa razy" in w for w in warnings)  # the repeated hour, said
    assert concert["title"] == "Koncert „Żółta łódź”"  # not the link's <title>
    assert (
        concert["description"]
        == "Zespół Łąka & goście\n\n- pierwszy\n\nLinki:\n- Pułapka: nie tytuł: https://example.org/zolta"
    )
    assert films["description"] == "Trzy filmy o Łodzi (https://example.org/lodz)"
    assert concert["language"] == "pl, en"
    assert concert["speakers"] == ["zofia-zolkiewska", "lukasz-cwik"]
    assert films["speakers"] == ["zofia-zolkiewska"]  # the same person once
    assert {s["id"]: s["name"] for s in document["speakers"]} == {
        "lukasz-cwik": "Łukasz Ćwik",
        "zofia-zolkiewska": "Zofia Żółkiewska",
    }
    assert document["kinds"] == [
        {"id": "koncert", "name": "koncert", "plural": "koncerty", "aliases": ["występ muzyczny"]},
        {"id": "film", "name": "film", "plural": "filmy", "aliases": ["pokaz filmu", "projekcja"]},
    ]
    assert document["tracks"] == [{"id": "muzyka", "name": "Muzyka"}]
    # <start> alone (no <date>): the day's date; missing optional fields are simply absent.
    assert sunday == {
        "date": "2024-10-27",
        "sessions": [
            {
                "id": "201",
                "kind": "session",
                "title": "Śniadanie z poezją",
                "start": "11:00",
                "end": "12:15",
                "place": "venue",
                "room": "sala-kameralna",
            }
        ],
    }
    # Unknown things: one warning each, however often they occur.
    assert [w for w in warnings if "<foo>" in w] == [
        "pominięto nieznany element <foo> (3 razy, pierwszy: "
        "schedule/day[1]/room[@name='Scena Główna']/event[1]/foo)"
    ]
    assert [w for w in warnings if "nieznany rodzaj" in w] == [
        "nieznany rodzaj 'Czytanie': 2 sesje zapisano jako zwykłą sesję (kind: session)"
    ]


def test_ids_are_stable_unique_and_valid() -> None:
    text = WARSAW_NIGHT.replace('id="102"', 'id="101"').replace('<event id="201">', '<event id="Ą B/C">')
    first, _ = read(text)
    second, _ = read(text)
    assert first == second
    assert [s["id"] for s in sessions(first)] == ["101", "101-2", "103", "a-b-c"]


def test_timezone_rules() -> None:
    no_name = WARSAW_NIGHT.replace("<time_zone_name>Europe/Warsaw</time_zone_name>", "").replace(
        "<start>11:00</start>", "<date>2024-10-27T11:00:00+01:00</date>"
    )
    # Offsets that differ (CEST and CET) and no zone name: the reader cannot guess.
    with pytest.raises(DataError) as refused:
        read(no_name)
    assert "--timezone" in str(refused.value) and "(+01:00, +02:00)" in str(refused.value)
    document, _ = read(no_name, timezone="Europe/Warsaw")
    assert document["event"]["timezone"] == "Europe/Warsaw"
    # The option beats the file's name, with a warning; times are shown in the option's zone.
    document, warnings = read(WARSAW_NIGHT, timezone="Europe/London")
    assert document["event"]["timezone"] == "Europe/London"
    assert by_id(document)["101"]["start"] == "21:30"
    assert any("Europe/Warsaw" in w and "Europe/London" in w for w in warnings)
    with pytest.raises(DataError, match="--timezone: nieznana strefa czasowa 'Mars/Olympus'"):
        read(WARSAW_NIGHT, timezone="Mars/Olympus")
    naive = re.sub(r"<date>[^<]*</date>", "<start>11:00</start>", no_name)
    with pytest.raises(DataError, match=r"nie mają przesunięcia względem UTC.*--timezone"):
        read(naive)


# --- broken and hostile files ------------------------------------------------------------------------


def line_of(needle: str, text: str = WARSAW_NIGHT) -> int:
    """The line of the test file where `needle` first occurs."""
    return text[: text.index(needle)].count("\n") + 1


BROKEN = [
    (
        WARSAW_NIGHT.replace("</title>\n        <subtitle/>", "</titel>\n        <subtitle/>", 1),
        line_of("</title>\n        <subtitle/>"),
        "",
        "błąd składni XML: znacznik zamykający nie pasuje do otwartego",
    ),
    (
        WARSAW_NIGHT.replace("<duration>02:00</duration>", ""),
        line_of('<event id="101"'),
        "schedule/day[1]/room[@name='Scena Główna']/event[1]/duration",
        "brak czasu trwania (<duration>)",
    ),
    (
        WARSAW_NIGHT.replace("<duration>0:30</duration>", "<duration>1:75</duration>"),
        line_of("<duration>0:30</duration>"),
        "schedule/day[1]/room[@name='Scena Główna']/event[3]/duration",
        "czas trwania musi mieć postać GG:MM albo GG:MM:SS: '1:75'",
    ),
    (
        WARSAW_NIGHT.replace("2024-10-26T22:30:00+02:00", "2024-02-30T22:30:00+02:00"),
        line_of("<date>2024-10-26T22:30"),
        "schedule/day[1]/room[@name='Scena Główna']/event[1]/date",
        "to nie jest data i godzina ISO 8601",
    ),
    (
        WARSAW_NIGHT.replace("<title>Śniadanie z poezją</title>", ""),
        line_of('<event id="201"'),
        "schedule/day[2]/room[@name='Sala Kameralna']/event[1]/title",
        "brak tytułu (<title>)",
    ),
    (
        WARSAW_NIGHT.replace("<duration>1:15</duration>", "<duration>25:00</duration>"),
        line_of('<event id="201"'),
        "schedule/day[2]/room[@name='Sala Kameralna']/event[1]",
        "sesja trwa dobę albo dłużej",
    ),
    (
        WARSAW_NIGHT.replace("<conference>", "<conferencja>", 1).replace(
            "</conference>", "</conferencja>", 1
        ),
        2,
        "schedule/conference",
        "brak elementu <conference>",
    ),
]


@pytest.mark.parametrize(("text", "line", "path", "message"), BROKEN)
def test_a_broken_file_is_a_data_error_with_its_place(
    text: str, line: int | None, path: str, message: str
) -> None:
    with pytest.raises(DataError) as refused:
        read(text)
    issue = refused.value.issues[0]
    assert (issue.file, issue.line, issue.path) == ("program.xml", line, path)
    assert message in issue.message


def test_every_broken_event_is_listed_at_once() -> None:
    text = WARSAW_NIGHT.replace("<duration>02:00</duration>", "").replace("<duration>1:15</duration>", "")
    with pytest.raises(DataError) as refused:
        read(text)
    assert [i.path.rsplit("/", 2)[-2:] for i in refused.value.issues] == [["event[1]", "duration"]] * 2


def test_check_data_on_a_broken_frab_file_exits_2_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schedule.xml"
    path.write_text(WARSAW_NIGHT.replace("<duration>0:30</duration>", "<duration>1:75</duration>"), "utf-8")
    assert cli.main(["check-data", str(path)]) == 2
    err = capsys.readouterr().err
    where = "schedule/day[1]/room[@name='Scena Główna']/event[3]/duration"
    assert f"{path}:{line_of('<duration>0:30</duration>')}: {where}: czas trwania" in err
    assert "Traceback" not in err


def test_an_entity_bomb_is_refused_before_it_expands() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE schedule [\n<!ENTITY a "aaaaaaaaaa">\n'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
        + "]>\n<schedule><conference><title>&i;</title></conference></schedule>\n"
    )
    with pytest.raises(DataError) as refused:
        read(bomb)
    assert "encje" in str(refused.value) and "billion laughs" in str(refused.value)


def test_an_external_entity_is_refused() -> None:
    xxe = '<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<schedule>&x;</schedule>'
    with pytest.raises(DataError, match=r"encje|zewnętrznych"):
        read(xxe)


def test_not_utf8_and_not_a_schedule() -> None:
    with pytest.raises(DataError, match="nie jest w UTF-8"):
        read_programme("<schedule><conference/></schedule>".encode("utf-16"), "x.xml")
    with pytest.raises(DataError, match=r"nie rozpoznano formatu pliku \.xml"):
        read_programme(b"<html><body>no</body></html>", "x.xml")
