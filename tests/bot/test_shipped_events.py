"""Every event shipped in data/: `check-data` passes, and the console chat answers questions built
from that event's own data (its noun, its venue, its sessions, its days), not from ours."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.loading import load_conference
from bot.model import Conference, Session
from bot.polish import format_time
from tests.conftest import ROOT

SHIPPED = sorted((ROOT / "data").glob("*.yaml"))
ON_WEEKDAY = ("poniedziałek", "wtorek", "środę", "czwartek", "piątek", "sobotę", "niedzielę")
HEADING = ("Poniedziałek", "Wtorek", "Środa", "Czwartek", "Piątek", "Sobota", "Niedziela")


def run_bot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_check_data_passes(path: Path) -> None:
    done = run_bot("check-data", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("OK:")


def asked_about(conference: Conference) -> Session:
    """A session a person would ask about by its title: the first on the last day whose title is
    the event's only one of that name and is no break."""
    counts = Counter(s.title for s in conference.sessions)
    last = conference.days[-1].sessions
    return next(s for s in last if counts[s.title] == 1 and s.kind.reminders and len(s.title) > 8)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_console_answers_about_the_event(path: Path) -> None:
    conference = load_conference(path)
    first = next(s for s in conference.days[0].sessions if s.kind.reminders)
    now = first.start + timedelta(minutes=5)
    session = asked_about(conference)
    last_day = conference.days[-1].date
    noun = conference.noun
    organisers = [o for o in conference.organisations if "organiser" in {r.value for r in o.roles}]
    questions = [
        "co jest teraz?",
        "co dalej?",
        f"gdzie jest {noun.nominative}?",
        f"kiedy jest {session.title}?",
        f"program na {ON_WEEKDAY[last_day.weekday()]}",
        "kto organizuje?",
        "pomoc",
        "/koniec",
    ]
    done = run_bot(
        "chat",
        "--data",
        str(path),
        "--now",
        now.strftime("%Y-%m-%d %H:%M"),
        stdin="\n".join(questions) + "\n",
    )
    assert done.returncode == 0, done.stderr
    # One answer per question, each after the prompt; the welcome line comes first, the farewell
    # last.
    welcome, *answers = done.stdout.split("bot> ")
    assert noun.genitive in welcome, welcome
    assert len(answers) == len(questions) - 1, done.stdout
    now_reply, next_reply, where, when, day, who, help_reply = answers
    farewell = done.stdout.splitlines()[-1]
    assert first.title in now_reply, now_reply
    assert "Nie mam pewności" not in next_reply, next_reply
    assert conference.venue.name in where, where
    assert session.title in when and format_time(session.start) in when, when
    assert HEADING[last_day.weekday()] in day and session.title in day, day
    if organisers:
        assert organisers[0].name in who, who
    assert noun.genitive in help_reply, help_reply
    assert noun.locative in farewell, farewell
