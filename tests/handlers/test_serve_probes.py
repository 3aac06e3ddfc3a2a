"""`python -m bot run` as a real process: `/healthz`, `/readyz` and `/metrics` in webhook mode (on the
webhooks' port) and with long polling (on BOT_HEALTH_PORT), JSON logs, a clean stop."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.metrics import CONTENT_TYPE
from handlers.telegram.app import SECRET_HEADER
from tests.bot.test_cli_run import _env
from tests.bot.test_metrics import sample
from tests.fakes import updates
from tests.fakes.telegram_api import TOKEN, FakeBotApi, free_port
from tests.fakes.updates import ALICE

SECRET = "probe_Secret-1"


@dataclass
class Process:
    process: subprocess.Popen[str]
    client: httpx.Client
    stderr: Path

    def errors(self) -> str:
        return self.stderr.read_text()


@contextmanager
def bot_process(tmp_path: Path, port: int, **env: str) -> Iterator[Process]:
    """`run` until its probes answer; stopped with SIGTERM at the end, which must exit 0."""
    stderr = tmp_path / "err.txt"
    with stderr.open("w") as err, (tmp_path / "out.txt").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=_env(tmp_path, BOT_NOW="2023-11-29 14:00", DATABASE_URL="sqlite:///bot.db", **env),
            stdout=out,
            stderr=err,
            text=True,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
                deadline = time.monotonic() + 60
                while True:
                    assert process.poll() is None, stderr.read_text()
                    assert time.monotonic() < deadline, "the probes never answered"
                    try:
                        if client.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                yield Process(process, client, stderr)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert process.returncode == 0, stderr.read_text()


def _wait(condition: object, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_webhook_mode_serves_the_probes_beside_the_webhook(tmp_path: Path, fake_api: FakeBotApi) -> None:
    port = free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake_api.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "BOT_PORT": str(port),
        "BOT_LOG_FORMAT": "json",
    }
    with bot_process(tmp_path, port, **env) as bot:
        _wait(lambda: bool(fake_api.calls_of("setWebhook")), "the webhook to be set")
        ready = bot.client.get("/readyz")
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["database"] == "ok" and body["scheduler"] is True
        assert body["data"]["event"] and body["data"]["sessions"] > 0
        update = updates.message(ALICE, "co jest teraz?")
        posted = bot.client.post("/telegram/webhook", json=update, headers={SECRET_HEADER: SECRET})
        assert posted.status_code == 200
        _wait(lambda: bool(fake_api.sent(ALICE)), "the answer")
        metrics = bot.client.get("/metrics")
        assert metrics.headers["content-type"] == CONTENT_TYPE
        assert sample(metrics.text, "eventbot_updates_total", channel="telegram", kind="message") == 1
        assert sample(metrics.text, "eventbot_questions_total", channel="telegram", intent="now") == 1
        assert sample(metrics.text, "eventbot_scheduler_leader") == 1
        assert sample(metrics.text, "eventbot_reminders_scheduled") > 0
        assert bot.client.post("/readyz").status_code == 405  # a bad request, not a 5xx
    lines = bot.errors().splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert entries and all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert any("running" in e["message"] for e in entries)
    assert TOKEN.split(":")[1] not in bot.errors() and SECRET not in bot.errors()
    assert "co jest teraz" not in bot.errors()


def test_long_polling_serves_the_probes_on_bot_health_port(tmp_path: Path, fake_api: FakeBotApi) -> None:
    port = free_port()
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": fake_api.base_url, "BOT_HEALTH_PORT": str(port)}
    with bot_process(tmp_path, port, **env) as bot:
        fake_api.push(updates.message(ALICE, "/teraz"))
        _wait(lambda: bool(fake_api.sent(ALICE)), "the answer")
        ready = bot.client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["scheduler"] is True
        metrics = bot.client.get("/metrics").text
        assert sample(metrics, "eventbot_updates_total", channel="telegram", kind="command") == 1
        assert bot.client.get("/telegram/webhook").status_code == 404  # no webhook here
    assert f"health and metrics on 127.0.0.1:{port}" in bot.errors()
