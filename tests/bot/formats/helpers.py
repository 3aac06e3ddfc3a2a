"""Shared by the format tests: the real exports in ../shared/schedules (read there, never copied)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot import schema
from bot.document import DataError

SCHEDULES = Path(__file__).resolve().parents[4] / "shared" / "schedules"


def fixture_path(name: str) -> Path:
    path = SCHEDULES / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared fixtures of issue 11)")
    return path


def validate(document: dict[str, Any]) -> schema.DataFile:
    """The document against the data file's schema (what a YAML file is checked with first)."""
    return schema.DataFile.model_validate(document)


def sessions(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [session for day in document["days"] for session in day["sessions"]]


def problems(error: DataError) -> list[str]:
    return [str(issue) for issue in error.issues]
