"""Finding the event's named things (sessions, people, rooms, kinds, tracks, places, organisations)
in a question.

Each name and alias becomes a list of words, each word the set of its lemma keys. A name
matches when the words the question contains carry most of the name's weight; a word's
weight is its rarity among all names (idf), so "wizyta" alone matches nothing while
"Kozłówce" or "Dębniki" is enough.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.analysis import NUMBERS, Analysis
from bot.glossary import polish_words
from bot.lexicon import NAMING_TAGS, analyse_lemmas, lemma_key, morfeusz
from bot.model import (
    Conference,
    Contact,
    EventInfo,
    Kind,
    Organisation,
    Place,
    Role,
    Room,
    Session,
    Speaker,
    Track,
    Venue,
)
from bot.text import fold, words

STOP = _STOP = frozenset(
    """a i o u w we z ze na do od dla nad pod przy po oraz jako lub the of and jak co czy kto
    to ten ta te jest sa byc bedzie mam ma mi mnie sie jaki jaka jakie ktory ktora gdzie kiedy
    ile czym kogo moge mozna""".split()
)
MIN_COVERAGE = 0.6
UNIQUE_COVERAGE = 0.4  # enough when the matched word belongs to this one name alone
MIN_WEIGHT = 1.4  # the rarest matched word must be at least this rare (log scale)


class EntityKind(StrEnum):
    EVENT = "event"
    VENUE = "venue"
    SESSION = "session"
    PLACE = "place"
    ORGANISATION = "organisation"
    CONTACT = "contact"
    SPEAKER = "speaker"
    ROOM = "room"
    KIND = "kind"
    TRACK = "track"


Target = EventInfo | Venue | Session | Place | Organisation | Contact | Speaker | Room | Kind | Track
AliasWord = frozenset[str]


@dataclass(frozen=True, slots=True)
class Entity:
    kind: EntityKind
    target: Target
    aliases: tuple[tuple[AliasWord, ...], ...]


@dataclass(frozen=True, slots=True)
class EntityMatch:
    entity: Entity
    score: float  # 0..1, the share of the best alias's weight found in the question
    evidence: float  # weight of all the entity's words found, across its aliases
    consumed: frozenset[str] = frozenset()  # the question's lemma keys that make up the name

    @property
    def kind(self) -> EntityKind:
        return self.entity.kind


@lru_cache(maxsize=20_000)
def person_lemmas(word: str) -> frozenset[str]:
    """A person's name word as a name only: "Sim" is the surname, not a form of the adjective "si"
    (which would make "się" name Kate Sim); "Kowalskiej" still leads back to "Kowalska"."""
    found = set()
    for _s, _e, (_form, lemma, tag, names, *_rest) in morfeusz().analyse(word):
        if tag != "ign" and any(n in ("nazwisko", "imię") for n in names):
            found.add(lemma)
    return frozenset(found)


@lru_cache(maxsize=20_000)  # a title is read for its entity and for the topic index
def alias_words(
    name: str, labels: bool = False, person: bool = False
) -> tuple[tuple[AliasWord, ...], frozenset[str]]:
    """A name's content words as lemma-key sets, and the raw lemmas to add to the lexicon.

    `labels`: a room's letters and numbers count ("Sala B", "Hala 2"), though "a" or "i" elsewhere
    are only words. `person`: words are read as first names and surnames only."""
    result = []
    raw: set[str] = set()
    for word in words(name):
        folded = fold(word)
        label = labels and (word.isupper() or word.isdigit()) and len(word) <= 3
        if not folded or (folded in _STOP and not label):
            continue
        if word.isdigit() or (labels and len(word) <= 3):  # a room "One" is no form of the pronoun "on"
            lemmas: frozenset[str] = frozenset()
        else:
            lemmas = person_lemmas(word) if person else analyse_lemmas(word, NAMING_TAGS)
        raw |= lemmas or {word.lower()}
        result.append(frozenset({folded, *(lemma_key(lemma) for lemma in lemmas)}))
    return tuple(result), frozenset(raw)


@lru_cache(maxsize=4096)
def _polish_keys(word: str) -> AliasWord:
    """A glossary word's lemma keys, of every part of speech: "testowanie" is also "testować",
    the lemma "testowaniu" has in a question."""
    return frozenset({fold(word), *(lemma_key(lemma) for lemma in analyse_lemmas(word))})


class EntityIndex:
    def __init__(self, conference: Conference) -> None:
        self.vocabulary: set[str] = set()
        self.faq = conference.faq  # practical matters the event's own answers speak of
        cities = {conference.venue.city, conference.event.city}
        self.city_keys: frozenset[str] = frozenset(
            key for city in cities if city for word in alias_words(city)[0] for key in word
        )
        organisers = conference.organisations_with(Role.ORGANISER)
        self.main_organiser: Organisation | None = organisers[0] if organisers else None
        entities = [
            self._entity(
                EntityKind.EVENT, conference.event, [conference.event.name, conference.event.short_name]
            ),
            self._entity(
                EntityKind.VENUE,
                conference.venue,
                [conference.venue.name, conference.venue.short_name, *conference.venue.aliases],
            ),
        ]
        # The parts of a long title people type: its head ("Breaking BOTS" of "Breaking BOTS: …") and
        # its first words. One shared by several sessions ("Wizyta studyjna: …") names none of them.
        # A head whose words other titles have too ("Wagtail", "Och Menno") names none of them.
        shorter = {s.id: [title_head(s.title), title_start(s.title)] for s in conference.sessions}
        counts = Counter(key for names in shorter.values() for key in {fold(n) for n in names if n})
        with_word: dict[str, set[str]] = {}
        for s in conference.sessions:
            for token in fold(s.title).split():
                with_word.setdefault(token, set()).add(s.id)

        def shared(name: str) -> bool:
            """Whether another title has the name's words together ("Och Menno …", "… avec Wagtail")."""
            phrase = fold(name)
            holders = [with_word.get(token, set()) for token in phrase.split()]
            candidates = set.intersection(*holders) if holders else set()
            return sum(f" {phrase} " in f" {titles[i]} " for i in candidates) > 1

        titles = {s.id: fold(s.title) for s in conference.sessions}

        for s in conference.sessions:
            # A session is also known by its place's names ("wizyta na Kozłówce").
            place_names = [s.place.short_name, *s.place.aliases] if s.place else []
            own = [n for n in shorter[s.id] if n and counts[fold(n)] == 1 and not shared(n)]
            parts = [p.title for p in s.parts]  # "pytania z sali": the block it is part of
            entities.append(
                self._entity(EntityKind.SESSION, s, [s.title, *own, *s.aliases, *place_names, *parts])
            )
        for p in conference.places:
            entities.append(self._entity(EntityKind.PLACE, p, [p.name, p.short_name, *p.aliases]))
        for o in conference.organisations:
            entities.append(self._entity(EntityKind.ORGANISATION, o, [o.name, o.short_name, *o.aliases]))
        if conference.contact is not None:
            entities.append(self._entity(EntityKind.CONTACT, conference.contact, [conference.contact.name]))
        # "kiedy występuje Goumiri?": a surname alone names the one person who has it.
        # "kiedy występuje Goumiri?", "kiedy mówi Adrien?": a surname or a first name alone names a
        # person; when two people share it, the question ties and the bot asks which one.
        for person in conference.speakers:
            names = [person.name, *person.aliases]
            # A nickname in quotes or brackets ('Sean "xobs" Cross', "Sam. Beaumont (panth13r)") is
            # what people call them; the name around it is their name.
            nicknames = [quoted or bracketed for quoted, bracketed in _NICKNAME.findall(person.name)]
            plain = " ".join(_NICKNAME.sub(" ", person.name).split())
            names += [nick.strip() for nick in nicknames if len(nick.strip()) >= 3]
            if _personal(plain):
                first, surname = plain.split()[0], plain.split()[-1]  # "Veaugh-Geiss" whole
                names += [part for part in (plain, first, surname) if len(part) >= 3]
            entities.append(self._entity(EntityKind.SPEAKER, person, names, person=True))
        # A first word several rooms share ("Kidspace - Workshopraum", "Kidspace - Hackcenter") names
        # them all alike, so a question naming it gets all of them; "Sala A", "Sala B" share nothing.
        everywhere = rooms(conference)
        firsts = Counter(fold(room.name).split()[0] for room in everywhere if fold(room.name))
        for room in everywhere:
            first = fold(room.name).split()[0] if fold(room.name) else ""
            common = [room.name.split()[0]] if firsts[first] > 1 and first not in _ROOM_WORDS else []
            entities.append(
                self._entity(EntityKind.ROOM, room, [room.name, *room.aliases, *common], labels=True)
            )
        used = Counter(s.kind.id for s in conference.sessions)
        for kind in conference.kinds:
            # A kind most of the programme is ("sesja", "wykład") filters nothing: "następna sesja?"
            # asks what is next, not for the sessions of a kind.
            generic = kind.id == "session" and kind.name == "sesja"  # the default kind's own word
            if 0 < used[kind.id] <= len(conference.sessions) / 2 and not generic:
                entities.append(self._entity(EntityKind.KIND, kind, [kind.name, kind.plural, *kind.aliases]))
        # Each kind's head word ("wizyta" of "wizyta studyjna") and how many kinds share it: a head
        # of one kind alone names it ("jakie wizyty…"), one shared ("sesja") names none.
        self._kind_heads: dict[str, frozenset[str]] = {}
        heads: Counter[str] = Counter()
        for kind in conference.kinds:
            if not used[kind.id]:
                continue
            spelt = [alias_words(n)[0] for n in (kind.name, kind.plural)]
            head: frozenset[str] = frozenset().union(*(name[0] for name in spelt if name))
            self._kind_heads[kind.id] = head
            heads.update(head)
        # Every word of every kind's names, the kinds no question filters by too ("wykład", "talk"):
        # a kind's word says what sort of session, not what it is about.
        self.kind_words: frozenset[str] = frozenset(
            key
            for kind in conference.kinds
            for name in (kind.name, kind.plural, *kind.aliases)
            for word in alias_words(name)[0]
            for key in word
        )
        self._kind_heads = {
            kind_id: keys for kind_id, keys in self._kind_heads.items() if all(heads[k] == 1 for k in keys)
        }
        for track in conference.tracks:
            entities.append(self._entity(EntityKind.TRACK, track, [track.name, *track.aliases]))
        self.entities = tuple(e for e in entities if e.aliases)
        df: Counter[str] = Counter()
        for entity in self.entities:
            keys = {key for alias in entity.aliases for word in alias for key in word}
            df.update(keys)
        total = len(self.entities)
        self.idf = {key: math.log(1 + total / count) for key, count in df.items()}
        self.unique_weight = math.log(1 + total)
        # Precomputed for find(), which runs on every question: word weights per alias, and which
        # entities each lemma key can reach, so only those are scored.
        self._aliases = [
            [
                (alias, tuple(self.weight(w) for w in alias), sum(self.weight(w) for w in alias))
                for alias in e.aliases
            ]
            for e in self.entities
        ]
        # Sessions by the words of their titles, for topics ("coś o Django", "warsztat o pandas"):
        # each title word as its lemma-key set.
        # An inverted index: a title word's keys to the sessions that have it, and keys by their
        # first letters for the words the dictionary does not know ("Wagtailu" for "Wagtail").
        self._order = {s.id: i for i, s in enumerate(conference.sessions)}
        # Programme exports number their sessions ("wykład nr 2405").
        self.numbered = {s.id: s for s in conference.sessions if s.id.isdigit()}
        self._sessions = {s.id: s for s in conference.sessions}
        self.session_count = len(conference.sessions)
        self._title_keys: dict[str, set[str]] = {}
        for s in conference.sessions:
            # A foreign title answers to the Polish words for its words too ("pralki": "washing
            # machines"), so international programmes can be asked about in Polish.
            polish = (_polish_keys(p) for p in polish_words(s.title) if fold(p) not in _STOP)
            words_of = [*alias_words(s.title)[0], *polish]
            for part in words_of:
                for key in part:
                    self._title_keys.setdefault(key, set()).add(s.id)
                    if len(part) == 1 and key.endswith("s") and len(key) > 3:  # "ORMs", "APIs": a plural
                        self._title_keys.setdefault(key[:-1], set()).add(s.id)
        self._by_stem: dict[str, list[str]] = {}
        for key in self._title_keys:
            if len(key) >= STEM:
                self._by_stem.setdefault(key[:STEM], []).append(key)
        self._with_word = lru_cache(maxsize=4096)(self._sessions_with_word)
        self._by_key: dict[str, set[int]] = {}
        for i, entity in enumerate(self.entities):
            for alias in entity.aliases:
                for word in alias:
                    for key in word:
                        self._by_key.setdefault(key, set()).add(i)

    def _entity(
        self,
        kind: EntityKind,
        target: Target,
        names: Iterable[str | None],
        labels: bool = False,
        person: bool = False,
    ) -> Entity:
        aliases = []
        for name in names:
            if not name:
                continue
            alias, raw = alias_words(name, labels, person)
            if alias:
                aliases.append(alias)
                self.vocabulary |= raw
        return Entity(kind, target, tuple(aliases))

    def match_for(self, target: Target, like: EntityMatch) -> EntityMatch:
        """A match for `target` as strong as `like` (to redirect an organisation to its session)."""
        entity = next(e for e in self.entities if e.target is target)
        return EntityMatch(entity, like.score, like.evidence, like.consumed)

    def kind_by_head(self, match: EntityMatch) -> bool:
        """Whether a kind is named by its head word alone, which no other kind of the event has."""
        target = match.entity.target
        head = self._kind_heads.get(target.id, frozenset()) if isinstance(target, Kind) else frozenset()
        return bool(match.consumed) and match.consumed <= head

    def weight(self, word: AliasWord) -> float:
        return max(self.idf.get(key, 0.0) for key in word)

    def sessions_with(self, person: Speaker) -> list[Session]:
        return [s for s in self._sessions.values() if person in s.people]

    def edge(self, last: bool) -> Session | None:
        """The programme's first session (or its last): the opening, the closing."""
        if not self._sessions:
            return None
        pick = max if last else min
        return pick(self._sessions.values(), key=lambda s: s.end if last else s.start)

    def sessions_of(self, kind_id: str) -> list[Session]:
        return [s for s in self._sessions.values() if s.kind.id == kind_id]

    def about(self, words: list[frozenset[str]]) -> list[Session]:
        """Sessions whose titles contain every one of `words` (each a set of lemma keys), in
        programme order: what a question "o Wagtailu", "o bazach danych" is about."""
        if not words:
            return []
        # Every word, or else the rarer ones: "lightning talki" is "Lightning Talks" though "talki"
        # is no word of it (the commonest word is let go first, the rarest never).
        ranked = sorted(words, key=lambda w: len(self._with_word(w)))
        # All but one of three or more words in one title ("o starych automatach do flippera":
        # „Wie wir alte Flipperautomaten…”, where "automat" is another title's word).
        if len(words) >= 3:
            counts = Counter(i for w in words for i in self._with_word(w))
            best = max(counts.values(), default=0)
            if best >= len(words) - 1 and not set.intersection(*(set(self._with_word(w)) for w in words)):
                found = {i for i, n in counts.items() if n == best}
                return [self._sessions[i] for i in sorted(found, key=self._order.__getitem__)]
        while ranked:
            found = set(self._with_word(ranked[0]))
            for word in ranked[1:]:
                found &= self._with_word(word)
            if found:
                return [self._sessions[i] for i in sorted(found, key=self._order.__getitem__)]
            if len(self._with_word(ranked[-1])) < 2:
                return []  # a rare word no title shares with the others: no such session
            ranked = ranked[:-1]
        return []

    def title_share(self, keys: frozenset[str]) -> float:
        """The share of sessions whose titles hold one of `keys` ("python" at PyConFR: most)."""
        if not self.session_count:
            return 1.0
        return len(self._with_word(keys)) / self.session_count

    def _sessions_with_word(self, word: AliasWord) -> frozenset[str]:
        found: set[str] = set()
        for key in word:
            found |= self._title_keys.get(key, set())
            # A short word no dictionary knows, with a Polish ending: "DNS-ie", "dnsie", "API-ach"
            # (but "mapa" is a word of its own, not "map" with an ending).
            for ending in _CASE_ENDINGS:
                base = key[: -len(ending)]
                short = key.endswith(ending) and 3 <= len(base) < STEM
                if short and base in self._title_keys and not analyse_lemmas(key):
                    found |= self._title_keys[base]
            for other in self._by_stem.get(key[:STEM], ()) if len(key) >= STEM else ():
                if other != key and _same(frozenset({key}), frozenset({other})):
                    found |= self._title_keys[other]
        return frozenset(found)

    def find(self, lemmas: frozenset[str]) -> list[EntityMatch]:
        """Entities named in a question, best first."""
        candidates = sorted({i for key in lemmas for i in self._by_key.get(key, ())})
        matches = []
        for i in candidates:
            entity = self.entities[i]
            best = 0.0
            evidence: set[AliasWord] = set()
            for alias, weights, total in self._aliases[i]:
                found = [(w, weight) for w, weight in zip(alias, weights, strict=True) if w & lemmas]
                if not found or total == 0:
                    continue
                rarest = max(weight for _w, weight in found)
                if rarest < MIN_WEIGHT:
                    continue
                coverage = sum(weight for _w, weight in found) / total
                if coverage < MIN_COVERAGE and rarest >= self.unique_weight:
                    coverage = max(coverage, MIN_COVERAGE) if coverage >= UNIQUE_COVERAGE else coverage
                best = max(best, coverage)
                evidence.update(w for w, _weight in found)
            if best >= MIN_COVERAGE:
                weight = sum(self.weight(w) for w in {frozenset(w & lemmas) for w in evidence})
                consumed = frozenset(key for w in evidence for key in w & lemmas)
                matches.append(EntityMatch(entity, best, weight, consumed))
        matches.sort(key=lambda m: (-round(m.score, 3), -round(m.evidence, 3), _RANK[m.kind]))
        return _prefer_place(matches)


