"""Reading an event data file safely: plain Python data from bounded YAML, with the line of each path.

A data file is untrusted input (an organiser's typo, a file copied from anywhere, or an attack).
Everything here is bounded before it can grow: the file's size while it is read, the characters
it may hold, and — in one iterative pass over YAML's event stream, before anything is built —
nesting depth, the size of every alias once expanded, tags, text lengths and documents. Aliases are
never copied: the data shares the anchored object, and only its expanded size is counted.
Limits: docs/data-format.md, "Limits".
"""

from __future__ import annotations

import errno
import math
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.polish import plural

# Every one is generous for a real event: the shipped file has 816 nodes, nesting 6, texts up to 276
# characters; a 2,000-session programme is about 50,000 nodes.
MAX_NODES = 100_000  # YAML nodes once every alias is expanded (scalars, keys, lists, sections)
MAX_DEPTH = 50  # lists and sections inside one another (the format needs 6)
MAX_TEXT = 100_000  # characters in one key or value (a long description: ~25,000)
DEFAULT_MAX_BYTES = int(Settings.model_fields["bot_data_max_mb"].default * 1_000_000)
SETTING = "BOT_DATA_MAX_MB"

FRAGMENT = 40  # characters of the file's own content an error message may quote
MAX_SHOWN = 20  # problems listed; the rest are counted
TOO_DEEP = f"za głębokie zagnieżdżenie list i sekcji: ponad {MAX_DEPTH} poziomów"
_PROBLEM = 80  # characters of YAML's own (English) problem text, when it has no translation

PathKey = tuple[str | int, ...]
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~15x faster

_CORE_TAGS = frozenset(
    {"!"} | {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}
)
# Characters YAML allows in a stream (its "printable" set); anything else is refused with its place.
_FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# libyaml's and PyYAML's most frequent problems, said in Polish; others are quoted, escaped and cut.
_SYNTAX = {
    "mapping values are not allowed in this context": "dwukropek ze spacją w środku wartości — ujmij "
    "tekst w cudzysłów",
    "mapping values are not allowed here": "dwukropek ze spacją w środku wartości — ujmij tekst w cudzysłów",
    "found character that cannot start any token": "znak, od którego nie może się zaczynać wartość "
    "(tabulator we wcięciu? tekst od @ lub ` ujmij w cudzysłów)",
    "did not find expected key": "brak oczekiwanego klucza — sprawdź wcięcia",
    "did not find expected ',' or ']'": "lista w nawiasach [ ] nie jest zamknięta albo brak przecinka",
    "did not find expected ',' or '}'": "sekcja w nawiasach { } nie jest zamknięta albo brak przecinka",
    "found unexpected end of stream": "plik kończy się w środku wartości (niezamknięty cudzysłów?)",
    "found unknown escape character": "nieznany znak po \\ w tekście w cudzysłowie",
    "could not find expected ':'": "brak dwukropka po kluczu",
    "block sequence entries are not allowed in this context": "element listy („- ”) w złym miejscu — "
    "sprawdź wcięcia",
    "did not find expected '-' indicator": "brak „- ” przed elementem listy — sprawdź wcięcia",
    "did not find expected node content": "brak wartości tam, gdzie powinna być",
}
_LIBYAML_DEPTH = "exceeded maximum nesting depth"  # libyaml's own limit (1,000), met first in `[[[…`


