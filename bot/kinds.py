"""Session kinds: the built-in ones with their Polish names, plus those a data file defines."""

from __future__ import annotations

from collections.abc import Iterable

from bot import schema
from bot.model import Kind

# The kinds every file may use without defining them (docs/data-format.md, `kind`).
BUILTIN: dict[str, Kind] = {
    kind.id: kind
    for kind in (
        Kind("session", "sesja", "sesje"),
        Kind("plenary", "sesja plenarna", "sesje plenarne", aliases=("keynote", "plenary")),
        Kind("workshop", "warsztat", "warsztaty", aliases=("workshop", "tutorial")),
        Kind("visit", "wizyta studyjna", "wizyty studyjne", travel=True),
        Kind("break", "przerwa", "przerwy", aliases=("break",), reminders=False),
        Kind("registration", "rejestracja", "rejestracje"),
        Kind("social", "spotkanie towarzyskie", "spotkania towarzyskie"),
    )
}
assert tuple(BUILTIN) == schema.BUILTIN_KINDS  # the schema names them for the docs and importers


def kind_registry(specs: Iterable[schema.KindSpec]) -> dict[str, Kind]:
    """The built-in kinds and the file's own; a file's kind with a built-in id replaces it."""
    registry = dict(BUILTIN)
    for spec in specs:
        registry[spec.id] = Kind(
            id=spec.id,
            name=spec.name,
            plural=spec.plural,
            aliases=tuple(spec.aliases),
            travel=spec.travel,
            reminders=spec.reminders,
        )
    return registry
