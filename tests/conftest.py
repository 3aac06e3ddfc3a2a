from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.loading import load_conference
from bot.model import Conference
from bot.store.models import Base
from bot.store.store import Store
from tests.fakes.telegram_api import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "miejsca-otwarte-2023.yaml"


@pytest.fixture(scope="session")
def conference() -> Conference:
    return load_conference(DATA)


@pytest.fixture(scope="session")
def shared_assistant(conference: Conference) -> tuple[Assistant, FixedClock]:
    clock = FixedClock(parse_now("2023-11-29 10:00", conference.tz))
    return Assistant(conference, clock), clock


@pytest.fixture
def ask(shared_assistant: tuple[Assistant, FixedClock], conference: Conference) -> Callable[..., object]:
    """ask(question, now) -> Answer, with the clock set to `now`."""
    assistant, clock = shared_assistant

    def _ask(question: str, now: str = "2023-11-29 10:00"):  # type: ignore[no-untyped-def]
        clock.moment = parse_now(now, conference.tz)
        return assistant.ask(question)

    return _ask


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    """A fake Telegram Bot API server on 127.0.0.1, fresh for each test."""
    with FakeBotApi() as api:
        yield api


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole test session (see tests/postgres.py)."""
    from tests.postgres import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """A migrated, empty store on SQLite (a temp file) and on a real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    opened = Store.open(url)
    await opened.migrate()
    try:
        yield opened
    finally:
        if request.param == "postgresql":
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            async with opened.engine.begin() as connection:
                await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await opened.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show the question-set accuracy on every run, not only with -s."""
    from tests.nlu.test_question_sets import REPORT

    for name, figure in REPORT.items():
        terminalreporter.write_line(f"question set {name}: accuracy {figure}")
