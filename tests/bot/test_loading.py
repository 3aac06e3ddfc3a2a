"""Validation of event data files: bot/loading.py, bot/schema.py and `python -m bot check-data`."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot import cli
from bot.loading import DataError, DataIssue, load_conference, parse_conference
from bot.model import Conference, Session

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "miejsca-otwarte-2023.yaml"
DOCS = ROOT / "docs" / "data-format.md"
WARSAW = ZoneInfo("Europe/Warsaw")
FILE = "dane.yaml"

# A small valid document; every test below breaks a copy of it in one place.
# Times are unquoted on purpose: they must be read as text, not as YAML 1.1 sexagesimal numbers.
VALID = """\
event:
  id: test-2030
  name: Konferencja testowa
  edition: 2
  timezone: Europe/Warsaw
  start_date: 2030-05-14
  end_date: 2030-05-15
organisations:
  - id: org-a
    name: Organizacja A
    roles: [organiser]
  - id: org-b
    name: Organizacja B
venue:
  name: Dom Testowy
  address: ul. Próbna 1
  city: Testowo
places:
  - id: park
    name: Park Miejski
    organisation: org-a
days:
  - date: 2030-05-14
    sessions:
      - id: otwarcie
        title: Otwarcie
        start: 10:00
        end: 11:00
        place: venue
      - id: spacer
        title: Spacer po parku
        start: 11:00
        end: 12:00
        place: park
        organisations: [org-a, org-b]
  - date: 2030-05-15
    sessions:
      - id: zamkniecie
        title: Zamknięcie
        start: 9:00
        end: 9:30
        place: venue
"""

_ENGLISH = ("Input should", "Field required", "Extra inputs", "String should", "Value error")
_POLISH_WORD = re.compile(
    r"\b(nie|brak|jest|musi|klucz|pola|pole|plik|pliku|błąd|oczekiwano|wartość|dzień|koniec"
    r"|identyfikator\w*|strefa|godzina|data|liczba|powtórzony|nieznany|nieznana)\b",
    re.IGNORECASE,
)


def broken(old: str, new: str, text: str = VALID) -> str:
    """`text` with the single occurrence of `old` replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_no(text: str, line: str) -> int:
    """1-based number of the one line of `text` equal to `line` (stripped)."""
    found = [n for n, content in enumerate(text.splitlines(), 1) if content.strip() == line]
    assert len(found) == 1, f"{line!r} found on lines {found}"
    return found[0]


def issues_of(text: str) -> list[DataIssue]:
    with pytest.raises(DataError) as caught:
        parse_conference(text, FILE)
    assert caught.value.issues, "DataError without issues"
    for issue in caught.value.issues:
        assert issue.file == FILE
        assert_polish(issue.message)
    return caught.value.issues


def only_issue(text: str) -> DataIssue:
    issues = issues_of(text)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def assert_polish(message: str) -> None:
    assert message.strip(), "empty message"
    assert not any(phrase in message for phrase in _ENGLISH), message
    assert _POLISH_WORD.search(message), f"not Polish? {message!r}"


def session(conference: Conference, ident: str) -> Session:
    return next(s for s in conference.sessions if s.id == ident)


# --- valid files ---------------------------------------------------------------------------


def test_shipped_file_loads() -> None:
    conference = load_conference(SHIPPED)
    assert len(conference.days) == 2
    assert [d.date.isoformat() for d in conference.days] == ["2023-11-29", "2023-11-30"]
    assert conference.tz == WARSAW

    visit = session(conference, "wizyta-na-kozlowce")
    assert visit.kind.id == "visit" and visit.kind.travel
    assert visit.place is not None and visit.place.id == "na-kozlowce"
    assert visit.start == datetime(2023, 11, 29, 15, 0, tzinfo=WARSAW)
    assert visit.end == datetime(2023, 11, 29, 16, 30, tzinfo=WARSAW)
    assert visit.start.tzinfo is not None
    assert visit.start.utcoffset() == timedelta(hours=1)  # CET in November
    assert visit.duration == timedelta(minutes=90)

    assert conference.venue.address == "ul. Zabłocie 22"
    assert conference.venue.full_address == "ul. Zabłocie 22, 30-001 Kraków"


