"""A document as the YAML data file an organiser reads and edits (`python -m bot import --output`).

Keys come in the order of docs/data-format.md (the order of bot/schema.py's models), sections are
separated by a blank line, short lists of ids are written inline (`speakers: [anna-nowak, jan-kos]`),
texts of several lines as literal blocks (`|-`), and times and dates unquoted (`start: 15:00`): the
data file reads every scalar as text first, so nothing turns into a number.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import yaml
from pydantic import BaseModel

from bot import schema

_INLINE = 70  # characters up to which a list of plain words is written on one line
_NUMERIC_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"})
_WORD = re.compile(r"^[\w.-]+$")


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key (as in docs/data-format.md), not flush with it."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# Times, dates and numbers are text to our reader, so they need no quotes; true/false/null words do.
_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NUMERIC_TAGS]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    inline = (
        bool(value)
        and all(isinstance(item, str) and _WORD.match(item) for item in value)
        and sum(len(item) + 2 for item in value) <= _INLINE
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=inline)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)


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


def ordered(value: Any, model: type[BaseModel] | None = schema.DataFile) -> Any:
    """`value` with every section's keys in its model's field order (unknown keys last, as they were)."""
    if isinstance(value, list):
        return [ordered(item, model) for item in value]
    if not isinstance(value, dict) or model is None:
        return value
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in value:
            out[key] = ordered(value[key], _model_in(info.annotation))
    out.update((key, item) for key, item in value.items() if key not in out)
    return out


def document_yaml(document: dict[str, Any], header: str | None = None) -> str:
    """The document as YAML text; `header` (lines of text) becomes a comment at the top."""
    body = yaml.dump(
        ordered(document),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    lines: list[str] = []
    for line in body.splitlines():
        top_level = line[:1].isalpha()
        if lines and (top_level or (line.startswith("  - date:") and lines[-1] != "days:")):
            lines.append("")
        lines.append(line)
    comment = [f"# {line}".rstrip() for line in header.splitlines()] + [""] if header else []
    return "\n".join(comment + lines) + "\n"
