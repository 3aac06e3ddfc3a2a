"""Polish in every answer (issue 12): the flawed sentence frames are grepped for in every answer the
question sets, the generic questions, the direct replies, reminders and change notices produce, on
every shipped event and the festival written for the tests, at several moments.

Each check is a function from a text to the flaws it finds, and each is shown to catch a bad
example first (`test_each_check_catches_its_flaw`), so that a check that can never fail cannot pass
for one that works. What the data says (titles, names, notes, directions) is the organisers' text,
not the bot's: the voice, bracket, dash and colon checks read the bot's own words, with the data's
texts taken out; a name may start with a capital anywhere.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.assistant import Assistant
from bot.changes import Change, ChangeKind, change_reply
from bot.clock import FixedClock, parse_now
from bot.lexicon import morfeusz
from bot.loading import load_conference
from bot.model import Conference
from bot.notices import reminder_reply
from bot.polish import WEEKDAYS
from bot.reply import Reply
from handlers.messenger.render import quick_replies
from tests.bot.test_event_model import FESTIVAL, ROOT, every_event, moments_of, names_of, replies
from tests.nlu.evaluation import load_cases

# --- what is said ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Said:
    """One answer as a user reads it, with its buttons' labels and the questions behind them."""

    where: str  # event and question, for the failure message
    text: str
    labels: tuple[tuple[str, str], ...] = ()  # (label, question)


def said(where: str, reply: Reply) -> Said:
    labels = [(s.label, s.question) for s in reply.suggestions]
    # What Messenger shows: each label cut to a quick reply's 20 characters.
    labels += [(q["title"], s.label) for q, s in zip(quick_replies(reply), reply.suggestions, strict=True)]
    return Said(where, reply.plain_text, tuple(labels))


SETS = {  # the question sets and the events they were written for (used as inputs only)
    "devset.yaml": ROOT / "data" / "miejsca-otwarte-2023.yaml",
    "heldout.yaml": ROOT / "data" / "miejsca-otwarte-2023.yaml",
    **{
        f"frames_{kind}_{name}.yaml": path
        for kind in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "heldout")
        for name, path in (
            ("miejsca", ROOT / "data" / "miejsca-otwarte-2023.yaml"),
            ("39c3", ROOT / "data" / "39c3-2025.yaml"),
            ("pyconfr", ROOT / "data" / "pyconfr-2024.yaml"),
            ("festival", FESTIVAL),
        )
        if (ROOT / "tests" / "nlu" / f"frames_{kind}_{name}.yaml").exists()
    },
}


def question_set_answers() -> Iterator[tuple[Conference, Said]]:
    events = every_event()
    for name, path in SETS.items():
        conference = events[path.name]
        if name in ("devset.yaml", "heldout.yaml"):
            cases = [(c.question, c.now) for c in load_cases(name)]
        else:
            raw = yaml.safe_load((ROOT / "tests" / "nlu" / name).read_text(encoding="utf-8"))
            cases = [(str(item["q"]), str(item["now"])) for item in raw]
        clock = FixedClock(parse_now(cases[0][1], conference.tz))
        assistant = Assistant(conference, clock, cache_size=0)
        for question, now in cases:
            clock.moment = parse_now(now, conference.tz)
            yield conference, said(f"{name}: {question!r} @{now}", assistant.ask(question).reply)


def direct_answers(conference: Conference) -> Iterator[Said]:
    """The channels' direct replies, reminders and change notices at every moment of `moments_of`."""
    label = conference.event.label
    clock = FixedClock(parse_now(moments_of(conference)[0], conference.tz))
    assistant = Assistant(conference, clock, cache_size=0)
    sessions = conference.sessions[:: max(1, len(conference.sessions) // 12)]
    night = [s for s in conference.sessions if s.start.date() > s.day or s.end.date() > s.day][:3]
    for moment in moments_of(conference):
        clock.moment = parse_now(moment, conference.tz)
        for name, reply in (
            ("/teraz", assistant.reply_now()),
            ("/dalej", assistant.reply_next()),
            ("/wizyty", assistant.reply_visits()),
            ("/dojazd", assistant.reply_venue()),
            ("/kontakt", assistant.reply_contact()),
            ("/pomoc", assistant.reply_help()),
            ("/start", assistant.reply_welcome()),
            *((f"/program {i}", assistant.reply_day(i)) for i in (-1, *range(len(conference.days)))),
        ):
            yield said(f"{label} @{moment}: {name}", reply)
        for session in [*sessions, *night]:
            reply = assistant.reply_session(session.id)
            assert reply is not None
            yield said(f"{label} @{moment}: {session.id}", reply)
    for session in [*sessions, *night]:
        for lead in (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=1, minutes=20)):
            yield said(
                f"{label}: reminder {session.id}", reminder_reply(conference, session, session.start - lead)
            )
    for before, after in zip([*sessions, *night], [*sessions[1:], *night, sessions[0]], strict=False):
        for kind in ChangeKind:
            change = Change(kind, before, None if kind is ChangeKind.CANCELLED else after)
            yield said(f"{label}: {kind} {before.id}", change_reply(change, conference, conference))


def generic_answers(conference: Conference) -> Iterator[Said]:
    for question, text in replies(conference, moments_of(conference)):
        yield Said(f"{conference.event.label}: {question!r}", text)


# --- the data's own texts ------------------------------------------------------------------------


def _strings(value: object, seen: set[int]) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _strings(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type) and id(value) not in seen:
        seen.add(id(value))
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), seen)