_RANK = {
    EntityKind.SESSION: 0,
    EntityKind.SPEAKER: 1,
    EntityKind.PLACE: 2,
    EntityKind.ROOM: 3,
    EntityKind.ORGANISATION: 4,
    EntityKind.KIND: 5,
    EntityKind.TRACK: 6,
    EntityKind.VENUE: 7,
    EntityKind.CONTACT: 8,
    EntityKind.EVENT: 9,
}


def _personal(name: str) -> bool:
    """Whether a name looks like a person's ("Anna Nowak", "Pierre-Loic Bayart"), not a band or a
    group ("family & friends Hamburg"), whose last word is no surname."""
    parts = name.split()
    return 2 <= len(parts) <= 4 and all(p[:1].isupper() for p in parts) and not re.search(r"[&+/()]", name)


_NICKNAME = re.compile(r"[\"“„']([^\"”“']+)[\"”']|\(([^)]+)\)")
_HEAD_END = re.compile(r"\s*(?::|!|\?|\s[–—-]\s)\s*")


def title_head(title: str) -> str | None:
    """What people call a session with a subtitle: "Breaking BOTS" of "Breaking BOTS: Cheating at
    Blue Team CTFs…"; None when the title has no subtitle (or the head is all of it)."""
    head = _HEAD_END.split(title, maxsplit=1)[0].strip(" „”\"'")
    return head if head and len(head) < len(title) - 3 else None


