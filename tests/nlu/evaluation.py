"""Scores the assistant on a question set: intent and the facts each answer must contain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.assistant import Assistant
from bot.clock import FixedClock, parse_now
from bot.model import Conference
from bot.text import fold

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Case:
    question: str
    now: str
    intent: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    case: Case
    intent: str
    answer: str
    missing: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.intent == self.case.intent and not self.missing


def load_cases(name: str) -> list[Case]:
    raw = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return [
        Case(str(i["q"]), str(i["now"]), i["intent"], tuple(str(e) for e in i["expect"] or ())) for i in raw
    ]


def evaluate(conference: Conference, cases: list[Case]) -> list[Outcome]:
    clock = FixedClock(parse_now(cases[0].now, conference.tz))
    assistant = Assistant(conference, clock)
    outcomes = []
    for case in cases:
        clock.moment = parse_now(case.now, conference.tz)
        answer = assistant.ask(case.question)
        text = answer.reply.plain_text
        folded = fold(text)
        missing = tuple(e for e in case.expect if fold(e) not in folded)
        outcomes.append(Outcome(case, answer.intent.value, text, missing))
    return outcomes


def accuracy(outcomes: list[Outcome]) -> float:
    return sum(o.passed for o in outcomes) / len(outcomes)


if __name__ == "__main__":
    import sys

    from bot.loading import load_conference

    conf = load_conference(HERE.parent.parent / "data" / "miejsca-otwarte-2023.yaml")
    results = evaluate(conf, load_cases(sys.argv[1] if len(sys.argv) > 1 else "devset.yaml"))
    verbose = "-v" in sys.argv
    for o in results:
        if not o.passed:
            print(
                f"[{o.case.intent} -> {o.intent}] {o.case.question!r} @{o.case.now} missing={list(o.missing)}"
            )
            if verbose:
                print("   " + o.answer.replace("\n", "\n   "))
    print(f"accuracy {accuracy(results):.1%} ({sum(o.passed for o in results)}/{len(results)})")
