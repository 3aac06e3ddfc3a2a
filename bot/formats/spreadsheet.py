"""Programmes kept in a spreadsheet: CSV (a Google Sheets or Excel download) and XLSX (openpyxl).

One session a row, under a header row with the columns named in Polish — `data, początek, koniec,
tytuł, sala, rodzaj, opis, prowadzący`, optionally `id, ścieżka, język, link, dzień` and a few more —
or in English (date, start, end, title, room, type…), in any order and any case, with or without
diacritics. docs/spreadsheet.md lists every name and how each cell is read.
"""

from __future__ import annotations

import csv
import io
import re
import warnings as python_warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.document import DataError, fragment, number
from bot.formats import Format, Source
from bot.formats._cells import (
    FORMULA_ESCAPE,
    HEADER,
    MANY,
    REQUIRED,
    blank,
    clock,
    column_of,
    date_of,
    day_of,
    duration_of,
    letter,
    names,
    plain,
    shown,
)
from bot.formats._common import (
    Draft,
    Kinds,
    Warnings,
    finish,
    language_code,
    mark_provisional,
    name_from_file,
)
from bot.formats.programme import ID_PATTERN, Item, Programme, ProgrammeBuilder, join_texts, plain_text, slug

MAX_ROWS = 10_000  # data rows (a 2,000-session programme has 2,000)
MAX_COLUMNS = 100  # columns read (the template uses 14)
MAX_EMPTY_RUN = 500  # empty rows after which a sheet is taken to have ended
MAX_UNZIPPED = 100_000_000  # bytes an XLSX may unpack to (a 5 MB sheet is ~50 MB of XML)
HEADER_SEARCH = 10  # rows at the top where the header may be
NIGHT = time(6)  # a row left without a date under an evening's rows, before this, is that night


def _recognise_csv(source: Source) -> bool:
    """A .csv is read as one (its reader names what is wrong); another file when its first line has
    at least two of our column names."""
    if source.suffix in (".csv", ".tsv"):
        return True
    if source.head[:1] in (b"{", b"[", b"<"):
        return False
    first = source.head.split(b"\n", 1)[0].decode("utf-8", "replace")
    return sum(column_of(cell.strip().strip('"')) is not None for cell in re.split(r"[,;\t]", first)) >= 2


def _recognise_xlsx(source: Source) -> bool:
    return source.data[:4] == b"PK\x03\x04" and source.suffix in (".xlsx", ".xlsm", "")


def read_csv(source: Source) -> Programme:
    builder = ProgrammeBuilder(source.name, source.timezone)
    if source.data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise builder.error(
            "",
            1,
            "plik jest w UTF-16 (Excel: „Tekst Unicode”) — zapisz go jako CSV UTF-8 "
            "(rozdzielany przecinkami)",
        )
    text = source.text
    return _Reader(source, builder).read([_Sheet("", _csv_rows(text, builder), csv=True)])


def read_xlsx(source: Source) -> Programme:
    builder = ProgrammeBuilder(source.name, source.timezone)
    workbook = _open_workbook(source.data, builder)
    try:
        sheets = [
            _Sheet(sheet.title, _xlsx_rows(sheet, builder), hidden=sheet.sheet_state != "visible")
            for sheet in workbook.worksheets
            if hasattr(sheet, "iter_rows")
        ]
        return _Reader(source, builder).read(sheets, many=len(sheets) > 1)
    finally:
        workbook.close()


# --- reading the cells ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    number: int  # as a spreadsheet shows it: the first row is 1
    line: int | None  # a CSV's line where the row starts
    cells: list[Any]


@dataclass(slots=True)
class _Sheet:
    title: str
    rows: Iterator[_Row]
    csv: bool = False
    hidden: bool = False


