"""Programmes from the tools organisers use: frab, pretalx, Sessionize, iCalendar, spreadsheets.

Every reader turns a file into a *document* — plain Python data in exactly the shape of our YAML data
file (docs/data-format.md) — which then goes through the same validation as a YAML file. Readers
register themselves: a module of this package that defines ``FORMATS`` (a tuple of `Format`) reads
those formats, and one that defines ``EXPORTERS`` (a tuple of `Exporter`) writes them; nothing else
needs to change. docs/importing.md describes each format.
"""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path, PurePath
from typing import Any

from bot import schema
from bot.document import (
    DEFAULT_MAX_BYTES,
    DataError,
    DataIssue,
    Document,
    PathKey,
    decode,
    fragment,
)
from bot.formats.programme import Programme, ProgrammeBuilder
from bot.formats.reading import read_bytes

__all__ = [
    "Exporter",
    "Format",
    "Programme",
    "ProgrammeBuilder",
    "Source",
    "detect",
    "detect_programme",
    "exporters",
    "file_bytes",
    "formats",
    "load_document",
    "load_spec",
    "parse_document",
    "read_bytes",
    "read_programme",
    "read_source",
]

YAML_SUFFIXES = frozenset({".yaml", ".yml"})
_log = logging.getLogger(__name__)
_HEAD = 4096  # bytes a format looks at to recognise itself
_BOM = b"\xef\xbb\xbf"


class Source:
    """A programme file's bytes with what formats need to recognise and read it, each made once."""

    def __init__(self, data: bytes | str, name: str, timezone: str | None = None) -> None:
        self.name = name
        self.timezone = timezone
        self._data = data

    @cached_property
    def data(self) -> bytes:
        return self._data.encode("utf-8") if isinstance(self._data, str) else self._data

    @cached_property
    def suffix(self) -> str:
        """The name's extension, lower case: ".xml" (none: "")."""
        return PurePath(self.name).suffix.lower()

    @cached_property
    def head(self) -> bytes:
        """The first bytes as UTF-8, without a BOM and leading whitespace."""
        if isinstance(self._data, str):
            return self._data[:_HEAD].encode("utf-8").lstrip()
        head = self._data[:_HEAD]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: recognised, then refused by name
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        return head.removeprefix(_BOM).lstrip()

    @cached_property
    def text(self) -> str:
        """The file as UTF-8 text; `DataError` naming the first bad byte's line otherwise."""
        return self._data if isinstance(self._data, str) else decode(self._data, self.name)

    def looks_like_json(self) -> bool:
        return self.head[:1] in (b"{", b"[")

    @cached_property
    def _json(self) -> Any:
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise DataError(
                [
                    DataIssue(
                        self.name,
                        "",
                        exc.lineno,
                        f"błąd składni JSON: {_JSON_PROBLEMS.get(exc.msg, exc.msg)} (kolumna {exc.colno})",
                    )
                ]
            ) from None
        except RecursionError:
            raise DataError(
                [DataIssue(self.name, "", None, "za głębokie zagnieżdżenie list i obiektów JSON")]
            ) from None
        except ValueError as exc:  # an integer of more than 4,300 digits
            raise DataError(
                [DataIssue(self.name, "", None, f"błędna wartość JSON: {fragment(str(exc))}")]
            ) from None

    def json(self) -> Any:
        """The file parsed as JSON (once); `DataError` with the line of a syntax error."""
        return self._json

    def json_or_none(self) -> Any:
        """The parsed JSON, or None when the file is not JSON at all (for recognising formats)."""
        if not self.looks_like_json():
            return None
        try:
            return self.json()
        except DataError:
            return None


_JSON_PROBLEMS = {
    "Expecting value": "brak wartości tam, gdzie powinna być",
    "Expecting ',' delimiter": "brak przecinka",
    "Expecting ':' delimiter": "brak dwukropka",
    "Expecting property name enclosed in double quotes": (
        'nazwa klucza musi być w cudzysłowie "…" (albo zbędny przecinek)'
    ),
    "Unterminated string starting at": "niezamknięty cudzysłów",
    "Extra data": "dodatkowe dane po końcu dokumentu JSON",
    "Invalid control character at": "niedozwolony znak sterujący w tekście",
    "Invalid \\escape": "nieznany znak po \\ w tekście",
}


@dataclass(frozen=True, slots=True)
class Format:
    """A programme format this bot reads."""

    name: str  # what `programme.format` and `import --format` call it: "frab-xml"
    title: str  # for people: "frab/pentabarf schedule.xml"
    suffixes: tuple[str, ...]  # the usual extensions: (".xml",)
    recognise: Callable[[Source], bool]  # by the first bytes (Source.head) or the parsed JSON
    read: Callable[[Source], Programme]
    binary: bool = False  # not text (XLSX): read as bytes, never decoded as UTF-8


@dataclass(frozen=True, slots=True)
class Exporter:
    """A format the programme can be written in (`python -m bot export --format NAME`)."""

    name: str  # "frab-xml"
    title: str
    write: Callable[[schema.DataFile], bytes]


@cache
def _modules() -> tuple[Any, ...]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            found.append(importlib.import_module(f"{__name__}.{info.name}"))
    return tuple(found)


def formats() -> tuple[Format, ...]:
    """Every format a module of this package reads, in module order."""
    return tuple(f for module in _modules() for f in getattr(module, "FORMATS", ()))


def exporters() -> dict[str, Exporter]:
    """Every format the programme can be exported in (besides iCalendar), by name."""
    return {e.name: e for module in _modules() for e in getattr(module, "EXPORTERS", ())}


