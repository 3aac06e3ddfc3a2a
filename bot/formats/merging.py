"""A YAML data file with `programme: {source: …}`: its programme (days, speakers, rooms, kinds, tracks)
read from a frab/pretalx/… export, everything else (event, venue, FAQ, contact…) from the YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.document import DataError, DataIssue, Document, PathKey, format_path
from bot.fetch import FetchError, fetch_now, is_url
from bot.formats.programme import Programme

_LISTS = ("kinds", "tracks", "speakers")  # the source's entries join the YAML's (the YAML's win by id)


def merge_programme(
    doc: Document,
    base: Path,
    max_bytes: int,
    fetched: Mapping[str, bytes] | None = None,
    replaced: Mapping[Path, bytes] | None = None,
) -> None:
    """Read `programme.source` (relative to `base`, or at a URL) into `doc.data`; problems go to
    `doc.issues`. A URL's body comes from `fetched` (the live programme's poll) or is fetched now;
    a local file's from `replaced` when it is there (an upload being checked)."""
    from bot.formats import Source, file_bytes, read_source  # the package imports this module lazily

    data: dict[str, Any] = doc.data
    entry = data["programme"]
    source_text = entry.get("source")
    if not isinstance(source_text, str) or not source_text.strip():
        return  # the schema says what is missing
    wanted = entry.get("format") if isinstance(entry.get("format"), str) else None
    try:
        if is_url(source_text):
            body = (fetched or {}).get(source_text)
            if body is None:
                body = fetch_now(source_text, max_bytes).body or b""
            source = Source(body, source_text, source_timezone(doc))
        elif "://" in source_text:
            _issue(
                doc, ("programme", "source"), "adres programu musi zaczynać się od https:// (albo http://)"
            )
            return
        else:
            path = local_source(base, source_text)
            source = Source(file_bytes(path, max_bytes, replaced), str(path), source_timezone(doc))
        programme = read_source(source, wanted)
    except FetchError as exc:
        _issue(doc, ("programme", "source"), f"nie można pobrać programu: {exc}")
        return
    except DataError as exc:
        doc.issues.extend(exc.issues)
        return
    apply_programme(doc, programme)


def local_source(base: Path, source: str) -> Path:
    """Where a local `programme.source` is: relative to the YAML's directory (`base`)."""
    return base / source


def programme_entry(path: str | Path, max_bytes: int) -> dict[str, Any] | None:
    """A YAML data file's `programme` section as written (None: not a YAML file, unreadable, none)."""
    from bot.document import read_text

    if Path(path).suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        data = Document(str(path), read_text(path, max_bytes)).data
    except DataError:
        return None
    entry = data.get("programme") if isinstance(data, dict) else None
    return entry if isinstance(entry, dict) else None


def programme_url(path: str | Path, max_bytes: int) -> tuple[str, float | None] | None:
    """The URL a YAML data file takes its programme from, and how often to poll it (minutes)."""
    entry = programme_entry(path, max_bytes)
    if entry is None:
        return None
    source = entry.get("source")
    if not isinstance(source, str) or not is_url(source):
        return None
    minutes = entry.get("poll_minutes")
    try:
        return source, float(minutes) if minutes is not None else None
    except ValueError:
        return source, None


def source_timezone(doc: Document) -> str | None:
    """The zone a source is read in: the YAML's `event.timezone` (None if it names no real zone)."""
    event = doc.data.get("event") if isinstance(doc.data, dict) else None
    timezone = event.get("timezone") if isinstance(event, dict) else None
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None  # the event's own check names it
    return str(timezone)


def apply_programme(doc: Document, programme: Programme) -> None:
    """Put a read source's days, speakers, kinds, tracks and rooms into the YAML's `doc.data`.

    Also for a source fetched from a URL: read it with `read_source(Source(body, url, source_timezone(doc)))`.
    """
    data: dict[str, Any] = doc.data
    if data.get("days"):
        _issue(doc, ("days",), "program jest w programme.source — usuń stąd days (albo programme)")
        return
    source: dict[str, Any] = programme.document
    data["days"] = source["days"]
    for key in _LISTS:
        data[key] = _joined(data.get(key), source.get(key))
    rooms = (source.get("venue") or {}).get("rooms")
    if rooms:
        venue = data.get("venue")
        if isinstance(venue, dict):
            venue["rooms"] = _joined(venue.get("rooms"), rooms)
        elif venue is None:
            data["venue"] = source["venue"]
    starts = source["event"].get("day_starts_at")
    if starts is not None and isinstance(data.get("event"), dict):
        mine = data["event"].get("day_starts_at")
        if mine is None:
            data["event"]["day_starts_at"] = starts
        elif mine != starts:
            _issue(
                doc,
                ("event", "day_starts_at"),
                f"program źródła przypisuje sesje po północy do dni według granicy {starts} — usuń "
                f"day_starts_at stąd albo ustaw {starts}",
            )
    doc.programme = programme  # type: ignore[attr-defined]  # its warnings, for whoever reports them


def _issue(doc: Document, path: PathKey, message: str) -> None:
    doc.issues.append(DataIssue(doc.file, format_path(path), doc.line_of(path), message))


def _joined(own: Any, theirs: Any) -> list[Any]:
    """The YAML's entries, then the source's whose id the YAML does not have."""
    mine = list(own) if isinstance(own, list) else []
    ids = {item.get("id") for item in mine if isinstance(item, dict)}
    return mine + [item for item in theirs or [] if item.get("id") not in ids]