# Words rooms are called by, shared by many rooms without making them one place.
_ROOM_WORDS = frozenset(
    "sala hala aula room hall stage scena namiot strefa zone area salle saal raum tent buhne".split()
)
_CASE_ENDINGS = ("ie", "u", "a", "em", "y", "ach", "ami", "om", "owi", "ow", "e")
STEM = 5  # letters a case ending leaves alone: "wagta(il)", "wagta(ilu)"


def _same(word: AliasWord, part: AliasWord) -> bool:
    """Whether a question's word is a title's word: a shared lemma key, or a word the dictionary does
    not know with a Polish case ending ("Wagtailu", "Djangiem" for "Wagtail", "Django")."""
    if word & part:
        return True
    for a in word:
        for b in part:
            short, long = (a, b) if len(a) <= len(b) else (b, a)
            if len(short) >= STEM and long.startswith(short) and len(long) - len(short) <= 3:
                return True
            # An ending that changes the last consonant: "Minecraft" → "minecrafcie".
            shared = next(
                (i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short)
            )
            if len(short) >= 7 and shared >= len(short) - 1 and len(long) - shared <= 4:
                return True
    return False


_TIME_BEFORE = re.compile(r"\b(?:o|od|do|po|przed|godz\w*|okolo|kolo|ok|at)\s*$")


