"""What a question asks for: weighted cue words per intent, plus time and entity evidence.

Cues are lemmas (morfeusz2 generates their inflected forms), so "dojechać" also covers
"dojadę", "dojechac" and "dojechania". Phrases that lemmas cannot express are regular
expressions over the folded text. Each intent sums the weights of its cues; the highest
sum wins when it clears `THRESHOLD`, otherwise the question falls back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.analysis import Analysis
from bot.entities import EntityKind, EntityMatch
from bot.model import Organisation, Role
from bot.text import fold
from bot.timeexpr import TimeQuery


class Intent(StrEnum):
    NOW = "now"
    NEXT = "next"
    AT_TIME = "at_time"
    DAY_PROGRAMME = "day_programme"
    VISITS = "visits"
    VISIT = "visit"
    SESSION = "session"
    ORGANISATION = "organisation"
    VENUE = "venue"
    CONTACT = "contact"
    ORGANISERS = "organisers"
    ABOUT_EVENT = "about_event"
    ABOUT_ORGANISER = "about_organiser"
    REMINDERS = "reminders"
    FAQ = "faq"
    HELP = "help"
    GREETING = "greeting"
    THANKS = "thanks"
    FALLBACK = "fallback"


THRESHOLD = 1.0
FOREIGN_LIMIT = 2.5
FAQ_FOREIGN_LIMIT = 3.2  # "ile kosztuje hotel": a FAQ phrase about something else
# Domain words that are not cues but are not unknown topics either.
_NEUTRAL = (
    "sesja sala punkt wydarzenie spotkanie prelekcja wykład panel dyskusja godzina minuta "
    "dzień wieczór tydzień pytanie bot informacja rzecz czas raz sprawa miasto Kraków "
    "konferencja program prelegent prelegentka prowadzący prowadząca warsztat sobota "
    "środa czwartek piątek jutro dzisiaj rano południe noc chwila wybór lista opcja coś nic "
    "osoba człowiek uczestnik strona miejsce kolejność dzionek rozpoczęcie otwarcie zamknięcie "
    "rama styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik "
    "listopad grudzień poniedziałek wtorek niedziela pan pani występować wystąpić grać zagrać "
    "mówić prowadzić opowiadać prezentować śpiewać"
).split()

_CUES: dict[Intent, dict[str, float]] = {
    Intent.NOW: {
        "teraz": 2.5,
        "obecnie": 2.5,
        "aktualnie": 2.5,
        "właśnie": 1.5,
        "trwać": 2,
        "dziać": 1.5,
        "lecieć": 1,
        "moment": 0.5,
        "bieżący": 1.5,
        "aktualny": 1.5,
    },
    Intent.NEXT: {
        "dalej": 2.5,
        "potem": 2.5,
        "następny": 2.5,
        "kolejny": 2.5,
        "później": 2,
        "następnie": 2.5,
        "zaraz": 1.5,
        "najbliższy": 1.3,
        "nastepna": 2.5,
    },
    Intent.DAY_PROGRAMME: {
        "program": 1.8,
        "plan": 1.8,
        "harmonogram": 2.2,
        "agenda": 2.2,
        "rozkład": 1.2,
        "grafik": 1.8,
        "rozpiska": 1.8,
        "dzień": 0.4,
    },
    Intent.VISITS: {
        "wizyta": 2.2,
        "studyjny": 2.2,
        "towarzyszący": 2.2,
        "zwiedzanie": 1.8,
        "wycieczka": 1.8,
        "wyjazd": 1.2,
        "odwiedzić": 2,
        "odwiedzać": 2,
        "zwiedzać": 1.8,
        "zwiedzić": 1.8,
        "wizytacja": 2,
    },
    Intent.VENUE: {
        "adres": 2.6,
        "dojazd": 2.6,
        "dojechać": 2.6,
        "dojeżdżać": 2.6,
        "dotrzeć": 2.6,
        "dojść": 2.2,
        "trafić": 1.6,
        "dostać": 1.2,
        "tramwaj": 2.2,
        "pociąg": 2.2,
        "autobus": 2.2,
        "kolej": 1.8,
        "lotnisko": 2.6,
        "dworzec": 2.6,
        "parking": 2.6,
        "parkować": 2.6,
        "zaparkować": 2.6,
        "samochód": 2,
        "auto": 1.6,
        "winda": 2.6,
        "dostępność": 2.6,
        "dostępny": 1.4,
        "wózek": 2.6,
        "niepełnosprawny": 2.6,
        "niepełnosprawność": 2.6,
        "schody": 2,
        "mapa": 2.6,
        "lokalizacja": 2.6,
        "gdzie": 0.9,
        "rower": 2,
        "taksówka": 2,
        "przystanek": 2.6,
        "komunikacja": 2,
        "MPK": 2,
        "jechać": 1.6,
        "pojechać": 1.6,
        "iść": 0.8,
        "budynek": 1.4,
        "wejście": 1.4,
        "położony": 2,
        "znajdować": 1.2,
        "mieścić": 1.6,
        "droga": 1.2,
        "dworca": 2.6,
        "główny": 0.6,
        "tram": 2,
        "metro": 2.2,
        "ubahn": 2.2,
        "bahn": 2.2,
        "sbahn": 2.2,
        "stacja": 2,
        "SKA": 2,
        "pieszo": 2,
        "nawigacja": 2.2,
        "google": 1.2,
        "pinezka": 2.4,
        "wózkowy": 2.6,
        "bariera": 2,
        "stojak": 2.2,
        "pocztowy": 2.6,
        "odbywać": 1.4,
        "miejsce": 0.3,
    },
    Intent.CONTACT: {
        "kontakt": 3,
        "kontaktowy": 3,
        "telefon": 3,
        "numer": 1.6,
        "mail": 3,
        "email": 3,
        "zadzwonić": 3,
        "dzwonić": 3,
        "napisać": 1.4,
        "skontaktować": 3,
        "kontaktować": 3,
        "mejl": 3,
        "meil": 3,
        "tel": 2.5,
        "komórka": 2.5,
        "pytanie": 0.4,
    },
    Intent.ORGANISERS: {
        "organizator": 3,
        "organizować": 2.6,
        "zorganizować": 2.6,
        "współorganizator": 3,
        "partner": 3,
        "sponsor": 3,
        "sponsorować": 3,
        "finansować": 3,
        "sfinansować": 3,
        "współfinansować": 3,
        "dofinansować": 3,
        "fundusz": 1.6,
        "grant": 2.6,
        "wspierać": 1.6,
        "wesprzeć": 1.6,
        "mecenas": 2,
        "patron": 2,
        "dofinansowanie": 3,
        "finansowanie": 3,
        "organizatorka": 3,
        "współorganizować": 3,
        "fundator": 3,
        "organizacja": 0.8,
    },
    Intent.ABOUT_EVENT: {
        "edycja": 3,
        "motto": 3,
        "hasło": 2.4,
        "historia": 2.6,
        "temat": 2,
        "tematyka": 2.6,
        "uczestnik": 1.8,
        "uczestniczka": 1.8,
        "strona": 2,
        "www": 2.2,
        "internetowy": 1,
        "wcześniejszy": 1.6,
        "poprzedni": 1.6,
        "cel": 1.6,
        "idea": 1.6,
        "konferencja": 0.6,
        "zaczynać": 1.2,
        "rozpoczynać": 1.2,
        "kończyć": 1.2,
        "początek": 1.2,
        "termin": 1.6,
        "data": 1.4,
        "ile": 0.6,
        "osoba": 0.6,
        "udział": 0.6,
        "ogólnopolski": 1.2,
        "nazwa": 2.2,
        "wcześniej": 1.4,
        "poprzednio": 1.6,
        "chodzić": 0.6,
        "przyjechać": 0.8,
        "rok": 0.4,
        "link": 1.6,
    },
    Intent.ABOUT_ORGANISER: {"zajmować": 1.2, "fundacja": 0.6, "działać": 0.8},
    Intent.REMINDERS: {
        "przypomnienie": 4,
        "przypominać": 4,
        "przypomnieć": 4,
        "powiadomienie": 4,
        "powiadamiać": 3.5,
        "powiadomić": 3.5,
        "notyfikacja": 4,
        "alert": 3,
        "przypominajka": 4,
        "budzik": 2,
        "subskrypcja": 2.5,
        "subskrybować": 2.5,
    },
    Intent.HELP: {
        "pomoc": 3,
        "pomóc": 2.4,
        "umieć": 2,
        "potrafić": 2,
        "komenda": 3,
        "instrukcja": 2.4,
        "menu": 2,
        "opcja": 1.4,
        "funkcja": 1.6,
        "help": 3,
        "start": 1,
    },
    Intent.GREETING: {
        "cześć": 1.6,
        "hej": 1.6,
        "witać": 1.6,
        "siema": 1.6,
        "hejka": 1.6,
        "elo": 1.6,
        "siemka": 1.6,
        "hello": 1.6,
        "hi": 1.2,
        "halo": 1.4,
        "witaj": 1.6,
        "czesc": 1.6,
        "serwus": 1.6,
        "hejo": 1.6,
        "yo": 1.2,
    },
    Intent.THANKS: {
        "dziękować": 2,
        "dzięki": 2,
        "thx": 2,
        "dziena": 2,
        "dzieki": 2,
        "dziekuje": 2,
        "podziękować": 2,
        "super": 0.8,
        "świetnie": 0.8,
        "ok": 0.6,
        "okej": 0.6,
        "spoko": 0.8,
        "fajnie": 0.8,
        "thanks": 2,
        "wdzięczny": 2,
    },
}

_PATTERNS: dict[Intent, tuple[tuple[re.Pattern[str], float], ...]] = {
    Intent.NOW: (
        (re.compile(r"\bw tej chwili\b|\bw tym momencie\b|\bna biezaco\b|\bna ten moment\b"), 2.5),
        (re.compile(r"\bco (?:sie )?(?:dzieje|jest|trwa|leci)\s*$"), 1.2),
    ),
    Intent.NEXT: (
        (re.compile(r"\bpo tym\b|\bpo tej\b|\bpo nim\b|\bpo niej\b|\bza chwile\b|\bza moment\b"), 2),
        (re.compile(r"\bco nas czeka\b|\bco mnie czeka\b"), 2),
        (
            re.compile(
                r"\bco (?:bedzie |jest )?najblizej\b"
                r"|\bnajblizsz\w* (?:punkt|sesj|wydarzen|wizyt|rzecz|atrakcj)"
            ),
            2.5,
        ),
    ),
    Intent.VISITS: ((re.compile(r"\btowarzysz\w*"), 2.2),),
    Intent.VENUE: (
        (
            re.compile(
                r"\bgdzie (?:jest|sie odbywa|odbywa sie|sie dzieje|to jest|bedzie) "
                r"(?:ta |to |cala )?(?:konferencj|konf|wydarzen|impreza|spotkani)"
            ),
            2.5,
        ),
        (re.compile(r"\bjak (?:sie )?(?:tam |do was |na miejsce )?(?:dostac|dojechac|dojsc|trafic)"), 2.5),
        (re.compile(r"\bz dworca\b|\bz lotniska\b"), 2),
        (re.compile(r"\bw jakim miescie\b|\bkod pocztowy\b"), 2.6),
    ),
    Intent.ABOUT_EVENT: (
        (re.compile(r"\bktor[aey] (?:to )?(?:juz )?edycj|\bktory (?:to )?(?:juz )?raz\b"), 2.5),
        (re.compile(r"\bo czym (?:jest|bedzie|jest ta|ta)\b|\bo czym\b"), 2.2),
        (re.compile(r"\bile (?:osob|ludzi|uczestnik)"), 2.5),
        (re.compile(r"\bdla kogo\b|\bkto (?:bierze|przyjezdza|przyjedzie|bedzie|uczestniczy)"), 1.8),
        (re.compile(r"\bkiedy (?:jest|bedzie|sie odbywa|odbywa sie) (?:ta |cala )?konferencj"), 2.5),
        (re.compile(r"\bpierwszy raz\b|\bpo raz pierwszy\b|\bpelna nazwa\b|\bjak sie nazywa\b"), 2.2),
        (re.compile(r"\bw (?:roku )?(?:19|20)\d\d\b"), 1.5),
    ),
    Intent.ORGANISERS: (
        (re.compile(r"\bkto (?:za )?(?:to |tym )?(?:wszystko )?(?:placi|zaplacil|finansuje)\b"), 2.5),
        (re.compile(r"\bkto za (?:tym|tym wszystkim|ta konferencja|tym wydarzeniem) stoi"), 2.5),
        (
            re.compile(
                r"\bkto (?:to )?(?:organizuje|robi|przygotowal|stoi za|placi|finansuje"
                r"|prowadzi (?:ta|te|cala) konf)"
            ),
            2.5,
        ),
    ),
    Intent.CONTACT: (
        (re.compile(r"\bdo kogo\b|\bz kim (?:sie )?(?:kontakt|moge|mam)"), 2),
        (re.compile(r"\be mail\b|@"), 2),
    ),
    Intent.HELP: (
        (
            re.compile(r"\bco (?:ty )?(?:umiesz|potrafisz|mozesz)\b|\bjak (?:cie|ciebie|z toba|tego bota)\b"),
            2.5,
        ),
        (re.compile(r"\bo co (?:moge|mozna) (?:cie |ciebie )?(?:zapytac|pytac)"), 2.5),
    ),
    Intent.ABOUT_ORGANISER: (
        (re.compile(r"\bo organizatorze\b|\bglowny organizator\b|\bglownym organizatorze\b"), 3.5),
    ),
    Intent.GREETING: ((re.compile(r"^(?:dzien dobry|dobry wieczor|dobry|witam|witajcie)\b"), 1.6),),
    Intent.THANKS: ((re.compile(r"\bdziek\w*|\bdzieki\b|\bdzieks\w*"), 2),),
    Intent.REMINDERS: ((re.compile(r"\bdaj(?:cie)? (?:mi )?znac\b|\bprzypomin\w*|\bprzypomni\w*"), 3),),
}

# When scores tie, the more specific intent wins.
_PRIORITY = (
    Intent.REMINDERS,
    Intent.VISIT,
    Intent.SESSION,
    Intent.ORGANISATION,
    Intent.ABOUT_ORGANISER,
    Intent.CONTACT,
    Intent.VENUE,
    Intent.NOW,
    Intent.NEXT,
    Intent.AT_TIME,
    Intent.DAY_PROGRAMME,
    Intent.VISITS,
    Intent.ORGANISERS,
    Intent.FAQ,
    Intent.ABOUT_EVENT,
    Intent.HELP,
    Intent.THANKS,
    Intent.GREETING,
)
ENTITY_WEIGHT = 3.4
_CUE_LIKE = (EntityKind.EVENT, EntityKind.KIND, EntityKind.ROOM, EntityKind.TRACK)


def cue_vocabulary() -> set[str]:
    """Every cue lemma, for the lexicon to generate forms of."""
    return {lemma for cues in _CUES.values() for lemma in cues} | set(_NEUTRAL)


_FOLDED_CUES = {intent: {fold(k): v for k, v in cues.items()} for intent, cues in _CUES.items()}
# The same cues looked up from the question's side: each lemma to the intents it hints at.
_CUES_BY_LEMMA: dict[str, list[tuple[Intent, float]]] = {}
for _intent, _cues in _FOLDED_CUES.items():
    for _lemma, _weight in _cues.items():
        _CUES_BY_LEMMA.setdefault(_lemma, []).append((_intent, _weight))
_PRIORITY_RANK = {intent: rank for rank, intent in enumerate(_PRIORITY)}


@dataclass(frozen=True, slots=True)
class Classification:
    intent: Intent
    score: float
    scores: dict[Intent, float]
    entity: EntityMatch | None = None


def entity_intent(match: EntityMatch) -> Intent | None:
    """The intent a named thing leads to on its own."""
    kind = match.kind
    if kind is EntityKind.SESSION:
        from bot.model import Session

        target = match.entity.target
        assert isinstance(target, Session)
        return Intent.VISIT if target.kind.travel else Intent.SESSION
    if kind is EntityKind.PLACE:
        return Intent.VISIT
    if kind is EntityKind.ORGANISATION:
        target = match.entity.target
        assert isinstance(target, Organisation)
        return Intent.ABOUT_ORGANISER if Role.ORGANISER in target.roles else Intent.ORGANISATION
    if kind is EntityKind.VENUE:
        return Intent.VENUE
    if kind is EntityKind.CONTACT:
        return Intent.CONTACT
    return None


def classify(
    analysis: Analysis,
    when: TimeQuery | None,
    entities: list[EntityMatch],
    faq_score: float,
) -> Classification:
    """Pick the intent of one analysed question."""
    scores: dict[Intent, float] = dict.fromkeys(Intent, 0.0)
    # Words that make up a matched name ("Wizyta studyjna: … Nad Potokiem") name it; they are
    # not also cues ("wizyta" → the list of visits).
    # A kind, room or track named in full is what the cues are about ("jakie są wizyty studyjne?"):
    # its words stay cues.
    named = next((m for m in entities if m.kind not in _CUE_LIKE and m.score >= 0.99), None)
    cue_lemmas = analysis.lemmas - named.consumed if named is not None else analysis.lemmas
    for lemma in cue_lemmas:
        for intent, weight in _CUES_BY_LEMMA.get(lemma, ()):
            scores[intent] += weight
    for intent, patterns in _PATTERNS.items():
        scores[intent] += sum(weight for pattern, weight in patterns if pattern.search(analysis.folded))

    if when is not None:
        if when.has_hour:
            scores[Intent.AT_TIME] += 3.0
            if when.window is not None and scores[Intent.DAY_PROGRAMME] >= 1.8:
                scores[Intent.DAY_PROGRAMME] += 1.5  # "harmonogram od rana": the whole day
        elif when.has_day:
            scores[Intent.DAY_PROGRAMME] += 1.6
            scores[Intent.VISITS] += 0.3
            scores[Intent.AT_TIME] += 0.9

    top: EntityMatch | None = None
    for match in entities:
        if match.kind is EntityKind.EVENT:
            scores[Intent.ABOUT_EVENT] += 1.0 * match.score
            continue
        via = entity_intent(match)
        if via is None:
            continue
        if top is None:
            top = match
            scores[via] += ENTITY_WEIGHT * match.score
            target = match.entity.target
            if match.kind in (EntityKind.SESSION, EntityKind.PLACE):
                # "kto organizuje wizytę w CIM?" asks about that visit, not the conference.
                scores[Intent.ORGANISERS] *= 0.5
            # "czy Warszawa współorganizuje?": a role question about a named organisation.
            if isinstance(target, Organisation) and target.roles and scores[Intent.ORGANISERS] > 0:
                scores[Intent.ORGANISERS] += 1.0
    # A whole name in the question outweighs a FAQ phrase that is part of that name.
    scores[Intent.FAQ] += faq_score * (0.5 if named is not None else 1.0)

    # Social words count only when the message is little else.
    if len(analysis.tokens) > 4:
        scores[Intent.GREETING] *= 0.5

    best = max(_PRIORITY, key=lambda i: (scores[i], -_PRIORITY_RANK[i]))
    # A thing we know nothing about ("apteka", "pogoda") and only weak cues: better not guess.
    limit = FAQ_FOREIGN_LIMIT if best is Intent.FAQ else FOREIGN_LIMIT
    unknown_topic = bool(analysis.foreign_nouns) and top is None and scores[best] < limit
    if scores[best] < THRESHOLD or unknown_topic:
        return Classification(Intent.FALLBACK, scores[best], scores, top)
    return Classification(best, scores[best], scores, top)
