"""Polish time expressions: "jutro o 10", "w czwartek rano", "30 listopada o 9", "za godzinę".

A normalising pass reads hours, parts of the day and relative offsets itself and hands
dateparser only a canonical date phrase ("jutro", "30 listopada"), because plain dateparser
misreads "jutro o 10", "o 15", "dziś wieczorem" and "za godzinę".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import dateparser
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.polish import MONTHS_GEN

_MONTHS = {
    "stycznia": 1,
    "styczen": 1,
    "lutego": 2,
    "luty": 2,
    "marca": 3,
    "marzec": 3,
    "kwietnia": 4,
    "kwiecien": 4,
    "maja": 5,
    "maj": 5,
    "czerwca": 6,
    "czerwiec": 6,
    "lipca": 7,
    "lipiec": 7,
    "sierpnia": 8,
    "sierpien": 8,
    "wrzesnia": 9,
    "wrzesien": 9,
    "pazdziernika": 10,
    "pazdziernik": 10,
    "listopada": 11,
    "listopad": 11,
    "grudnia": 12,
    "grudzien": 12,
}
_WEEKDAY_FORMS = (
    ("poniedzialek", "poniedzialku", "poniedzialkowy", "poniedzialkowe", "pon"),
    ("wtorek", "wtorku", "wtorkowy", "wtorkowe", "wt"),
    ("sroda", "srode", "srody", "srodzie", "srodowy", "srodowe", "srodowa", "sr"),
    ("czwartek", "czwartku", "czwartkowy", "czwartkowe", "czwartkowa", "czw"),
    ("piatek", "piatku", "piatkowy", "piatkowe", "pt"),
    ("sobota", "sobote", "soboty", "sobocie", "sobotni", "sob"),
    ("niedziela", "niedziele", "niedzieli", "niedzielny", "ndz"),
)
_WEEKDAY = {form: i for i, forms in enumerate(_WEEKDAY_FORMS) for form in forms}
_RELATIVE_DAY = {
    "dzis": "dzisiaj",
    "dzisiaj": "dzisiaj",
    "dzisiejszy": "dzisiaj",
    "dzisiejsze": "dzisiaj",
    "dzisiejszego": "dzisiaj",
    "dzisiejsza": "dzisiaj",
    "dzisiejszej": "dzisiaj",
    "dzisiejszych": "dzisiaj",
    "dzisiejszym": "dzisiaj",
    "dzisiejszymi": "dzisiaj",
    "jutro": "jutro",
    "jutra": "jutro",
    "jutrzejszy": "jutro",
    "jutrzejsze": "jutro",
    "jutrzejsza": "jutro",
    "jutrzejszego": "jutro",
    "jutrzejszej": "jutro",
    "jutrzejszych": "jutro",
    "jutrzejszym": "jutro",
    "jutr": "jutro",
    "jutroo": "jutro",
    "jurto": "jutro",
    "pojutrze": "pojutrze",
    "wczoraj": "wczoraj",
    "wczorajszy": "wczoraj",
    "wczorajsze": "wczoraj",
}
_HOUR_WORDS = {
    "pierwszej": 1,
    "drugiej": 2,
    "trzeciej": 3,
    "czwartej": 4,
    "piatej": 5,
    "szostej": 6,
    "siodmej": 7,
    "osmej": 8,
    "dziewiatej": 9,
    "dziesiatej": 10,
    "jedenastej": 11,
    "dwunastej": 12,
    "trzynastej": 13,
    "czternastej": 14,
    "pietnastej": 15,
    "szesnastej": 16,
    "siedemnastej": 17,
    "osiemnastej": 18,
    "dziewietnastej": 19,
    "dwudziestej": 20,
    "polnocy": 0,
}
_ORDINAL_DAY = {
    "pierwszy": 0,
    "pierwszego": 0,
    "pierwszym": 0,
    "1": 0,
    "drugi": 1,
    "drugiego": 1,
    "drugim": 1,
    "2": 1,
    "trzeci": 2,
    "trzeciego": 2,
    "trzecim": 2,
    "3": 2,
    "ostatni": -1,
    "ostatniego": -1,
    "ostatnim": -1,
}
_DAY_NOUN = ("dzien", "dnia", "dniu", "dzionek")

MORNING = (time(6), time(12))
AFTERNOON = (time(12), time(18))
EVENING = (time(17), time(23, 59))
AFTER_MIDNIGHT = (time(0), time(4))
NIGHT = (time(21), time(4))  # into the small hours: "dziś w nocy" includes the 01:30 concert

_WINDOWS: tuple[tuple[re.Pattern[str], tuple[time, time] | time], ...] = (
    (re.compile(r"\bprzed ?poludni\w*|\bprzedpoludni\w*"), (time(8), time(12))),
    (re.compile(r"\bpo ?poludni\w*|\bpopoludni\w*"), AFTERNOON),
    (re.compile(r"\b(?:w )?poludni[eu]\b"), time(12)),
    (re.compile(r"\brano\b|\brankiem\b|\bz rana\b|\bporan\w*|\brana\b"), MORNING),
    (re.compile(r"\bwiecz[oó]r\w*|\bwieczorem\b|\bwieczorn\w*"), EVENING),
    (re.compile(r"\bpo polnocy\b"), AFTER_MIDNIGHT),  # "dziś po północy": the small hours
    (re.compile(r"\bw nocy\b|\bnoca\b"), NIGHT),
)
_CLOCK = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")
_HOUR_AFTER_WORD = re.compile(
    r"\b(?:o|od|na|godz|godzina|godzinie|godzine|okolo|ok|kolo|przed|po|około)\s+"
    r"([01]?\d|2[0-3])(?:[:. ]([0-5]\d))?(?!\s*(?:min|minut|listopad|grud|stycz|\.|:))\b"
)
_HOUR_WORD = re.compile(r"\b(?:o|od|na|okolo|kolo|przed|po)\s+(" + "|".join(_HOUR_WORDS) + r")\b")
_IN_DURATION = re.compile(
    r"\bza\s+(?:(\d{1,3})|(pol|poltorej|jedna|jeden|dwie|dwa|trzy|kwadrans))?\s*"
    r"(godz\w*|h\b|min\w*|kwadrans)"
)
_DATE_WORDS = re.compile(r"\b(\d{1,2})(?:\s*(?:go|ego))?\s+(" + "|".join(_MONTHS) + r")\b")
_DATE_DOTS = re.compile(r"\b(\d{1,2})\.(\d{1,2})\b")
# "1.08 o 12", "30.11 o 10:00": a day and month, then the hour.
_DATE_THEN_HOUR = re.compile(
    r"(?<![:.\d])\b(\d{1,2})\.(\d{1,2})\b(?=\s+(?:o|od|godz\w*|po|przed|okolo)\s+\d)"
)
_TIME_WORD_BEFORE = re.compile(r"\b(?:o|od|do|godz\w*|po|przed|okolo|kolo|ok)\s+$")
_AFTER_HOUR = re.compile(r"\bpo\s+([01]?\d|2[0-3])(?:[:.]([0-5]\d))?\b(?!\s*(?:min|minut))")
_BEFORE_HOUR = re.compile(r"\bprzed\s+([01]?\d|2[0-3])(?:[:.]([0-5]\d))?\b(?!\s*(?:min|minut))")
_DAY_OF_MONTH_ALONE = re.compile(r"\b(\d{1,2})\s*(?:go|ego)\b")
_GREETINGS = re.compile(r"\b(?:dobry wieczor|dobranoc|dzien dobry|milego wieczoru|milego dnia)\b")
_NUMBER_WORDS = {"jedna": 1, "jeden": 1, "dwie": 2, "dwa": 2, "trzy": 3, "pol": 0.5, "poltorej": 1.5}


@dataclass(frozen=True, slots=True)
class TimeQuery:
    """What a question asks about in time. Each part is optional; `day` None means "not said"."""

    day: date | None = None
    moment: time | None = None
    window: tuple[time, time] | None = None
    absolute: datetime | None = None
    day_index: int | None = None  # "pierwszego dnia": an index into the event days, -1 for last

    @property
    def has_hour(self) -> bool:
        return self.moment is not None or self.window is not None or self.absolute is not None

    @property
    def has_day(self) -> bool:
        return self.day is not None or self.day_index is not None


@lru_cache(maxsize=512)
def _dateparser_day(phrase: str, base: datetime) -> date | None:
    parsed = dateparser.parse(
        phrase,
        languages=["pl"],
        settings={"RELATIVE_BASE": base, "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"},
    )
    return parsed.date() if parsed else None


def warm_up() -> None:
    """Build dateparser's tables now: its first call compiles patterns for every time zone
    (~0.2 s of CPU here), which would otherwise land on the first question about a date."""
    _dateparser_day.__wrapped__("jutro", datetime(2000, 1, 1))


def _prefer_event_year(day: date, event_days: Sequence[date]) -> date:
    """ "30 listopada" means the event's 30 November when the event has that day."""
    for event_day in event_days:
        if (event_day.month, event_day.day) == (day.month, day.day):
            return event_day
    return day


