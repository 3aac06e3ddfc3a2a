"""Polish dates, times, durations and plural forms for what users read."""

from __future__ import annotations

from datetime import date, datetime, timedelta

WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")
# Accusative, for "w środę", "we wtorek".
WEEKDAYS_ACC = ("poniedziałek", "wtorek", "środę", "czwartek", "piątek", "sobotę", "niedzielę")
# Genitive, for "w nocy z piątku na sobotę".
WEEKDAYS_GEN = ("poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli")
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


# Languages a session may be held in (`language: en`), as shown: "Język: angielski".
LANGUAGES = {
    "pl": "polski",
    "en": "angielski",
    "de": "niemiecki",
    "uk": "ukraiński",
    "fr": "francuski",
    "es": "hiszpański",
    "it": "włoski",
    "cs": "czeski",
    "sk": "słowacki",
    "lt": "litewski",
    "ru": "rosyjski",
    "pjm": "polski język migowy",
}


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


def on_day(day: date, weekday_only: bool = False) -> str:
    """ "w środę, 29 listopada", "we wtorek, 5 marca" (or just "we wtorek")."""
    name = WEEKDAYS_ACC[day.weekday()]
    text = f"{'we' if name.startswith('w') else 'w'} {name}"
    return text if weekday_only else f"{text}, {format_date(day, weekday=False)}"


def night_of(day: date) -> str:
    """ "w nocy z piątku na sobotę": the night after `day`."""
    since = WEEKDAYS_GEN[day.weekday()]
    until = WEEKDAYS_ACC[(day.weekday() + 1) % 7]
    return f"w nocy {with_z(since)} na {until}"


def with_z(word: str) -> str:
    """The preposition "z" before `word`: "ze środy" (before s, z… and a consonant), "z soboty"."""
    vowel = word[1:2] in tuple("aąeęioóuy")
    return f"{'z' if vowel or word[:1] not in 'sśzźż' else 'ze'} {word}"


def night_dates(day: date) -> str:
    """ "2/3 sierpnia", "31 sierpnia/1 września": the dates of the night after `day`."""
    after = day + timedelta(days=1)
    if after.month == day.month:
        return f"{day.day}/{format_date(after, weekday=False)}"
    return f"{format_date(day, weekday=False)}/{format_date(after, weekday=False)}"


def join_and(items: list[str]) -> str:
    """ "A", "A i B", "A, B i C"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} i {items[-1]}"


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