def _csv_rows(text: str, builder: ProgrammeBuilder) -> Iterator[_Row]:
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    row_number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = f"nie można odczytać CSV: {fragment(str(exc), 80)}"
            if "field larger" in str(exc):
                problem = f"komórka dłuższa niż {number(csv.field_size_limit())} znaków"
            elif "NUL" in str(exc):
                problem = "znak NUL w pliku — to nie wygląda na plik CSV"
            raise builder.error("", reader.line_num, problem) from None
        row_number += 1
        yield _Row(row_number, line, cells)
        line = reader.line_num + 1


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in Polish) or tab: the one that makes the most header names known."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH])
    best, score = ",", (-1, 0)
    for candidate in (",", ";", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(head, newline=""), delimiter=candidate))
        except csv.Error:
            continue
        known = max((sum(column_of(c) is not None for c in row) for row in rows), default=0)
        width = max((len(row) for row in rows), default=0)
        if (known, width) > score:
            best, score = candidate, (known, width)
    return best


def _open_workbook(data: bytes, builder: ProgrammeBuilder) -> Any:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise builder.error("", None, "to nie jest plik XLSX (uszkodzone albo inne archiwum ZIP)") from None
    if unpacked > MAX_UNZIPPED:
        raise builder.error(
            "",
            None,
            f"plik XLSX po rozpakowaniu miałby {number(unpacked // 1_000_000)} MB "
            "— to nie wygląda na program",
        )
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; nothing we read
        try:
            # Formulas are never evaluated: data_only gives the value the spreadsheet saved with each.
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises whatever a damaged part makes it meet
            raise builder.error(
                "", None, f"nie można odczytać pliku XLSX: {fragment(str(exc) or type(exc).__name__, 80)}"
            ) from None


def _xlsx_rows(sheet: Any, builder: ProgrammeBuilder) -> Iterator[_Row]:
    """The sheet's rows that have something in them, read at once (openpyxl reads the XML as it goes,
    and a damaged sheet fails there), up to where it is taken to have ended."""
    rows: list[_Row] = []
    empty = 0
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("ignore")  # openpyxl warns about parts it drops; nothing we read
        try:
            sheet.reset_dimensions()  # a template may claim a million rows; read only those there are
            for number_, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                cells = list(values)
                if all(blank(c) for c in cells):
                    empty += 1
                    if empty >= MAX_EMPTY_RUN:
                        break
                    continue
                empty = 0
                rows.append(_Row(number_, None, cells))
                if len(rows) > MAX_ROWS + HEADER_SEARCH:  # the reader says there are too many
                    break
        except Exception as exc:  # openpyxl raises whatever a damaged sheet makes it meet
            problem = f"nie można odczytać arkusza: {fragment(str(exc) or type(exc).__name__, 80)}"
            raise builder.error(f"arkusz {fragment(sheet.title)}", None, problem) from None
    return iter(rows)


# --- the rows -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Layout:
    """Which column holds what, found in the header row."""

    row: int
    columns: dict[str, list[int]] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)  # index → header as written
    title: str | None = None  # the event's name from a title row above the header

    def first(self, column: str) -> int | None:
        found = self.columns.get(column)
        return found[0] if found else None