def _dates_in_words(text: str, event_days: Sequence[date]) -> str:
    """ "1.08" written as "1 sierpnia" where it is a date, so that no time parser reads it as 1:08:
    when an hour follows ("1.08 o 12"), or when it is one of the event's days and nothing before it
    makes it a time ("co jest 30.11?", but "o 10.30" stays a time)."""

    def as_words(match: re.Match[str]) -> str:
        day, month = int(match.group(1)), int(match.group(2))
        if not (1 <= month <= 12 and 1 <= day <= 31) or _TIME_WORD_BEFORE.search(text[: match.start()]):
            return match.group(0)
        follows_hour = bool(_DATE_THEN_HOUR.match(text, match.start()))
        event_day = any((d.day, d.month) == (day, month) for d in event_days)
        if follows_hour or event_day or day > 23:
            return f"{day} {MONTHS_GEN[month - 1]}"
        return match.group(0)

    return _DATE_DOTS.sub(as_words, text)


def _find_day(
    text: str, now: datetime, event_days: Sequence[date], today: date | None = None
) -> tuple[date | None, int | None]:
    base = datetime.combine(today or now.date(), time(12))
    tokens = text.split()
    for i, token in enumerate(tokens):
        if token in _DAY_NOUN:
            neighbours = tokens[max(0, i - 1) : i] + tokens[i + 1 : i + 2]
            for word in neighbours:
                if word in _ORDINAL_DAY:
                    return None, _ORDINAL_DAY[word]
    match = _DATE_WORDS.search(text)
    if match:
        month = _MONTHS[match.group(2)]
        day = _dateparser_day(f"{int(match.group(1))} {MONTHS_GEN[month - 1]}", base)
        if day:
            return _prefer_event_year(day, event_days), None
    match = _DATE_DOTS.search(text)
    if match and int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) > 23:
        day = _dateparser_day(f"{int(match.group(1))}.{int(match.group(2))}.{now.year}", base)
        if day:
            return _prefer_event_year(day, event_days), None
    match = _DAY_OF_MONTH_ALONE.search(text)
    if match:
        number = int(match.group(1))
        candidates = [d for d in event_days if d.day == number]
        if candidates:
            return candidates[0], None
    for token in tokens:
        if token in _RELATIVE_DAY:
            return _dateparser_day(_RELATIVE_DAY[token], base), None
    for token in tokens:
        if token in _WEEKDAY and not (token in ("sr", "pt", "wt", "pon", "sob") and len(tokens) > 6):
            weekday = _WEEKDAY[token]
            for event_day in event_days:
                if event_day.weekday() == weekday:
                    return event_day, None
            ahead = (weekday - now.weekday()) % 7
            return now.date() + timedelta(days=ahead), None
    return None, None


