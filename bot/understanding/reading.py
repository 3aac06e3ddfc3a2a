"""A question's frame from its analysis, its time, the things it names and the cue scores."""

from __future__ import annotations

import re
from typing import TypeVar

from bot.analysis import Analysis
from bot.entities import STOP, EntityIndex, EntityKind, EntityMatch, person_lemmas, title_numbers
from bot.info import venue_topics
from bot.intents import Classification, Intent, cue_vocabulary
from bot.lexicon import analyse_lemmas, lemma_key, morfeusz
from bot.model import FaqEntry, Kind, Organisation, Place, Room, Session, Speaker, Track
from bot.text import fold, fold_keep_times
from bot.timeexpr import TIME_WORDS, TimeQuery
from bot.understanding.frame import Ask, Frame, Relation, Topic

# What is asked, read on the folded question (Polish first, plain English too).
_ASKS: tuple[tuple[Ask, re.Pattern[str]], ...] = tuple(
    (ask, re.compile(pattern))
    for ask, pattern in (
        (Ask.DURATION, r"\bile (?:to )?(?:dni |godzin )?trwa|\bjak dlugo\b|\bhow long\b"),
        (Ask.ABOUT, r"\bo czym\b|\bczego dotycz|\bo co chodzi\b|\bjaki (?:jest )?temat|\babout\b"),
        (Ask.WHO, r"\bkto\b|\bkogo\b|\bwho\b"),
        (Ask.WHERE, r"\bgdzie\b|\bw (?:jakiej|ktorej) sali\b|\bna (?:ktorym|jakim) pietrze\b|\bwhere\b"),
        (Ask.WHEN, r"\bkiedy\b|\bo (?:ktorej|jakiej godzinie)\b|\bktora godzin|\bwhen\b|\bwhat time\b"),
        (Ask.LIST, r"\bco\b|\bjakie\b|\bjaki\b|\bprogram|\blist|\bwhat\b"),
    )
)
_START = re.compile(r"\b(?:zaczyna|rozpoczyna|startuj|start\b|poczat|otwarc|begin|start)")
_END = re.compile(r"\b(?:konczy|konczyc|koniec|zakoncz|zamkniec|finisz|do kiedy|do ktorej|end\b)")
_NOW = re.compile(r"\bteraz\b|\bw tej chwili\b|\bobecnie\b|\baktualnie\b|\bnow\b|\bright now\b")
# The event's own noun reads as "konferencja" (bot/assistant.py); English visitors say it their way.
_EVENT = re.compile(r"\bkonferencj|\b(?:congress|conference|festival|event)(?:u|ie|em|ów|y)?\b")
_RELATIONS: tuple[tuple[Relation, re.Pattern[str]], ...] = (
    (
        Relation.PARALLEL,
        re.compile(
            r"\brownolegle\b|\brownoczesnie\b|\bjednoczesnie\b|\bw tym samym czasie\b"
            r"|\bo tej samej (?:porze|godzinie)\b|\bzamiast\b|\bparallel\b|\bat the same time\b"
        ),
    ),
    # "po 15" is a time, "po koncercie" a relation.
    # "po polsku", "po jakiemu" ask the language.
    (
        Relation.AFTER,
        re.compile(
            r"\b(?:po|zaraz po|after)\s+(?!\d)(?!poludni|polnocy|czym\b|jakiemu\b|\w+(?:sk|ck)u\b)"
            r"|\b(?:co|a|zaraz) potem\b|\bto co (?:potem|dalej)\b"  # "jak skończę X, to co potem?"
        ),
    ),
    (Relation.BEFORE, re.compile(r"\b(?:przed|before)\s+(?!\d)(?!poludni|polnocy)|\bpoprzedza\w*")),
)
FULL = 0.99  # a match this good names the thing outright
_ABOUT = re.compile(r"\b(?:o|na temat|about|dotyczac\w*|temat\w*)\s+\w")  # "o Wagtailu", "na temat AI"
MAX_TOPIC_SHARE = 0.2  # a word in more titles than this says nothing about any one of them
MAX_TOPIC_FEW = 3  # in a small programme a word in three titles still names a topic
MAX_TOPIC = 12  # more sessions than this on a "topic": the word was too common after all
_CUE_KEYS = frozenset(lemma_key(word) for word in cue_vocabulary())
# Questions whose subject is no session: a topic word there is something else.
_NOT_ABOUT_SESSIONS = (Intent.CONTACT, Intent.ORGANISATION, Intent.FAQ)
_VAGUE = (Intent.FALLBACK, Intent.ABOUT_EVENT, Intent.VENUE, Intent.ORGANISERS)  # no particular subject
_NEXT = re.compile(r"\bdalej\b|\bnastepn\w*|\bpotem\b|\bpozniej\b|\bnext\b")
_STARTING = re.compile(r"\bzaczyna\w*|\brozpoczyna\w*|\bstartuj\w*")
# Function words that say nothing about what a session is about ("nie" is also a form of "on").
_TOPIC_STOP = frozenset(
    """nie on ona ono oni one go mu jego jej ich tak juz jeszcze bo ale tez rok roku tym tego tej
    tu tam taki takie ktos cos wiem moj moja nasz wasz prosze czy""".split()
)
_PLURAL = re.compile(r"\b(?:sa|beda|trwaja|zaczynaja|koncza|odbywaja|wystepuja)\b")  # of several things
# Words that say a person is asked about: who speaks, gives a talk, plays, will be there.
_PERSON_CUE = re.compile(
    r"\bwystep\w*|\bmowi\w*|\bgada\w*|\bprowadzi\w*|\bwyklad\w*|\btalk\w*|\bby\b|\bprelegent\w*"
    r"|\bspeak\w*|\bbedzie\b|\bzagra\w*|\bgra\b|\bkto\b"
)
_PROGRAMME = re.compile(r"\bprogram\w*|\bharmonogram\w*|\bplan\b|\bagend\w*")
_EDGE = re.compile(r"\b(?:zamkniec\w*|otwarci\w*|koniec|konca|poczatek|poczatku)\b")
_SAME_ROOM = re.compile(r"\bw tej samej sali\b|\bw tej sali\b|\bna tej samej scenie\b|\bsame room\b")
_HISTORY = re.compile(
    r"\b(?:od|w) (?:ktorego|jakiego|ktorym) roku\b|\bhistori\w*|\bktora edycj\w*"
    r"|\b(?:19|20)\d\d\b|\bbyl[aoy]?\b|\bodbyl\w*"  # "gdzie była konferencja w 2017?": a past edition
)
_LAST = re.compile(r"\bostatn\w*|\blast\b|\bfinal\w*")  # "ostatni koncert", "the last concert"
_FIRST = re.compile(r"\bpierwsz\w*|\bfirst\b")
_ONE_THING = (Ask.WHEN, Ask.WHERE, Ask.WHO, Ask.DURATION)  # asked of one thing, not of a list
_THIS = re.compile(r"\b(?:ten|ta|to|tego|tej|tym|tamten|tamta)\b")  # "ten nocny": one thing meant
# Practical matters people ask about that event data rarely holds; when neither the FAQ nor any
# named thing answers them, the honest answer is "I don't know — ask the organisers".
_PRACTICAL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(  # (what, as a Polish phrase; how asked)
    (phrase, re.compile(pattern))
    for phrase, pattern in (
        (
            "zapisach i rejestracji",
            r"\bzapis\w*|\bzapisac|\bzarejestr\w*|\bsign.?up\b|\bregistration\b|\bregister\b",
        ),
        (
            "biletach i cenach",
            r"\bbilet\w*|\bcen[aiey]\b|\bkoszt\w*|\bkosztuje\b|\bplatn\w*|\boplat\w*|\bplaci\w*|\bzaplac\w*"
            r"|\bticket|\bprice",
        ),
        ("sieci Wi-Fi", r"\bwi.?fi\b|\binternet\w*|\bhaslo do\b"),
        (
            "noclegach",
            r"\bnocleg\w*|\bhotel\w*|\bspac\b|\bprzenocowac\b|\baccommodation\b|\bpole namiotow\w*"
            r"|\bcamping\w*|\bkemping\w*",
        ),
        ("toaletach", r"\btoalet\w*|\bwc\b|\bubikacj\w*|\blazienk\w*|\btoilet\w*"),
        (
            "jedzeniu",
            r"\bjedzeni\w*|\bzjesc\b|\bobiad\w*|\bposil\w*|\bcatering\w*|\bwegan\w*|\bwegetarian\w*"
            r"|\bfood\b",
        ),
        ("szatni", r"\bszatni\w*|\bplaszcz|\bkurtk\w*"),
        ("zaświadczeniach", r"\bzaswiadcz\w*|\bcertyfikat\w*|\bdyplom\w*"),
        (
            "nagraniach i transmisji",
            r"\bnagra\w*|\btransmisj\w*|\bstream\w*|\bna zywo w (?:sieci|internecie)",
        ),
        ("liczbie uczestników", r"\bile (?:osob|ludzi|uczestnik\w*)\b"),
        (
            "wynikach sportowych",
            r"\bmecz\w*|\bligi\b|\bliga\b|\bgol[ae]?\b|\bdruzyn\w*|\bmistrzostw\w*|\bolimpiad\w*",
        ),
        (
            "pogodzie",
            r"\bpogod\w*|\bpadac\b|\bpada\b|\bdeszcz\w*|\bsnieg\w*|\btemperatur\w*|\bweather\b|\brain\b",
        ),
    )
)


