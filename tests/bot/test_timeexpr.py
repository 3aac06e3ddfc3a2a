from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.text import fold_keep_times
from bot.timeexpr import AFTERNOON, EVENING, MORNING, TimeQuery, parse_time_query

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = datetime(2023, 11, 29, 10, 0, tzinfo=WARSAW)  # Wednesday, day 1
DAYS = (date(2023, 11, 29), date(2023, 11, 30))
WED, THU = DAYS


def parse(text: str, now: datetime = NOW) -> TimeQuery | None:
    return parse_time_query(fold_keep_times(text), now, DAYS)


@pytest.mark.parametrize(
    ("text", "day", "moment"),
    [
        ("co jest jutro o 10?", THU, time(10)),  # plain dateparser keeps the base hour
        ("co będzie o 14:30", None, time(14, 30)),
        ("o 15", None, time(15)),  # plain dateparser reads "15" as the 15th of the month
        ("30 listopada o 9", THU, time(9)),
        ("30.11 o 12", THU, time(12)),
        ("w środę o 10.30", WED, time(10, 30)),
        ("jutro o dziesiątej", THU, time(10)),
        ("jutro w południe", THU, time(12)),
        ("co jest o 5", None, time(17)),  # a conference afternoon, not 5 a.m.
        ("o 7 rano", None, time(7)),
        ("jturo o 10", THU, time(10)),  # a slip in "jutro"
        ("co jest o godz 9", None, time(9)),
    ],
)
def test_hours_and_days(text: str, day: date | None, moment: time) -> None:
    query = parse(text)
    assert query is not None
    assert query.day == day
    assert query.moment == moment


@pytest.mark.parametrize(
    ("text", "day", "window"),
    [
        ("w czwartek rano", THU, MORNING),
        ("dziś wieczorem", WED, EVENING),  # plain dateparser returns nothing
        ("dzis wieczorem", WED, EVENING),
        ("jutro po południu", THU, AFTERNOON),
        ("co po poludniu", None, AFTERNOON),
    ],
)
def test_parts_of_the_day(text: str, day: date | None, window: tuple[time, time]) -> None:
    query = parse(text)
    assert query is not None
    assert (query.day, query.window) == (day, window)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("za godzinę", timedelta(hours=1)),  # plain dateparser returns nothing
        ("za godzine", timedelta(hours=1)),
        ("za 30 minut", timedelta(minutes=30)),
        ("za pół godziny", timedelta(minutes=30)),
        ("za 2 godziny", timedelta(hours=2)),
        ("za kwadrans", timedelta(minutes=15)),
    ],
)
def test_relative_offsets(text: str, delta: timedelta) -> None:
    query = parse(text)
    assert query is not None and query.absolute == NOW + delta


@pytest.mark.parametrize(
    ("text", "day", "index"),
    [
        ("program na jutro", THU, None),
        ("plan na czwartek", THU, None),
        ("agenda na srode", WED, None),
        ("co jest pierwszego dnia", None, 0),
        ("harmonogram drugiego dnia", None, 1),
        ("ostatniego dnia", None, -1),
        ("co mamy 29 listopada", WED, None),
        ("co jest 30-go", THU, None),
        ("program na dziś", WED, None),
    ],
)
def test_days_without_hours(text: str, day: date | None, index: int | None) -> None:
    query = parse(text)
    assert query is not None
    assert not query.has_hour
    assert (query.day, query.day_index) == (day, index)


def test_weekday_outside_the_event_is_the_next_such_day() -> None:
    query = parse("co jest w piątek")
    assert query is not None and query.day == date(2023, 12, 1)


def test_dates_resolve_relative_to_the_clock() -> None:
    later = datetime(2023, 11, 30, 8, 0, tzinfo=WARSAW)
    query = parse("co jest dzisiaj o 10", later)
    assert query is not None and query.day == THU
    query = parse("a wczoraj?", later)
    assert query is not None and query.day == WED


@pytest.mark.parametrize("text", ["co jest teraz", "jak dojechać", "Dobry wieczór", "dzień dobry", "kontakt"])
def test_no_time_named(text: str) -> None:
    assert parse(text) is None


# --- dates with dots, nights, "po 15" ------------------------------------------------------------

FESTIVAL_DAYS = (date(2031, 8, 1), date(2031, 8, 2))
FESTIVAL_NOW = datetime(2031, 8, 1, 19, 0, tzinfo=WARSAW)


def parse_festival(text: str) -> TimeQuery | None:
    return parse_time_query(fold_keep_times(text), FESTIVAL_NOW, FESTIVAL_DAYS)


