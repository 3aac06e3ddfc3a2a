"""Frame question sets for every event (tests/nlu/frames.py), reported by the test run.

The held-out sets were written without the bot's code and are never tuned on; their floors are
what the understanding reaches, and only go up. Target: 93 %. The dev sets are tuned on (target 97 %).
"""

from __future__ import annotations

import pytest

from bot.loading import load_conference
from tests.nlu.frames import HERE, SETS, by_class, evaluate, load
from tests.nlu.test_question_sets import REPORT

HELDOUT_FLOORS = {"39c3": 0.93, "pyconfr": 0.95, "festival": 0.96, "miejsca": 0.98}
# Dev sets, each written by someone who had not seen the code, one after the other (target 97 %).
DEV_FLOORS = {
    "dev": {"39c3": 0.97, "pyconfr": 0.97, "festival": 0.97, "miejsca": 0.97},
    "dev2": {"39c3": 0.97, "pyconfr": 0.97, "festival": 0.97, "miejsca": 0.97},
    "dev3": {"39c3": 0.97, "pyconfr": 0.97, "festival": 0.97},
    "dev4": {"39c3": 0.97},
    "dev5": {"39c3": 0.97},
    # Written in unusual voices (mixed languages, vague descriptions, context before the question)
    # after the others passed: the measured floor, below the 97 % target.
    "dev6": {"39c3": 0.88},
}


def _scored(name: str, kind: str) -> tuple[float, list[str]]:
    """The set's score (and its misses), reported in pytest's summary."""
    outcomes = evaluate(load_conference(SETS[name]), load(HERE / f"frames_{kind}_{name}.yaml"))
    score = sum(o.passed for o in outcomes) / len(outcomes)
    classes = ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in by_class(outcomes).items())
    REPORT[f"frames {kind}: {name}"] = f"{score:.1%} ({classes})"
    return score, [o.case.question for o in outcomes if not o.passed]


@pytest.mark.parametrize("name", sorted(SETS))
def test_heldout_frames(name: str) -> None:
    score, _misses = _scored(name, "heldout")  # never printed: not to be tuned on
    assert score >= HELDOUT_FLOORS[name]


@pytest.mark.parametrize(
    ("kind", "name"), [(k, n) for k, floors in DEV_FLOORS.items() for n in sorted(floors)]
)
def test_dev_frames(kind: str, name: str) -> None:
    score, misses = _scored(name, kind)
    assert score >= DEV_FLOORS[kind][name], misses