ELSEWHERE = {  # what another service answers, not the organisers
    "pogodzie": "Nie mam prognozy pogody — sprawdź ją w serwisie pogodowym.",
    "wynikach sportowych": "Nie śledzę wyników sportowych — sprawdź je w serwisie sportowym.",
}
_NUMBERED = re.compile(r"\b(?:nr|numer|number)\s*(\d+)\b")
_PARKING = re.compile(r"\bparking\w*|\b(?:za)?parkowa\w*")


def _ask(folded: str) -> Ask:
    for ask, pattern in _ASKS:
        if pattern.search(folded):
            return ask
    return Ask.ANY


def _first(entities: list[EntityMatch], kind: EntityKind) -> EntityMatch | None:
    return next((m for m in entities if m.kind is kind), None)


def _tied(first: EntityMatch, second: EntityMatch) -> bool:
    """Two things the question names equally: the same score and weight, or the same words of it
    and neither named in full ("ten nocny": „Wielki koncert nocny” or „Nocny set DJ-a”)."""
    same = round(first.score, 3) == round(second.score, 3) and round(first.evidence, 3) == round(
        second.evidence, 3
    )
    return same or (first.consumed == second.consumed and max(first.score, second.score) < FULL)


def _topic(
    analysis: Analysis, entities: list[EntityMatch], index: EntityIndex, when: TimeQuery | None
) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """The question's content words that could name what a session is about — not cue words, not
    times, not the words of a kind or another named thing — as (strong, weak): weak are the words
    most titles share ("python" at PyConFR) and tokens too short to name a topic ("N+1", "3D"),
    which only pick among the titles the strong ones found."""
    consumed = frozenset().union(*(m.consumed for m in entities if m.kind is not EntityKind.SESSION))
    strong: list[frozenset[str]] = []
    weak: list[frozenset[str]] = []
    acronyms: list[frozenset[str]] = []
    upper = {fold(w) for w in re.findall(r"[^\W\d_]{2,}", analysis.text) if w.isupper()}
    numbers = title_numbers(analysis, index)
    # The event's noun (read as "konferencja") and the words beside it describe the event, not a
    # session: "ten kongres hakerski", "festiwal muzyczny".
    folded = analysis.folded.split()
    aligned = len(folded) == len(analysis.tokens)
    event = {i for i, w in enumerate(folded) if _EVENT.match(w)} if aligned else set()
    named_event = any(m.kind is EntityKind.EVENT for m in entities)
    for i, (token, keys) in enumerate(zip(analysis.tokens, analysis.words, strict=False)):
        if _EVENT.match(token) or event & {i - 1, i, i + 1} or (when is not None and token in TIME_WORDS):
            continue
        if (event or named_event) and keys & index.city_keys:  # "ten kongres w Hamburgu": its place
            continue
        if token in numbers:  # "Pythonie 3.13": the title's version number, both of its parts
            strong.extend(frozenset({part}) for part in re.split(r"[.:]", token))
            continue
        if token.isdigit() and when is None and _alone(token, analysis.text):
            keys = frozenset({token})  # "Python 2 w 2024": a number no time took, not "39" of "39C3"
        elif token in upper and len(token) < 3 and token not in STOP:
            if index.title_share(frozenset({token})):
                acronyms.append(frozenset({token}))  # "DJ", "AI": a topic however short, if nothing else is
            continue
        elif len(token) < 3 or not token.isalpha() or token in _TOPIC_STOP or keys & STOP:
            if token.isalnum() and token not in STOP and token not in _TOPIC_STOP and not token.isdigit():
                weak.append(frozenset({token}))
            continue
        if keys & _CUE_KEYS and not analyse_lemmas(token) and index.title_share(frozenset({token})):
            keys = frozenset({token})  # "dnsie" (DNS) is no typo of the cue "dzień": a title has it
        if keys & _CUE_KEYS or keys & consumed or keys & index.kind_words:
            continue
        share = index.title_share(keys)
        # A word no title has ("referat") cannot tell sessions apart; one most have, neither.
        if share == 0:
            continue
        if share > MAX_TOPIC_SHARE and share * index.session_count > MAX_TOPIC_FEW:
            weak.append(keys)
            continue
        strong.append(keys)
    if not strong:
        return acronyms, weak
    return strong, weak + acronyms