def detect(source: Source, wanted: str | None = None) -> Format | None:
    """The format of `source`: `wanted` by name, else by its extension and first bytes.

    None means a YAML data file (by its name, or when no format recognises it).
    """
    known = formats()
    if wanted:
        for fmt in known:
            if fmt.name == wanted:
                return fmt
        names = ", ".join(f.name for f in known)
        raise DataError(
            [DataIssue(source.name, "", None, f"nieznany format {fragment(wanted)} (znane: {names})")]
        )
    if source.suffix in YAML_SUFFIXES:
        return None
    by_suffix = [f for f in known if source.suffix in f.suffixes]
    for fmt in by_suffix + [f for f in known if f not in by_suffix]:
        if fmt.recognise(source):
            return fmt
    if by_suffix:
        # A broken file says more than "unknown": a bad byte with its line, a JSON syntax error.
        if not all(f.binary for f in by_suffix):
            _ = source.text
        if source.looks_like_json():
            source.json()
        titles = ", ".join(f.title for f in by_suffix)
        raise DataError(
            [
                DataIssue(
                    source.name, "", None, f"nie rozpoznano formatu pliku {source.suffix} (znane: {titles})"
                )
            ]
        )
    return None


def detect_programme(source: Source, wanted: str | None = None) -> Format:
    """The programme format of `source`; `DataError` for a YAML file or one no format recognises."""
    fmt = detect(source, wanted)
    if fmt is None:
        titles = ", ".join(f.title for f in formats())
        raise DataError(
            [DataIssue(source.name, "", None, f"nie rozpoznano formatu programu (znane: {titles})")]
        )
    return fmt


def read_source(source: Source, wanted: str | None = None) -> Programme:
    """Read a programme file into a document; `DataError` if it is no programme or a broken one."""
    return _read(detect_programme(source, wanted), source)


def _read(fmt: Format, source: Source) -> Programme:
    try:
        programme = fmt.read(source)
    except DataError:
        raise
    except Exception:  # a shape no reader foresaw: refused plainly, and logged as the bug it is
        _log.exception("%s: reading it as %s failed", source.name, fmt.name)
        message = f"nie udało się odczytać pliku jako {fmt.title}: nieoczekiwana budowa pliku"
        raise DataError([DataIssue(source.name, "", None, message)]) from None
    programme.format = fmt.name
    return programme


def read_programme(
    data: bytes | str, name: str, *, timezone: str | None = None, format: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """A programme file's bytes (and its name) → (document, warnings); `DataError` if it is broken."""
    programme = read_source(Source(data, name, timezone), format)
    return programme.document, programme.warnings


def format_title(name: str) -> str:
    return next((f.title for f in formats() if f.name == name), name)


class ProgrammeDocument(Document):
    """A programme read from another format, seen as the YAML reader's `Document` for validation."""

    def __init__(self, file: str, programme: Programme) -> None:  # no YAML to parse: no super().__init__
        self.file = file
        self.data = programme.document
        self.lines: dict[PathKey, int] = dict(programme.lines)
        self.issues: list[DataIssue] = []
        self.programme = programme


def file_bytes(path: str | Path, max_bytes: int, replaced: Mapping[Path, bytes] | None = None) -> bytes:
    """The file's bytes within `max_bytes`, or the bytes `replaced` puts in its place.

    `replaced`: an upload being checked before it replaces a file (handlers/uploads.py); its
    caller has already held it to the same limit.
    """
    body = replaced.get(Path(path)) if replaced else None
    return body if body is not None else read_bytes(path, max_bytes)


def load_document(
    path: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    timezone: str | None = None,
    fetched: Mapping[str, bytes] | None = None,
    replaced: Mapping[Path, bytes] | None = None,
) -> Document:
    """A data file read within `max_bytes`: YAML as it is, a programme export as its document.

    `replaced`: local files (the data file itself, or its programme source) read from these bytes.
    """
    file = str(path)
    source = Source(b"", file, timezone)
    if any(source.suffix in f.suffixes for f in formats() if f.binary):
        source = Source(file_bytes(path, max_bytes, replaced), file, timezone)
        return ProgrammeDocument(file, read_source(source))
    return parse_document(
        decode(file_bytes(path, max_bytes, replaced), file),
        file,
        timezone=timezone,
        base=Path(path).parent,
        max_bytes=max_bytes,
        fetched=fetched,
        replaced=replaced,
    )


def parse_document(
    text: str,
    file: str = "<dane>",
    *,
    timezone: str | None = None,
    base: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetched: Mapping[str, bytes] | None = None,
    replaced: Mapping[Path, bytes] | None = None,
) -> Document:
    """YAML text (with its `programme` read in), or a programme export's document.

    `fetched`: programme sources at a URL already downloaded (the live programme's poll), by URL;
    one not there is fetched now. `replaced`: local sources read from these bytes (`file_bytes`).
    """
    source = Source(text, file, timezone)
    fmt = detect(source)
    if fmt is not None:
        return ProgrammeDocument(file, _read(fmt, source))
    doc = Document(file, text)
    if isinstance(doc.data, dict) and isinstance(doc.data.get("programme"), dict):
        from bot.formats.merging import merge_programme

        merge_programme(doc, base if base is not None else Path(file).parent, max_bytes, fetched, replaced)
    return doc


def load_spec(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> schema.DataFile:
    """The validated data file (a YAML file, a programme export, or a YAML with `programme`)."""
    from bot.loading import conference_from  # the builder's checks too, not only the schema's

    doc = load_document(path, max_bytes)
    conference_from(doc)
    return schema.DataFile.model_validate(doc.data)