def fragment(value: object, limit: int = FRAGMENT) -> str:
    """What the file holds, quoted for a message: at most `limit` characters, escaped, cut with "…"."""
    if not isinstance(value, str):
        return {dict: "(sekcja z kluczami)", list: "(lista)", type(None): "(pusto)"}.get(
            type(value), f"({type(value).__name__})"
        )
    out: list[str] = []
    used = 0
    for char in value:
        shown = char if char.isprintable() else _ESCAPES.get(char) or _escape(char)
        if used + len(shown) > limit:
            return "'" + "".join(out) + "…'"
        out.append(shown)
        used += len(shown)
    return "'" + "".join(out) + "'"


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def format_path(path: Iterable[str | int]) -> str:
    """("days", 0, "end") → "days[0].end"; odd keys quoted and cut, a very long path shortened."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = part if _PLAIN_KEY.fullmatch(part) and len(part) <= FRAGMENT else fragment(part)
            out += f".{key}" if out else key
    if len(out) > 4 * FRAGMENT:
        out = out[: 2 * FRAGMENT] + "…" + out[-2 * FRAGMENT :]
    return out


def number(n: int) -> str:
    """12345 → "12 345" (Polish groups thousands with a no-break space)."""
    return f"{n:,}".replace(",", "\u00a0")


@dataclass(frozen=True, slots=True)
class DataIssue:
    """One problem in a data file: where it is and why it is wrong."""

    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(cały plik)'}: {self.message}"


class DataError(Exception):
    """The data file cannot be used; `issues` says why, each with its place in the file.

    Its text lists the first MAX_SHOWN problems and counts the rest, so a file with a hundred
    thousand mistakes still makes a short message.
    """

    def __init__(self, issues: list[DataIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(self.lines()))

    def lines(self, limit: int = MAX_SHOWN) -> list[str]:
        """The first `limit` problems, one a line, then "…i N innych problemów" if there are more."""
        shown = [str(issue) for issue in self.issues[:limit]]
        rest = len(self.issues) - len(shown)
        if rest:
            others = plural(rest, "inny problem", "inne problemy", "innych problemów")
            shown.append(f"…i {number(rest)} {others}")
        return shown


def megabytes(size: int, exact: bool = False) -> str:
    """Bytes as Polish megabytes: "5,87 MB" (rounded up, so a file over a limit never shows equal to it)."""
    value = size / 1_000_000
    if not exact and value >= 0.01:
        value = math.ceil(value * 100) / 100
    return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The file's text, read as UTF-8 (a BOM is allowed), never more than `max_bytes`."""
    return decode(read_bytes(path, max_bytes), str(path))


