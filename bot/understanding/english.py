"""Simple English questions, read as their Polish equivalents ("What's on now?" → "co jest teraz?").

Visitors from abroad ask the main questions in English. The answer stays Polish (the data is), with
one short English line above it; anything beyond these phrases gets the usual fallback.
"""

from __future__ import annotations

import re

# Words that mark a message as English; names and titles are neither language.
_ENGLISH = frozenset(
    """what whats where when who how is are the does do did will on at in to get there here now next
    today tomorrow tonight venue schedule programme program agenda speak speaks speaking talk talks
    talking room stage hall can i my please of happening going address find contact help hello hi hey
    thanks thank you event conference festival starts start end ends finish about which time
    workshop workshops session sessions after before parallel same play plays playing concert
    concerts tickets ticket weather park parking bus train leave leaves long there any""".split()
)
_POLISH = frozenset(
    """co jest gdzie kiedy jak kto czy sie dzis dzisiaj jutro teraz dalej prosze jaki jaka jakie
    ktorej ktora godzina na w o po przed""".split()
)
_WEEKDAYS = {
    "monday": "w poniedziałek",
    "tuesday": "we wtorek",
    "wednesday": "w środę",
    "thursday": "w czwartek",
    "friday": "w piątek",
    "saturday": "w sobotę",
    "sunday": "w niedzielę",
}
# (pattern, Polish) in order; \1 keeps a name or a title as written.
_DOING = r"(?:speak|speaking|talk|talking|present|presenting|perform|performing|play|playing)"
_SCHEDULE = r"(?:schedule|programme|program|agenda)"
# (pattern, Polish) in order, the most specific first; \1 keeps a name or a title as written.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), polish)
    for pattern, polish in (
        (rf"\bwhen (?:does|do|will|is) (.+?) {_DOING}\b", r"kiedy występuje \1"),
        (rf"\bwhere (?:does|do|will|is) (.+?) {_DOING}\b", r"gdzie występuje \1"),
        (r"\bwhat (?:does|do|will|is) (.+?) (?:speak|speaking|talk|talking) about\b", r"o czym mówi \1"),
        (
            r"\bwho (?:is )?(?:speaking|speaks|talking|presenting|runs|is running|leads|is leading)"
            r" (?:at |in |on )?(.+)",
            r"kto prowadzi \1",
        ),
        (r"\bwhat(?:'s| is)? next in (?:room |hall |the )?(.+)", r"co dalej w \1"),
        (r"\bwhat(?:'s| is)? (?:on )?in (?:room |hall |the )?(.+)", r"co jest w \1"),
        (r"\bwhat(?:'s| is)? (?:on|playing) (?:on|at) (?:the )?(?!\d)(.+)", r"co jest na \1"),
        (r"\bwhat(?:'s| is)? on the (.+)", r"co jest na \1"),
        (r"\bwhat (\w+) (?:are|is) (?:there|on) (today|tomorrow)\b", r"jakie są \1 \2"),
        (r"\bwhere is (?:room|hall) (.+)", r"gdzie jest sala \1"),
        (
            rf"\b{_SCHEDULE}(?: for)? today\b|\btoday's {_SCHEDULE}\b|\bwhat(?:'s| is) on today\b",
            "program na dziś",
        ),
        (
            rf"\b{_SCHEDULE}(?: for)? tomorrow\b|\btomorrow's {_SCHEDULE}\b|\bwhat(?:'s| is) on tomorrow\b",
            "program na jutro",
        ),
        (r"\bwhat(?:'s| is)? (?:up )?next\b|\bwhat comes next\b", "co dalej"),
        (
            r"\bwhat(?:'s| is)? (?:on|happening|going on)(?: right)? now\b"
            r"|\bwhat(?:'s| is) (?:on|happening|going on)\s*\??\s*$",
            "co jest teraz",
        ),
        (  # "what's on at 3pm on Sunday?": a time and nothing else
            r"^\s*what(?:'s| is)? (?:on|happening|going on)"
            r"(?:\s+(?:at|on)\s+(?:\d{1,2}(?::\d\d)?\s*(?:am|pm)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday))+\s*\??\s*$",
            "co jest",
        ),
        (
            r"\bwhen (?:does|do|will) (?:the )?(?:event|conference|festival|congress) (?:start|begin)\b",
            "kiedy zaczyna się konferencja",
        ),
        (
            r"\bwhen (?:does|do|will) (?:the )?(?:event|conference|festival|congress) (?:end|finish)\b",
            "kiedy kończy się konferencja",
        ),
        (
            r"\bhow (?:do|can) (?:i|we) get (?:there|to the venue|to .+)|\bhow to get there\b|\bdirections\b",
            "jak dojechać",
        ),
        (
            r"\bwhere is (?:the )?(?:venue|event|conference|festival|congress|it)\b|\baddress\b",
            "gdzie jest konferencja",
        ),
        (rf"\b{_SCHEDULE}\b", "program"),
        (r"\bwhen is (?:the )?(.+)", r"kiedy jest \1"),
        (r"\bwhere is (?:the )?(.+)", r"gdzie jest \1"),
        (r"\bcontact\b|\bwho (?:can|do) i (?:ask|call|write to)\b", "kontakt"),
        (r"\bthank(?:s| you)\b", "dziękuję"),
        (r"\bhelp\b|\bwhat can you do\b", "pomoc"),
        (r"^\s*(?:hello|hi|hey)\b", "cześć"),
    )
)
# The words visitors use for places at a venue: "the small stage" is „Mała Scena”, "main hall" a
# „sala główna” (names are matched by their lemmas, so the adjective's gender does not matter).
_VENUE_WORDS = {
    "stage": "scena",
    "small": "mała",
    "big": "duża",
    "large": "duża",
    "main": "główna",
    "great": "wielka",
    "tent": "namiot",
    "room": "sala",
    "hall": "sala",
    "field": "pole",
    "entrance": "wejście",
    "kids": "dzieci",
    "now": "teraz",
    "tonight": "dziś wieczorem",
    "after": "po",
    "before": "przed",
}
# Word by word, for English the phrases above do not cover: the Polish reading is built from
# what is asked, about what and when, whatever the order, so a gloss is enough ("Is there a DJ
# tonight?" → "czy jest DJ dziś wieczorem"). Names and titles pass through as written.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), polish)
    for pattern, polish in (
        (r"\bhow long\b", "ile trwa"),
        (r"\bwhat time\b", "o której"),
        (r"\bhow (?:do|can) (?:i|we) get to\b|\bway to\b", "jak dojechać do"),
        (r"\bat the same time as\b|\bparallel (?:to|with)\b|\balongside\b", "równolegle z"),
        (r"\b(?:right )?now\b", "teraz"),
        (r"\btonight\b", "dziś wieczorem"),
        (r"\bnight (?=\w)", "nocny "),
        (r"\bwhere (?:can|do) (?:i|we) park\b", "gdzie parking"),
        (r"\bhow much\b", "ile"),
        (r"\bhow far\b", "jak daleko"),
        (r"\bcan (?:i|we)\b", "czy mogę"),
        (r"\b(?:train|railway) station\b", "dworzec"),
        (r"\bin english\b", "po angielsku"),
        (r"\b(?:is|are) there\b", "czy jest"),
        (r"\bwhat(?:'s| is| are)\b", "co jest"),
    )
)
_WORDS = {
    "what": "co",
    "when": "kiedy",
    "where": "gdzie",
    "who": "kto",
    "which": "który",
    "how": "jak",
    "next": "dalej",
    "after": "po",
    "before": "przed",
    "today": "dziś",
    "tomorrow": "jutro",
    "stage": "scena",
    "big": "duża",
    "large": "duża",
    "small": "mała",
    "main": "główna",
    "room": "sala",
    "hall": "sala",
    "tent": "namiot",
    "concert": "koncert",
    "concerts": "koncerty",
    "workshop": "warsztat",
    "workshops": "warsztaty",
    "talk": "wykład",
    "talks": "wykłady",
    "session": "sesja",
    "sessions": "sesje",
    "break": "przerwa",
    "final": "finałowy",
    "first": "pierwszy",
    "last": "ostatni",
    "weather": "pogoda",
    "parking": "parking",
    "bus": "autobus",
    "train": "pociąg",
    "ticket": "bilet",
    "tickets": "bilety",
    "price": "cena",
    "food": "jedzenie",
    "play": "gra",
    "plays": "gra",
    "playing": "gra",
    "perform": "występuje",
    "performs": "występuje",
    "speak": "występuje",
    "speaks": "występuje",
    "start": "zaczyna się",
    "starts": "zaczyna się",
    "begin": "zaczyna się",
    "begins": "zaczyna się",
    "end": "kończy się",
    "ends": "kończy się",
    "finish": "kończy się",
    "finishes": "kończy się",
    "leave": "odjeżdża",
    "leaves": "odjeżdża",
    "festival": "festiwal",
    "conference": "konferencja",
    "congress": "kongres",
    "event": "konferencja",
    "venue": "konferencja",
    "day": "dzień",
    "schedule": "program",
    "programme": "program",
    "program": "program",
    "about": "o",
    "with": "z",
    "in": "w",
    "at": "o",
    "stop": "przystanek",
    "station": "stacja",
    "near": "blisko",
    "nearest": "najbliższy",
    "free": "bezpłatna",
    "cost": "kosztuje",
    "costs": "kosztuje",
    "trip": "wycieczka",
    "tour": "wycieczka",
    "excursion": "wycieczka",
    "visit": "wizyta",
    "bring": "zabrać",
    "dog": "pies",
    "dogs": "psy",
    "pet": "zwierzę",
    "pets": "zwierzęta",
    "kids": "dzieci",
    "children": "dzieci",
    "toilet": "toaleta",
    "toilets": "toalety",
    "eat": "jeść",
    "accommodation": "nocleg",
    "sleep": "nocleg",
    "register": "rejestracja",
    "registration": "rejestracja",
    "gate": "brama",
    "entrance": "wejście",
    "exit": "wyjście",
    "speaker": "prelegent",
    "speakers": "prelegenci",
    "organiser": "organizator",
    "organizer": "organizator",
    "organisers": "organizatorzy",
    "organizers": "organizatorzy",
    "contact": "kontakt",
    "airport": "lotnisko",
    "taxi": "taksówka",
    "walk": "pieszo",
    "meeting": "zbiórka",
    "meet": "zbiórka",
    "point": "miejsce",
    "language": "język",
    "gates": "bramy",
    "doors": "drzwi",
    "open": "otwiera",
    "opens": "otwiera",
    "recorded": "nagrywane",
    "recording": "nagranie",
    "streamed": "transmisja",
}
_DROP = frozenset(
    """is are the a an does do did will there on of to i we my me can could please you it be anything
    something everything any some happening going""".split()
)


