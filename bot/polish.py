"""Polish dates, times, durations and plural forms for what users read."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

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


def format_time(moment: datetime | time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def at_time(moment: datetime | time) -> str:
    """ "o 15:00"; midnight is "o północy", never "o 00:00"."""
    return "o północy" if (moment.hour, moment.minute) == (0, 0) else f"o {format_time(moment)}"


def until_time(moment: datetime | time) -> str:
    """ "do 16:30"; "do północy"."""
    return "do północy" if (moment.hour, moment.minute) == (0, 0) else f"do {format_time(moment)}"


def format_span(start: datetime, end: datetime) -> str:
    """ "15:00–16:30"."""
    return f"{format_time(start)}–{format_time(end)}"


def counted(n: int, one: str, few: str, many: str, bare_one: bool = False) -> str:
    """A number with its agreeing noun: "1 punkt", "2 punkty", "5 punktów"; `bare_one`: "godzinę"."""
    if n == 1 and bare_one:
        return one
    return f"{n} {plural(n, one, few, many)}"


def format_duration(delta: timedelta) -> str:
    """ "15 minut", "godzinę i 5 minut", "2 dni" (accusative, for "za …" and "przez …")."""
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes >= 48 * 60:
        return counted(round(minutes / (24 * 60)), "dzień", "dni", "dni")
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(counted(hours, "godzinę", "godziny", "godzin", bare_one=True))
    if mins or not hours:
        parts.append(counted(mins, "minutę", "minuty", "minut", bare_one=not hours))  # "2 godziny i 1 minutę"
    return " i ".join(parts)


def in_how_long(moment: datetime, now: datetime) -> str:
    """ "za 20 minut", "za godzinę i 20 minut"; past a day "jutro o 10:00", "pojutrze o 09:00",
    then "za 5 dni" (counted in calendar days: "za 38 godzin" makes the reader do the sums)."""
    if moment - now < timedelta(days=1):
        return f"za {format_duration(moment - now)}"
    days = (moment.date() - now.date()).days
    near = relative_day(moment.date(), now.date())
    if near is not None:
        return f"{near} {at_time(moment)}"
    return f"za {counted(days, 'dzień', 'dni', 'dni')}"


def when_phrase(day: date, moment: datetime, today: date | None = None) -> str:
    """When something of programme day `day` starts, in a sentence: "dziś o 16:00",
    "jutro (w sobotę, 2 sierpnia) o 10:00", "w piątek, 1 sierpnia, o 16:00",
    "w nocy z piątku na sobotę, o 01:30" (one bracket at most: none inside another)."""
    at = at_time(moment)
    if moment.date() > day:  # the night after the programme day
        if today is not None and day == today:
            return f"{night_of(day)}, {at}"
        return f"{night_of(day)}, {night_dates(day)}, {at}"
    near = relative_day(day, today) if today is not None else None
    if near == "dziś":
        return f"dziś {at}"
    if near is not None:
        return f"{near} ({on_day(day)}) {at}"
    return f"{on_day(day)}, {at}"


def relative_day(day: date, today: date) -> str | None:
    """ "dziś", "jutro", "pojutrze", "wczoraj" when it applies."""
    return {0: "dziś", 1: "jutro", 2: "pojutrze", -1: "wczoraj"}.get((day - today).days)


_WEEKDAY_START = re.compile(r"^\s*(?:" + "|".join(WEEKDAYS) + r")\b[\s,.:;()–—-]*", re.IGNORECASE)


def without_weekday(title: str, day: date) -> str:
    """A day's own title without the weekday its heading already says: "Piątek — noc koncertów"
    under "Piątek, 1 sierpnia" is "noc koncertów"; "" when nothing else is left."""
    match = _WEEKDAY_START.match(title)
    if match is None or match.group(0).strip(" ,.:;()–—-").lower() != WEEKDAYS[day.weekday()]:
        return title
    return title[match.end() :].strip()


def short_label(text: str, limit: int) -> str:
    """A button label of at most `limit` characters, cut at a word with "…", never mid-word
    ("Centra Aktywności…", not "Centra Aktywności Ku"); a cut name keeps its closing quote
    („People…”); only a single word longer than the limit is cut inside."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = limit - 1  # for "…"
    while room > 0:
        head = text[:room]
        if text[room : room + 1] not in (" ", ""):  # the cut falls inside a word: back to a space
            space = head.rfind(" ")
            head = head[:space] if space > 0 else head
        head = head.rstrip(' ,.:;–—-„"(') + "…"
        if head.count("„") > head.count("”"):
            head += "”"
        if len(head) <= limit:
            return head
        room -= 1
    return text[: limit - 1] + "…"


def with_mark(text: str, mark: str) -> str:
    """A note and its mark ("do potwierdzenia"): "…pieszo (do potwierdzenia)", or after a full
    sentence a sentence of its own ("…organizatorów. Do potwierdzenia."): no bracket after a full stop."""
    text = text.rstrip()
    if text.endswith((".", "!", "?", "…")):
        return f"{text} {mark[:1].upper()}{mark[1:]}."
    return f"{text} ({mark})"


# Readings whose first word starts a clause in lower case after a label's colon: a preposition
# ("Do przystanku"), an adverb ("Pieszo"), an imperative ("Sprawdź") or a noun or adjective in
# the instrumental ("Pociągiem", "Autostradą"). Names ("Kraków", "CCH") keep their capital.
_CLAUSE_TAGS = ("prep", "adv", "impt", "conj", "comp", "qub")
_FIRST_WORD = re.compile(r"[^\W\d_]+")


def lower_after_colon(text: str) -> str:
    """Text that follows a label and a colon, in lower case when it starts with a common word:
    "Samochodem: drogą wojewódzką…", not "Samochodem: Drogą wojewódzką…"."""
    match = _FIRST_WORD.match(text)
    if match is None or not text[:1].isupper() or not text[1:2].islower():
        return text
    from bot.lexicon import morfeusz  # the dictionary loads once, and only where a text needs it

    word = match.group(0).lower()
    for _start, _end, (_form, lemma, tag, *_rest) in morfeusz().analyse(word):
        parts = tag.split(":")
        if not lemma[:1].islower():
            continue
        if parts[0] in _CLAUSE_TAGS or (parts[0] in ("subst", "adj") and "inst" in tag):
            return text[:1].lower() + text[1:]
    return text
