from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.cli import main


def test_ask_prints_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "kiedy jest wizyta na Kozłówce?", "--now", "2023-11-29 10:00"]) == 0
    out = capsys.readouterr().out
    assert "15:00–16:30" in out and "<b>" not in out


def test_ask_reads_stdin_and_prints_json_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("co jest teraz?\n\njak dojechać z lotniska\n"))
    assert main(["ask", "--now", "2023-11-29 15:10"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["intent"] for r in records] == ["now", "venue"]
    assert records[0]["question"] == "co jest teraz?"
    assert "Nad Potokiem" in records[0]["answer"]
    assert "Kraków Główny" in records[1]["answer"]


def test_export_writes_ics(tmp_path: Path) -> None:
    target = tmp_path / "program.ics"
    assert main(["export", "--format", "ics", "--output", str(target)]) == 0
    calendar = Calendar.from_ical(target.read_bytes())
    assert len(list(calendar.walk("VEVENT"))) == 17


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "x", "--now", "wczoraj"], "RRRR-MM-DD"),
        (["ask", "x", "--now", ""], "--now: pusta wartość"),
        (["run", "--now", "  "], "--now: pusta wartość"),
        (["ask", "x", "--data", "/nie/ma/pliku.yaml"], "nie ma takiego pliku"),
        (["export", "--format", "pdf"], "invalid choice"),
        (["nieznana-komenda"], "błąd"),
        ([], "błąd"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        code = main(argv)
        raise SystemExit(code)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_bot_now_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_NOW", "2023-12-05 10:00")
    assert main(["ask", "co teraz?"]) == 0
    assert "zakończyła się" in capsys.readouterr().out


def test_db_upgrade_creates_the_schema_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["db", "current"]) == 0
    assert "wersja bazy: pusta" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert "wersja bazy: 0003 (najnowsza: 0003)" in capsys.readouterr().out


def test_db_with_a_bad_url_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    assert main(["db", "upgrade"]) == 2
    assert "DATABASE_URL" in capsys.readouterr().err