_NOT_NAMES = ("adj", "adv", "ppron12", "ppron3", "qub", "conj", "prep", "fin", "pred", "comp")


def _stranger(analysis: Analysis, entities: list[EntityMatch], index: EntityIndex) -> str | None:
    """Two capitalised words in a row inside the question that name nothing of the event: a
    person's full name the programme does not have ("Linus Torvalds")."""
    named = frozenset().union(*(m.consumed for m in entities))
    keys_of = dict(zip(analysis.tokens, analysis.words, strict=False))
    found = list(
        re.finditer(
            r"(?<![.!?]\s)(?<!^)\b([A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]+) ([A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]+)\b",
            analysis.text,
        )
    )
    for match in found:
        words = [fold(w) for w in match.groups()]
        keys = [keys_of.get(w, frozenset()) | {w} for w in words]
        # "Dużej Scenie" is a room; "Anne Roth", named in a title („… live mit Anne Roth”), is known.
        known = any(k & named for k in keys) or bool(index.about(keys))
        if not known and all(len(w) >= 3 for w in words):
            return match.group(0)
    return None


def _function_word(match: EntityMatch, analysis: Analysis) -> bool:
    """A name matched only by a pronoun or a particle the question has in lower case."""
    if match.kind is not EntityKind.SESSION or not match.consumed <= (STOP | _TOPIC_STOP):
        return False  # a room "One" is typed in lower case as often as not
    written = {w for w in re.findall(r"[^\W\d_]+", analysis.text) if fold(w) in match.consumed}
    return not any(w[:1].isupper() for w in written)


def _common_word(match: EntityMatch, analysis: Analysis) -> bool:
    """Whether the one word that named a person is, as typed, an everyday word ("sam", "coś"):
    lower case, read by the dictionary as an adjective, adverb, pronoun or the like."""
    typed = [t for t, keys in zip(analysis.tokens, analysis.words, strict=False) if keys & match.consumed]
    if len(typed) != 1:
        return False
    word = typed[0]
    if any(w[:1].isupper() for w in re.findall(r"[^\W\d_]+", analysis.text) if fold(w) == word):
        return False
    readings = {tag.split(":")[0] for _s, _e, (_f, _l, tag, *_r) in morfeusz().analyse(word)}
    return bool(readings & set(_NOT_NAMES))