_HALF_PAST = re.compile(r"\bw ?pol do (" + "|".join(_HOUR_WORDS) + r"|\d{1,2})\b")  # "wpół do dwunastej"


def _find_hour(text: str) -> time | None:
    match = _CLOCK.search(text)
    if match:
        return time(int(match.group(1)), int(match.group(2)))
    match = _HALF_PAST.search(text)
    if match:
        word = match.group(1)
        full = int(word) if word.isdigit() else _HOUR_WORDS[word] or 24
        return time((full - 1) % 24, 30)
    match = _HOUR_AFTER_WORD.search(text)
    if match:
        hour = int(match.group(1))
        minute = int(match.group(2) or 0)
        return time(hour, minute)
    match = _HOUR_WORD.search(text)
    if match:
        return time(_HOUR_WORDS[match.group(1)])
    return None


def _find_duration(text: str) -> timedelta | None:
    match = _IN_DURATION.search(text)
    if not match:
        return None
    number, word, unit = match.groups()
    amount = float(number) if number else _NUMBER_WORDS.get(word or "", 1.0)
    if unit.startswith("kwadrans") or word == "kwadrans":
        return timedelta(minutes=15 * (amount if number else 1))
    if unit.startswith("min"):
        return timedelta(minutes=amount)
    return timedelta(hours=amount)