# By the conference's id (hashing one is slow), kept with it: an id is reused once it is gone.
_PATTERNS: dict[tuple[int, str], tuple[Conference, re.Pattern[str]]] = {}


def _alternatives(texts: set[str], flags: int = 0) -> re.Pattern[str]:
    """Any of `texts`, longest first, as whole words."""
    either = "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{either})(?!\w)", flags)


def data_pattern(conference: Conference) -> re.Pattern[str]:
    """Every text the data file gives (names, titles, notes, directions), to take out of answers."""
    key = (id(conference), "data")
    if key not in _PATTERNS or _PATTERNS[key][0] is not conference:
        texts = {t.strip() for t in _strings(conference, set()) if len(t.strip()) >= 4}
        _PATTERNS[key] = conference, _alternatives(texts | names_of(conference), re.IGNORECASE)
    return _PATTERNS[key][1]


def name_pattern(conference: Conference) -> re.Pattern[str]:
    """The names of the event's things: these may follow a colon with their capital."""
    key = (id(conference), "names")
    if key not in _PATTERNS or _PATTERNS[key][0] is not conference:
        names = names_of(conference) | {s.name for s in conference.venue.stops}
        names |= {t.name for t in conference.tracks} | {k.name for k in conference.kinds}
        names |= {r.name for r in conference.venue.rooms}  # "One", "Zero": too short for names_of
        _PATTERNS[key] = conference, _alternatives({n for n in names if len(n) >= 3})
    return _PATTERNS[key][1]


def bots_words(text: str, conference: Conference | None) -> str:
    """The text with what the data says replaced by "▢"."""
    return data_pattern(conference).sub("▢", text) if conference is not None else text


# --- the checks -----------------------------------------------------------------------------------

Check = Callable[[str], list[str]]


def _found(name: str, pattern: str, flags: int = 0) -> Check:
    compiled = re.compile(pattern, flags)

    def check(text: str) -> list[str]:
        return [m.group(0) for m in compiled.finditer(text)]

    check.__name__ = name
    return check


nested_brackets = _found("nested brackets", r"\([^()]*\(")
stacked_brackets = _found("stacked brackets", r"\)\s*\(")
# "za godzinę", "za minutę", never "za 1 godzinę"
one_as_a_number = _found("1 as a number", r"\b1 (?:godzin|minut|dni)\w*")
midnight_as_digits = _found("00:00 for midnight", r"\b(?:o|do|od) 00:00")
mailto = _found("link artefact", r"\((?:mailto|tel):")
we_voice = _found(
    "first person plural",
    r"\b(?:nie mamy|mamy|nie znamy|znamy|zakładamy|możemy|dziękujemy|zapraszamy)\b",
    re.IGNORECASE,
)
# A time range is "10:00–11:00": no hyphen, no em dash, no spaces around the dash.
mixed_range_dash = _found("range dash", r"\b\d{1,2}:\d{2}(?:[-—]| [-–—] )\d{1,2}:\d{2}\b")


def hours_past_a_day(text: str) -> list[str]:
    """ "za 38 godzin": past a day the bot says "jutro o 10:00" or "pojutrze o 09:00"."""
    return [m.group(0) for m in re.finditer(r"\bza (\d+) godzin\w*", text) if int(m.group(1)) >= 24]


def repeated_weekday(text: str) -> list[str]:
    """A heading line (it starts with a weekday) that names its weekday again."""
    flawed = []
    for line in text.splitlines():
        first = re.match(r"\W*(\w+)", line)
        weekday = first.group(1) if first else ""
        if weekday.lower() in WEEKDAYS and len(re.findall(rf"\b{weekday}\b", line, re.IGNORECASE)) > 1:
            flawed.append(line)
    return flawed