def _another_name(match: EntityMatch, analysis: Analysis, index: EntityIndex) -> bool:
    """Whether the person named is someone else: beside the word that matched (a first name), the
    question has a name-like word that is none of this person's ("Anne Roth" for Anne Lüscher)."""
    person = match.entity.target
    assert isinstance(person, Speaker)
    own = set(fold_keep_times(person.name).split())  # tokens as the question's are made
    # A capital after a full stop starts a sentence ("… Kurz. Bardzo cenię …"): no name.
    capitalised = {
        fold(m.group(1))
        for m in re.finditer(r"(?<![.!?]\s)(?<![.!?])\b([^\W\d_]+)", analysis.text)
        if m.group(1)[:1].isupper()
    }
    tokens = analysis.tokens
    for i, keys in enumerate(analysis.words):
        if not keys & match.consumed or i + 1 >= len(tokens):
            continue
        after = tokens[i + 1]
        if after in own or not after.isalpha() or len(after) < 3 or after in STOP or after in TIME_WORDS:
            continue
        if analysis.words[i + 1] & (_CUE_KEYS | match.consumed | index.kind_words):
            continue
        if after in capitalised or not analyse_lemmas(after) or person_lemmas(after):
            return True
    return False


def _alone(number: str, text: str) -> bool:
    """Whether a number stands as a word of its own in the question, not in "39C3" or "3.13"."""
    return re.search(rf"(?<![\w.]){number}(?![\w.])", text) is not None


def _about(index: EntityIndex, strong: list[frozenset[str]], weak: list[frozenset[str]]) -> list[Session]:
    """Sessions the strong words name; when several, the weak words pick among them."""
    about = index.about(strong)
    if len(about) < 2 or not weak:
        return about
    for word in weak:
        narrower = set(index.about([*strong, word]))
        found = [s for s in about if s in narrower]
        if found:
            about = found
    return about