@pytest.mark.parametrize(
    ("text", "day", "moment"),
    [
        ("co jest 1.08 o 12?", date(2031, 8, 1), time(12)),  # not 1:08 → 13:08
        ("2.08 o 21", date(2031, 8, 2), time(21)),
        ("co jest o 1 w nocy?", None, time(1)),  # not 13:00
        ("o północy z piątku na sobotę", date(2031, 8, 1), time(0)),
    ],
)
def test_dates_with_dots_and_night_hours(text: str, day: date | None, moment: time) -> None:
    query = parse_festival(text)
    assert query is not None and query.day == day and query.moment == moment


def test_a_time_with_a_dot_stays_a_time() -> None:
    query = parse("co jest o 10.30?")
    assert query is not None and query.moment == time(10, 30) and query.day is None


@pytest.mark.parametrize("text", ["co jest dziś w nocy?", "co gra w nocy z piątku na sobotę?"])
def test_the_night_runs_into_the_small_hours(text: str) -> None:
    query = parse_festival(text)
    assert query is not None and query.day == date(2031, 8, 1)
    assert query.window is not None and query.window[0] == time(21) and query.window[1] < time(6)


@pytest.mark.parametrize(
    ("text", "window"),
    [("co jest w sobotę po 20?", (time(20), time(23, 59))), ("co jest przed 17?", (time(6), time(17)))],
)
def test_after_and_before_an_hour_are_windows(text: str, window: tuple[time, time]) -> None:
    query = parse_festival(text)
    assert query is not None and query.window == window


@pytest.mark.parametrize(
    ("text", "starts", "day"),
    [
        # Days changing at midnight: the night's 01:00 is the second day's.
        ("w nocy z 29 na 30.11 o 1", time(0), THU),
        ("w nocy z 29 na 30 listopada o 1", time(0), THU),
        ("w nocy ze środy na czwartek o 1", time(0), THU),
        # Days changing at 06:00: 01:00 belongs to the first (programme) day.
        ("w nocy z 29 na 30.11 o 1", time(6), WED),
        ("w nocy ze środy na czwartek o 1", time(6), WED),
    ],
)
def test_a_night_from_one_day_to_the_next(text: str, starts: time, day: date) -> None:
    """The second number of "z 29 na 30.11" is no hour, and the night is the first day's."""
    assert parse_time_query(fold_keep_times(text), NOW, DAYS, day_starts_at=starts) == TimeQuery(
        day=day, moment=time(1)
    )


def test_a_date_and_a_small_hour_are_that_dates_clock() -> None:
    """ "30.11 o 1 w nocy" is 01:00 on the 30th: where days change at 06:00, the 29th's night; a
    weekday's "o 1 w nocy" stays that day's night."""
    dated = parse_time_query(fold_keep_times("30.11 o 1 w nocy"), NOW, DAYS, day_starts_at=time(6))
    assert dated == TimeQuery(day=WED, moment=time(1))
    weekday = parse_time_query(fold_keep_times("w czwartek o 1 w nocy"), NOW, DAYS, day_starts_at=time(6))
    assert weekday == TimeQuery(day=THU, moment=time(1))
    midnight_days = parse_time_query(fold_keep_times("30.11 o 1 w nocy"), NOW, DAYS)
    assert midnight_days == TimeQuery(day=THU, moment=time(1))


def test_after_midnight_is_the_nights_small_hours() -> None:
    night = parse_time_query(fold_keep_times("co jest dziś po północy"), NOW, DAYS, day_starts_at=time(6))
    assert night == TimeQuery(day=WED, window=(time(0), time(4)))
    # Where days change at midnight, the small hours after tonight are the next day's.
    assert parse_time_query(fold_keep_times("co jest dziś po północy"), NOW, DAYS) == TimeQuery(
        day=THU, window=(time(0), time(4))
    )


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("o wpół do trzeciej", time(14, 30)),
        ("o wpół do dwunastej w nocy", time(23, 30)),
        ("wpol do 8 rano", time(7, 30)),
    ],
)
def test_half_past_is_said_before_the_hour(text: str, moment: time) -> None:
    query = parse(text)
    assert query is not None and query.moment == moment


def test_warm_up_builds_dateparsers_tables_before_the_first_question() -> None:
    """In a fresh interpreter: the time-zone patterns dateparser compiles on its first call (the
    costly part) are built by warm_up, and no answer's cache entry is made up on the way."""
    import subprocess
    import sys
    from pathlib import Path

    check = (
        "from dateparser import timezone_parser as tz\n"
        "from bot import timeexpr\n"
        "assert tz._build_tz_regexes.cache_info().currsize == 0\n"
        "timeexpr.warm_up()\n"
        "assert tz._build_tz_regexes.cache_info().currsize == 1\n"
        "assert timeexpr._dateparser_day.cache_info().currsize == 0\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", check], cwd=root, check=True, timeout=60)
