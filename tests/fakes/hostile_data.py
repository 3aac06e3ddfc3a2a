"""Broken and hostile event data files, for the loading tests and bench/bench_hostile_data.py.

Each builder returns the file's bytes. Most start from the shipped data file, so the attack is the
only thing wrong with them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "miejsca-otwarte-2023.yaml"

_WORDS = (
    "spotkanie sąsiedzkie warsztaty rozmowa panel dyskusja miejsce otwarte dom kultury świetlica "
    "biblioteka podwórko ogród społeczny animacja lokalna rada osiedla seniorzy młodzież dzieci "
    "rodzina klub kawiarnia pracownia teatr kino muzyka taniec sztuka rzemiosło naprawa rower "
    "spacer historia dzielnicy wolontariat partycypacja budżet obywatelski samorząd fundacja"
).split()


def shipped() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def billion_laughs(levels: int = 9) -> bytes:
    """Nine levels of anchors, each a list of nine aliases of the one before: 9**9 nodes expanded."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        items = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{items}]")
    return ("\n".join(lines) + "\n").encode()


def billion_laughs_in_data(levels: int = 9) -> bytes:
    """The same bomb in the FAQ of the shipped file: each entry's keywords are nine of the last's."""
    entries = ['  - id: bomba-0\n    question: Pytanie?\n    answer: Tak.\n    keywords: &k0 ["lol"]\n']
    for level in range(1, levels + 1):
        items = ", ".join([f"*k{level - 1}"] * 9)
        head = f"  - id: bomba-{level}\n    question: Pytanie?\n    answer: Tak.\n"
        entries.append(f"{head}    keywords: &k{level} [{items}]\n")
    return (shipped() + "".join(entries)).encode()


def deep_nesting(depth: int = 100_000) -> bytes:
    """`[[[…]]]`, `depth` levels."""
    return ("[" * depth + "]" * depth + "\n").encode()


def deep_nesting_in_data(depth: int = 100_000) -> bytes:
    """Deep nesting as the value of an FAQ keyword list."""
    nested = deep_nesting(depth).decode()
    return (
        shipped() + f"  - id: glebia\n    question: Pytanie?\n    answer: Tak.\n    keywords: {nested}"
    ).encode()


def sessions_block(count: int, seed: int = 1) -> str:
    """A `days:` section with `count` valid sessions over the shipped event's two days."""
    rng = random.Random(seed)
    out = ["days:\n"]
    for day, date in enumerate(("2023-11-29", "2023-11-30")):
        out.append(f"  - date: {date}\n    sessions:\n")
        for n in range(day, count, 2):
            hour = 8 + n % 12
            words = " ".join(rng.choice(_WORDS) for _ in range(4))
            out.append(
                f'      - id: s{n}\n        title: "{words.capitalize()} ({n})"\n'
                f'        start: "{hour:02d}:00"\n        end: "{hour:02d}:45"\n        place: venue\n'
            )
    return "".join(out)


def programme(count: int) -> bytes:
    """The shipped file with its programme replaced by `count` sessions."""
    text = shipped()
    head, rest = text.split("\ndays:\n", 1)
    tail = rest[rest.index("\nfaq:") :]
    return (head + "\n" + sessions_block(count) + tail).encode()


def _programme_of_size(size: int) -> bytes:
    base = len(programme(1000))
    per = (len(programme(2000)) - base) / 1000
    return programme(1000 + int((size - base) / per))


def oversize(size: int = 5_800_000) -> bytes:
    """A valid-looking programme of `size` bytes, more than the default 5 MB limit."""
    return _programme_of_size(size)


def many_sessions_within_limit(size: int = 4_900_000) -> bytes:
    """As many sessions as fit under 5 MB: far more nodes than any event has."""
    return _programme_of_size(size)


def invalid_utf8() -> bytes:
    """The shipped file with one byte 0xFF on line 11 (in the event's name)."""
    data = shipped().encode()
    at = data.index(b"Rozmowy o przestrzeniach")
    return data[:at] + b"\xff" + data[at:]


def with_bom() -> bytes:
    return b"\xef\xbb\xbf" + shipped().encode()


def python_tag() -> bytes:
    """A `!!python/name:` tag on the event's motto."""
    text = shipped().replace('motto: "', 'motto: !!python/name:os.system "', 1)
    return text.encode()


def control_character() -> bytes:
    """A NUL byte inside the event's name."""
    return shipped().replace("Rozmowy o", "Rozmowy\x00o", 1).encode()


def escaped_control_character() -> bytes:
    """A terminal escape written as a double-quoted YAML escape, so the file itself is clean."""
    return shipped().replace('motto: "Miejsca Otwarte na zmianę"', 'motto: "\\e[31mczerwony"', 1).encode()


def long_line(length: int = 4_000_000) -> bytes:
    """One text of `length` characters, on one line."""
    return shipped().replace('motto: "Miejsca Otwarte na zmianę"', f'motto: "{"x" * length}"', 1).encode()


def long_key(length: int = 4_000_000) -> bytes:
    return shipped().replace("  motto:", f"  {'k' * length}: 1\n  motto:", 1).encode()


def many_errors(count: int = 48_000) -> bytes:
    """`count` unknown keys in the event: as many problems, under the size and node limits."""
    keys = "".join(f"  nieznany{n}: x\n" for n in range(count))
    return shipped().replace("  city: Kraków\n", "  city: Kraków\n" + keys, 1).encode()


def many_problems(count: int = 95_000) -> bytes:
    """`count` values outside the allowed list, in one list: the most problems the node limit allows."""
    return shipped().replace("    roles: [", "    roles: [" + "sponsor, " * count, 1).encode()


def leaky_secret() -> bytes:
    """A file shaped like /etc/shadow."""
    lines = [f"user{n}:$6$saltsalt$" + "A" * 86 + ":19000:0:99999:7:::" for n in range(5)]
    return ("\n".join(lines) + "\n").encode()


def merge_key() -> bytes:
    return shipped().replace("  city: Kraków\n", "  <<: {city: Kraków}\n", 1).encode()


def duplicate_anchor() -> bytes:
    return shipped().replace("  city: Kraków\n", "  city: &miasto Kraków\n  kind: &miasto x\n", 1).encode()


def multiple_documents() -> bytes:
    return (shipped() + "---\nevent: {}\n").encode()


ATTACKS: dict[str, Callable[[], bytes]] = {
    "billion-laughs": billion_laughs,
    "billion-laughs-in-data": billion_laughs_in_data,
    "deep-nesting": deep_nesting,
    "deep-nesting-in-data": deep_nesting_in_data,
    "oversize": oversize,
    "many-sessions": many_sessions_within_limit,
    "invalid-utf8": invalid_utf8,
    "python-tag": python_tag,
    "control-character": control_character,
    "escaped-control": escaped_control_character,
    "long-line": long_line,
    "long-key": long_key,
    "many-errors": many_errors,
    "many-problems": many_problems,
    "shadow-like": leaky_secret,
    "merge-key": merge_key,
    "duplicate-anchor": duplicate_anchor,
    "two-documents": multiple_documents,
}
