"""What a new version of the data does to the programme: the organisers' preview (programme_diff)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.changes import ChangeKind, programme_changes, programme_diff
from bot.loading import parse_conference
from bot.model import Conference

FESTIVAL = Path(__file__).resolve().parents[1] / "data" / "festiwal-dzwieki-doliny.yaml"


@pytest.fixture(scope="module")
def text() -> str:
    return FESTIVAL.read_text("utf-8")


@pytest.fixture(scope="module")
def festival(text: str) -> Conference:
    return parse_conference(text)


def _edited(text: str, ident: str, old: str, new: str) -> str:
    """`old` replaced by `new` inside one session's block only."""
    start = text.index(f"- id: {ident}\n")
    end = text.find("      - id: ", start + 1)
    end = end if end > 0 else len(text)
    assert old in text[start:end]
    return text[:start] + text[start:end].replace(old, new, 1) + text[end:]


def test_the_same_programme_has_no_differences(festival: Conference, text: str) -> None:
    diff = programme_diff(festival, parse_conference(text))
    assert diff.empty and diff.changes == () and diff.added == () and diff.renamed == ()


def test_each_kind_of_difference_is_found(festival: Conference, text: str) -> None:
    text = _edited(
        text, "koncert-kapela", "start: 20:00\n        end: 21:30", "start: 20:30\n        end: 22:00"
    )
    text = _edited(text, "koncert-finalowy", "room: duza-scena", "room: mala-scena")
    text = _edited(text, "set-dj", "title: Nocny set DJ-a", "title: Nocny set DJ-ki")
    text = _edited(text, "przerwa-techniczna", "id: przerwa-techniczna", "id: przerwa-na-scenach")
    diff = programme_diff(festival, parse_conference(text))
    assert not diff.empty
    assert [s.id for s in diff.added] == ["przerwa-na-scenach"]  # a new id is a new session…
    assert [c.before.id for c in diff.of_kind(ChangeKind.CANCELLED)] == [
        "przerwa-techniczna"
    ]  # …the old one gone
    assert [c.before.id for c in diff.of_kind(ChangeKind.MOVED)] == ["koncert-kapela"]
    assert [c.before.id for c in diff.of_kind(ChangeKind.PLACE)] == ["koncert-finalowy"]
    assert [(b.title, a.title) for b, a in diff.renamed] == [("Nocny set DJ-a", "Nocny set DJ-ki")]


def test_the_changes_are_exactly_those_people_are_told_of(festival: Conference, text: str) -> None:
    """Moved and renamed at once: told once as moved (the notice names the new title), shown in both."""
    text = _edited(text, "koncert-nocny", "start: 22:10", "start: 22:40")
    text = _edited(text, "koncert-nocny", "room: duza-scena", "room: mala-scena")
    text = _edited(text, "koncert-nocny", "title: Wielki koncert nocny", "title: Koncert o północy")
    new = parse_conference(text)
    diff = programme_diff(festival, new)
    assert list(diff.changes) == programme_changes(festival, new)
    assert [(c.kind, c.before.id) for c in diff.changes] == [(ChangeKind.MOVED, "koncert-nocny")]
    assert [a.id for _, a in diff.renamed] == ["koncert-nocny"]