def read_frame(
    analysis: Analysis,
    when: TimeQuery | None,
    entities: list[EntityMatch],
    decision: Classification,
    index: EntityIndex,
    faq: FaqEntry | None = None,
) -> Frame:
    folded = analysis.folded
    ask = _ask(folded)
    now = bool(_NOW.search(folded))
    numbered = _NUMBERED.search(folded)
    if numbered is not None and numbered.group(1) in index.numbered:  # "co to za wykład nr 2405?"
        return _listing(when, now, None, None, None, (index.numbered[numbered.group(1)],), folded)
    # "hej, kiedy gada Doctorow?": a greeting before a question is no greeting to answer.
    polite = decision.intent in (Intent.GREETING, Intent.THANKS)
    asks_more = ask is not Ask.ANY or when is not None or any(m.score >= FULL for m in entities)
    if decision.intent in (Intent.HELP, Intent.REMINDERS, Intent.CONTACT) or (polite and not asks_more):
        return _general(analysis, when, now, ask, decision, index, faq)
    # "czy będzie padać w sobotę?", "kto wygrał wczoraj mecz?": whatever day they name, no
    # programme answers the weather or a match.
    for matter in ELSEWHERE:
        if dict(_PRACTICAL)[matter].search(folded) and not any(m.score >= FULL for m in entities):
            return Frame(Topic.UNKNOWN, ask, Intent.FALLBACK, when, now, missing=matter)
    # "ile kosztuje nocleg?": an FAQ entry about the price of taking part shares a word with it, but
    # says nothing of the night's lodging — that is what is not known.
    if decision.intent is Intent.FAQ and faq is not None:
        said = fold(" ".join((faq.question, faq.answer, *faq.keywords)))
        for phrase, pattern in _PRACTICAL:
            if pattern.search(folded) and not pattern.search(said):
                return Frame(Topic.UNKNOWN, ask, Intent.FALLBACK, when, now, missing=phrase)

    # A name the question has as written beats one it only resembles ("Kire" is not "Kira").
    typed = frozenset(analysis.tokens)
    entities = sorted(entities, key=lambda m: (-round(m.score, 3), not (m.consumed & typed)))
    # "kto go organizuje?": a pronoun, not the session called „Go” (unless written as a name).
    entities = [m for m in entities if not _function_word(m, analysis)]
    session = _first(entities, EntityKind.SESSION)
    speaker = _first(entities, EntityKind.SPEAKER)
    if speaker is not None and not speaker.consumed & typed and max(map(len, speaker.consumed)) < 5:
        # A short name only resembled ("bahn" is not the surname "Ban"): no one is named.
        entities = [m for m in entities if m.kind is not EntityKind.SPEAKER]
        speaker = None
    if speaker is not None and _common_word(speaker, analysis):
        # "co jest na sam koniec?": "sam" is a word, not Sam Beaumont — unless written as a name.
        entities = [m for m in entities if m.kind is not EntityKind.SPEAKER]
        speaker = None
    if speaker is not None and _another_name(speaker, analysis, index):
        # "Anne Roth" is not Anne Lüscher: the first name fits, the surname beside it does not.
        entities = [m for m in entities if m.kind is not EntityKind.SPEAKER]
        speaker = None
    room = _first(entities, EntityKind.ROOM)
    # One word naming several rooms alike ("Kidspace", "Sendezentrum"): all of them together.
    group = tuple(
        _target(m, Room)
        for m in entities
        if m.kind is EntityKind.ROOM and room is not None and _tied(room, m)
    )
    rooms = tuple(r for r in group if r is not None) if len(group) > 1 else ()
    # A kind is named in full or by a head word no other kind has: "sesja" is not "sesja plenarna"
    # (a "sesja" is also the default kind), but "wizyty" are the "wizyty studyjne".
    kind = next(
        (m for m in entities if m.kind is EntityKind.KIND and (m.score >= FULL or index.kind_by_head(m))),
        None,
    )
    track = _first(entities, EntityKind.TRACK)
    place = _first(entities, EntityKind.PLACE)

    # Where a visited place is, how to get there: that place ("jak dojechać na Kozłówkę?").
    # ("kiedy jest wizyta na Kozłówce?" asks about the visit: the general answer gives its card.)
    if place is not None and decision.intent is Intent.VENUE:
        target = place.entity.target
        assert isinstance(target, Place)
        return Frame(Topic.PLACE, Ask.WHERE, Intent.VISIT, when, now, place=target)

    # Relative to a named session: "co jest po koncercie X?", "co równolegle z panelem Y?" — or to a
    # person's one session ("po keynote Ines Montani"), or a kind's one ("co jest po debacie?").
    anchor = _anchor(session, speaker, kind, index)
    # "co jest przed zamknięciem konferencji?", "co po otwarciu?": the programme's own edges.
    # The programme's edges by their nouns ("przed zamknięciem"), not a verb about something else
    # ("wykład, który kończy się o 14:30 — co potem?").
    edge_word = _EDGE.search(folded)
    if anchor is None and edge_word is not None:
        anchor = index.edge(last=bool(_END.search(edge_word.group(0))))
    if anchor is not None and not any(p.search(folded) for _r, p in _RELATIONS):
        anchor = None

    def relative(to: Session, relation: Relation, in_room: Room | None) -> Frame:
        same = bool(_SAME_ROOM.search(folded))
        return Frame(
            Topic.RELATIVE,
            Ask.LIST,
            Intent.NEXT,
            when,
            now,
            session=to,
            relation=relation,
            room=in_room,
            rooms=rooms,
            same_room=same,
        )

    if anchor is not None and session is None:
        for relation, pattern in _RELATIONS:
            if pattern.search(folded):
                return relative(anchor, relation, _target(room, Room))
    if session is not None:
        # "po 10 years of Dieselgate": the number is the title's, so "po" is a relation.
        named_numbers = {t for t in analysis.tokens if t.isdigit() and t in session.consumed}
        bare = " ".join(t for t in folded.split() if t not in named_numbers)
        for relation, pattern in _RELATIONS:
            if pattern.search(bare):
                target = session.entity.target
                assert isinstance(target, Session)
                # A room named only by the title's own words is no room constraint.
                own_words = room is not None and room.consumed <= session.consumed
                return relative(target, relation, None if own_words else _target(room, Room))

    # Two sessions (or two people) named equally well: ask which one rather than guess.
    for kind_of in (EntityKind.SESSION, EntityKind.SPEAKER):
        same = [m for m in entities if m.kind is kind_of]
        if len(same) < 2 or same[0] is not entities[0]:
            continue
        tied = tuple(
            m
            for m in same
            if _tied(same[0], m) and bool(m.consumed & typed) == bool(same[0].consumed & typed)
        )
        if len(tied) >= 2:
            things: tuple[Session | Speaker, ...] = tuple(_thing(m) for m in tied[:4])
            if kind_of is EntityKind.SESSION:
                # Every title with the words, not only those whose other words weigh alike
                # ("och menno": three podcasts of that name).
                titled = index.about([frozenset({key}) for key in same[0].consumed])
                if set(things) <= set(titled) and len(titled) <= 4:
                    things = tuple(titled)
            return Frame(Topic.CHOICE, ask, decision.intent, when, now, choices=things)

    # A full name no one in the programme has ("czy jest wykład Linusa Torvaldsa?"): say so, rather
    # than answer with a title that shares a word with it.
    person_asked = _PERSON_CUE.search(folded) is not None
    stranger = (
        _stranger(analysis, entities, index) if speaker is None and session is None and person_asked else None
    )
    if stranger is not None:
        return Frame(Topic.UNKNOWN, ask, Intent.FALLBACK, when, now, missing=f"osoba:{stranger}")

    # A person: "kiedy występuje Nowak?", "o czym mówi Anna Kowalska?", "gdzie będzie dr Zając".
    if speaker is not None and (
        session is None or speaker.evidence > session.evidence or not session.consumed - speaker.consumed
    ):
        person = speaker.entity.target
        assert isinstance(person, Speaker)
        return Frame(Topic.SPEAKER, ask, Intent.SESSION, when, now, speaker=person)

    # "kto prowadzi ten lunch PyLadies?": who, when or where of a named session, not the FAQ entry
    # that shares a word with it.
    if decision.intent is Intent.FAQ and session is not None and ask in _ONE_THING:
        return _listing(when, now, None, None, None, (_target(session, Session),), folded)  # type: ignore[arg-type]

    # A practical question ("jakie jest hasło do wifi?") is not about a title that shares its word;
    # asked about listed things ("na jakie wizyty mogę się zapisać?"), the list answers it.
    practical_first = decision.intent in (*_VAGUE, Intent.SESSION, Intent.VISIT) and kind is None
    if practical_first and (session is None or session.score < FULL) and not _ABOUT.search(folded):
        missing = _missing(folded, decision)
        if missing is not None and not _first(entities, EntityKind.PLACE):
            return _unknown(ask, when, now, missing, index)

    # What sessions are about, by the words of their titles: "coś o Django?", "warsztat o pandas".
    # Several sessions on one topic are listed, rather than one of them picked.
    # Asked when or where, a question the FAQ matched may still name a session by two of its
    # title's words ("uczenie dzieci Pythona kiedy jest?" is the talk, not the childcare answer).
    faq_when = decision.intent is Intent.FAQ and ask in (Ask.WHEN, Ask.WHERE)
    # "where is CCH, jak dojechać?": the venue named outright, asked the way — no title's words.
    venue_asked = decision.intent is Intent.VENUE and any(
        m.kind is EntityKind.VENUE and m.score >= FULL for m in entities
    )
    reads_topic = (decision.intent not in _NOT_ABOUT_SESSIONS or faq_when) and not venue_asked
    strong, weak = _topic(analysis, entities, index, when) if reads_topic else ([], [])
    if decision.intent is Intent.FAQ and len(strong) < 2:
        strong, weak = [], []
    about = _about(index, strong, weak)
    if len(about) >= 2 and when is not None and when.day is not None and not when.has_hour:
        # "po lightning talkach w poniedziałek": the one of them that day.
        that_day = [s for s in about if s.day == when.day]
        about = that_day or about
    if faq_when and len(about) != 1:
        about = []
    named_room = _target(room, Room)
    if named_room is not None and not any(
        s.room is not None and s.room.name == named_room.name for s in about
    ):
        about = []  # "co jest w Zero teraz": the room's question, not titles sharing a word
    named_kind = _target(kind, Kind)
    if named_kind is not None and about:
        # "warsztat z Wagtaila": the workshop among the sessions about Wagtail, not the talk.
        of_kind = [s for s in about if s.kind.id == named_kind.id]
        if of_kind and (session is None or session.entity.target not in of_kind):
            about, session = of_kind, None
        elif not of_kind:
            about = []  # "jakieś podcasty w poniedziałek?": the kind's question, not a title's word
    if track is not None and (
        track.score >= FULL or not any(_target(track, Track) in s.tracks for s in about)
    ):
        about = []  # "wykłady z nauk ścisłych (Science)": the track's, not titles with "science"
    # "co po tym wykładzie o pathlib?": the one session a topic names is a relation's anchor too.
    if len(about) == 1 and (session is None or session.score < FULL):
        described = _ABOUT.search(folded)
        for relation, pattern in _RELATIONS:
            found = pattern.search(folded)
            # "wykład o nawigacji po gwiazdach": a "po" inside what the session is about is no
            # relation; "co po wykładzie o pralkach" has it before.
            if found and not (described and found.start() > described.start()):
                return relative(about[0], relation, _target(room, Room))
    # A title named in full wins ("kto prowadzi Elektrobausteine - Tag 1?"), unless the question
    # asks about a subject several titles share ("coś o Wagtailu": not only the one called "Wagtail").
    full = session is not None and session.score >= FULL and not (len(about) >= 2 and _ABOUT.search(folded))
    # A title only partly named is the topic's one session too ("kto mówi o Rowhammer?").
    partial = (
        session is not None
        and len(about) == 1
        and session.entity.target is about[0]
        and decision.intent is not Intent.VENUE  # "dojazd komunikacją miejską": the way, not a title
    )
    if about and not full and (len(about) >= 2 or session is None or partial) and len(about) <= MAX_TOPIC:
        # "kiedy jest ten wykład o X?", "o której jest wykład o ORM?": one thing asked about, and a
        # few fit: which one (each shown with its time and place).
        one = _THIS.search(folded) or (ask in _ONE_THING and not _PLURAL.search(folded))
        if 2 <= len(about) <= 4 and one and kind is None and room is None and not now:
            return Frame(Topic.CHOICE, ask, Intent.SESSION, when, now, choices=tuple(about))
        return _listing(when, now, room, kind, None, tuple(about), folded, rooms, ask)

    # Where a day takes place ("gdzie jest konferencja w środę?"): that day's places, not the venue.
    venue = _first(entities, EntityKind.VENUE)
    asks_event = _EVENT.search(folded) or venue is not None or decision.intent is Intent.VENUE
    on_a_day = when is not None and when.has_day and not when.has_hour
    if ask is Ask.WHERE and asks_event and on_a_day and session is None and place is None and room is None:
        return Frame(Topic.DAY_WHERE, Ask.WHERE, Intent.VENUE, when, now)
    # What is on at the venue at a time ("co jest na Zabłociu po 12?").
    if venue is not None and when is not None and ask is Ask.LIST and session is None and place is None:
        return Frame(Topic.LISTING, Ask.LIST, _listing_intent(when, now), when, now, at_venue=True)

    # Where a room or a stage is: "gdzie jest sala C04?", "jak dojść do Dużej Sceny?".
    if (
        room is not None
        and kind is None
        and session is None
        and when is None
        and not now
        and (ask is Ask.WHERE or decision.intent is Intent.VENUE)
    ):
        return Frame(Topic.ROOM, Ask.WHERE, Intent.VENUE, when, now, room=_target(room, Room), rooms=rooms)

    # Sessions by room, kind or track, at a time: "co jest w sali B po 15?", "jakie są dziś warsztaty?".
    # A track named inside a room's name ("Hardware" in "Hardware Hacking Area") is the room's word.
    if track is not None and room is not None and track.consumed <= room.consumed:
        track = None
    filters = [m for m in (room, kind, track) if m is not None]
    named = session if session is not None and session.score >= FULL else None
    if named is not None and kind is not None and named.consumed <= kind.consumed:
        named = None  # "jakie są dziś przerwy?": the kind's own word, not „Przerwa kawowa” alone
    travel_only = kind is not None and room is None and track is None and _target(kind, Kind).travel  # type: ignore[union-attr]
    if filters and named is None and place is None and not (travel_only and when is None):
        strongest = max(m.evidence for m in filters)
        if session is None or (
            named is None
            and (strongest >= session.evidence or (kind is not None and session.consumed <= kind.consumed))
        ):
            edge = _kind_edge(kind, room, track, when, ask, folded, index)
            if edge is not None:
                return _listing(when, now, None, None, None, (edge,), folded)
            return _listing(when, now, room, kind, track, folded=folded, rooms=rooms, ask=ask)

    # When the event itself starts or ends: "o której startuje festiwal?", "kiedy kończy się kongres?".
    others = [m for m in entities if m.kind is not EntityKind.EVENT and m.kind is not EntityKind.VENUE]
    about_event = _EVENT.search(folded) or _first(entities, EntityKind.EVENT) is not None
    # "od którego roku są te kongresy, kiedy był pierwszy?": the event's history, not its start.
    if about_event and not others and _HISTORY.search(folded):
        return Frame(Topic.EVENT, ask, Intent.ABOUT_EVENT, when, now)
    if not others and about_event and ask is Ask.DURATION:
        return Frame(Topic.EVENT_SPAN, ask, Intent.ABOUT_EVENT, when, now)
    # "gdzie jest 39C3?": where the event is — its venue, not its card.
    if not others and about_event and ask is Ask.WHERE and when is None:
        return Frame(Topic.VENUE, ask, Intent.VENUE, when, now, venue_topics=tuple(venue_topics(analysis)))
    # "kiedy zaczyna się pierwszy dzień?", "do której trwa ostatni dzień?": a day's own start or end.
    a_day = when is not None and when.has_day and not when.has_hour and ask in (Ask.WHEN, Ask.ANY)
    if not others and a_day and (_START.search(folded) or _END.search(folded)):
        which = Ask.END if _END.search(folded) else Ask.START
        return Frame(Topic.EVENT_TIME, which, Intent.ABOUT_EVENT, when, now)
    if not others and about_event and (ask in (Ask.WHEN, Ask.ANY, Ask.LIST) or _END.search(folded)):
        # "jaki jest ostatni punkt programu całego kongresu?": its end, and what ends it.
        if _END.search(folded) or _LAST.search(folded):
            return Frame(Topic.EVENT_TIME, Ask.END, Intent.ABOUT_EVENT, when, now)
        if _START.search(folded) or _FIRST.search(folded):
            return Frame(Topic.EVENT_TIME, Ask.START, Intent.ABOUT_EVENT, when, now)
    # "od którego roku są te kongresy?": about the event, in words the cues do not know.
    if not others and "konferencj" in folded and decision.intent is Intent.FALLBACK:  # its Polish noun
        if _PROGRAMME.search(folded):  # "program pierwszgo dnia konferencji": its programme
            return Frame(Topic.DAY, ask, Intent.DAY_PROGRAMME, when, now)
        return Frame(Topic.EVENT, ask, Intent.ABOUT_EVENT, when, now)
    # "gdzie to wszystko jest w ogóle?": where, of nothing named — the event's place.
    nothing_named = not entities and not analysis.foreign_nouns and decision.intent is Intent.FALLBACK
    if ask is Ask.WHERE and nothing_named and _missing(folded, decision) is None:
        return Frame(Topic.VENUE, ask, Intent.VENUE, when, now, venue_topics=tuple(venue_topics(analysis)))

    # Something the data does not hold, asked about outright: say so instead of answering a
    # neighbouring question. The FAQ and the event's own facts (participants) answer first.
    # Asked about listed things ("na jakie wizyty mogę się zapisać?"), the list is the answer.
    vague = decision.intent in _VAGUE
    if vague and not [m for m in others if m.score >= FULL]:
        missing = _missing(folded, decision)
        if missing is not None:
            return _unknown(ask, when, now, missing, index)
    return _general(analysis, when, now, ask, decision, index, faq)


