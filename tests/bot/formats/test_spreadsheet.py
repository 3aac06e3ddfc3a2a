"""CSV and XLSX programmes: the real ones keep every session, speaker and room; the Polish header,
its English names, cells as Excel and Google Sheets write them, and broken sheets."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from datetime import date, datetime, time
from typing import Any

import openpyxl
import pytest

from bot.document import DataError
from bot.formats import Source, detect, read_programme
from bot.formats import spreadsheet as spreadsheet_module
from tests.bot.formats.helpers import fixture_path, problems, sessions, validate

# Excel in Polish: semicolons and a BOM; the header in any order and case, diacritics or not.
POLISH = "\n".join(
    [
        "\ufefftytuł;Data;POCZĄTEK;koniec;sala;rodzaj;opis;prowadzący;ścieżka;język;link;Uwagi wewnętrzne",
        "Otwarcie festiwalu;02.08.2024;18.00;18.30;Scena Główna;sesja plenarna;Powitanie gości.;"
        "Anna Żółkiewska i Jan Kowalski;;pl;https://example.org/otwarcie;nie pokazywać",
        'Koncert „Źdźbło”;2024-08-02;22:10;01:20;Scena Główna;koncert;"<p>Wieczór <b>folkowy</b></p>";'
        "Zespół Źdźbło;Muzyka;;;",
        'Kino nocne;;01:30;03:00;Namiot Kino;Pokaz mody;;"Ewa Nowak, Piotr Zając; Olga Ślęzak";Film|Nocą;;;',
        "Kawa;03.08.2024;10:00;10:15;;przerwa;;;;;;",
        "Warsztaty z gęślą;03.08.2024;10.15;;Namiot Kino;Warsztaty;;Łucja Gęślicka;;PL;;",
        "",
    ]
)


def _csv(text: str, **options: Any) -> tuple[dict[str, Any], list[str]]:
    return read_programme(text.encode(), "program.csv", timezone="Europe/Warsaw", **options)


def test_the_polish_header_any_order_case_and_cells_as_people_write_them() -> None:
    document, warnings = _csv(POLISH)
    validate(document)
    found = {s["title"]: s for s in sessions(document)}
    assert list(found) == [
        "Otwarcie festiwalu",
        "Koncert „Źdźbło”",
        "Kino nocne",
        "Kawa",
        "Warsztaty z gęślą",
    ]
    opening, concert, cinema = (found[t] for t in ("Otwarcie festiwalu", "Koncert „Źdźbło”", "Kino nocne"))
    assert (opening["start"], opening["end"], opening["kind"]) == ("18:00", "18:30", "plenary")
    assert opening["speakers"] == ["anna-zolkiewska", "jan-kowalski"]  # "i" separates people
    assert opening["language"] == "pl" and opening["url"] == "https://example.org/otwarcie"
    assert (concert["start"], concert["end"]) == ("22:10", "01:20")  # an end before the start: the next day
    assert concert["kind"] == "koncert" and concert["description"] == "Wieczór folkowy"
    # Left blank, the date repeats the row above; 01:30 after the concert stays with its evening.
    assert document["days"][0]["date"] == "2024-08-02" and cinema in document["days"][0]["sessions"]
    assert document["event"]["day_starts_at"] <= "10:00"
    assert cinema["speakers"] == ["ewa-nowak-piotr-zajac", "olga-slezak"]  # a ";" makes "," part of a name
    assert [t["name"] for t in document["tracks"]] == ["Muzyka", "Film", "Nocą"]
    [fashion] = [k for k in document["kinds"] if k["id"] == "pokaz-mody"]
    assert (fashion["name"], fashion["plural"]) == ("pokaz mody", "pokazy mody")  # morfeusz2's plural
    assert found["Kawa"]["kind"] == "break" and "room" not in found["Kawa"]
    workshop = found["Warsztaty z gęślą"]
    assert workshop["kind"] == "workshop" and workshop["language"] == "pl"
    assert workshop["provisional"] is True and workshop["end"] == "11:15"  # no end: guessed, provisional
    assert [r["name"] for r in document["venue"]["rooms"]] == ["Scena Główna", "Namiot Kino"]
    [unknown] = [w for w in warnings if "nieznana kolumna" in w]  # one warning naming the column
    assert unknown == "wiersz 1, kolumna L: nieznana kolumna 'Uwagi wewnętrzne' — pominięta"
    assert all("nie pokazywać" not in str(s) for s in sessions(document))


def test_english_headers_of_a_google_sheets_download() -> None:
    text = (
        "Date,Start Time,End Time,Title,Room,Type,Description,Speakers,Track\r\n"
        "2024-10-27,02:30,03:30,Night session on the DST day,Hall A,Talk,,Jan Nowak,AI\r\n"
        '2024-10-27,9:30 AM,10:15 AM,"Morning, with a comma",Hall A,Keynote,"Line one\nline two",'
        '"Anna Smith, Bob Brown",AI\r\n'
    )
    document, warnings = read_programme(text.encode(), "Programme - Sheet1.csv", timezone="Europe/Warsaw")
    validate(document)
    night, morning = sessions(document)
    assert (night["start"], night["end"]) == (
        "02:30",
        "03:30",
    )  # wall-clock times on the night clocks go back
    assert (morning["start"], morning["end"]) == ("09:30", "10:15")
    assert morning["kind"] == "plenary" and morning["description"] == "Line one\nline two"
    assert morning["speakers"] == ["anna-smith", "bob-brown"]
    assert not any("nieznana kolumna" in w for w in warnings)


def test_the_gpn_voctosched_csv_keeps_every_session_speaker_and_room() -> None:
    name = "csv-gpn11.csv"
    data = fixture_path(name).read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    assert detect(Source(data, "gpn")).name == "csv"  # type: ignore[union-attr]
    document, warnings = read_programme(data, name, timezone="Europe/Berlin")
    validate(document)
    found = sessions(document)
    assert sorted(s["title"] for s in found) == sorted(r["Title"] for r in rows) and len(found) == 29
    assert {r["name"] for r in document["venue"]["rooms"]} == {r["Room"] for r in rows}
    people = {p.split(":", 1)[1].strip() for r in rows for p in r["Speakers"].split("|")}
    assert {p["name"] for p in document["speakers"]} == people
    by_id = {s["id"]: s for s in found}
    for row in rows:  # the end is Start + Duration; Day 3 at 00:00 on the 26th is the 25th's night
        session = by_id[row["ID"]]
        hours, minutes = map(int, row["Duration"].split(":"))
        start = datetime.combine(date.fromisoformat(row["Date"]), time.fromisoformat(row["Start"]))
        end = start.replace() + __import__("datetime").timedelta(hours=hours, minutes=minutes)
        assert (session["start"], session["end"]) == (f"{start:%H:%M}", f"{end:%H:%M}")
    night = by_id["27"]
    [listed] = [d["date"] for d in document["days"] if night in d["sessions"]]
    assert listed == "2011-06-25"
    assert [w for w in warnings if "nieznana" in w] == [
        "wiersz 1, kolumna L: nieznana kolumna 'File URL' — pominięta"
    ]


def test_the_munich_c3voc_xlsx_keeps_every_session_speaker_and_room() -> None:
    name = "xlsx-muenchen-opengov-2016.xlsx"
    data = fixture_path(name).read_bytes()
    assert detect(Source(data, name)).name == "xlsx"  # type: ignore[union-attr]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: "Unknown extension is not supported"
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        sheet.reset_dimensions()
        rows = [r for r in sheet.iter_rows(min_row=3, max_col=14, values_only=True) if r[4]]
    document, notes = read_programme(data, name, timezone="Europe/Berlin")
    validate(document)
    found = sessions(document)
    assert sorted(s["title"] for s in found) == sorted(r[4] for r in rows) and len(found) == 13
    assert {r["name"] for r in document["venue"]["rooms"]} == {r[0] for r in rows}
    people = {str(c).split(",")[0].strip() for r in rows for c in r[9:14] if c}
    assert {p["name"] for p in document["speakers"]} == people
    assert all(s["provisional"] for s in found)  # the template has no ends: all guessed
    first = next(s for s in found if s["id"] == "1001")
    assert (first["start"], first["end"]) == ("09:00", "09:20")  # float noise in Excel times rounded
    assert first["description"].startswith("Impulse für eine moderne Kommune\n\nBegrüßung")  # subtitle first
    reiter = next(p for p in document["speakers"] if p["name"] == "Dieter Reiter")
    assert reiter["affiliation"] == "Oberbürgermeister von München"  # "Name, affiliation" a column
    assert any("kolumny bez nagłówka pominięte: C" in w for w in notes)


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_with_a_sheet_a_day_excel_dates_times_and_a_title_row() -> None:
    header = ["Tytuł", "Data", "Początek", "Koniec", "Sala", "Prowadzący"]
    data = _xlsx(
        {
            "Piątek": [
                ["Festiwal Dźwięki Doliny 2024"],
                [],
                header,
                ["Koncert otwarcia", datetime(2024, 8, 2), time(20, 0), time(21, 30), "Scena", "Zespół A"],
                ["Jam session", date(2024, 8, 2), 0.9375, 0.0625, "Scena", None],  # 22:30–01:30
            ],
            "Notatki": [["tu nic nie ma"]],
            "Sobota": [header, ["Śniadanie", "03.08.2024", "9:00", "10:00", None, None]],
        }
    )
    document, warnings = read_programme(data, "festiwal.xlsx", timezone="Europe/Warsaw")
    validate(document)
    assert document["event"]["name"] == "Festiwal Dźwięki Doliny 2024"
    assert [(s["title"], s["start"], s["end"]) for s in sessions(document)] == [
        ("Koncert otwarcia", "20:00", "21:30"),
        ("Jam session", "22:30", "01:30"),
        ("Śniadanie", "09:00", "10:00"),
    ]
    assert any("'Notatki': nie ma wiersza nagłówka" in w for w in warnings)


def _handmade_xlsx(cells: str) -> bytes:
    """A minimal XLSX written by hand: openpyxl cannot write a formula with its saved value."""
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Program" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.'
        f'org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return out.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_formula_cell_gives_its_saved_value_and_is_never_evaluated() -> None:
    header = "".join(
        _inline(f"{c}1", t) for c, t in zip("ABCD", ["tytuł", "data", "początek", "link"], strict=True)
    )
    row = (
        '<c r="A2" t="str"><f>HYPERLINK("https://example.org","Wykład o formułach")</f>'
        "<v>Wykład o formułach</v></c>"
        + _inline("B2", "2024-08-02")
        + _inline("C2", "10:00")
        + '<c r="D2" t="str"><f>CONCAT("https://","example.org")</f><v>https://example.org</v></c>'
    )
    data = _handmade_xlsx(f'<row r="1">{header}</row><row r="2">{row}</row>')
    document, _ = read_programme(data, "program.xlsx", timezone="Europe/Warsaw")
    [session] = sessions(document)
    assert session["title"] == "Wykład o formułach" and session["url"] == "https://example.org"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "tytuł,data,początek\nA,2024-08-02,25:99\n",
            r"program.csv:2: wiersz 2, kolumna C \(początek\): godzina",
        ),
        ("tytuł,data,początek\nA,32.08.2024,10:00\n", r"wiersz 2, kolumna B \(data\): data musi mieć postać"),
        (
            "tytuł,data,początek,koniec\n,2024-08-02,10:00,11:00\n",
            r"wiersz 2, kolumna A \(tytuł\): brak tytułu",
        ),
        ("tytuł,data,początek,czas trwania\nA,2024-08-02,10:00,długo\n", r"kolumna D \(czas trwania\): czas"),
        (
            'tytuł,data,początek\n"A\nB",2024-08-02,10:00\nC,zła,10:00\n',
            r"program.csv:4: wiersz 3, kolumna B \(data\)",
        ),
        ("tytuł,sala,opis\nA,B,C\n", r"program.csv:1: wiersz 1: brak kolumn: początek, data"),
        ("to nie jest arkusz\n", "nie znaleziono wiersza nagłówka"),
        ("tytuł,data,początek,dzień\nA,2024-08-02,10:00,piątek\n", r"kolumna D \(dzień\): dzień to numer"),
    ],
)
def test_a_broken_csv_is_a_data_error_naming_row_column_and_line(text: str, expected: str) -> None:
    with pytest.raises(DataError) as caught:
        _csv(text, format="csv")
    assert any(re.search(expected, p) for p in problems(caught.value)), problems(caught.value)


def test_every_bad_cell_is_listed_at_once() -> None:
    with pytest.raises(DataError) as caught:
        _csv("tytuł,data,początek\nA,2024-08-02,x\nB,2024-08-02,y\nC,zła,10:00\n")
    assert len(caught.value.issues) == 3


def test_other_encodings_are_refused_naming_the_line() -> None:
    text = "tytul,data,poczatek\nZażółć,2024-08-02,10:00\n"
    with pytest.raises(DataError, match=r"nie jest w UTF-8: bajt 0x.., wiersz 2, kolumna 3"):
        read_programme(text.encode("cp1250"), "program.csv", timezone="Europe/Warsaw")
    with pytest.raises(DataError, match="UTF-16"):
        read_programme(text.encode("utf-16"), "program.csv", timezone="Europe/Warsaw")


def test_spreadsheet_times_need_a_timezone() -> None:
    with pytest.raises(DataError, match="--timezone"):
        read_programme(b"title,date,start\nA,2024-08-02,10:00\n", "program.csv")


def test_a_broken_or_oversized_xlsx_is_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DataError, match="to nie jest plik XLSX"):
        read_programme(b"PK\x03\x04 not really a zip", "program.xlsx", timezone="Europe/Warsaw")
    with pytest.raises(DataError, match="nie można odczytać pliku XLSX"):
        read_programme(_handmade_xlsx('<row r="1"><c r="A1"'), "program.xlsx", timezone="Europe/Warsaw")
    monkeypatch.setattr(spreadsheet_module, "MAX_UNZIPPED", 1000)
    with pytest.raises(DataError, match="po rozpakowaniu"):
        read_programme(_xlsx({"A": [["tytuł"]]}), "program.xlsx", timezone="Europe/Warsaw")


def test_a_day_cell_that_only_looks_like_a_number_is_no_day() -> None:
    """ "²" passes str.isdigit yet int() refuses it: a day column with it once crashed the load."""
    from bot.formats._cells import day_of

    assert day_of("²") == (None, None)
    assert day_of("2") == (2, None) and day_of("٣") == (3, None)  # decimal digits of any script
