"""What the Sessionize, iCalendar and spreadsheet readers share beyond bot/formats/programme.py.

Warnings said once per kind of problem with the first place and a count; kinds defined from a
source's own words (with their Polish plural from morfeusz2); ends a source does not give; night
sessions kept with the evening before when the source does not say which day they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.document import fragment, number
from bot.formats.programme import BUILTIN_KINDS, EXTRA_KINDS, Item, Programme, ProgrammeBuilder, kind_of, slug
from bot.polish import plural
from bot.text import fold

NIGHT_ENDS = time(5, 0)  # a session starting before this may belong to the evening before…
NIGHT_GAP = timedelta(hours=3)  # …when that evening's programme ran until at most this long before it
GUESSED_LENGTH = timedelta(hours=1)  # a session without an end and nothing soon after it in its room
GUESSED_GAP = timedelta(hours=2)  # …the next session in its room, when it starts at most this much later


@dataclass(slots=True)
class _Seen:
    message: str
    more: int = 0


class Warnings:
    """Warnings said once per kind of problem: the first one with its place, then how many more."""

    def __init__(self) -> None:
        self._seen: dict[str, _Seen] = {}

    def add(self, kind: str, message: str | Callable[[], str]) -> None:
        """Note a problem of this kind: its message (made only for the first, when a callable)."""
        seen = self._seen.get(kind)
        if seen is None:
            self._seen[kind] = _Seen(message if isinstance(message, str) else message())
        else:
            seen.more += 1

    def flush(self, builder: ProgrammeBuilder) -> None:
        for seen in self._seen.values():
            more = ""
            if seen.more:
                places = plural(seen.more, "takie miejsce", "takie miejsca", "takich miejsc")
                more = f" (i jeszcze {number(seen.more)} {places})"
            builder.warn(seen.message + more)


# --- kinds -----------------------------------------------------------------------------------------


# The built-in kinds' Polish names (as bot/kinds.py says them): the spreadsheet export writes them.
BUILTIN_NAMES = {
    "session": ("sesja", "sesje"),
    "plenary": ("sesja plenarna", "sesje plenarne"),
    "workshop": ("warsztat", "warsztaty"),
    "visit": ("wizyta studyjna", "wizyty studyjne"),
    "break": ("przerwa", "przerwy"),
    "registration": ("rejestracja", "rejestracje"),
    "social": ("spotkanie towarzyskie", "spotkania towarzyskie"),
}
_BUILTIN_WORDS = {fold(word): kind for kind, names in BUILTIN_NAMES.items() for word in (kind, *names)}


class Kinds:
    """A source's kind words → kind ids: built-in and known ones (`kind_of`), or a new kind named by
    the word itself, with its Polish plural. New kinds are added to the document by `add_to`."""

    def __init__(self, builder: ProgrammeBuilder, warnings: Warnings) -> None:
        self.builder = builder
        self.warnings = warnings
        self.defined: dict[str, dict[str, Any]] = {}  # folded word → kind spec
        self._ids: dict[str, str] = {}  # folded word → id

    def resolve(self, word: str | None, place: str) -> str:
        """The kind for a source's word ("Warsztaty", "keynote", "Koncert", "Pokaz mody")."""
        text = " ".join((word or "").split())
        if not text:
            return "session"
        key = fold(text)
        if key in self._ids:
            return self._ids[key]
        if key in _BUILTIN_WORDS:
            ident = _BUILTIN_WORDS[key]
        elif key in EXTRA_KINDS:
            ident = self.builder.known_kind(key)
        elif (extra := _EXTRA_NAMES.get(key)) is not None:
            ident = self.builder.known_kind(extra)
        elif kind_of(text) is not None:
            ident = self.builder.kind(text)
        else:
            ident = self._define(text, key, place)
        self._ids[key] = ident
        return ident

    def _define(self, text: str, key: str, place: str) -> str:
        name = text if text.isupper() and len(text) <= 6 else text[:1].lower() + text[1:]
        taken = set(BUILTIN_KINDS) | set(EXTRA_KINDS) | {str(k["id"]) for k in self.defined.values()}
        ident = slug(name) or "rodzaj"
        n = 2
        while ident in taken:
            ident = f"{slug(name) or 'rodzaj'}-{n}"
            n += 1
        many = polish_plural(name)
        if many is None:
            self.warnings.add(
                f"kind:{ident}",
                f"{place}: nowy rodzaj {fragment(name)} dodany do kinds — nie znam jego liczby mnogiej, "
                "popraw kinds[].plural",
            )
        else:
            self.warnings.add(
                "kind-new", f"{place}: nowy rodzaj {fragment(name)} (liczba mnoga: {many}) dodany do kinds"
            )
        self.defined[key] = {"id": ident, "name": name, "plural": many or name}
        return ident

    def add_to(self, programme: Programme) -> Programme:
        """The programme with the kinds defined here listed in its document's `kinds`."""
        if self.defined:
            kinds = programme.document.setdefault("kinds", [])
            kinds.extend(self.defined.values())
            # `kinds` sits before `tracks`, `speakers` and `days`, as in a hand-written file.
            programme.document = _reorder(programme.document)
        return programme