# The answers a kind of question gets when nothing more particular was read.
_GENERAL = {
    Intent.NOW: Topic.NOW,
    Intent.NEXT: Topic.NEXT,
    Intent.DAY_PROGRAMME: Topic.DAY,
    Intent.VISITS: Topic.VISITS,
    Intent.VENUE: Topic.VENUE,
    Intent.CONTACT: Topic.CONTACT,
    Intent.ORGANISERS: Topic.ORGANISERS,
    Intent.ABOUT_EVENT: Topic.EVENT,
}


def _general(
    analysis: Analysis,
    when: TimeQuery | None,
    now: bool,
    ask: Ask,
    decision: Classification,
    index: EntityIndex,
    faq: FaqEntry | None,
) -> Frame:
    """The frame of a question no particular thing of the programme answers: the kind of question
    says which general answer — now, next, a day, the venue, an organisation, an FAQ entry."""
    intent = decision.intent
    named = decision.entity is not None and not _function_word(decision.entity, analysis)
    target = decision.entity.entity.target if decision.entity and named else None
    if intent is Intent.AT_TIME:
        topic = Topic.AT_TIME if when is not None else Topic.DAY
        return Frame(topic, ask, intent, when, now)
    if intent in (Intent.VISIT, Intent.SESSION):
        if isinstance(target, Session | Place):
            return Frame(Topic.CARD, ask, intent, when, now, subject=target)
        if re.search(r"\borganiz", analysis.folded):  # "kto go organizuje?" with no session named
            return Frame(Topic.ORGANISERS, ask, Intent.ORGANISERS, when, now)
        if intent is Intent.SESSION:
            return Frame(Topic.DIALOGUE, ask, Intent.FALLBACK, when, now)
        return Frame(Topic.VISITS, ask, intent, when, now)
    if intent in (Intent.ORGANISATION, Intent.ABOUT_ORGANISER):
        organisation = target if isinstance(target, Organisation) else index.main_organiser
        if organisation is None:
            return Frame(Topic.ORGANISERS, ask, intent, when, now)
        return Frame(Topic.ORGANISATION, ask, intent, when, now, subject=organisation)
    if intent is Intent.FAQ and faq is not None:
        return Frame(Topic.FAQ, ask, intent, when, now, faq=faq)
    if intent is Intent.VENUE:
        return Frame(Topic.VENUE, ask, intent, when, now, venue_topics=tuple(venue_topics(analysis)))
    topic = _GENERAL.get(intent, Topic.DIALOGUE)
    return Frame(topic, ask, intent if topic is not Topic.DIALOGUE else _dialogue(intent), when, now)


