"""Hostile and broken data files: bot/document.py's limits, through load_conference and check-data.

Each attack is refused with one clear Polish message naming the file (and the line where there is
one), fast, without quoting what the file holds beyond a short escaped fragment.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import document
from bot.document import (
    MAX_DEPTH,
    MAX_NODES,
    MAX_TEXT,
    DataError,
    DataIssue,
    Document,
    format_path,
    fragment,
    read_text,
)
from bot.loading import MAX_NAME_WORDS, load_conference, parse_conference
from tests.fakes import hostile_data as hostile

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "miejsca-otwarte-2023.yaml"
FILE = "dane.yaml"


def refused(data: bytes | str, tmp_path: Path, max_bytes: int = 5_000_000) -> DataIssue:
    """The one issue a file with `data` is refused with; the refusal must be quick."""
    path = tmp_path / "dane.yaml"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    started = time.perf_counter()
    with pytest.raises(DataError) as caught:
        load_conference(path, max_bytes)
    assert time.perf_counter() - started < 5  # a guard only; bench/bench_hostile_data.py has the figures
    issues = caught.value.issues
    assert len(issues) == 1, [str(i) for i in issues]
    assert issues[0].file == str(path)
    return issues[0]


def parsed_issue(text: str) -> DataIssue:
    with pytest.raises(DataError) as caught:
        parse_conference(text, FILE)
    [issue] = caught.value.issues
    return issue


# --- 1. aliases that expand without end ------------------------------------------------------------


def test_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    issue = refused(hostile.billion_laughs(), tmp_path)
    assert issue.line == 6  # a5 is where it crosses the limit: 125,479 nodes expanded
    assert "za dużo elementów" in issue.message and "aliasów" in issue.message
    assert f"{MAX_NODES:,}".replace(",", "\u00a0") in issue.message


def test_billion_laughs_inside_a_real_file(tmp_path: Path) -> None:
    issue = refused(hostile.billion_laughs_in_data(), tmp_path)
    assert issue.line is not None and issue.line > 369  # in the appended FAQ entries
    assert "za dużo elementów" in issue.message


def test_aliases_are_shared_not_copied_and_counted_expanded() -> None:
    doc = Document(FILE, "a: &a [x, y]\nb: [*a, *a]\n")
    assert doc.data == {"a": ["x", "y"], "b": [["x", "y"], ["x", "y"]]}
    assert doc.data["b"][0] is doc.data["a"]  # nothing was copied
    assert doc.lines[("b", 1)] == 2


def test_alias_expansion_limit_is_exact() -> None:
    # Each alias of a 1,000-node list adds 1,000 nodes: the document is 1 + 2 (key, list)...
    item = "[" + ", ".join(["x"] * 999) + "]"
    fits = (MAX_NODES - 3 - 1000) // 1000
    ok = f"a: &a {item}\nb: [{', '.join(['*a'] * fits)}]\n"
    Document(FILE, ok)
    with pytest.raises(DataError):
        Document(FILE, f"a: &a {item}\nb: [{', '.join(['*a'] * (fits + 1))}]\n")


def test_self_referencing_alias_in_a_section() -> None:
    issue = parsed_issue("faq: &a {x: *a}\n")
    assert issue.line == 1 and "do samego siebie" in issue.message


def test_undefined_and_duplicate_anchors() -> None:
    issue = parsed_issue("event: *nieznana\n")
    assert (issue.line, issue.path) == (1, "")
    assert "*nieznana" in issue.message and "kotwicy" in issue.message
    issue = parsed_issue("a: &x 1\nb: &x 2\n")
    assert issue.line == 2 and "&x" in issue.message and "wierszu 1" in issue.message


def test_merge_keys_are_refused_with_their_line() -> None:
    issue = parsed_issue(hostile.merge_key().decode())
    assert (issue.line, issue.path) == (19, "event")
    assert "<<" in issue.message


# --- 2. nesting ------------------------------------------------------------------------------------


def test_deep_flow_nesting_is_refused_without_recursion(tmp_path: Path) -> None:
    issue = refused(hostile.deep_nesting(), tmp_path)
    assert issue.line == 1
    assert issue.message == f"za głębokie zagnieżdżenie list i sekcji: ponad {MAX_DEPTH} poziomów"


def test_deep_nesting_inside_a_real_file_names_its_line(tmp_path: Path) -> None:
    issue = refused(hostile.deep_nesting_in_data(), tmp_path)
    assert issue.line == hostile.shipped().count("\n") + 4  # the `keywords:` line of the entry
    assert "zagnieżdżenie" in issue.message


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "- " * n + "x\n",  # block lists
        lambda n: "".join(" " * i + "a:\n" for i in range(n)) + " " * n + "x\n",  # block sections
        lambda n: "[" * n + "]" * n + "\n",
        lambda n: "{a: " * n + "x" + "}" * n + "\n",
    ],
)
def test_nesting_limit_is_exact(make) -> None:  # type: ignore[no-untyped-def]
    Document(FILE, make(MAX_DEPTH))
    with pytest.raises(DataError) as caught:
        Document(FILE, make(MAX_DEPTH + 1))
    assert "zagnieżdżenie" in str(caught.value)


def test_aliases_count_towards_the_depth() -> None:
    deep = "[" * 40 + "]" * 40
    with pytest.raises(DataError) as caught:
        Document(FILE, f"a: &a {deep}\nb: {'[' * 15}*a{']' * 15}\n")
    assert f"{FILE}:2:" in str(caught.value) and "zagnieżdżenie" in str(caught.value)


# --- 3. size ---------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    issue = refused(hostile.oversize(), tmp_path)
    assert issue.line is None
    assert issue.message.startswith("plik jest za duży: 5,8")
    assert "limit to 5 MB" in issue.message and "BOT_DATA_MAX_MB" in issue.message


def test_the_limit_is_the_callers(tmp_path: Path) -> None:
    issue = refused(SHIPPED.read_bytes(), tmp_path, max_bytes=10_000)
    assert "limit to 0,01 MB" in issue.message
    path = tmp_path / "dokladnie.yaml"
    path.write_bytes(SHIPPED.read_bytes())
    load_conference(path, max_bytes=path.stat().st_size)  # exactly at the limit: fine


@pytest.mark.parametrize("command", [["check-data"], ["ask", "co jest teraz?"], ["export"], ["chat"]])
def test_every_command_reads_within_bot_data_max_mb(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    for name in ("BOT_DATA", "BOT_NOW", "BOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DATA_MAX_MB", "0.01")
    assert cli.main([*command, "--data", str(SHIPPED)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{SHIPPED}: (cały plik): plik jest za duży: 0,02 MB, a limit to 0,01 MB (zmień BOT_DATA_MAX_MB"
        in err
    )


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_a_file_that_claims_to_be_empty_is_still_read_only_to_the_limit() -> None:
    # /proc files say st_size 0 and hold more: the limit holds while reading, too.
    with pytest.raises(DataError) as caught:
        read_text("/proc/self/maps", 50)
    [issue] = caught.value.issues
    assert "za duży: ponad 0,00005 MB" in issue.message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_at_once() -> None:
    with pytest.raises(DataError) as caught:
        load_conference("/dev/zero")
    assert "nie jest zwykły plik" in str(caught.value) and "/dev/zero" in str(caught.value)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "potok.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _catch(outcome, fifo), daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # let the stuck reader go before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("load_conference waited on a FIFO")
    [error] = outcome
    assert isinstance(error, DataError) and "nie jest zwykły plik" in str(error)


def _catch(outcome: list[BaseException], path: Path) -> None:
    try:
        load_conference(path)
    except BaseException as exc:
        outcome.append(exc)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_conference(tmp_path)
    [issue] = caught.value.issues
    assert issue.message == "to jest katalog, a nie plik z danymi"


def test_odd_paths_are_explained(tmp_path: Path) -> None:
    loop = tmp_path / "petla.yaml"
    loop.symlink_to(loop)
    for path, said in [
        (loop, "za dużo dowiązań symbolicznych"),
        (tmp_path / ("x" * 300), "za długa nazwa pliku"),
        (SHIPPED / "plik.yaml", "część ścieżki nie jest katalogiem"),
        (f"{tmp_path}/a\0b.yaml", "znak NUL"),
    ]:
        with pytest.raises(DataError) as caught:
            load_conference(path)
        assert said in str(caught.value)


def test_an_unreadable_file_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tajne.yaml"
    path.write_bytes(SHIPPED.read_bytes())
    path.chmod(0)
    if os.geteuid() == 0:  # root reads everything (CI runs as root): the kernel's answer, simulated
        real_open = os.open

        def refused_open(name: Any, *args: Any, **kwargs: Any) -> int:
            if Path(name) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refused_open)
    with pytest.raises(DataError) as caught:
        load_conference(path)
    assert "brak uprawnień" in str(caught.value)


# --- 4. encoding -----------------------------------------------------------------------------------


def test_invalid_utf8_names_the_line_and_column(tmp_path: Path) -> None:
    issue = refused(hostile.invalid_utf8(), tmp_path)
    assert "plik nie jest w UTF-8: bajt 0xFF, wiersz 11, kolumna 27" in issue.message
    assert "position" not in issue.message and "decode" not in issue.message


def test_invalid_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    issue = refused("event:\n  name: Zażółć\xff\n".encode().replace(b"\xc3\xbf", b"\xff"), tmp_path)
    assert "wiersz 2, kolumna 15" in issue.message


def test_invalid_utf8_after_a_bom_is_placed_the_same(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + "event:\n  name: Zażółć".encode() + b"\xff\n"
    assert "wiersz 2, kolumna 15" in refused(data, tmp_path).message


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(hostile.with_bom())
    assert load_conference(path) == load_conference(SHIPPED)


# --- 5. what an error may quote --------------------------------------------------------------------


def test_fragment_is_short_escaped_and_cut() -> None:
    assert fragment("siedem") == "'siedem'"
    assert fragment("a\nb\x1b[31m\x00") == "'a\\nb\\x1b[31m\\x00'"
    long = fragment("x" * 1000)
    assert long == "'" + "x" * 40 + "…'"
    escaped = fragment("\x00" * 100)
    assert len(escaped) <= 40 + 3 and escaped.endswith("…'")
    assert fragment(["a"]) == "(lista)" and fragment({"a": 1}) == "(sekcja z kluczami)"


def test_a_foreign_file_is_not_quoted_back(tmp_path: Path) -> None:
    issue = refused(hostile.leaky_secret(), tmp_path)
    assert "saltsalt" not in str(issue) and "user0" not in str(issue) and "AAAA" not in str(issue)
    assert issue.message.startswith("to nie wygląda na plik z danymi wydarzenia")


@pytest.mark.skipif(not os.access("/etc/shadow", os.R_OK), reason="/etc/shadow not readable")
def test_etc_shadow_leaks_nothing() -> None:
    first_line = Path("/etc/shadow").read_text().split(":", 1)[0]
    with pytest.raises(DataError) as caught:
        load_conference("/etc/shadow")
    assert f"{first_line}:" not in str(caught.value)
    assert len(caught.value.issues) == 1


def test_unknown_key_in_a_path_is_quoted_short() -> None:
    key = "\\n" + "k" * 500  # a YAML escape: the key starts with a newline
    text = SHIPPED.read_text(encoding="utf-8").replace("  motto:", f'  "{key}": 1\n  motto:', 1)
    [issue] = _issues(text)
    assert issue.path == "event.'\\n" + "k" * 38 + "…'"
    assert issue.message.startswith("nieznany klucz") and "\n" not in str(issue)


def test_long_paths_are_shortened() -> None:
    path = format_path(("a" * 40, *("b" * 40 for _ in range(20))))
    assert len(path) <= 4 * 40 + 1 and "…" in path


def test_values_quoted_in_messages_are_escaped_and_cut() -> None:
    shipped = SHIPPED.read_text(encoding="utf-8")
    text = shipped.replace("roles: [organiser]", 'roles: ["sponsor\\n' + "x" * 200 + '"]', 1)
    [issue] = _issues(text)
    assert "'sponsor\\nxxx" in issue.message and "…'" in issue.message and "\n" not in issue.message
    assert len(issue.message) < 200
    text = shipped.replace("  edition: 7", "  edition: " + "9x" * 300, 1)
    [issue] = _issues(text)
    assert issue.message == "to nie jest liczba całkowita: '" + "9x" * 20 + "…'"


def test_unknown_reference_lists_a_few_known_ids() -> None:
    shipped = SHIPPED.read_text(encoding="utf-8")
    [issue] = _issues(shipped.replace("organisations: [mops]", "organisations: [nikt]", 1))
    assert issue.message.startswith("nie ma organizacji o identyfikatorze 'nikt' (znane: ")
    assert issue.message.endswith(" i 6 innych)")  # 11 organisations, 5 shown
    assert issue.message.count(",") == 4


def test_yaml_problem_text_is_polish_or_short() -> None:
    issue = parsed_issue("a: b: c\n")
    assert (
        issue.message == "błąd składni YAML: dwukropek ze spacją w środku wartości — ujmij tekst w cudzysłów"
    )
    issue = parsed_issue('a: "\\q"\n')
    assert "\\q" not in issue.message and "nieznany znak po \\" in issue.message


def test_many_problems_make_a_short_message() -> None:
    text = hostile.shipped().replace("    roles: [", "    roles: [" + "sponsor, " * 95_000, 1)
    with pytest.raises(DataError) as caught:
        parse_conference(text, FILE)
    error = caught.value
    assert len(error.issues) == 95_000
    lines = str(error).splitlines()
    assert len(lines) == 21 and lines[-1] == "…i 94\u00a0980 innych problemów"
    assert len(str(error)) < 4000


@pytest.mark.parametrize(
    ("count", "tail"),
    [
        (21, "…i 1 inny problem"),
        (22, "…i 2 inne problemy"),
        (25, "…i 5 innych problemów"),
        (42, "…i 22 inne problemy"),
    ],
)
def test_the_rest_is_counted_in_polish(count: int, tail: str) -> None:
    error = DataError([DataIssue(FILE, "a", n, "błąd") for n in range(count)])
    assert str(error).splitlines()[-1] == tail
    assert error.lines(3)[-1].startswith(f"…i {count - 3} ")
    assert len(DataError([DataIssue(FILE, "a", 1, "błąd")] * 20).lines()) == 20  # nothing to count


def _issues(text: str) -> list[DataIssue]:
    with pytest.raises(DataError) as caught:
        parse_conference(text, FILE)
    return caught.value.issues


# --- 6. tags ---------------------------------------------------------------------------------------


def test_python_tag_is_refused(tmp_path: Path) -> None:
    issue = refused(hostile.python_tag(), tmp_path)
    assert issue.line == 15
    assert "niedozwolony znacznik YAML '!!python/name:os.system'" in issue.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!foo x", "'!foo'"),
        ("!!binary aGVq", "'!!binary'"),
        ("!!set {a: 1}", "'!!set'"),
        ("!!timestamp 2023-11-29", "'!!timestamp'"),
        ("!<tag:example.com,2000:" + "x" * 100 + "> y", fragment("tag:example.com,2000:" + "x" * 100)),
    ],
)
def test_tags_outside_the_core_set_are_refused(value: str, shown: str) -> None:
    issue = parsed_issue(f"event:\n  motto: {value}\n")
    assert issue.line == 2 and f"znacznik YAML {shown}" in issue.message


def test_a_tag_directive_cannot_smuggle_a_python_tag() -> None:
    issue = parsed_issue("%TAG !p! tag:yaml.org,2002:python/\n---\na: !p!object:os.system x\n")
    assert issue.line == 3 and "!!python/object:os.system" in issue.message


def test_core_tags_are_allowed() -> None:
    shipped = SHIPPED.read_text(encoding="utf-8")
    text = shipped.replace("  edition: 7", "  edition: !!int 7", 1).replace(
        "  city: Kraków", "  city: !!str Kraków", 1
    )
    text = text.replace("  topics:\n", "  topics: !!seq\n", 1).replace("contact:\n", "contact: !!map\n", 1)
    text = text.replace('  short_name: "Miejsca Otwarte"', '  short_name: ! "Miejsca Otwarte"', 1)
    assert parse_conference(text, FILE) == parse_conference(shipped, FILE)


# --- the rest of the kind --------------------------------------------------------------------------


def test_control_characters_in_the_file_name_line_and_column(tmp_path: Path) -> None:
    issue = refused(hostile.control_character(), tmp_path)
    assert issue.line == 11 and issue.message == "niedozwolony znak sterujący U+0000 (kolumna 34)"


def test_control_characters_from_escapes_are_refused() -> None:
    issue = parsed_issue(hostile.escaped_control_character().decode())
    assert issue.line == 15 and issue.message == "niedozwolony znak sterujący U+001B w tekście"


def test_newlines_and_tabs_in_texts_stay_allowed() -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        '  motto: "Miejsca Otwarte na zmianę"', '  motto: "Miejsca\\tOtwarte\\nna zmianę"', 1
    )
    assert parse_conference(text, FILE).event.motto == "Miejsca\tOtwarte\nna zmianę"


def test_a_very_long_text_is_refused(tmp_path: Path) -> None:
    issue = refused(hostile.long_line(), tmp_path)
    assert issue.line == 15
    assert issue.message == "tekst jest za długi: 4\u00a0000\u00a0000 znaków, najwyżej 100\u00a0000"
    assert MAX_TEXT == 100_000
    assert "xxxx" not in str(issue)


def test_a_very_long_key_is_refused(tmp_path: Path) -> None:
    issue = refused(hostile.long_key(), tmp_path)
    assert issue.line == 15 and "kkkk" not in str(issue)


def test_text_at_the_limit_is_fine() -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace(
        '  motto: "Miejsca Otwarte na zmianę"', f'  motto: "{"x" * MAX_TEXT}"', 1
    )
    assert parse_conference(text, FILE).event.motto == "x" * MAX_TEXT


def test_only_one_document() -> None:
    issue = parsed_issue(hostile.multiple_documents().decode())
    assert issue.line == hostile.shipped().count("\n") + 1 and "jeden dokument" in issue.message


def test_keys_must_be_plain_text() -> None:
    assert "klucz musi być" in parsed_issue("? [a, b]\n: 1\n").message
    assert "klucz musi być" in parsed_issue("a: &l [1]\n*l : 2\n").message


def test_too_many_nodes_without_any_alias(tmp_path: Path) -> None:
    issue = refused(hostile.many_sessions_within_limit(), tmp_path)
    assert "za dużo elementów" in issue.message and issue.line is not None


def test_a_programme_of_two_thousand_sessions_loads() -> None:
    text = hostile.programme(2000).decode()
    doc = Document(FILE, text)
    assert doc.nodes < MAX_NODES / 4
    assert len(parse_conference(text, FILE).sessions) == 2000


def test_names_with_too_many_different_words_are_refused() -> None:
    import random

    rng = random.Random(7)
    letters = "abcdefghijklmnoprstuwyz"
    titles = [
        " ".join("".join(rng.choice(letters) for _ in range(8)) for _ in range(100))
        for _ in range(MAX_NAME_WORDS // 100 + 5)
    ]
    text = hostile.shipped()
    for n, title in enumerate(titles):
        text = text.replace(
            "\nfaq:\n",
            f"\nfaq:\n  - id: p{n}\n    question: Pytanie?\n    answer: Tak.\n    keywords: [{title}]\n",
            1,
        )
    [issue] = _issues(text)
    assert issue.path == "" and "za dużo różnych słów" in issue.message


@pytest.mark.parametrize("year", ["0001", "1999", "2101", "9999"])
def test_event_dates_far_from_now_are_refused(year: str) -> None:
    # Year 1 or 9999 used to load, then broke the iCalendar export (a traceback from `export`).
    shipped = hostile.shipped()
    text = shipped.replace("2023-11-29", f"{year}-11-29").replace("2023-11-30", f"{year}-11-30")
    issues = _issues(text)
    assert [(i.path, i.line) for i in issues] == [("event.start_date", 17), ("event.end_date", 18)]
    assert issues[0].message == "rok spoza zakresu 2000–2100"


def test_the_shipped_file_loads_the_same_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    with_libyaml = load_conference(SHIPPED)
    monkeypatch.setattr(document, "_Loader", yaml.SafeLoader)
    assert load_conference(SHIPPED) == with_libyaml
    with pytest.raises(DataError) as caught:
        load_conference_text(hostile.billion_laughs())
    assert "za dużo elementów" in str(caught.value)
    with pytest.raises(DataError) as caught:
        load_conference_text(hostile.deep_nesting(5000))
    assert "zagnieżdżenie" in str(caught.value)


def load_conference_text(data: bytes) -> None:
    parse_conference(data.decode(), FILE)


def test_lines_match_the_old_composer() -> None:
    """Every path's line is the one PyYAML's composer gave (as the loader used to find them)."""
    text = SHIPPED.read_text(encoding="utf-8")
    expected: dict[tuple[str | int, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        expected.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                expected[(*path, key.value)] = key.start_mark.line + 1
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    walk(yaml.compose(text, Loader=yaml.SafeLoader), ())
    assert Document(FILE, text).lines == expected


# --- python -m bot check-data, as a real process ---------------------------------------------------

_MEASURED = (
    "import re, resource, sys\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "try:  # this process's own peak: ru_maxrss also keeps the parent's at fork (Linux)\n"
    "    peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "except OSError:\n"
    "    pass\n"
    "print(f'MAXRSS={peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def check_data(path: Path | str, cwd: Path) -> tuple[int, str, int, float]:
    """Exit code, stderr (without the RSS line), peak RSS in kB and wall time of a fresh check-data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "MESSENGER_"))}
    env["PYTHONPATH"] = str(ROOT)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "check-data", str(path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.perf_counter() - started
    rss = re.search(r"^MAXRSS=(\d+)$", done.stderr, re.M)
    assert rss is not None, done.stderr[-2000:]
    return done.returncode, done.stderr[: rss.start()], int(rss.group(1)), elapsed


@pytest.fixture(scope="module")
def baseline_rss(tmp_path_factory: pytest.TempPathFactory) -> int:
    code, err, rss, _ = check_data(SHIPPED, tmp_path_factory.mktemp("baseline"))
    assert code == 0, err
    return rss


@pytest.mark.parametrize(
    "attack",
    [
        "billion-laughs",
        "deep-nesting",
        "oversize",
        "invalid-utf8",
        "python-tag",
        "many-sessions",
        "long-line",
    ],
)
def test_check_data_refuses_each_attack_in_a_fresh_process(
    attack: str, tmp_path: Path, baseline_rss: int
) -> None:
    path = tmp_path / f"{attack}.yaml"
    path.write_bytes(hostile.ATTACKS[attack]())
    code, err, rss, elapsed = check_data(path, tmp_path)
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith("Błędny plik z danymi (1):\n")
    assert f"{path}" in err
    assert len(err) < 500
    assert rss - baseline_rss < 50 * 1024, f"{attack}: {rss} kB vs {baseline_rss} kB"
    assert elapsed < 5


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "directory"])
def test_check_data_refuses_what_is_not_a_file(special: str, tmp_path: Path) -> None:
    if special == "fifo":
        path: Path | str = tmp_path / "potok.yaml"
        os.mkfifo(path)
    elif special == "directory":
        path = tmp_path
    else:
        path = special
        if not Path(path).exists():
            pytest.skip("no /dev/zero")
    code, err, _rss, elapsed = check_data(path, tmp_path)
    assert (code, "Traceback" in err) == (2, False), err
    assert str(path) in err and elapsed < 5