def _afternoon(hour: time, window: tuple[time, time] | time | None) -> time:
    """ "o 5" at a conference means 17:00; "o 7 rano" and "o 1 w nocy" stay as they are."""
    if window == NIGHT and 7 <= hour.hour < 12:
        return time(hour.hour + 12, hour.minute)  # "o wpół do dwunastej w nocy": 23:30
    if window in (MORNING, NIGHT) or hour.hour == 0 or hour.hour > 7:
        return hour
    return time(hour.hour + 12, hour.minute)


# Words that say when, whatever the time parser made of them: never what a session is about.
TIME_WORDS = frozenset(
    (*_RELATIVE_DAY, *_WEEKDAY, *_HOUR_WORDS, *_MONTHS, *(w for w in _ORDINAL_DAY if not w.isdigit()))
) | frozenset(
    """rano rankiem wieczor wieczorem wieczorny noc nocy noca nocna nocny poludnie poludniu
    popoludnie popoludniu przedpoludnie przedpoludniem polnoc godzina godzinie godz""".split()
)
_DAY_WORDS = tuple(w for w in (*_RELATIVE_DAY, *_WEEKDAY, *_ORDINAL_DAY, *_MONTHS) if len(w) >= 5)


@lru_cache(maxsize=4096)
def _correct(token: str) -> str:
    """A day or month word typed with one slip ("jturo", "czwartke") to its right form."""
    if len(token) < 5 or not token.isalpha() or token in _DAY_WORDS:
        return token
    found = process.extractOne(token, _DAY_WORDS, scorer=OSA.distance, score_cutoff=1)
    return found[0] if found else token


# "w nocy z 29 na 30.12", "w nocy z 1 na 2 sierpnia": the night belongs to its first day, as
# "w nocy z piątku na sobotę" does — and the second number is no hour.
_NIGHT_BETWEEN = re.compile(
    r"\bw nocy z (\d{1,2})(?:\.(\d{1,2}))? na (\d{1,2})(?:\.(\d{1,2})|\s+(" + "|".join(_MONTHS) + r"))\b"
)