def test_small_document_loads() -> None:
    conference = parse_conference(VALID, FILE)
    assert conference.event.id == "test-2030"
    assert conference.event.edition == 2
    assert [len(d.sessions) for d in conference.days] == [2, 1]

    opening = session(conference, "otwarcie")
    assert opening.at_venue and opening.place is None
    assert opening.start == datetime(2030, 5, 14, 10, 0, tzinfo=WARSAW)
    assert opening.start.utcoffset() == timedelta(hours=2)  # CEST in May

    walk = session(conference, "spacer")
    assert walk.place is not None and walk.place.id == "park"
    assert [o.id for o in walk.organisations] == ["org-a", "org-b"]
    assert session(conference, "zamkniecie").start.time() == time(9, 0)


def test_documentation_examples_are_valid() -> None:
    blocks = re.findall(r"^```yaml\n(.*?)^```$", DOCS.read_text(encoding="utf-8"), re.S | re.M)
    documents = [block for block in blocks if block.startswith("event:") or "\nevent:" in block]
    assert len(documents) == 3  # the festival night, the paper session, the complete example
    for block in documents:
        assert parse_conference(block, str(DOCS)).sessions
    assert len(parse_conference(documents[-1], str(DOCS)).days) == 2
    for block in blocks:  # the fragments are YAML of the documented shape
        assert isinstance(yaml.safe_load(block), dict)


# --- whole-file problems ---------------------------------------------------------------------


def test_yaml_syntax_error_reports_the_line() -> None:
    text = broken("  name: Konferencja testowa\n", "  name: Konferencja: testowa\n")
    issue = only_issue(text)
    assert issue.path == ""
    assert issue.line == 3
    assert issue.message.startswith("błąd składni YAML")
    assert str(issue) == f"{FILE}:3: (cały plik): {issue.message}"


def test_tab_indentation_is_a_syntax_error() -> None:
    issue = only_issue(broken("  city: Testowo\n", "\tcity: Testowo\n"))
    assert issue.path == ""
    assert issue.line == 17
    assert "składni" in issue.message


@pytest.mark.parametrize("text", ["", "\n\n", "# tylko komentarz\n"])
def test_empty_file(text: str) -> None:
    issue = only_issue(text)
    assert (issue.path, issue.line) == ("", None)
    assert "pusty" in issue.message
    assert str(issue) == f"{FILE}: (cały plik): plik jest pusty"


