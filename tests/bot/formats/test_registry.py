"""bot/formats: recognising a format by its name and first bytes, and reading it into a document."""

from __future__ import annotations

import pytest

from bot.formats import Source, detect, exporters, formats, read_programme
from bot.loading import DataError
from tests.bot.formats.helpers import fixture_path, validate

FIXTURES = {
    "frab-31c3.xml": "frab-xml",
    "frab-39c3-20251206.xml": "frab-xml",
    "c3voc-camp2019.json": "c3voc-json",
    "pretalx-c3voc-rc3-channels-2020.json": "c3voc-json",
    "pretalx-widget-devopsdays-lima-2026.json": "pretalx-widget",
    "pretalx-api-grid-pyconfr-2024.json": "pretalx-api",
}


@pytest.mark.parametrize(("name", "expected"), FIXTURES.items())
def test_real_exports_are_recognised_by_name_and_by_content(name: str, expected: str) -> None:
    data = fixture_path(name).read_bytes()
    fmt = detect(Source(data, name))
    assert fmt is not None and fmt.name == expected
    nameless = detect(Source(data, "programme"))  # no extension: the first bytes alone
    assert nameless is not None and nameless.name == expected


def test_yaml_is_no_programme() -> None:
    assert detect(Source(b"event:\n  id: x\n", "dane.yaml")) is None
    assert detect(Source(b"event:\n  id: x\n", "dane")) is None
    assert detect(Source(b'{"event": {"id": "x"}}', "dane")) is None  # YAML written as JSON


def test_an_unknown_json_or_format_name_is_a_clear_error() -> None:
    with pytest.raises(DataError, match=r"nie rozpoznano formatu pliku \.json"):
        read_programme(b'{"a": 1}', "x.json")
    with pytest.raises(DataError, match="nieznany format 'pdf'"):
        read_programme(b"<schedule/>", "x.xml", format="pdf")


def test_every_format_and_exporter_is_registered() -> None:
    names = {f.name for f in formats()}
    assert {"frab-xml", "c3voc-json", "pretalx-widget", "pretalx-api"} <= names
    assert {"frab-xml", "json"} <= exporters().keys()


@pytest.mark.parametrize("name", FIXTURES)
def test_a_real_export_gives_a_document_the_schema_accepts(name: str) -> None:
    document, _ = read_programme(fixture_path(name).read_bytes(), name)
    validate(document)
