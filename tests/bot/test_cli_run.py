"""`python -m bot run` as a real process against the fake Bot API: start, answer, stop, exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fakes import updates
from tests.fakes.telegram_api import TOKEN, FakeBotApi
from tests.fakes.updates import ALICE


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "ADMIN_", "MESSENGER_"))
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(values)
    return env


def _run(tmp_path: Path, **values: str) -> subprocess.CompletedProcess[str]:
    # cwd is an empty folder, so no developer's .env is read
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=_env(tmp_path, **values),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_token_names_the_variable_and_exits_2(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_webhook_without_secret_names_it(tmp_path: Path) -> None:
    result = _run(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_URL="https://bot.example.org")
    assert result.returncode == 2 and "TELEGRAM_WEBHOOK_SECRET" in result.stderr


def test_bad_setting_names_the_variable(tmp_path: Path) -> None:
    result = _run(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, BOT_PORT="http", ADMIN_IDS="12,abc")
    assert result.returncode == 2
    assert "BOT_PORT" in result.stderr and "ADMIN_IDS" in result.stderr


def test_rejected_token_exits_2_without_printing_it(tmp_path: Path, fake_api: FakeBotApi) -> None:
    wrong = "999:WRONG-token-value"
    result = _run(
        tmp_path, TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_BASE_URL=fake_api.base_url, BOT_LOG_LEVEL="DEBUG"
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert wrong not in result.stderr + result.stdout and "WRONG-token" not in result.stderr


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_runs_answers_and_stops_on_sigterm_never_logging_the_token(
    tmp_path: Path, fake_api: FakeBotApi, level: str
) -> None:
    """The token never appears in the output; message contents only at DEBUG, which asks for them."""
    # Files, not pipes: a chatty process must never block on a full pipe while the test waits.
    stdout_file = (tmp_path / "out.txt").open("w+")
    stderr_file = (tmp_path / "err.txt").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=fake_api.base_url,
            BOT_NOW="2023-11-29 14:00",
            BOT_LOG_LEVEL=level,
            ADMIN_IDS=str(ALICE),
        ),
        stdout=stdout_file,
        stderr=stderr_file,
        text=True,
    )
    try:
        fake_api.push(updates.message(ALICE, "co jest teraz?"))
        deadline = time.monotonic() + 30
        while not fake_api.sent(ALICE):
            assert process.poll() is None, (tmp_path / "err.txt").read_text()
            assert time.monotonic() < deadline, "no answer from the bot process"
            time.sleep(0.05)
        assert "15:00" in fake_api.sent(ALICE)[0].text
        # The organisers' commands are wired into `run` too (ADMIN_IDS, the database).
        fake_api.push(updates.message(ALICE, "/statystyki"))
        while len(fake_api.sent(ALICE)) < 2:
            assert time.monotonic() < deadline, "no statistics from the bot process"
            time.sleep(0.05)
        assert "Użytkownicy: 1" in fake_api.sent(ALICE)[1].text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        out, err = (tmp_path / "out.txt").read_text(), (tmp_path / "err.txt").read_text()
        stdout_file.close()
        stderr_file.close()
    assert process.returncode == 0, err
    assert "Telegram (long polling)" in err
    secret_part = TOKEN.split(":")[1]
    assert TOKEN not in out + err and secret_part not in out + err
    if level == "INFO":
        assert "co jest teraz" not in err


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_log_redaction_covers_library_messages(level: str) -> None:
    import logging

    from bot.logs import REDACTED, RedactingFormatter

    formatter = RedactingFormatter("%(message)s", [TOKEN])
    record = logging.LogRecord(
        "httpx", getattr(logging, level), __file__, 1, "POST %s", (f"/bot{TOKEN}/x",), None
    )
    assert formatter.format(record) == f"POST /bot{REDACTED}/x"