def _night_of_first_day(match: re.Match[str]) -> str:
    month = int(match.group(2) or match.group(4) or 0) or _MONTHS[match.group(5)]
    if not 1 <= month <= 12 or not 1 <= int(match.group(1)) <= 31:
        return match.group(0)
    return f"w nocy {int(match.group(1))} {MONTHS_GEN[month - 1]}"


def parse_time_query(
    folded: str,
    now: datetime,
    event_days: Sequence[date],
    today: date | None = None,
    day_starts_at: time = time(0),
) -> TimeQuery | None:
    """Read the time a folded question asks about, or None if it names no time. `today`: the
    programme day "dziś" and "jutro" count from (at 02:00 of a festival night, the evening's);
    `day_starts_at`: the hour programme days change at (06:00 when nights belong to the evening)."""
    found = _parse(folded, now, event_days, today)
    # "30.12 o 1 w nocy": a date and a small hour are that date's clock — on a programme whose
    # days change at 06:00, the night of the day before (a weekday's "o 1 w nocy" stays its night).
    dated = _DATE_WORDS.search(_dates_in_words(_NIGHT_BETWEEN.sub(" ", folded), event_days))
    if (
        found is not None
        and found.day is not None
        and found.moment is not None
        and found.moment < day_starts_at
        and dated is not None
        and not _NIGHT_FROM_TO.search(folded)
    ):
        return replace(found, day=found.day - timedelta(days=1))
    # "dziś po północy": where programme days change at midnight, the small hours are the next day's.
    if found is not None and found.window == AFTER_MIDNIGHT and day_starts_at <= time(0):
        return replace(found, day=(found.day or today or now.date()) + timedelta(days=1), day_index=None)
    # "w nocy z piątku na sobotę o 1": the first day's night. Where programme days change at
    # midnight, its 01:00 is the second day's.
    if (
        found is not None
        and found.day is not None
        and found.moment is not None
        and day_starts_at <= found.moment < time(12)
        and _NIGHT_FROM_TO.search(folded)
    ):
        return replace(found, day=found.day + timedelta(days=1))
    return found


_NIGHT_FROM_TO = re.compile(r"\bw nocy ze? \w+ na \w+")


def _parse(folded: str, now: datetime, event_days: Sequence[date], today: date | None) -> TimeQuery | None:
    folded = " ".join(_correct(token) for token in _GREETINGS.sub(" ", folded).split())
    folded = _NIGHT_BETWEEN.sub(_night_of_first_day, folded)
    folded = _dates_in_words(folded, event_days)
    duration = _find_duration(folded)
    if duration is not None:
        return TimeQuery(absolute=now + duration)
    day, day_index = _find_day(folded, now, event_days, today)
    window: tuple[time, time] | time | None = None
    for pattern, value in _WINDOWS:
        if pattern.search(folded):
            window = value
            break
    # "po 20", "przed 12": the rest of the day from that hour, or the part of it before.
    after, before = _AFTER_HOUR.search(folded), _BEFORE_HOUR.search(folded)
    if after is not None and window is None:
        start = _afternoon(time(int(after.group(1)), int(after.group(2) or 0)), None)
        return TimeQuery(day=day, window=(start, time(23, 59)), day_index=day_index)
    if before is not None and window is None:
        end = _afternoon(time(int(before.group(1)), int(before.group(2) or 0)), None)
        return TimeQuery(day=day, window=(time(6), end), day_index=day_index)
    if window == AFTER_MIDNIGHT and not _CLOCK.search(folded):
        return TimeQuery(day=day, window=AFTER_MIDNIGHT, day_index=day_index)
    hour = _find_hour(folded)
    if hour is not None:
        hour = _afternoon(hour, window)
        return TimeQuery(day=day, moment=hour, day_index=day_index)
    if isinstance(window, time):
        return TimeQuery(day=day, moment=window, day_index=day_index)
    if window is not None:
        return TimeQuery(day=day, window=window, day_index=day_index)
    if day is not None or day_index is not None:
        return TimeQuery(day=day, day_index=day_index)
    return None
