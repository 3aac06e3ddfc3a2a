"""Real exports bent out of shape: every one is read or refused with a DataError, never a traceback."""

from __future__ import annotations

import copy
import json
import random
import xml.etree.ElementTree as ET  # the trusted fixtures only, to bend them
from typing import Any

import pytest

from bot.document import DataError
from bot.formats import read_programme
from tests.bot.formats.helpers import fixture_path

ODD_VALUES: list[Any] = [
    None,
    1,
    -5,
    1.5,
    True,
    "",
    "x",
    "99:99",
    "2024-02-30T10:00:00+01:00",
    [],
    {},
    [1],
    {"a": 1},
]
ODD_TEXTS = ["", "x", "99:99", "-1:00", "0:00", "25:00", "2024-13-01T10:00:00+01:00", "\u00a0"]


def bend(value: Any, rng: random.Random) -> None:
    """Replace one value somewhere inside `value` with one of the wrong type or shape."""
    while True:
        if isinstance(value, dict) and value:
            key = rng.choice(list(value))
            if rng.random() < 0.3 or not isinstance(value[key], (dict, list)):
                value[key] = copy.deepcopy(rng.choice(ODD_VALUES))
                return
            value = value[key]
        elif isinstance(value, list) and value:
            index = rng.randrange(len(value))
            if rng.random() < 0.3 or not isinstance(value[index], (dict, list)):
                value[index] = copy.deepcopy(rng.choice(ODD_VALUES))
                return
            value = value[index]
        else:
            return


def outcome(data: bytes, name: str) -> str:
    try:
        read_programme(data, name)
    except DataError as exc:
        assert "nieoczekiwana budowa" not in str(exc), str(exc)  # the readers' own checks caught it
        return "refused"
    return "read"


@pytest.mark.parametrize(
    "name",
    [
        "c3voc-camp2019.json",
        "pretalx-c3voc-rc3-channels-2020.json",
        "pretalx-widget-devopsdays-lima-2026.json",
        "pretalx-api-grid-pyconfr-2024.json",
    ],
)
def test_bent_json_is_read_or_refused(name: str) -> None:
    rng = random.Random(name)
    original = json.loads(fixture_path(name).read_text("utf-8"))
    seen = set()
    for _ in range(40):
        data = copy.deepcopy(original)
        for _ in range(rng.randint(1, 4)):
            bend(data, rng)
        seen.add(outcome(json.dumps(data).encode(), name))
    assert "refused" in seen


@pytest.mark.parametrize("name", ["frab-31c3.xml", "frab-39c3-20251206.xml"])
def test_bent_xml_is_read_or_refused(name: str) -> None:
    rng = random.Random(name)
    original = fixture_path(name).read_bytes()
    seen = set()
    for _ in range(12):
        root = ET.fromstring(original)
        elements = list(root.iter())
        for _ in range(rng.randint(1, 4)):
            element = rng.choice(elements)
            action = rng.choice(["text", "attribute", "remove", "repeat"])
            if action == "text":
                element.text = rng.choice(ODD_TEXTS)
            elif action == "attribute" and element.attrib:
                element.set(rng.choice(list(element.attrib)), rng.choice(ODD_TEXTS))
            elif action == "remove" and len(element):
                element.remove(rng.choice(list(element)))
            elif action == "repeat" and len(element):
                element.append(ET.fromstring(ET.tostring(rng.choice(list(element)))))
        seen.add(outcome(ET.tostring(root), name))
    raw = bytearray(original)
    for _ in range(8):  # and cut short
        position = rng.randrange(len(raw))
        seen.add(outcome(bytes(raw[:position]), name))
    assert "refused" in seen