_EXTRA_NAMES = {
    fold(str(kind[key])): ident for ident, kind in EXTRA_KINDS.items() for key in ("name", "plural")
}
_ORDER = ("event", "venue", "kinds", "tracks", "speakers", "days")


def _reorder(document: dict[str, Any]) -> dict[str, Any]:
    out = {key: document[key] for key in _ORDER if key in document}
    out.update((key, value) for key, value in document.items() if key not in out)
    return out


def polish_plural(name: str) -> str | None:
    """The nominative plural of a Polish noun phrase ("koncert" → "koncerty", "pokaz mody" →
    "pokazy mody", "pokaz filmowy" → "pokazy filmowe") from morfeusz2; None if it does not know it."""
    from bot.lexicon import morfeusz  # morfeusz2 loads only for a kind nobody has named before

    words = name.split()
    if not words or len(words) > 4 or not all(w.isalpha() for w in words):
        return None
    generator = morfeusz()
    out: list[str] = []
    head_m1 = False
    for index, word in enumerate(words):
        try:
            forms = generator.generate(word.lower())
        except RuntimeError:  # a word morfeusz2 cannot take as a lemma
            return None
        nouns = [(f, t.split(":")) for f, _lemma, t, *_ in forms if t.startswith("subst:pl:")]
        nouns = [(f, t) for f, t in nouns if "nom" in t[2].split(".")]
        adjectives = [(f, t.split(":")) for f, _lemma, t, *_ in forms if t.startswith("adj:pl:")]
        adjectives = [(f, t) for f, t in adjectives if "nom" in t[2].split(".") and t[4:5] == ["pos"]]
        if index == 0:
            if not nouns:
                return None
            form, tags = nouns[0]
            head_m1 = "m1" in tags[3].split(".")
        elif adjectives and index > 0:
            agreeing = [f for f, t in adjectives if ("m1" in t[3].split(".")) == head_m1]
            form = (agreeing or [adjectives[0][0]])[0]
        else:
            form = word  # a noun in the genitive ("pokaz mody") stays as it is
        out.append(form)
    return " ".join(out)


# --- times -----------------------------------------------------------------------------------------


def event_zone(builder: ProgrammeBuilder) -> tzinfo | None:
    """The zone the builder will use (--timezone, else the one the file names), if known yet."""
    for name in (builder.timezone_option, builder.zone_name):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                return None  # the builder says so, naming the option or the file
    return None


def is_zone(name: str | None) -> bool:
    """Whether `name` is an IANA time zone ("Europe/Warsaw")."""
    if not name or "/" not in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _wall(moment: datetime, zone: tzinfo | None) -> datetime:
    if moment.tzinfo is None or zone is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(zone).replace(tzinfo=None)


@dataclass(slots=True)
class Draft:
    """A session before it goes to the builder: its end may be missing, its day not decided."""

    item: Item
    end: datetime | None


