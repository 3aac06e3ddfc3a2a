"""Frame question sets for every event (tests/nlu/frames.py), reported by the test run.

The held-out sets were written without the bot's code and are never tuned on; their floors are
what the understanding reached when they were first run, and only go up. Target: 93 %.
"""

from __future__ import annotations

import pytest

from bot.loading import load_conference
from tests.nlu.frames import HERE, SETS, by_class, evaluate, load
from tests.nlu.test_question_sets import REPORT

HELDOUT_FLOORS = {"39c3": 0.86, "pyconfr": 0.9, "festival": 0.91, "miejsca": 0.92}


@pytest.mark.parametrize("name", sorted(SETS))
def test_heldout_frames(name: str) -> None:
    outcomes = evaluate(load_conference(SETS[name]), load(HERE / f"frames_heldout_{name}.yaml"))
    score = sum(o.passed for o in outcomes) / len(outcomes)
    classes = ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in by_class(outcomes).items())
    REPORT[f"frames held-out: {name}"] = f"{score:.1%} ({classes})"
    assert score >= HELDOUT_FLOORS[name]
