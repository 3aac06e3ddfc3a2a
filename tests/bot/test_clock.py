from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ClockError, FixedClock, SimulatedClock, SystemClock, make_clock, parse_now

WARSAW = ZoneInfo("Europe/Warsaw")


def test_parse_now_reads_local_time_in_the_event_zone() -> None:
    moment = parse_now("2023-11-29 15:10", WARSAW)
    assert moment == datetime(2023, 11, 29, 15, 10, tzinfo=WARSAW)
    assert moment.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("value", ["2023-11-29T15:10", "2023-11-29 15:10:00", " 2023-11-29 15:10 "])
def test_parse_now_accepts_common_forms(value: str) -> None:
    assert parse_now(value, WARSAW) == datetime(2023, 11, 29, 15, 10, tzinfo=WARSAW)


def test_parse_now_date_only_means_midnight() -> None:
    assert parse_now("2023-11-30", WARSAW) == datetime(2023, 11, 30, tzinfo=WARSAW)


@pytest.mark.parametrize("value", ["jutro", "29.11.2023 15:10", "2023-13-01 10:00", "2023-11-29 25:00", ""])
def test_parse_now_rejects_what_it_cannot_read(value: str) -> None:
    with pytest.raises(ClockError) as info:
        parse_now(value, WARSAW)
    assert "RRRR-MM-DD" in str(info.value) or "nie ma takiej chwili" in str(info.value)


def test_simulated_clock_runs_forward_from_its_start() -> None:
    start = datetime(2023, 11, 29, 15, 0, tzinfo=WARSAW)
    clock = SimulatedClock(start, speed=600.0)
    first = clock.now()
    time.sleep(0.02)
    second = clock.now()
    assert start <= first < second
    # 20 ms at 600x is at least 12 simulated seconds.
    assert second - start >= timedelta(seconds=10)


def test_simulated_clock_needs_an_aware_start() -> None:
    with pytest.raises(ClockError):
        SimulatedClock(datetime(2023, 11, 29, 15, 0))


def test_fixed_clock_stays_until_advanced() -> None:
    clock = FixedClock(datetime(2023, 11, 29, 15, 0, tzinfo=WARSAW))
    assert clock.now() == clock.now()
    clock.advance(timedelta(minutes=5))
    assert clock.now().minute == 5


def test_make_clock_picks_simulated_or_system() -> None:
    assert isinstance(make_clock("2023-11-29 15:00", WARSAW), SimulatedClock)
    system = make_clock(None, WARSAW)
    assert isinstance(system, SystemClock)
    assert system.now().tzinfo is WARSAW