def _dialogue(intent: Intent) -> Intent:
    """Greetings, thanks, help and reminder settings keep their kind; anything else is a fallback."""
    keep = (Intent.GREETING, Intent.THANKS, Intent.HELP, Intent.REMINDERS)
    return intent if intent in keep else Intent.FALLBACK


def _missing(folded: str, decision: Classification) -> str | None:
    """The practical matter a question asks about, which the data does not hold."""
    if decision.intent is Intent.VENUE and _PARKING.search(folded):
        return None  # "gdzie zaparkować i ile to kosztuje?": the venue's parking says what it costs
    return next((phrase for phrase, pattern in _PRACTICAL if pattern.search(folded)), None)


def _unknown(ask: Ask, when: TimeQuery | None, now: bool, missing: str, index: EntityIndex) -> Frame:
    """A practical matter: the FAQ entry that speaks of it ("czy trzeba płacić?" — „Czy udział jest
    płatny?”), or else that it is not known."""
    pattern = dict(_PRACTICAL)[missing]
    for entry in index.faq:
        if pattern.search(fold(" ".join((entry.question, *entry.keywords)))):
            return Frame(Topic.FAQ, ask, Intent.FAQ, when, now, faq=entry)
    return Frame(Topic.UNKNOWN, ask, Intent.FALLBACK, when, now, missing=missing)