# Labels the bot puts before a colon to name a field of a card ("Adres: …", "Kiedy: …"): a value
# after them may start with a capital. Any other text before a colon is part of a sentence ("Za 15
# minut, o 16:00", "Z dworca Kraków Główny"), and what follows it goes on in lower case.
FIELD_LABELS = frozenset(
    """Adres Kiedy Gdzie Prowadzi Prowadzenie Występuje Występują Ścieżka Ścieżki Język Języki Więcej
    Równolegle Telefon E-mail Organizator Współorganizatorzy Partnerzy Finansowanie Termin Miejsce
    Uczestnicy Tematy Historia Strona Parking Dostępność Rowery Przystanek Okolica Miejscowość""".split()
) | {"Jak trafić", "Miejsce zbiórki", "Program online", "Partnerzy merytoryczni", "Hasło tej edycji"}
_COLON_CAPITAL = re.compile(r"^(?P<before>.*?): (?P<word>[A-ZĄĆĘŁŃÓŚŹŻ]\w*)")


def capital_after_colon(text: str, names: re.Pattern[str] | None = None) -> list[str]:
    """A capital after ": " mid-sentence: the text before the colon on its line (after a bullet or an
    emoji) is no field label of FIELD_LABELS, and the word after it is no acronym ("CCH") and no
    name of the data (`names`: taken out first, with the colons inside them)."""
    flawed = []
    for line in (names.sub("▢", text) if names is not None else text).splitlines():
        rest = line
        while (match := _COLON_CAPITAL.match(rest)) is not None:
            before = match.group("before").lstrip("•⏰❌🔄📢✅ ").strip()
            word = match.group("word")
            acronym = sum(c.isupper() or c.isdigit() for c in word) >= 2
            if before not in FIELD_LABELS and not acronym:
                flawed.append(line)
                break
            rest = rest[match.end("word") :]  # a second colon further on the line is checked too
    return flawed


@cache
def _is_word(word: str) -> bool:
    return any(tag != "ign" for *_x, (_f, _l, tag, *_r) in morfeusz().analyse(word.lower()))


def label_cut_mid_word(label: str, source: str) -> bool:
    """Whether `label` (a button) was cut from `source` (the text it stands for, or its question)
    inside a word: the label continues in the source with a letter ("Centra Aktywności Ku" of
    "…Kulturalnej"), or its last word is only the start of a word of the source ("grud" of
    "grudnia"), or no word at all."""
    stem = label.rstrip("…”").rstrip()
    if not stem or not stem[-1].isalnum():
        return False
    at = source.lower().find(stem.lower())
    if at >= 0:
        after = source[at + len(stem) : at + len(stem) + 1]
        return after.isalnum()
    last = re.findall(r"\w+", stem)[-1].lower()
    words = {w.lower() for w in re.findall(r"\w+", source)}
    if last in words or last.isdigit():
        return False
    return any(w.startswith(last) for w in words) or not _is_word(last)


def labels_cut_mid_word(labels: tuple[tuple[str, str], ...]) -> list[str]:
    return [label for label, source in labels if label_cut_mid_word(label, source)]


# --- each check catches its flaw ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "bad", "good"),
    [
        (
            nested_brackets,
            "Następnie (sobota, 2 listopada (pojutrze), o 09:00):",
            "Następnie pojutrze (w sobotę, 2 listopada) o 09:00:",
        ),
        (
            stacked_brackets,
            "Kiedy: 19:00–21:00 (w nocy) (godzina orientacyjna)",
            "19:00 (w nocy; orientacyjnie)",
        ),
        (
            one_as_a_number,
            "Dalej, o 16:00 (za 1 godzinę i 20 minut):",
            "Dalej, o 16:00 (za godzinę i 20 minut):",
        ),
        (hours_past_a_day, "Zaczyna się za 38 godzin i 30 minut.", "Zaczyna się za 23 godziny."),
        (midnight_as_digits, "Następnie, o 00:00: koncert", "Następnie o północy: koncert"),
        (mailto, "E-mail: x@y.pl (mailto:x@y.pl)", "E-mail: x@y.pl"),
        (mixed_range_dash, "• 10:00-11:00 Otwarcie", "• 10:00–11:00 Otwarcie"),
        (mixed_range_dash, "• 10:00 – 11:00 Otwarcie", "• 10:00–11:00 Otwarcie"),
        (we_voice, "Pełnej informacji nie mamy.", "Pełnej informacji nie mam."),
        (we_voice, "Dziękujemy za udział!", "Dziękuję za udział!"),
        (we_voice, "Zakładamy, że pociąg staje.", "Zakładam, że pociąg staje."),
        (we_voice, "Możemy pomóc.", "Mogę pomóc."),
        (
            repeated_weekday,
            "Piątek, 1 sierpnia (dziś) — Piątek — noc koncertów",
            "Piątek, 1 sierpnia (dziś) — noc koncertów",
        ),
        (
            capital_after_colon,
            "Samochodem: Drogą wojewódzką do ronda",
            "Samochodem: drogą wojewódzką do ronda",
        ),
        (capital_after_colon, "Z dworca Kraków Główny: Pociągiem z Krakowa", "Adres: Ul. Zabłocie 22"),
    ],
)
def test_each_check_catches_its_flaw(check: Check, bad: str, good: str) -> None:
    assert check(bad), f"{check} misses {bad!r}"
    assert not check(good), f"{check} flags {good!r}: {check(good)}"