class _Reader:
    def __init__(self, source: Source, builder: ProgrammeBuilder) -> None:
        self.source = source
        self.builder = builder
        self.warnings = Warnings()
        self.kinds = Kinds(builder, self.warnings)
        self.rows_read = 0
        self.ids: dict[str, str] = {}  # an id given in the file → where first
        self.day_numbers: dict[int, list[tuple[date, Draft]]] = {}

    def read(self, sheets: list[_Sheet], many: bool = False) -> Programme:
        builder = self.builder
        drafts: list[Draft] = []
        event_name: str | None = None
        found = 0
        for sheet in sheets:
            prefix = f"arkusz {fragment(sheet.title)}, " if many else ""
            rows = self.sheet_rows(sheet, prefix)
            if rows is None:
                continue
            layout, data_rows = rows
            found += 1
            event_name = event_name or layout.title
            drafts += self.sheet(layout, data_rows, prefix, sheet.csv)
        if not found:
            raise builder.error(
                "",
                1,
                "nie znaleziono wiersza nagłówka z kolumnami tytuł, data i początek "
                "(albo title, date, start) — zob. docs/spreadsheet.md",
            )
        self.number_days()
        if not drafts and not builder.issues:
            raise builder.error("", None, "w arkuszu nie ma żadnej sesji (wiersza z tytułem i godziną)")
        name = event_name or name_from_file(self.source.name)
        builder.event.update({"id": slug(name) or "wydarzenie", "name": name})
        if event_name is None:
            builder.warn(f"plik nie podaje nazwy wydarzenia — przyjęto {fragment(name)}; popraw event.name")
        if builder.issues:  # every bad cell, listed together
            raise DataError(builder.issues)
        guessed = finish(drafts, builder, self.warnings)
        self.warnings.flush(builder)
        programme = builder.build()
        return mark_provisional(self.kinds.add_to(programme), guessed)

    def sheet_rows(self, sheet: _Sheet, prefix: str) -> tuple[_Layout, Iterator[_Row]] | None:
        """The sheet's header and the rows after it; None (with a warning) for a sheet without one."""
        above: list[_Row] = []
        for row in sheet.rows:
            layout = self.layout(row, above[-1] if above else None)
            if layout is not None:
                layout.title = _title(above)
                return layout, sheet.rows
            above.append(row)
            if len(above) >= HEADER_SEARCH:
                break
        if not sheet.hidden and sheet.title:
            self.warnings.add(
                f"no-header:{sheet.title}",
                f"{prefix.rstrip(', ')}: nie ma wiersza nagłówka — arkusz pominięty",
            )
        return None

    def layout(self, row: _Row, above: _Row | None) -> _Layout | None:
        layout = _Layout(row.number)
        unknown: list[tuple[int, str]] = []
        group: str | None = None  # a heading over several columns in the row above ("Vortragende")
        for index, cell in enumerate(row.cells):
            over = above.cells[index] if above is not None and index < len(above.cells) else None
            if not blank(over):
                group = column_of(over)
            if blank(cell):
                continue
            column = column_of(str(cell))
            if (
                column is None
                and group in MANY
                and (isinstance(cell, int | float) or str(cell).strip().isdigit())
            ):
                column = group  # the template's speaker columns 1…5 under "Vortragende"
            header = " ".join(str(cell).split())
            layout.headers[index] = header
            if column is None:
                unknown.append((index, header))
            elif column in layout.columns and column not in MANY:
                self.warnings.add(
                    f"twice:{column}",
                    f"wiersz {row.number}: kolumna {fragment(header)} ({letter(index)}) powtarza "
                    f"{fragment(layout.headers[layout.columns[column][0]])} — wzięto pierwszą",
                )
            else:
                layout.columns.setdefault(column, []).append(index)
        if "title" not in layout.columns or len(layout.columns) < 3:
            return None
        missing = [
            c for c in REQUIRED if c not in layout.columns and not (c == "date" and "day" in layout.columns)
        ]
        if missing:
            names = ", ".join(HEADER[c] for c in missing)
            raise self.builder.error(
                f"wiersz {row.number}", row.line, f"brak kolumn: {names} (nagłówki: docs/spreadsheet.md)"
            )
        for index, header in unknown:  # one warning each, naming it
            self.warnings.add(
                f"unknown:{header}",
                f"wiersz {row.number}, kolumna {letter(index)}: nieznana kolumna {fragment(header)} "
                "— pominięta",
            )
        return layout

    def sheet(self, layout: _Layout, rows: Iterator[_Row], prefix: str, is_csv: bool) -> list[Draft]:
        drafts: list[Draft] = []
        carried: dict[str, Any] = {}  # the date and day a merged or left-blank cell repeats
        unnamed: set[str] = set()
        for row in rows:
            if all(blank(c) for c in row.cells):
                continue
            self.rows_read += 1
            if self.rows_read > MAX_ROWS:
                raise self.builder.error(
                    "",
                    row.line,
                    f"za dużo wierszy: ponad {number(MAX_ROWS)} — to nie wygląda na program wydarzenia",
                )
            for index, cell in enumerate(row.cells):
                if index not in layout.headers and not blank(cell):
                    unnamed.add(letter(index))
            draft = _RowReader(self, layout, row, prefix, is_csv, carried).draft()
            if draft is not None:
                drafts.append(draft)
        if unnamed:
            self.warnings.add(
                f"unnamed:{prefix}",
                f"{prefix}kolumny bez nagłówka pominięte: {', '.join(sorted(unnamed, key=len))}",
            )
        return drafts

    def number_days(self) -> None:
        """Days given as numbers (1, 2, 3…) are dates: day N is the first date its rows have."""
        for entries in self.day_numbers.values():
            first = min(d for d, _ in entries)
            for _, draft in entries:
                draft.item.listed = first
                self.checkday_of(draft)

    def checkday_of(self, draft: Draft) -> None:
        item = draft.item
        calendar = item.start.date()
        if item.listed is not None and item.listed not in (calendar, calendar - timedelta(days=1)):
            self.builder.problem(
                item.where,
                item.line,
                f"dzień programu {item.listed.isoformat()} nie pasuje do daty {calendar.isoformat()} "
                "(dzień to ta sama data albo dzień wcześniej, dla sesji po północy)",
            )