def title_numbers(analysis: Analysis, index: EntityIndex) -> frozenset[str]:
    """Tokens like "3.13" that some title holds whole ("Python 3.13") and that no time word
    introduces ("o 10.30" stays a time, "28.12" — in no title — stays a date)."""
    found = set()
    for i, token in enumerate(analysis.tokens):
        if not NUMBERS.fullmatch(token) or _TIME_BEFORE.search(" ".join(analysis.tokens[:i])):
            continue
        if index.about([frozenset({part}) for part in re.split(r"[.:]", token)]):
            found.add(token)
    return frozenset(found)


START_WORDS = 4  # the first words of a long title, as people start typing it


def title_start(title: str) -> str | None:
    """The first few words of a long title ("Opening pAMDora's box and" of a twelve-word one)."""
    parts = title.split()
    return " ".join(parts[:START_WORDS]) if len(parts) >= 2 * START_WORDS else None


def rooms(conference: Conference) -> list[Room]:
    """The venue's rooms, then rooms sessions name only in free text, once per name."""
    found: dict[str, Room] = {fold(r.name): r for r in conference.venue.rooms}
    for session in conference.sessions:
        if session.room is not None and session.room.name:
            found.setdefault(fold(session.room.name), session.room)
    return list(found.values())


def _prefer_place(matches: list[EntityMatch]) -> list[EntityMatch]:
    """Several sessions tied at one matched place: answer with the place, which lists them all."""
    if len(matches) < 2 or matches[0].kind is not EntityKind.SESSION:
        return matches
    first, second = matches[0], matches[1]
    if second.kind is not EntityKind.SESSION or (second.score, second.evidence) != (
        first.score,
        first.evidence,
    ):
        return matches
    for match in matches[2:]:
        if match.kind is EntityKind.PLACE and match.score == first.score:
            return [match, *(m for m in matches if m is not match)]
    return matches