def test_capital_after_colon_lets_names_acronyms_and_labels_be() -> None:
    names = re.compile("Otwarcie bram|Biuro festiwalu")
    assert not capital_after_colon("⏰ Za 15 minut, o 16:00: Otwarcie bram", names)
    assert capital_after_colon("⏰ Za 15 minut, o 16:00: Otwarcie bram")  # no name known: a flaw
    assert not capital_after_colon("Z dworca Hamburg Dammtor: CCH jest tuż obok dworca")
    assert not capital_after_colon("Dostępność: W obu budynkach są windy.")
    assert capital_after_colon("Adres: ul. Próbna 1; dojazd: Tramwajem")  # a second colon on the line


def test_labels_are_cut_at_a_word() -> None:
    title = "Wizyta studyjna: Centra Aktywności Kulturalnej (Gmina Skawina)"
    assert label_cut_mid_word("Centra Aktywności Ku", title)
    assert not label_cut_mid_word("Centra Aktywności…", title)
    assert label_cut_mid_word("Program: poniedziałek, 29 grud", "program na 29 grudnia")
    assert not label_cut_mid_word("Program: poniedziałek, 29…", "program na 29 grudnia")
    assert not label_cut_mid_word("Warsztat „People…”", "Warsztat „People meet People”")
    assert not label_cut_mid_word("Co jest teraz?", "co jest teraz?")


# --- every answer ---------------------------------------------------------------------------------


def flaws(answer: Said, conference: Conference | None) -> list[str]:
    own = bots_words(answer.text, conference)
    names = name_pattern(conference) if conference is not None else None
    found = []
    for check in (nested_brackets, stacked_brackets, mixed_range_dash, we_voice):
        found += [f"{check.__name__}: {f}" for f in check(own)]
    for check in (one_as_a_number, hours_past_a_day, midnight_as_digits, mailto, repeated_weekday):
        found += [f"{check.__name__}: {f}" for f in check(answer.text)]
    found += [f"capital after a colon: {f}" for f in capital_after_colon(answer.text, names)]
    found += [f"label cut mid-word: {f!r}" for f in labels_cut_mid_word(answer.labels)]
    return found


def _report(answers: Iterator[tuple[Conference | None, Said]]) -> tuple[int, list[str]]:
    count, failures = 0, []
    for conference, answer in answers:
        count += 1
        problems = flaws(answer, conference)
        if problems:
            failures.append(f"{answer.where}:\n  " + "\n  ".join(problems) + "\n" + answer.text)
    return count, failures


def test_question_set_answers_have_no_flawed_frame() -> None:
    count, failures = _report((c, s) for c, s in question_set_answers())
    assert count >= 600
    assert not failures, f"{len(failures)} of {count} answers:\n\n" + "\n\n".join(failures[:15])


@pytest.mark.parametrize("path", [*sorted((ROOT / "data").glob("*.yaml")), FESTIVAL], ids=lambda p: p.name)
def test_every_events_answers_have_no_flawed_frame(path: Path) -> None:
    conference = load_conference(path)

    def answers() -> Iterator[tuple[Conference | None, Said]]:
        for answer in generic_answers(conference):
            yield conference, answer
        for answer in direct_answers(conference):
            yield conference, answer

    count, failures = _report(answers())
    assert count >= 150
    assert not failures, f"{len(failures)} of {count} answers:\n\n" + "\n\n".join(failures[:15])
