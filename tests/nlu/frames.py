"""Scores the assistant on frame question sets (tests/nlu/frames_*.yaml), for any event.

Each case says what a right reply is: `answer` (it contains every `expect`, none of `reject`, and
is not the "I am not sure" fallback), `dont_know` (none of `reject`: no confident reply about
something else — an honest "I don't know" or the fallback), or `clarify` (it asks which one, naming
every `expect`). The held-out sets (frames_heldout_*.yaml) were written without the bot's code and
are never tuned on: run them for the figures, not for the misses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.intents import Intent
from bot.model import Conference
from bot.text import fold
from bot.understanding.frame import Topic

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SETS = {  # question set → the event's data file
    "39c3": ROOT / "data" / "39c3-2025.yaml",
    "pyconfr": ROOT / "data" / "pyconfr-2024.yaml",
    "festival": ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml",
    "miejsca": ROOT / "data" / "miejsca-otwarte-2023.yaml",
}
UNSURE = "nie mam pewności"  # the fallback's words


@dataclass(frozen=True)
class Case:
    question: str
    now: str
    answer: str  # answer | dont_know | clarify
    expect: tuple[str, ...]
    reject: tuple[str, ...]
    kind: str  # the class of question


@dataclass(frozen=True)
class Outcome:
    case: Case
    reply: str
    passed: bool


def load(path: Path) -> list[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(
            str(item["q"]),
            str(item["now"]),
            str(item["answer"]),
            tuple(str(e) for e in item.get("expect") or ()),
            tuple(str(r) for r in item.get("reject") or ()),
            str(item.get("class", "")),
        )
        for item in raw
    ]


def evaluate(conference: Conference, cases: list[Case]) -> list[Outcome]:
    clock = FixedClock(parse_now(cases[0].now, conference.tz))
    assistant = Assistant(conference, clock, cache_size=0)
    outcomes = []
    for case in cases:
        clock.moment = parse_now(case.now, conference.tz)
        answer = assistant.ask(case.question)
        text = answer.reply.plain_text
        folded = fold(text)
        wrong = any(fold(r) in folded for r in case.reject)
        has_all = all(fold(e) in folded for e in case.expect)
        unsure = answer.intent is Intent.FALLBACK or UNSURE in folded
        if case.answer == "answer":
            passed = has_all and not wrong and not unsure
        elif case.answer == "clarify":
            passed = has_all and answer.frame is not None and answer.frame.topic is Topic.CHOICE
        else:
            passed = not wrong
        outcomes.append(Outcome(case, text, passed))
    return outcomes


def by_class(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        totals[outcome.case.kind][0] += outcome.passed
        totals[outcome.case.kind][1] += 1
    return {kind: (ok, total) for kind, (ok, total) in sorted(totals.items())}


if __name__ == "__main__":
    import sys

    from bot.loading import load_conference

    prefix = sys.argv[1] if len(sys.argv) > 1 else "frames_heldout"
    for name, data in SETS.items():
        path = HERE / f"{prefix}_{name}.yaml"
        if not path.exists():
            continue
        outcomes = evaluate(load_conference(data), load(path))
        passed = sum(o.passed for o in outcomes)
        print(f"{path.name}: {passed}/{len(outcomes)} ({passed / len(outcomes):.0%})")
        print("  " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in by_class(outcomes).items()))
        if "-v" in sys.argv and not prefix.startswith("frames_heldout"):
            for o in outcomes:
                if not o.passed:
                    print(f"    miss {o.case.kind}: {o.case.question!r} expect={list(o.case.expect)}")