def finish(drafts: list[Draft], builder: ProgrammeBuilder, warnings: Warnings) -> list[Item]:
    """Give every draft an end and a day, add them to the builder; the items whose end was guessed.

    A missing end is the next start in the same room that day, if it comes within two hours, else
    an hour after the start; such a session is to be marked provisional ("godzina orientacyjna"). A
    session the source lists under no day and that starts before 05:00, less than three hours after
    the evening before ended, stays with that evening (the builder then sets `event.day_starts_at`).
    """
    zone = event_zone(builder)
    walls = [(_wall(d.item.start, zone), d) for d in drafts]
    starts: dict[tuple[date, str | None], list[datetime]] = {}
    for wall, d in walls:
        starts.setdefault((wall.date(), d.item.room), []).append(wall)
    guessed: list[Item] = []
    for wall, d in walls:
        if d.end is not None:
            continue
        gap = min((s - wall for s in starts[(wall.date(), d.item.room)] if s > wall), default=GUESSED_LENGTH)
        d.end = d.item.start + (gap if gap <= GUESSED_GAP else GUESSED_LENGTH)
        guessed.append(d.item)
    if guessed:
        count = len(guessed)
        warnings.add(
            "guessed-end",
            f"{guessed[0].where}: {number(count)} "
            f"{plural(count, 'sesja nie ma', 'sesje nie mają', 'sesji nie ma')} godziny końca — przyjęto "
            "początek następnej w tej samej sali (najwyżej 2 godziny później, inaczej godzinę) i oznaczono "
            "jako orientacyjne",
        )
    _night(walls)
    for _start, d in walls:
        assert d.end is not None
        d.item.end = d.end
        builder.add(d.item)
    return guessed


def _night(walls: list[tuple[datetime, Draft]]) -> None:
    last_end: dict[date, datetime] = {}
    for wall, d in sorted(walls, key=lambda pair: pair[0]):
        item = d.item
        assert d.end is not None
        end = wall + (d.end - d.item.start)
        calendar = wall.date()
        if item.listed is None:
            evening = last_end.get(calendar - timedelta(days=1))
            night = wall.time() < NIGHT_ENDS and evening is not None and evening >= wall - NIGHT_GAP
            item.listed = calendar - timedelta(days=1) if night else calendar
        if item.listed not in last_end or end > last_end[item.listed]:
            last_end[item.listed] = end


def mark_provisional(programme: Programme, items: list[Item]) -> Programme:
    """Mark as provisional the sessions made from `items` (their end was guessed)."""
    if not items:
        return programme
    zone = ZoneInfo(programme.document["event"]["timezone"])
    wanted = {(item.title, f"{_wall(item.start, zone):%H:%M}", item.room) for item in items}
    for day in programme.document.get("days", []):
        for session in day["sessions"]:
            if (session["title"], session["start"], session.get("room")) in wanted:
                session["provisional"] = True
    return programme


def language_code(value: str | None) -> str | None:
    """ "English", "angielski", "EN" → "en"; other values kept as written."""
    text = " ".join((value or "").split())
    if not text:
        return None
    return _LANGUAGES.get(fold(text), text.lower() if len(text) <= 3 else text)


_LANGUAGES = {
    **dict.fromkeys(["pl", "pol", "polski", "polish", "polnisch", "po polsku"], "pl"),
    **dict.fromkeys(["en", "eng", "angielski", "english", "englisch", "po angielsku"], "en"),
    **dict.fromkeys(["de", "deu", "ger", "niemiecki", "german", "deutsch", "po niemiecku"], "de"),
    **dict.fromkeys(["fr", "fra", "francuski", "french", "francais", "franzosisch"], "fr"),
    **dict.fromkeys(["es", "spa", "hiszpanski", "spanish", "espanol", "spanisch"], "es"),
    **dict.fromkeys(["it", "ita", "wloski", "italian", "italiano", "italienisch"], "it"),
    **dict.fromkeys(["uk", "ukr", "ukrainski", "ukrainian"], "uk"),
    **dict.fromkeys(["cs", "cze", "czeski", "czech"], "cs"),
}


def name_from_file(name: str) -> str:
    """The event's name when the source has none: its file name ("qa-or-the-highway-2026.json" →
    "qa-or-the-highway-2026")."""
    stem = re.split(r"[/\\]", name.split("?", 1)[0].rstrip("/"))[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem[1:] else stem
    return " ".join(stem.replace("_", " ").split()) or "Wydarzenie"
