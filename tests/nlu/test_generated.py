"""Questions generated from each event's own data (tests/nlu/generated.py): a floor per event,
raised as understanding learns people, rooms, kinds and parts of titles (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.loading import load_conference
from tests.nlu.generated import ROOT, by_class, run
from tests.nlu.test_question_sets import REPORT

# At least 97 % is the target (issue 12). Measured with the frames (bot/understanding); never
# lowered. Before them: 81 %, 25 %, 45 %, 53 %.
FLOORS = {
    "miejsca-otwarte-2023.yaml": 1.0,
    "39c3-2025.yaml": 1.0,
    "pyconfr-2024.yaml": 1.0,
    "festiwal-dzwieki-doliny.yaml": 1.0,
}
EVENTS = [*sorted((ROOT / "data").glob("*.yaml")), ROOT / "tests" / "data" / "festiwal-dzwieki-doliny.yaml"]


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: p.stem)
def test_generated_questions(path: Path) -> None:
    results = run(load_conference(path))
    assert len(results) >= 15  # the generator found enough in the data to ask about
    score = sum(r.passed for r in results) / len(results)
    classes = ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in by_class(results).items())
    REPORT[f"generated: {path.name}"] = f"{score:.0%} ({classes})"
    # Whatever else fails, no confident answer about something the data cannot know.
    assert all(r.passed for r in results if r.case.kind == "out_of_scope")
    # A question naming one thing never gets a confident answer about another.
    assert not [r.case.question for r in results if r.about_another]
    assert score >= FLOORS.get(path.name, 0.5), classes