def _thing(match: EntityMatch) -> Session | Speaker:
    target = match.entity.target
    assert isinstance(target, Session | Speaker)
    return target


def _kind_edge(
    kind: EntityMatch | None,
    room: EntityMatch | None,
    track: EntityMatch | None,
    when: TimeQuery | None,
    ask: Ask,
    folded: str,
    index: EntityIndex,
) -> Session | None:
    """ "kto prowadzi ceremonię zamknięcia?": of a kind's sessions, the last one (or the first,
    "otwarcia") — one thing asked about, by the words for the programme's edges."""
    if kind is None or room is not None or track is not None or when is not None or ask not in _ONE_THING:
        return None
    ends = bool(_END.search(folded) or _LAST.search(folded))
    starts = bool(_START.search(folded) or _FIRST.search(folded))
    if ends == starts:
        return None
    of_kind = index.sessions_of(_target(kind, Kind).id)  # type: ignore[union-attr]
    if len(of_kind) < 2:
        return None
    return max(of_kind, key=lambda s: s.end) if ends else min(of_kind, key=lambda s: s.start)


def _anchor(
    session: EntityMatch | None, speaker: EntityMatch | None, kind: EntityMatch | None, index: EntityIndex
) -> Session | None:
    """The one session a relation can be to when no title is named: a person's or a kind's only one."""
    if session is not None:
        target = session.entity.target
        return target if isinstance(target, Session) else None
    if speaker is not None:
        person = speaker.entity.target
        assert isinstance(person, Speaker)
        own = index.sessions_with(person)
        return own[0] if len(own) == 1 else None
    if kind is not None:
        target = kind.entity.target
        assert isinstance(target, Kind)
        of_kind = index.sessions_of(target.id)
        return of_kind[0] if len(of_kind) == 1 else None
    return None


def _listing(
    when: TimeQuery | None,
    now: bool,
    room: EntityMatch | None,
    kind: EntityMatch | None,
    track: EntityMatch | None,
    sessions: tuple[Session, ...] = (),
    folded: str = "",
    rooms: tuple[Room | None, ...] = (),
    ask: Ask = Ask.LIST,
) -> Frame:
    return Frame(
        Topic.LISTING,
        ask,
        _listing_intent(when, now),
        when,
        now,
        room=_target(room, Room),
        kind=_target(kind, Kind),
        track=_target(track, Track),
        sessions=sessions,
        upcoming=bool(_NEXT.search(folded)),
        starting=bool(_STARTING.search(folded)),
        rooms=tuple(r for r in rooms if r is not None),
    )


def _listing_intent(when: TimeQuery | None, now: bool) -> Intent:
    if now:
        return Intent.NOW
    if when is not None and when.has_hour:
        return Intent.AT_TIME
    return Intent.DAY_PROGRAMME


T = TypeVar("T")


def _target(match: EntityMatch | None, kind: type[T]) -> T | None:
    if match is None:
        return None
    target = match.entity.target
    assert isinstance(target, kind)
    return target
