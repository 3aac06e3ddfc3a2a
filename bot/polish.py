"""Polish dates, times, durations and plural forms for what users read."""

from __future__ import annotations

from datetime import date, datetime, timedelta

WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")
# Accusative, for "w środę", "we wtorek".
WEEKDAYS_ACC = ("poniedziałek", "wtorek", "środę", "czwartek", "piątek", "sobotę", "niedzielę")
MONTHS_GEN = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)


def plural(n: int, one: str, few: str, many: str) -> str:
    """Polish plural: 1 minuta, 2 minuty, 5 minut, 22 minuty, 25 minut."""
    if n == 1:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def format_date(day: date, weekday: bool = True) -> str:
    """ "środa, 29 listopada"."""
    text = f"{day.day} {MONTHS_GEN[day.month - 1]}"
    return f"{WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def format_time(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_span(start: datetime, end: datetime) -> str:
    """ "15:00–16:30"."""
    return f"{format_time(start)}–{format_time(end)}"


def format_duration(delta: timedelta) -> str:
    """ "15 minut", "1 godzinę i 5 minut", "2 dni" (accusative, for "za …" and "przez …")."""
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes >= 48 * 60:
        days = round(minutes / (24 * 60))
        return f"{days} {plural(days, 'dzień', 'dni', 'dni')}"
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {plural(hours, 'godzinę', 'godziny', 'godzin')}")
    if mins or not hours:
        parts.append(f"{mins} {plural(mins, 'minutę', 'minuty', 'minut')}")
    return " i ".join(parts)


def relative_day(day: date, today: date) -> str | None:
    """ "dziś", "jutro", "pojutrze", "wczoraj" when it applies."""
    return {0: "dziś", 1: "jutro", 2: "pojutrze", -1: "wczoraj"}.get((day - today).days)