def _gloss(text: str) -> str:
    for pattern, polish in _PHRASES:
        text = pattern.sub(polish, text)
    out = []
    for word in re.findall(r"[^\s?!.,]+", text):
        key = word.lower().replace("'s", "")
        if key in _DROP:
            continue
        out.append(_WORDS.get(key, word))
    return " ".join(out)


_HOUR = re.compile(r"\bat (\d{1,2})(?::(\d\d))?\s*(am|pm)?\b", re.IGNORECASE)
LINE = "I answer in Polish — here is what I found."


def _english(text: str) -> bool:
    words = re.findall(r"[a-ząćęłńóśźż']+", text.lower())
    english = sum(w.replace("'s", "") in _ENGLISH for w in words)
    polish = sum(w in _POLISH for w in words)
    return english >= 2 and english > polish and not re.search(r"[ąćęłńóśźż]", text.lower())


def to_polish(text: str, gloss: bool = False) -> str | None:
    """The Polish question an English one asks, or None if the text is not (simple) English.

    `gloss`: word by word instead of by the phrase rules — only once the text failed as it was
    written (or as the rules read it), since titles are English too ("kto prowadzi What You Hack Is
    What You Own?")."""
    if not _english(text):
        return None
    text = re.sub(r"\bright now\b", "now", text, flags=re.IGNORECASE)
    # A weekday and an hour are said the Polish way whatever reads the rest.
    days = [on_day for day, on_day in _WEEKDAYS.items() if re.search(rf"\b{day}\b", text, re.IGNORECASE)]
    hour = _HOUR.search(text)
    for pattern, polish in () if gloss else _RULES:
        found = pattern.search(text)
        if found is None:
            continue
        question = found.expand(polish) if "\\1" in polish and found.group(1) else polish.replace(" \\1", "")
        question = question.strip().rstrip("?!. ")
        question = re.sub(
            r"\b(" + "|".join(_VENUE_WORDS) + r")\b",
            lambda m: _VENUE_WORDS[m.group(1).lower()],
            question,
            flags=re.IGNORECASE,
        )
        question = re.sub(r"\btoday\b", "dziś", re.sub(r"\btomorrow\b", "jutro", question))
        break
    else:
        if not gloss:
            return None
        question = _gloss(_HOUR.sub("", text))
    for day in _WEEKDAYS:
        question = re.sub(rf"\b(?:on |w )?{day}\b", "", question, flags=re.IGNORECASE)
    question = " ".join([_HOUR.sub("", question).strip(" ?"), *days])
    if hour:
        h = int(hour.group(1)) + (
            12 if (hour.group(3) or "").lower() == "pm" and int(hour.group(1)) < 12 else 0
        )
        question = f"{question} o {h}:{hour.group(2) or '00'}"
        if (hour.group(3) or "").lower() == "am" and h < 6:  # "at 1am tonight": the night's 01:00
            question = re.sub(r"\bwieczorem\b", "", question) + " w nocy"
    return re.sub(r"\s+", " ", question).strip(" ?") + "?"
