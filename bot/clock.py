"""Clocks: the real one, and a simulated one that starts at any moment (rehearsal and tests)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...

    @property
    def speed(self) -> float:
        """Clock seconds per real second: 1 for real time, 0 for a clock that stands still."""
        ...


def real_seconds_until(clock: Clock, moment: datetime) -> float | None:
    """Real seconds until the clock shows `moment` (negative if past); None if it never will."""
    if clock.speed <= 0:
        return None
    return (moment - clock.now()).total_seconds() / clock.speed


class ClockError(ValueError):
    """A simulated start time that cannot be read."""


class SystemClock:
    """The machine's clock, in the event's timezone."""

    speed = 1.0

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class SimulatedClock:
    """Starts at `start` and runs forward `speed` times faster than real time."""

    def __init__(self, start: datetime, speed: float = 1.0) -> None:
        if start.tzinfo is None:
            raise ClockError("simulated start must be timezone-aware")
        if speed < 0:
            raise ClockError("clock speed cannot be negative")
        self.start = start
        self.speed = speed
        self._origin = time.monotonic()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._origin) * self.speed
        return self.start + timedelta(seconds=elapsed)


class FixedClock:
    """Always the same moment (tests); `advance` moves it."""

    speed = 0.0

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ClockError("fixed moment must be timezone-aware")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


_NOW = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")


def parse_now(value: str, tz: tzinfo) -> datetime:
    """Read "YYYY-MM-DD HH:MM" (seconds and the time optional) as a moment in `tz`."""
    match = _NOW.match(value)
    if not match:
        raise ClockError(f'nie rozumiem czasu {value!r}: podaj go jako "RRRR-MM-DD GG:MM"')
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError as exc:
        raise ClockError(f"nie ma takiej chwili {value!r}: {exc}") from None


def make_clock(now: str | None, tz: tzinfo, speed: float = 1.0) -> Clock:
    """A simulated clock from a `--now`/`BOT_NOW` value, else the system clock."""
    if now:
        return SimulatedClock(parse_now(now, tz), speed)
    return SystemClock(tz)
