"""`python -m bot run` with Messenger (alone, or with Telegram) and `messenger-setup`, as real processes."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.bot.test_cli_run import _env, _run
from tests.fakes import updates
from tests.fakes.graph_api import PAGE_TOKEN, FakeGraphApi
from tests.fakes.telegram_api import TOKEN, FakeBotApi, free_port
from tests.fakes.updates import ALICE
from tests.handlers.messenger.conftest import ANNA, APP_SECRET, VERIFY_TOKEN, envelope, sign, text


@pytest.fixture
def graph() -> FakeGraphApi:
    with FakeGraphApi() as api:
        yield api  # type: ignore[misc]


def messenger_env(graph: FakeGraphApi, **more: str) -> dict[str, str]:
    return {
        "MESSENGER_PAGE_TOKEN": PAGE_TOKEN,
        "MESSENGER_APP_SECRET": APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN,
        "MESSENGER_GRAPH_URL": graph.base_url,
        **more,
    }


def test_no_channel_at_all_names_the_settings_of_both(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for key in (
        "TELEGRAM_BOT_TOKEN",
        "MESSENGER_PAGE_TOKEN",
        "MESSENGER_APP_SECRET",
        "MESSENGER_VERIFY_TOKEN",
    ):
        assert key in result.stderr


def test_partial_messenger_settings_name_what_is_missing(tmp_path: Path) -> None:
    result = _run(tmp_path, MESSENGER_PAGE_TOKEN=PAGE_TOKEN)
    assert result.returncode == 2
    assert "MESSENGER_APP_SECRET" in result.stderr and "MESSENGER_VERIFY_TOKEN" in result.stderr
    assert PAGE_TOKEN not in result.stderr + result.stdout


def _wait_until_listening(port: int, process: subprocess.Popen[str], err: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, err.read_text()
        assert time.monotonic() < deadline, "the web server did not come up"
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)


def _post_signed(port: int, body: dict[str, object]) -> httpx.Response:
    raw = json.dumps(body).encode()
    return httpx.post(
        f"http://127.0.0.1:{port}/messenger/webhook",
        content=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw)},
        timeout=5,
    )


@pytest.mark.parametrize(
    "telegram", ["", "polling", "webhook"], ids=["messenger-alone", "with-telegram", "with-telegram-webhook"]
)
def test_run_serves_messenger_and_stops_on_sigterm(
    tmp_path: Path, graph: FakeGraphApi, fake_api: FakeBotApi, telegram: str
) -> None:
    port = free_port()
    values = messenger_env(graph, BOT_PORT=str(port), BOT_NOW="2023-11-29 14:00", BOT_LOG_LEVEL="DEBUG")
    with_telegram = bool(telegram)
    if with_telegram:
        values.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake_api.base_url)
    if telegram == "webhook":  # both webhooks on one web server
        values.update(TELEGRAM_WEBHOOK_URL="https://bot.example.org", TELEGRAM_WEBHOOK_SECRET="hook-secret")
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=_env(tmp_path, **values),
            stdout=stdout,
            stderr=stderr,
            text=True,
        )
        try:
            _wait_until_listening(port, process, err)
            handshake = httpx.get(
                f"http://127.0.0.1:{port}/messenger/webhook",
                params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "77"},
            )
            assert handshake.text == "77"
            assert _post_signed(port, envelope(text(ANNA, "co jest teraz?"))).status_code == 200
            if telegram == "polling":
                fake_api.push(updates.message(ALICE, "co jest teraz?"))
            elif telegram == "webhook":
                hook = httpx.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json=updates.message(ALICE, "co jest teraz?"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "hook-secret"},
                )
                assert hook.status_code == 200
            deadline = time.monotonic() + 30
            while not graph.messages(ANNA) or (with_telegram and not fake_api.sent(ALICE)):
                assert process.poll() is None, err.read_text()
                assert time.monotonic() < deadline, "no answer from the bot process"
                time.sleep(0.05)
            assert "15:00" in graph.messages(ANNA)[0].text
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    log = err.read_text() + out.read_text()
    assert process.returncode == 0, log
    assert "Messenger (webhook)" in log
    assert ("Telegram (long polling)" in log) == (telegram == "polling")
    assert ("Telegram (webhook)" in log) == (telegram == "webhook")
    for secret in (PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN, TOKEN.split(":")[1]):
        assert secret not in log  # even at DEBUG


def test_messenger_setup_sets_get_started_greeting_and_menu(tmp_path: Path, graph: FakeGraphApi) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "messenger-setup"],
        cwd=tmp_path,
        env=_env(tmp_path, **messenger_env(graph)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Rozpocznij" in result.stdout
    [call] = graph.calls_to("me/messenger_profile")
    body = call.body
    assert body["get_started"] == {"payload": "CMD:start"}
    [greeting] = body["greeting"]
    assert "Miejsca Otwarte" in greeting["text"] and len(greeting["text"]) <= 160
    assert greeting["text"].startswith("Automatyczny asystent")
    [menu] = body["persistent_menu"]
    actions = menu["call_to_actions"]
    assert 1 <= len(actions) <= 20 and all(len(a["title"]) <= 30 for a in actions)
    assert {a["payload"] for a in actions} >= {"CMD:teraz", "CMD:program", "CMD:wizyty", "CMD:plan"}


def test_messenger_setup_reports_a_rejected_token_without_printing_it(
    tmp_path: Path, graph: FakeGraphApi
) -> None:
    wrong = "EAAB-wrong-token-value"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "messenger-setup"],
        cwd=tmp_path,
        env=_env(tmp_path, **messenger_env(graph, MESSENGER_PAGE_TOKEN=wrong)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "MESSENGER_PAGE_TOKEN" in result.stderr and wrong not in result.stderr + result.stdout


def test_messenger_setup_without_settings_names_them(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "messenger-setup"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "MESSENGER_PAGE_TOKEN" in result.stderr


def test_messenger_setup_with_meta_unreachable_says_so_not_refused(
    tmp_path: Path, graph: FakeGraphApi
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    env = messenger_env(graph, MESSENGER_GRAPH_URL=f"http://127.0.0.1:{closed}/v26.0")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "messenger-setup"],
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "nie odpowiada" in result.stderr and "MESSENGER_GRAPH_URL" in result.stderr
    assert "odrzucił" not in result.stderr


def test_menus_name_the_events_own_travel_kind_or_leave_it_out() -> None:
    import dataclasses

    from bot.loading import load_conference
    from handlers.messenger.profile import menu
    from handlers.telegram.commands import bot_commands
    from tests.conftest import ROOT

    festival = load_conference(ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml")
    assert ("Wycieczki", "wizyty") in menu(festival)
    assert ("wizyty", "Wycieczki") in [(c.command, c.description) for c in bot_commands(festival)]
    local = tuple(s for s in festival.sessions if not s.kind.travel)
    stay_put = dataclasses.replace(festival, sessions=local)
    assert not stay_put.travel_kinds
    assert "wizyty" not in [name for _, name in menu(stay_put)]
    assert "wizyty" not in [c.command for c in bot_commands(stay_put)]
    assert all(len(title) <= 30 for title, _ in menu(festival))