class _RowReader:
    """One data row turned into a draft session, or problems with their cells."""

    def __init__(
        self, reader: _Reader, layout: _Layout, row: _Row, prefix: str, is_csv: bool, carried: dict[str, Any]
    ) -> None:
        self.reader = reader
        self.builder = reader.builder
        self.layout = layout
        self.row = row
        self.prefix = prefix
        self.is_csv = is_csv
        self.carried = carried

    def where(self, column: str | None = None, index: int | None = None) -> str:
        place = f"{self.prefix}wiersz {self.row.number}"
        if index is None and column is not None:
            index = self.layout.first(column)
        if index is not None:
            place += f", kolumna {letter(index)} ({self.layout.headers.get(index, '')})"
        return place

    def cell(self, index: int | None) -> Any:
        if index is None or index >= len(self.row.cells):
            return None
        value = self.row.cells[index]
        if isinstance(value, str):
            value = value.strip()
            if self.is_csv:
                value = FORMULA_ESCAPE.sub("", value)
            return value or None
        return value

    def value(self, column: str) -> Any:
        return self.cell(self.layout.first(column))

    def text(self, column: str, *, single: bool = True) -> str | None:
        value = self.value(column)
        if value is None:
            return None
        text = plain_text(value if isinstance(value, str) else plain(value), markup=not single)
        return " ".join(text.split()) if text and single else text

    def problem(self, column: str, message: str) -> None:
        self.builder.problem(self.where(column), self.row.line, message)

    def draft(self) -> Draft | None:
        title = self.text("title")
        start_value = self.value("start")
        date_value, day_value = self.value("date"), self.value("day")
        if date_value is not None:
            self.carried.update(date=date_value, day=day_value)
        elif day_value is not None:
            self.carried["day"] = day_value
        if title is None and start_value is None:
            return None  # a heading or a note between sessions
        if date_value is None:  # a merged or blank date cell repeats the row above, and its day
            date_value = self.carried.get("date")
            day_value = day_value if day_value is not None else self.carried.get("day")
        if title is None:
            self.problem("title", "brak tytułu")
            return None
        if start_value is None:
            self.problem("start", "brak godziny początku")
            return None
        start_time, start_date = clock(start_value)
        if start_time is None:
            self.problem(
                "start", f"godzina musi mieć postać GG:MM, np. 9:30 albo 22.10: {shown(start_value)}"
            )
            return None
        day_number: int | None = None
        listed: date | None = None
        if day_value is not None:
            day_number, listed = day_of(day_value)
            if day_number is None and listed is None:
                self.problem("day", f"dzień to numer dnia (1, 2…) albo data: {shown(day_value)}")
                return None
        written = self.value("date") is not None
        when = date_of(date_value) if date_value is not None else start_date or listed
        if written and self.carried.get("evening") != when:
            self.carried.pop("evening", None)
        if not written and when is not None and self.carried.get("evening") == when and start_time < NIGHT:
            # The date left blank under an evening's rows, and a time after midnight: that night.
            listed = listed or when
            when += timedelta(days=1)
        elif when is not None and start_time >= time(12):
            self.carried["evening"] = when
        if when is None:
            if date_value is None:
                self.problem("date", "brak daty")
            else:
                self.problem("date", f"data musi mieć postać 2024-08-02 albo 02.08.2024: {shown(date_value)}")
            return None
        start = datetime.combine(when, start_time)
        readable, end = self.end(start)
        if not readable:
            return None
        item = Item(
            key="",
            title=title,
            start=start,
            end=start,
            listed=listed,
            where=self.where(),
            line=self.row.line,
            room=self.builder.room(self.text("room")),
            description=join_texts(
                self.text("subtitle"),
                self.text("abstract", single=False),
                self.text("description", single=False),
            ),
            language=language_code(self.text("language")),
            url=self.text("url"),
        )
        item.kind = self.reader.kinds.resolve(self.text("kind"), self.where("kind"))
        item.key, item.fixed_id = self.ident(title, start)
        for index in self.layout.columns.get("track", []):
            for name in names(self.cell(index), people=False):
                if track := self.builder.track(name):
                    item.tracks.append(track)
        item.speakers = self.speakers()
        draft = Draft(item, end)
        if day_number is not None:
            self.reader.day_numbers.setdefault(day_number, []).append((when, draft))
        else:
            self.reader.checkday_of(draft)
        return draft

    def end(self, start: datetime) -> tuple[bool, datetime | None]:
        """Whether the end cells can be read, and the end after `start` (an end not after it is the
        next day; None when not given)."""
        end_value = self.value("end")
        if end_value is not None:
            end_time, end_date = clock(end_value)
            if end_time is None:
                self.problem(
                    "end", f"godzina musi mieć postać GG:MM, np. 9:30 albo 22.10: {shown(end_value)}"
                )
                return False, None
            end = datetime.combine(end_date or start.date(), end_time)
            return True, end if end > start else end + timedelta(days=1)
        duration_value = self.value("duration")
        if duration_value is not None:
            duration = duration_of(duration_value)
            if duration is None or duration <= timedelta(0):
                message = f"czas trwania to GG:MM albo minuty, np. 1:30 albo 90: {shown(duration_value)}"
                self.problem("duration", message)
                return False, None
            return True, start + duration
        return True, None

    def ident(self, title: str, start: datetime) -> tuple[str, bool]:
        """The session's id: the id column's (kept as it is when it is one), else made from the title."""
        given = self.text("id")
        if given is None:
            return title, False
        first = self.reader.ids.setdefault(given, self.where("id"))
        if first != self.where("id"):
            self.reader.warnings.add(
                f"id-twice:{given}",
                f"{self.where('id')}: identyfikator {fragment(given)} już jest w: {first} "
                "— dodano przyrostek",
            )
        return given, bool(ID_PATTERN.match(given)) and len(given) <= 60

    def speakers(self) -> list[str]:
        indexes = self.layout.columns.get("speakers", [])
        people: list[str] = []
        for index in indexes:
            value = self.cell(index)
            if value is None:
                continue
            if len(indexes) > 1:  # one person a column: "Name, affiliation"
                name, _, affiliation = plain(value).partition(",")
                found = self.builder.speaker(None, name, affiliation=affiliation.strip() or None)
                if found:
                    people.append(found)
                continue
            for name in names(value, people=True):
                if found := self.builder.speaker(None, name):
                    people.append(found)
        return people


def _title(rows: list[_Row]) -> str | None:
    """The event's name from a title row above the header: its first text, unless a placeholder."""
    for row in rows:
        texts = [c for c in row.cells if isinstance(c, str) and c.strip()]
        if texts:
            text = " ".join(texts[0].split())
            if column_of(text) is None and not (text.startswith("<") and text.endswith(">")):
                return plain_text(text, markup=False)
    return None


FORMATS = (
    Format(
        "csv",
        "arkusz CSV (nagłówek: data, początek, koniec, tytuł…)",
        (".csv", ".tsv"),
        _recognise_csv,
        read_csv,
    ),
    Format("xlsx", "arkusz Excel XLSX", (".xlsx", ".xlsm"), _recognise_xlsx, read_xlsx, binary=True),
)
