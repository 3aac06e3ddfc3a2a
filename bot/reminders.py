"""What a user asks of reminders: turn on, turn off, which lead time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.analysis import Analysis

LEAD_TIMES = (5, 10, 15, 30, 60)
DEFAULT_LEAD = 15

_OFF = re.compile(
    r"\b(?:wylacz\w*|wyłącz\w*|nie (?:chce|przypominaj|wysylaj)|stop|koniec z|bez|anuluj\w*|"
    r"przestan\w*|dosc|rezygnuj\w*|zrezygn\w*|odsubskryb\w*)"
)
_MINUTES = re.compile(r"\b(\d{1,3})\s*(?:min\w*|m)\b|\b(kwadrans)\b|\b(pol|godzin\w*)\b")


class Scope(StrEnum):
    ALL = "all"  # a reminder before every session
    PLAN = "plan"  # only before the sessions in my plan


class ReminderAction(StrEnum):
    ON = "on"
    OFF = "off"
    SHOW = "show"


@dataclass(frozen=True, slots=True)
class ReminderRequest:
    action: ReminderAction
    minutes: int | None = None
    scope: Scope | None = None


def parse_reminder_request(analysis: Analysis) -> ReminderRequest:
    """Read the action and lead time from a reminders question."""
    text = analysis.folded
    if _OFF.search(text):
        return ReminderRequest(ReminderAction.OFF)
    minutes = None
    match = _MINUTES.search(text)
    if match:
        number, quarter, hourish = match.groups()
        if number:
            minutes = int(number)
        elif quarter:
            minutes = 15
        elif hourish == "pol":
            minutes = 30
        else:
            minutes = 60
    wants = re.search(
        r"\b(?:wlacz\w*|chce|chcialbym|chcialabym|prosze|przypominaj|ustaw\w*|"
        r"zapisz\w*|poprosze|daj|dawaj|wysylaj)",
        text,
    )
    scope = (
        Scope.PLAN if re.search(r"\bplan\w*", text) else Scope.ALL if re.search(r"\bwszyst", text) else None
    )
    if minutes is not None or wants or scope is not None:
        if minutes is not None and minutes not in LEAD_TIMES:
            minutes = min(LEAD_TIMES, key=lambda lead: abs(lead - minutes))  # type: ignore[operator]
        return ReminderRequest(ReminderAction.ON, minutes, scope)
    return ReminderRequest(ReminderAction.SHOW)
