"""What a quick reply or a postback carries back to us: a question, a command, a plan change.

Payloads are ours alone (Messenger echoes them verbatim, up to 1,000 characters), so they are
plain prefixed strings: `ASK:<question>`, `CMD:<command>`, `DAY:<index>`, `SES:<session id>`,
`PLAN:+<session id>`, `PLAN:-<session id>`, `PLAN:ics` (the plan as a file), `FORGET:yes|no`,
`ADM:send|cancel:<announcement id>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PAYLOAD_LIMIT = 1000


class Kind(StrEnum):
    ASK = "ASK"
    CMD = "CMD"
    DAY = "DAY"
    SESSION = "SES"
    PLAN = "PLAN"
    FORGET = "FORGET"
    ADMIN = "ADM"  # an organiser's tap on an announcement preview


_KINDS = frozenset(k.value for k in Kind)


@dataclass(frozen=True, slots=True)
class Payload:
    kind: Kind
    value: str

    def encode(self) -> str:
        return f"{self.kind.value}:{self.value}"[:PAYLOAD_LIMIT]


def decode(raw: str) -> Payload | None:
    """A payload we made, or None for anything else (a stale or foreign one)."""
    head, sep, value = raw.partition(":")
    if not sep or head not in _KINDS:
        return None
    return Payload(Kind(head), value)


def ask(question: str) -> str:
    return Payload(Kind.ASK, question).encode()


def command(name: str) -> str:
    return Payload(Kind.CMD, name).encode()
