"""bot/formats/programme.py and yamlout.py: what every importer shares, and the YAML it writes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.document import Document
from bot.formats import read_programme
from bot.formats.frab import id_from_our_slug, our_slug
from bot.formats.programme import kind_of, languages, parse_duration, plain_text, slug
from bot.formats.yamlout import document_yaml
from tests.bot.formats.helpers import fixture_path, sessions

FIXTURES = [
    "frab-31c3.xml",
    "frab-39c3-20251206.xml",
    "c3voc-camp2019.json",
    "pretalx-c3voc-rc3-channels-2020.json",
    "pretalx-widget-devopsdays-lima-2026.json",
    "pretalx-api-grid-pyconfr-2024.json",
]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("lecture", "session"),
        ("Talk 30 min + 10min Q&A", "session"),
        ("LightningTalk 15min 10min Q&A", "session"),
        ("Vortrag", "session"),
        ("Wykład", "session"),
        ("other", "session"),
        ("", "session"),
        ("Workshop 60 Min", "workshop"),
        ("Warsztaty", "workshop"),
        ("Keynote", "plenary"),
        ("Opening Ceremony", "plenary"),
        ("Short plenary", "plenary"),
        ("Coffee break", "break"),
        ("Lunch", "break"),
        ("Breakout session", "session"),  # not a break
        ("Registration", "registration"),
        ("podium", "panel"),
        ("Panel dyskusyjny", "panel"),
        ("Konzert", "koncert"),
        ("Film screening", "film"),
        ("Theater / Performance", "wystep"),
        ("Meetup", "meetup"),
        ("General Assembly", "meetup"),
        ("Party", "social"),
        ("Study visit", "visit"),
        ("Live-Podcast Bühne (45 Minuten)", None),
        ("Game show", None),
    ],
)
def test_session_types_map_to_kinds(source: str, kind: str | None) -> None:
    assert kind_of(source) == kind


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("<p>A &amp; B</p><p>C<br>D</p>", "A & B\n\nC\nD"),
        ("<ul><li>jeden</li><li>dwa</li></ul>", "- jeden\n- dwa"),
        ('<a href="https://example.org">strona</a>', "strona (https://example.org)"),
        ("<script>alert(1)</script>tekst", "tekst"),
        ("**ważne** i *ładne* i `kod`", "ważne i ładne i kod"),
        ("[Zügli](https://zügli.app) i ![logo](x.png)", "Zügli (https://zügli.app) i logo"),
        ("    ## Nagłówek\n    tekst", "Nagłówek\ntekst"),
        ("a\r\n\r\n\r\n\r\nb\tc\x07", "a\n\nb c"),
        ("snake_case __________ a < b > c", "snake_case __________ a < b > c"),
        ("   ", None),
        (None, None),
    ],
)
def test_plain_text(text: str | None, plain: str | None) -> None:
    assert plain_text(text) == plain


@pytest.mark.parametrize("name", FIXTURES)
def test_plain_text_is_stable_on_every_real_description(name: str) -> None:
    """Read twice (an export read back) it stays the same: no Markdown eaten a layer at a time."""
    document, _ = read_programme(fixture_path(name).read_bytes(), name)
    for session in sessions(document):
        for text in (session["title"], session.get("description")):
            assert plain_text(text) == text


def test_slugs_durations_and_languages() -> None:
    assert slug("Łukasz Żółć") == "lukasz-zolc"
    assert slug("Saal 1") == "saal-1" and slug("  --  ") == ""
    assert len(slug("x" * 100)) == 60
    assert parse_duration("1:30") == parse_duration("01:30:00") == timedelta(hours=1, minutes=30)
    assert parse_duration("0:45:30") == timedelta(minutes=45, seconds=30)
    assert parse_duration("90") == timedelta(minutes=90)
    assert parse_duration("1:75") is None and parse_duration("pół godziny") is None
    assert languages("DE/en") == "de, en" and languages(["pl", "pl"]) == "pl" and languages("") is None


@pytest.mark.parametrize("ident", ["a", "ab-", "x_", "10", "abc-0", "sesja-1"])
def test_our_exported_slugs_give_the_ids_back(ident: str) -> None:
    assert id_from_our_slug(our_slug(ident)) == ident


# --- YAML out ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_the_yaml_reads_back_as_the_same_document(name: str) -> None:
    document, _ = read_programme(fixture_path(name).read_bytes(), name)
    text = document_yaml(document, "Zaimportowano z testu.")
    assert Document("dane.yaml", text).data == document


def test_the_yaml_is_written_for_people() -> None:
    document = {
        "days": [
            {
                "date": "2024-10-26",
                "sessions": [
                    {
                        "title": "Koncert: „Łąka”",
                        "id": "koncert",
                        "start": "23:00",
                        "end": "01:20",
                        "speakers": ["zofia", "jan"],
                        "description": "Dwa sety.\n\nBis.",
                    }
                ],
            }
        ],
        "event": {"timezone": "Europe/Warsaw", "name": "null", "id": "x", "start_date": "2024-10-26"},
        "speakers": [{"name": "Zofia", "id": "zofia"}, {"name": "Jan", "id": "jan"}],
    }
    text = document_yaml(document, "Nagłówek\ndrugi wiersz")
    assert text == (
        "# Nagłówek\n"
        "# drugi wiersz\n"
        "\n"
        "event:\n"
        "  id: x\n"
        '  name: "null"\n'
        "  timezone: Europe/Warsaw\n"
        "  start_date: 2024-10-26\n"
        "\n"
        "speakers:\n"
        "  - id: zofia\n"
        "    name: Zofia\n"
        "  - id: jan\n"
        "    name: Jan\n"
        "\n"
        "days:\n"
        "  - date: 2024-10-26\n"
        "    sessions:\n"
        "      - id: koncert\n"
        '        title: "Koncert: „Łąka”"\n'
        "        start: 23:00\n"
        "        end: 01:20\n"
        "        speakers: [zofia, jan]\n"
        "        description: |-\n"
        "          Dwa sety.\n"
        "\n"
        "          Bis.\n"
    )
    assert Document("dane.yaml", text).data == document