def read_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, never more than `max_bytes`; `DataError` in Polish otherwise.

    Only a regular file is read: a directory, a device (/dev/zero) or a FIFO is refused at once,
    without waiting for a writer. The size is checked before reading and again while reading,
    for a file that grows or lies about its size.
    """
    file = str(path)

    def refuse(message: str) -> DataError:
        return DataError([DataIssue(file, "", None, message)])

    limit = megabytes(max_bytes, exact=True)
    too_big = f"plik jest za duży: {{size}}, a limit to {limit} (zmień {SETTING}, jeśli trzeba)"
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused right after.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise refuse("nie ma takiego pliku") from None
    except IsADirectoryError:
        raise refuse("to jest katalog, a nie plik z danymi") from None
    except PermissionError:
        raise refuse("nie można odczytać pliku: brak uprawnień") from None
    except OSError as exc:
        raise refuse(f"nie można odczytać pliku: {_os_problem(exc)}") from None
    except ValueError:  # a NUL in the name
        raise refuse("nie można odczytać pliku: nazwa zawiera znak NUL") from None
    chunks: list[bytes] = []
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise refuse("to jest katalog, a nie plik z danymi")
        if not stat.S_ISREG(info.st_mode):
            raise refuse("to nie jest zwykły plik (urządzenie, potok albo gniazdo) — podaj plik z danymi")
        if info.st_size > max_bytes:
            raise refuse(too_big.format(size=megabytes(info.st_size)))
        left = max_bytes + 1  # one byte more tells a file that grew (or lied about its size)
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise refuse(f"nie można odczytać pliku: {_os_problem(exc)}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise refuse(too_big.format(size=f"ponad {limit}"))
    return data


_OS_PROBLEMS = {
    errno.ELOOP: "za dużo dowiązań symbolicznych (pętla?)",
    errno.ENAMETOOLONG: "za długa nazwa pliku",
    errno.ENOTDIR: "część ścieżki nie jest katalogiem",
    errno.EIO: "błąd wejścia/wyjścia",
}


def _os_problem(exc: OSError) -> str:
    return _OS_PROBLEMS.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def decode(data: bytes, file: str) -> str:
    """UTF-8 text (without a BOM), or `DataError` naming the line and column of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line_start = data.rfind(b"\n", 0, start) + 1
        line = data.count(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        message = (
            f"nie można odczytać pliku: plik nie jest w UTF-8: bajt 0x{data[start]:02X}, "
            f"wiersz {line}, kolumna {column} — zapisz go w kodowaniu UTF-8"
        )
        # The place goes into the message; the issue stays one about the whole file, as it always was.
        raise DataError([DataIssue(file, "", None, message)]) from None


def _place(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character of `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


@dataclass(slots=True)
class _Open:
    """A list or section whose end has not been read yet."""

    value: dict[str, Any] | list[Any]
    path: PathKey
    anchor: str | None
    line: int
    is_section: bool
    size: int = 1  # nodes inside, aliases expanded, itself included
    height: int = 1  # levels of lists and sections, itself included
    key: str | None = None  # in a section: the key whose value comes next
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Anchor:
    value: Any
    size: int
    height: int
    line: int


class Document:
    """Plain Python data from YAML, every scalar kept as a string, plus the line of each path.

    Built from the event stream, iteratively: no recursion however deep the file, and nothing is
    built past the first limit it breaks. Duplicate keys are collected in `issues`; anything else
    wrong raises `DataError` at once.
    """

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines: dict[PathKey, int] = {}
        self.issues: list[DataIssue] = []
        self._stack: list[_Open] = []
        self._anchors: dict[str, _Anchor] = {}
        self._opening: dict[str, int] = {}  # anchors of lists and sections still being read: line
        self.nodes = 0  # so far, every alias expanded
        self._documents = 0
        self._root: Any = None
        self._has_root = False
        self._check_characters(text)
        handlers: dict[type[yaml.Event], Callable[[Any], None]] = {
            yaml.ScalarEvent: self._scalar,
            yaml.MappingStartEvent: self._start,
            yaml.SequenceStartEvent: self._start,
            yaml.MappingEndEvent: self._end,
            yaml.SequenceEndEvent: self._end,
            yaml.AliasEvent: self._alias,
            yaml.DocumentStartEvent: self._document,
        }
        parser = _Loader(text)  # parses one event at a time: a refusal reads no further
        try:
            while parser.check_event():
                event = parser.get_event()
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
        except yaml.YAMLError as exc:
            raise self._syntax_error(exc) from None
        finally:
            parser.dispose()
        if not self._has_root:
            raise DataError([DataIssue(file, "", None, "plik jest pusty")])
        self.data: Any = self._root

    def line_of(self, path: PathKey) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def _refuse(self, line: int | None, message: str, path: PathKey = ()) -> DataError:
        return DataError([*self.issues, DataIssue(self.file, format_path(path), line, message)])

    def _check_characters(self, text: str) -> None:
        bad = _FORBIDDEN.search(text)
        if bad is not None:
            line, column = _place(text, bad.start())
            raise self._refuse(
                line, f"niedozwolony znak sterujący U+{ord(bad.group()):04X} (kolumna {column})"
            )

    def _syntax_error(self, exc: yaml.YAMLError) -> DataError:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = str(getattr(exc, "problem", None) or type(exc).__name__)
        if problem == _LIBYAML_DEPTH:
            return self._refuse(line, TOO_DEEP)
        said = _SYNTAX.get(problem) or fragment(problem, _PROBLEM).strip("'")
        return self._refuse(line, f"błąd składni YAML: {said}")

    # --- the event stream ------------------------------------------------------------------------

    def _document(self, event: yaml.DocumentStartEvent) -> None:
        self._documents += 1
        if self._documents > 1:
            raise self._refuse(
                _line(event), "w pliku może być tylko jeden dokument YAML (drugi zaczyna się tutaj)"
            )

    def _check_tag(self, tag: str, line: int) -> None:
        if tag not in _CORE_TAGS:
            core = "tag:yaml.org,2002:"
            short = "!!" + tag.removeprefix(core) if tag.startswith(core) else tag
            raise self._refuse(
                line, f"niedozwolony znacznik YAML {fragment(short)} — zapisz wartość bez znacznika"
            )

    def _grow(self, nodes: int, height: int, line: int) -> None:
        """Count `nodes` more (aliases expanded), `height` levels below the open ones; refuse past a limit."""
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise self._refuse(
                line,
                f"za dużo elementów: ponad {number(MAX_NODES)} po rozwinięciu odwołań (aliasów *) "
                "— to nie wygląda na dane wydarzenia",
            )
        if len(self._stack) + height > MAX_DEPTH:
            raise self._refuse(line, TOO_DEEP)
        if self._stack:
            top = self._stack[-1]
            top.size += nodes
            if height >= top.height:
                top.height = height + 1

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        line = _line(event)
        if event.tag is not None:
            self._check_tag(event.tag, line)
        text = event.value
        if len(text) > MAX_TEXT:
            raise self._refuse(
                line, f"tekst jest za długi: {number(len(text))} znaków, najwyżej {number(MAX_TEXT)}"
            )
        # The file's own characters were checked; only a double-quoted escape ("\e", "\0") adds new ones.
        if event.style == '"' and (bad := _FORBIDDEN.search(text)) is not None:
            raise self._refuse(line, f"niedozwolony znak sterujący U+{ord(bad.group()):04X} w tekście")
        self._grow(1, 0, line)
        # Scalars stay strings (pydantic casts them), so "15:00" never becomes YAML 1.1's 900.
        value = None if not event.style and text in _NULLS else text
        top = self._stack[-1] if self._stack else None
        if top is not None and top.is_section and top.key is None:
            self._key(top, text, not event.style, line)
        else:
            self._place_value(value, line)
        if event.anchor is not None:
            self._check_new_anchor(event.anchor, line)
            self._anchors[event.anchor] = _Anchor(value, 1, 0, line)

    def _key(self, parent: _Open, key: str, plain: bool, line: int) -> None:
        if key == "<<" and plain:
            raise self._refuse(
                line, "klucze scalające (<<) nie są obsługiwane — wpisz klucze wprost", parent.path
            )
        child = (*parent.path, key)
        if key in parent.keys:
            self.issues.append(
                DataIssue(self.file, format_path(child), line, "klucz powtórzony w tym samym miejscu")
            )
        parent.keys.add(key)
        parent.key = key
        self.lines[child] = line

    def _place_value(self, value: Any, line: int) -> PathKey:
        """Put a value (or a list or section just opened) where it belongs; its path."""
        if not self._stack:
            self._root, self._has_root = value, True
            self.lines.setdefault((), line)
            return ()
        top = self._stack[-1]
        if isinstance(top.value, list):
            path: PathKey = (*top.path, len(top.value))
            top.value.append(value)
        else:
            if top.key is None:
                raise self._refuse(line, "klucz musi być zwykłym tekstem, nie listą ani sekcją", top.path)
            path = (*top.path, top.key)
            top.value[top.key] = value
            top.key = None
        self.lines.setdefault(path, line)
        return path

    def _start(self, event: yaml.CollectionStartEvent) -> None:
        line = _line(event)
        if event.tag is not None:
            self._check_tag(event.tag, line)
        self._grow(1, 1, line)
        is_section = isinstance(event, yaml.MappingStartEvent)
        value: dict[str, Any] | list[Any] = {} if is_section else []
        path = self._place_value(value, line)
        self._stack.append(_Open(value, path, event.anchor, line, is_section))
        if event.anchor is not None:
            self._check_new_anchor(event.anchor, line)
            self._opening[event.anchor] = line

    def _end(self, event: yaml.CollectionEndEvent) -> None:
        done = self._stack.pop()
        if self._stack:
            parent = self._stack[-1]
            parent.size += done.size - 1  # the node itself was counted when it opened
            if done.height >= parent.height:
                parent.height = done.height + 1
        if done.anchor is not None:
            del self._opening[done.anchor]
            self._anchors[done.anchor] = _Anchor(done.value, done.size, done.height, done.line)

    def _check_new_anchor(self, name: str, line: int) -> None:
        first = self._anchors[name].line if name in self._anchors else self._opening.get(name)
        if first is not None:
            shown = fragment(name).strip("'")
            raise self._refuse(line, f"kotwica &{shown} jest już zdefiniowana w wierszu {first}")

    def _alias(self, event: yaml.AliasEvent) -> None:
        line = _line(event)
        name = event.anchor or ""
        shown = fragment(name).strip("'")
        if name in self._opening:
            raise self._refuse(line, f"błąd YAML: odwołanie (alias) *{shown} do samego siebie")
        anchor = self._anchors.get(name)
        if anchor is None:
            raise self._refuse(line, f"odwołanie (alias) *{shown} do kotwicy, której wcześniej nie ma")
        self._grow(anchor.size, anchor.height, line)
        top = self._stack[-1] if self._stack else None
        if top is not None and top.is_section and top.key is None:
            if not isinstance(anchor.value, str):
                raise self._refuse(line, "klucz musi być zwykłym tekstem, nie listą ani sekcją", top.path)
            self._key(top, anchor.value, False, line)
        else:
            self._place_value(anchor.value, line)


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 0