@pytest.mark.parametrize("text", ["tylko tekst\n", "- event\n- venue\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    issue = only_issue(text)
    assert (issue.path, issue.line) == ("", 1)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "brak.yaml"
    with pytest.raises(DataError) as caught:
        load_conference(path)
    [issue] = caught.value.issues
    assert (issue.file, issue.path, issue.line) == (str(path), "", None)
    assert issue.message == "nie ma takiego pliku"
    assert_polish(issue.message)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1250.yaml"
    path.write_bytes(VALID.encode("cp1250"))
    with pytest.raises(DataError) as caught:
        load_conference(path)
    [issue] = caught.value.issues
    assert (issue.path, issue.line) == ("", None)
    assert issue.message.startswith("nie można odczytać pliku")


# --- structure (schema) ----------------------------------------------------------------------


def test_wrong_type() -> None:
    text = broken("  edition: 2\n", '  edition: "siedem"\n')
    issue = only_issue(text)
    assert issue.path == "event.edition"
    assert issue.line == 4
    assert issue.message == "to nie jest liczba całkowita: 'siedem'"
    assert str(issue) == f"{FILE}:4: event.edition: to nie jest liczba całkowita: 'siedem'"


def test_unknown_key() -> None:
    text = broken("  city: Testowo\n", "  city: Testowo\n  colour: czerwony\n")
    issue = only_issue(text)
    assert issue.path == "venue.colour"
    assert issue.line == line_no(text, "colour: czerwony") == 18
    assert issue.message.startswith("nieznany klucz")
    assert "docs/data-format.md" in issue.message


def test_unknown_key_deep_in_a_list() -> None:
    text = broken("        place: park\n", "        place: park\n        sala: 3\n")
    issue = only_issue(text)
    assert issue.path == "days[0].sessions[1].sala"
    assert issue.line == line_no(text, "sala: 3")


def test_missing_required_field() -> None:
    text = broken("  timezone: Europe/Warsaw\n", "")
    issue = only_issue(text)
    assert issue.path == "event.timezone"
    assert issue.line == 1  # the section that lacks it: `event:`
    assert issue.message == "brak wymaganego pola"


def test_missing_required_field_in_a_session() -> None:
    text = broken("        title: Spacer po parku\n", "")
    issue = only_issue(text)
    assert issue.path == "days[0].sessions[1].title"
    assert issue.line == line_no(text, "- id: spacer")
    assert issue.message == "brak wymaganego pola"


@pytest.mark.parametrize("value", ['"25:00"', "25:00", "9:75", "południe", "10-00", '"24:00"'])
def test_bad_time_format(value: str) -> None:
    text = broken("        start: 10:00\n", f"        start: {value}\n")
    issue = only_issue(text)
    assert issue.path == "days[0].sessions[0].start"
    assert issue.line == 27
    assert issue.message == "godzina musi mieć postać GG:MM, np. 09:30 albo 15:00"


@pytest.mark.parametrize("value", ["2030-13-01", "14.05.2030", "jutro"])
def test_bad_date_format(value: str) -> None:
    issue = only_issue(broken("  start_date: 2030-05-14\n", f"  start_date: {value}\n"))
    assert (issue.path, issue.line) == ("event.start_date", 6)
    assert issue.message.startswith("data musi mieć postać RRRR-MM-DD")


def test_value_outside_enum() -> None:
    issue = only_issue(broken("roles: [organiser]", "roles: [sponsor]"))
    assert (issue.path, issue.line) == ("organisations[0].roles[0]", 11)
    assert "'sponsor'" in issue.message and "organiser" in issue.message


def test_bad_identifier() -> None:
    issue = only_issue(broken("  - id: park\n", "  - id: Park Miejski\n"))
    assert (issue.path, issue.line) == ("places[0].id", 19)
    assert issue.message.startswith("identyfikator może mieć tylko")


def test_empty_session_list() -> None:
    head, _ = VALID.split("  - date: 2030-05-15\n")
    text = head + "  - date: 2030-05-15\n    sessions: []\n"
    issue = only_issue(text)
    assert (issue.path, issue.line) == ("days[1].sessions", line_no(text, "sessions: []"))
    assert issue.message == "lista nie może być pusta"


def test_empty_quoted_text() -> None:
    issue = only_issue(broken("    name: Park Miejski\n", '    name: ""\n'))
    assert (issue.path, issue.line) == ("places[0].name", 20)
    assert issue.message == "pole nie może być puste"


def test_duplicate_yaml_key() -> None:
    text = broken("  name: Konferencja testowa\n", "  name: Konferencja testowa\n  name: Inna nazwa\n")
    issue = only_issue(text)
    assert issue.path == "event.name"
    assert issue.line == 4  # the repeated key
    assert issue.message == "klucz powtórzony w tym samym miejscu"


# --- consistency (cross-checks) --------------------------------------------------------------


def test_end_before_start() -> None:
    text = broken("        end: 12:00\n", "        end: 10:30\n")
    issue = only_issue(text)
    assert issue.path == "days[0].sessions[1].end"
    assert issue.line == 33 == line_no(text, "end: 10:30")  # the line of the `end` key
    assert issue.message == "koniec (10:30) nie jest po początku (11:00)"


def test_end_equal_to_start() -> None:
    issue = only_issue(broken("        end: 9:30\n", "        end: 9:00\n"))
    assert (issue.path, issue.line) == ("days[1].sessions[0].end", 41)


def test_duplicate_session_id_across_days() -> None:
    text = broken("      - id: zamkniecie\n", "      - id: otwarcie\n")
    issue = only_issue(text)
    assert issue.path == "days[1].sessions[0].id"
    assert issue.line == 38
    assert issue.message == "identyfikator sesji 'otwarcie' już jest użyty w days[0].sessions[0].id"


def test_duplicate_organisation_id() -> None:
    text = broken("    name: Organizacja B\n", "    name: Organizacja B\n  - id: org-a\n    name: Kopia A\n")
    issue = only_issue(text)
    assert issue.path == "organisations[2].id"
    assert issue.line == 14
    assert issue.message == ("identyfikator organizacji 'org-a' już jest użyty w organisations[0].id")


def test_duplicate_day() -> None:
    issue = only_issue(broken("  - date: 2030-05-15\n", "  - date: 2030-05-14\n"))
    assert (issue.path, issue.line) == ("days[1].date", 36)
    assert "już jest użyty w days[0].date" in issue.message


def test_reference_to_unknown_place() -> None:
    text = broken("        place: park\n", "        place: las\n")
    issue = only_issue(text)
    assert issue.path == "days[0].sessions[1].place"
    assert issue.line == 34
    assert issue.message == "nie ma miejsca o identyfikatorze 'las' (znane: park)"


def test_place_venue_is_not_a_declared_place() -> None:
    # `place: venue` means the conference venue; declaring a place with that id is an error.
    issue = only_issue(
        broken(
            "  - id: park\n    name: Park Miejski\n    organisation: org-a\n",
            "  - id: park\n    name: Park Miejski\n    organisation: org-a\n  - id: venue\n    name: Inne\n",
        )
    )
    assert (issue.path, issue.line) == ("places[1].id", 22)
    assert "zarezerwowane" in issue.message


def test_unknown_organisation_in_a_session() -> None:
    text = broken("organisations: [org-a, org-b]", "organisations: [org-a, org-x]")
    issue = only_issue(text)
    assert issue.path == "days[0].sessions[1].organisations[1]"
    assert issue.line == 35
    assert issue.message == "nie ma organizacji o identyfikatorze 'org-x' (znane: org-a, org-b)"


def test_unknown_organisation_of_a_place() -> None:
    issue = only_issue(broken("    organisation: org-a\n", "    organisation: org-z\n"))
    assert (issue.path, issue.line) == ("places[0].organisation", 21)
    assert "'org-z'" in issue.message


def test_day_outside_event_dates() -> None:
    text = broken("  - date: 2030-05-15\n", "  - date: 2030-05-16\n")
    issue = only_issue(text)
    assert issue.path == "days[1].date"
    assert issue.line == 36
    assert issue.message == ("dzień 2030-05-16 jest poza terminem wydarzenia (2030-05-14 – 2030-05-15)")


@pytest.mark.parametrize("name", ["Europa/Warszawa", "CEST", "../UTC"])
def test_bad_timezone(name: str) -> None:
    issue = only_issue(broken("Europe/Warsaw", name))
    assert issue.path == "event.timezone"
    assert issue.line == 5
    assert issue.message == f"nieznana strefa czasowa {name!r} (np. Europe/Warsaw)"


def test_timezone_naming_a_directory_is_reported_not_raised() -> None:
    issue = only_issue(broken("Europe/Warsaw", "Europe"))
    assert (issue.path, issue.line) == ("event.timezone", 5)


def test_end_date_before_start_date() -> None:
    text = broken("  end_date: 2030-05-15\n", "  end_date: 2030-05-13\n")
    issues = issues_of(text)
    assert [(i.path, i.line) for i in issues] == [
        ("event.end_date", 7),
        # with no valid range, both days are outside it
        ("days[0].date", 23),
        ("days[1].date", 36),
    ]
    assert issues[0].message == "koniec wydarzenia jest przed jego początkiem"


# --- several problems at once ----------------------------------------------------------------


def test_several_structure_errors_reported_together() -> None:
    text = VALID
    text = broken("  edition: 2\n", "  edition: siedem\n", text)
    text = broken("  name: Dom Testowy\n", "  nazwa: Dom Testowy\n", text)  # venue.city is optional
    text = broken("        start: 10:00\n", "        start: 25:00\n", text)
    text = broken("    roles: [organiser]\n", "    roles: [organiser]\n    roles: [funder]\n", text)
    issues = issues_of(text)
    assert [(i.path, i.line) for i in issues] == [
        ("organisations[0].roles", 12),  # duplicate key, found while reading the YAML
        ("event.edition", 4),
        ("venue.name", 15),  # missing: the line of `venue:`
        ("venue.nazwa", 16),
        ("days[0].sessions[0].start", 28),
    ]
    message = str(DataError(issues))
    assert message.splitlines()[1] == f"{FILE}:4: event.edition: to nie jest liczba całkowita: 'siedem'"


def test_several_consistency_errors_reported_together() -> None:
    text = VALID
    text = broken("        end: 12:00\n", "        end: 10:30\n", text)
    text = broken("        place: park\n", "        place: las\n", text)
    text = broken("      - id: zamkniecie\n", "      - id: spacer\n", text)
    text = broken("Europe/Warsaw", "Mars/Olympus", text)
    issues = issues_of(text)
    assert sorted((i.path, i.line) for i in issues) == [
        ("days[0].sessions[1].end", 33),
        ("days[0].sessions[1].place", 34),
        ("days[1].sessions[0].id", 38),
        ("event.timezone", 5),
    ]


# --- python -m bot check-data ----------------------------------------------------------------


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No `.env` and no BOT_* variables, so only the path on the command line counts."""
    for name in ("BOT_DATA", "BOT_NOW", "BOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_cli_check_data_reports_errors(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = clean_env / "zle.yaml"
    bad.write_text(broken("  edition: 2\n", "  edition: siedem\n"), encoding="utf-8")
    assert cli.main(["check-data", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{bad}:4: event.edition: to nie jest liczba całkowita: 'siedem'" in err.splitlines()
    assert err.startswith("Błędny plik z danymi (1):")
    assert "Traceback" not in err


def test_cli_check_data_missing_file(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = clean_env / "nie-ma.yaml"
    assert cli.main(["check-data", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{missing}: (cały plik): nie ma takiego pliku" in err
    assert "Traceback" not in err


def test_cli_check_data_ok(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = clean_env / "dobre.yaml"
    good.write_text(VALID, encoding="utf-8")
    assert cli.main(["check-data", str(good)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"OK: {good}")
    assert "Konferencja testowa (test-2030)" in out
    assert err == ""


def test_cli_check_data_shipped_file(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-data", str(SHIPPED)]) == 0
    assert capsys.readouterr().out.startswith("OK:")


def test_self_referencing_alias_is_an_error_not_a_crash() -> None:
    with pytest.raises(DataError) as info:
        parse_conference("faq: &a [*a]\n", "loop.yaml")
    assert "loop.yaml" in str(info.value) and "YAML" in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [("edition: 2", "edition: [1]", "liczb"), ("start: 10:00", "start: [1]", "GG:MM")],
)
def test_type_errors_are_explained_in_polish(old: str, new: str, fragment: str) -> None:
    issues = issues_of(broken(old, new))
    assert any(fragment in i.message for i in issues), issues
    assert all("Input should" not in i.message for i in issues)
