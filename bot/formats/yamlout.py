"""A document as the YAML data file an organiser reads and edits (`python -m bot import --output`).

Keys come in the order of docs/data-format.md (the order of bot/schema.py's models), sections are
separated by a blank line, short lists of ids are written inline (`speakers: [anna-nowak, jan-kos]`),
texts of several lines as literal blocks (`|-`), and times and dates unquoted (`start: 15:00`): the
data file reads every scalar as text first, so nothing turns into a number. Anything that could be
read otherwise (`: ` inside, a leading `[`, `null`, `yes`) is double-quoted, JSON-style, which YAML
reads as the same text.

A small writer of its own rather than PyYAML's: the document has one known shape, and PyYAML's
pure-Python emitter took 2.2 s for a 1,000-session programme (this: about 0.1 s).
"""

from __future__ import annotations

import json
import re
import types
import typing
from functools import cache
from typing import Any

from pydantic import BaseModel

from bot import schema

_INLINE = 70  # characters up to which a list of plain words is written on one line
_WORD = re.compile(r"^[\w.-]+$")
_RESERVED = frozenset({"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"})
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@` \t")
_UNSAFE = re.compile(r": |:$| #|^\s|\s$|\t")


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (itself, in a list, or optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType, typing.Annotated):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


@cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel] | None], ...]:
    """A model's keys in order (aliases as written: `from`), each with the model its value holds."""
    return tuple(
        (info.alias or name, _model_in(info.annotation)) for name, info in model.model_fields.items()
    )


def ordered(value: Any, model: type[BaseModel] | None = schema.DataFile) -> Any:
    """`value` with every section's keys in its model's field order (unknown keys last, as they were)."""
    if isinstance(value, list):
        return [ordered(item, model) for item in value]
    if not isinstance(value, dict) or model is None:
        return value
    out: dict[str, Any] = {}
    for key, inner in _fields(model):
        if key in value:
            out[key] = ordered(value[key], inner)
    out.update((key, item) for key, item in value.items() if key not in out)
    return out


def _printable(text: str) -> bool:
    return text.replace("\n", "").isprintable()


def _plain(text: str) -> bool:
    """Safe as a plain scalar: read back as exactly this text, by our reader and by any YAML tool."""
    return (
        text.lower() not in _RESERVED
        and text[0] not in _PLAIN_START
        and "\n" not in text
        and not _UNSAFE.search(text)
        and _printable(text)
    )


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if _plain(text) else json.dumps(text, ensure_ascii=False)


def _block(text: str) -> bool:
    """Written as a literal block (|-): several lines, none starting with a space, all printable."""
    return "\n" in text and not text[:1].isspace() and not text.endswith("\n") and _printable(text)


def _inline(items: list[Any]) -> bool:
    return (
        all(isinstance(item, str) and _WORD.match(item) for item in items)
        and sum(len(str(item)) + 2 for item in items) <= _INLINE
    )


def _entry(key: str, value: Any, pad: str, out: list[str]) -> None:
    """`key: value` at indentation `pad`, with what it holds on the following lines."""
    label = _scalar(key)
    if isinstance(value, dict):
        out.append(f"{pad}{label}:")
        _section(value, pad + "  ", out)
    elif isinstance(value, list):
        if not value:
            out.append(f"{pad}{label}: []")
        elif _inline(value):
            out.append(f"{pad}{label}: [{', '.join(_scalar(item) for item in value)}]")
        else:
            out.append(f"{pad}{label}:")
            for item in value:
                _item(item, pad + "  ", out)
    elif isinstance(value, str) and _block(value):
        out.append(f"{pad}{label}: |-")
        out.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
    else:
        out.append(f"{pad}{label}: {_scalar(value)}")


def _section(value: dict[str, Any], pad: str, out: list[str]) -> None:
    for key, item in value.items():
        if item is not None:
            _entry(key, item, pad, out)


def _item(value: Any, pad: str, out: list[str]) -> None:
    """One list item at `pad`: "- " then the item, a section's first key on the dash's line."""
    if isinstance(value, dict) and value:
        start = len(out)
        _section(value, pad + "  ", out)
        out[start] = f"{pad}- {out[start][len(pad) + 2 :]}"
    elif isinstance(value, (dict, list)):
        out.append(f"{pad}- {'{}' if isinstance(value, dict) else '[]'}")
    else:
        out.append(f"{pad}- {_scalar(value)}")


def document_yaml(document: dict[str, Any], header: str | None = None) -> str:
    """The document as YAML text; `header` (lines of text) becomes a comment at the top."""
    out = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    for key, value in ordered(document).items():
        if value is None:
            continue
        if out:
            out.append("")
        if key == "days" and isinstance(value, list) and value:
            out.append("days:")
            for number, day in enumerate(value):
                if number:
                    out.append("")
                _item(day, "  ", out)
        else:
            _entry(key, value, "", out)
    return "\n".join(out) + "\n"
