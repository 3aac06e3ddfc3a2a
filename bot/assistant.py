"""The assistant: a question in Polish plus the clock's now in, an intent and a reply out."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from bot import texts
from bot.analysis import NUMBERS, Analysis, analyse
from bot.clock import Clock
from bot.details import answer_session
from bot.entities import EntityIndex, EntityKind, EntityMatch, alias_words, title_numbers
from bot.info import (
    answer_contact,
    answer_venue,
)
from bot.intents import Classification, Intent, classify, cue_vocabulary
from bot.lexicon import Lexicon
from bot.model import Conference, FaqEntry, Organisation, Place
from bot.nouns import plural_forms
from bot.polish import counted, on_day, short_label
from bot.programme import (
    answer_day,
    answer_next,
    answer_now,
    answer_visits,
    travel_heading,
)
from bot.reminders import ReminderAction, parse_reminder_request
from bot.reply import Reply, ReplyBuilder, bold, italic
from bot.text import fold, fold_keep_times
from bot.timeexpr import TimeQuery, parse_time_query
from bot.understanding import Frame, read_frame
from bot.understanding.answering import compose
from bot.understanding.english import LINE as ENGLISH_LINE
from bot.understanding.english import to_polish
from bot.understanding.frame import Topic

_WHEN_WHERE = (
    "kiedy",
    "gdzie",
    "ktory",
    "ktora",
    "ktorej",
    "godzina",
    "jechac",
    "dojechac",
    "wizyta",
    "trwac",
    "zaczynac",
    "start",
    "isc",
    "pojechac",
    "jak",
)
_ABOUT_WHO = ("kto", "czym", "zajmowac", "organizacja", "robic")
ANSWER_CACHE = 2048  # distinct questions remembered within one minute
MAX_QUESTION = 500  # characters read from one message; the rest is ignored
FAQ_LITERAL = 2.7  # the keyword phrase appears as written
FAQ_WORDS = 2.5  # its content words all appear, inflected or not
_QUOTES = '„”"«»'  # stripped from a name put in quotes of our own


class OtherMessage(StrEnum):
    """Messages that carry no question in text."""

    LOCATION = "location"
    CONTACT = "contact"
    VOICE = "voice"
    STICKER = "sticker"
    MEDIA = "media"
    EDITED = "edited"


_OTHER_TEXTS = {
    OtherMessage.LOCATION: texts.OTHER_LOCATION,
    OtherMessage.CONTACT: texts.OTHER_CONTACT,
    OtherMessage.VOICE: texts.OTHER_VOICE,
    OtherMessage.STICKER: texts.OTHER_STICKER,
    OtherMessage.MEDIA: texts.OTHER_MEDIA,
    OtherMessage.EDITED: texts.OTHER_EDITED,
}


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    intent: Intent
    reply: Reply
    classification: Classification | None = None
    frame: Frame | None = None


GENERIC_EVENT_WORD = "konferencja"  # the word the understanding's cues use for "this event"


ORIGIN_CUE = "dojazd"  # the cue the understanding reads as "how to get there"


def _origin_names(conference: Conference) -> frozenset[str]:
    """The proper names of the places the venue's directions start from ("Kraków-Balice" in "z
    lotniska Kraków-Balice"), folded: a question naming one asks the way. The event's city is left
    out — "pogoda w Krakowie" asks no way."""
    city = fold(conference.event.city or conference.venue.city or "")
    names = set()
    for direction in conference.venue.directions:
        for word in re.findall(r"[^\W\d_]+", direction.label):
            if word[:1].isupper() and fold(word) != city and len(word) > 3:
                names.add(fold(word))
    return frozenset(names)


def _event_word(conference: Conference) -> re.Pattern[str] | None:
    """Every case of the event's own noun ("kongres", "kongresu", "na kongresie"), folded, when
    it is not the generic word already; None when it is."""
    noun = conference.noun
    forms = {
        fold(form)
        for form in (
            noun.nominative,
            noun.genitive,
            noun.dative,
            noun.accusative,
            noun.instrumental,
            noun.locative,
            *plural_forms(noun.nominative),  # "od którego roku są te kongresy?"
        )
    }
    if fold(noun.nominative) == GENERIC_EVENT_WORD:
        return None
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    # A demonstrative agrees with the noun ("ten festiwal"); read with the generic word, it is "ta".
    return re.compile(rf"(?:\b(?P<this>ten|tego|temu|tym|tamten|to|tej|ta)\s+)?\b(?:{alternatives})\b")


NAMED = 0.8  # a name matched this well keeps its numbers ("Python 3.12's New Monitoring and Debugging")


def _without_named_numbers(analysis: Analysis, entities: list[EntityMatch], index: EntityIndex) -> str:
    """The question for the time parser: numbers that belong to a named thing ("Nouveautés de Python
    3.13") or that a title holds ("wykład o Pythonie 3.13") are part of a name, not a time of day."""
    named = next((m for m in entities if m.kind is not EntityKind.EVENT and m.score >= NAMED), None)
    folded = analysis.folded
    for token in title_numbers(analysis, index) | {
        t
        for t in analysis.tokens
        if named and NUMBERS.fullmatch(t) and set(re.split(r"[.:]", t)) <= named.consumed
    }:
        folded = re.sub(rf"(?<!\S){re.escape(token)}(?!\S)", " ", folded)
    return folded


_CLAUSE = re.compile(r"\s*(?:[,;—–!?]|\.(?!\d))+\s*")
_A_TIME = re.compile(r"\b(?:o|od|do|po|przed|at)\s+\d{1,2}(?::\d\d)?\b|\b\d{1,2}:\d\d\b")
_ASKING = re.compile(r"\b(?:co|kiedy|gdzie|kto|jaki\w*|ktor\w*|czy|what|when|where|who)\b")


def _asked_clause(text: str) -> str | None:
    """Of a message that names several times, the last clause that asks and names one."""
    clauses = [c for c in _CLAUSE.split(text) if c.strip()]
    timed = [c for c in clauses if _A_TIME.search(fold_keep_times(c))]
    if len(timed) < 2:
        return None
    return next((c for c in reversed(timed) if _ASKING.search(fold(c))), None)


def _titled_question(text: str, frame: Frame) -> bool:
    """One session found whose title holds most of the question's words ("kiedy jest How To
    Minimize Bugs in Cryptography?"): the title, not English to read word by word."""
    if len(frame.sessions) != 1:
        return False
    title = set(fold(frame.sessions[0].title).split())
    words = [w for w in fold(text).split() if len(w) >= 3]
    return bool(words) and sum(w in title for w in words) >= 0.6 * len(words)


def _partly_named(decision: Classification, frame: Frame) -> bool:
    """A card for a title the question only partly named ("what time is the talk…" is no
    „Excuse me, what precise time is It?”)."""
    return frame.topic is Topic.CARD and decision.entity is not None and decision.entity.score < 0.99


def _weak(intent: Intent, frame: Frame) -> bool:
    """An answer that named nothing in full: a fallback, help, or sessions found by a title word."""
    dialogue = frame.topic is Topic.DIALOGUE and intent in (Intent.FALLBACK, Intent.HELP)
    return dialogue or bool(frame.sessions) or frame.topic is Topic.CHOICE


class Assistant:
    """Answers questions about one conference; stateless per question, safe to share."""

    def __init__(self, conference: Conference, clock: Clock, cache_size: int = ANSWER_CACHE) -> None:
        self.conference = conference
        self.clock = clock
        self.cache_size = cache_size
        self._answers: dict[str, Answer] = {}  # this minute's answers, by question
        self._minute: datetime | None = None
        self.entities = EntityIndex(conference)
        vocabulary = cue_vocabulary() | self.entities.vocabulary
        # The event's noun and its travel kinds' names are no unknown topic ("o czym jest festiwal?").
        for name in (conference.noun.nominative, *(k.name for k in conference.travel_kinds)):
            vocabulary |= alias_words(name)[1]
        self.faq: list[tuple[FaqEntry, list[tuple[str, tuple[frozenset[str], ...]]]]] = []
        for entry in conference.faq:
            phrases = []
            for phrase in entry.keywords:
                words, raw = alias_words(phrase)
                phrases.append((f" {fold(phrase)} ", words))
                vocabulary |= raw
            self.faq.append((entry, phrases))
        self.lexicon = Lexicon(vocabulary, self.entities.vocabulary)
        self._event_word = _event_word(conference)
        self._origins = _origin_names(conference)
        vocabulary |= self._origins
        self.event_days = tuple(day.date for day in conference.days)
        self._examples: list[tuple[str, str]] | None = None  # help examples, built when first asked

    def understand(
        self, text: str, now: datetime | None = None
    ) -> tuple[Analysis, TimeQuery | None, list[EntityMatch], Classification, FaqEntry | None]:
        now = now or self.clock.now()
        analysis = analyse(text[:MAX_QUESTION], self.lexicon)
        if self._event_word is not None and self._event_word.search(analysis.folded):
            # The cues name the event by the generic word: "gdzie jest kongres?" reads as "gdzie
            # jest konferencja?", whatever noun this event has.
            folded = self._event_word.sub(
                lambda m: f"ta {GENERIC_EVENT_WORD}" if m.group("this") else GENERIC_EVENT_WORD,
                analysis.folded,
            )
            analysis = replace(analysis, folded=folded, lemmas=analysis.lemmas | {GENERIC_EVENT_WORD})
        if analysis.lemmas & self._origins:
            # A starting point the directions name ("z Balic", the airport's name): a way here.
            analysis = replace(analysis, lemmas=analysis.lemmas | {ORIGIN_CUE})
        entities = self._prefer_sessions(self.entities.find(analysis.lemmas), analysis)
        when = parse_time_query(
            _without_named_numbers(analysis, entities, self.entities),
            now,
            self.event_days,
            self._today(now),
            self.conference.event.day_starts_at,
        )
        asked = _asked_clause(text)
        if asked is not None:
            # "w niedzielę o 11 jestem wolna, a o 12:15 mam spotkanie — co jest o 11?": the time of
            # the clause that asks, the day from wherever it was said.
            own = parse_time_query(
                fold_keep_times(asked),
                now,
                self.event_days,
                self._today(now),
                self.conference.event.day_starts_at,
            )
            if own is not None:
                if own.day is None and own.day_index is None and when is not None:
                    own = replace(own, day=when.day, day_index=when.day_index)
                when = own
        faq_entry, faq_score = self._faq(analysis)
        return analysis, when, entities, classify(analysis, when, entities, faq_score), faq_entry

    def _today(self, now: datetime) -> date:
        """ "jutro" at 02:00 of a festival night is the day after the evening, not after the date."""
        return self.conference.programme_date(now)

    def _prefer_sessions(self, matches: list[EntityMatch], analysis: Analysis) -> list[EntityMatch]:
        """ "kiedy jedziemy do Skawiny?": an organisation asked about with "when/where" means its session."""
        if not matches or matches[0].kind is not EntityKind.ORGANISATION:
            return matches
        if not analysis.has(*_WHEN_WHERE) or analysis.has(*_ABOUT_WHO):
            return matches
        organisation = matches[0].entity.target
        assert isinstance(organisation, Organisation)
        sessions = self.conference.sessions_by(organisation)
        for match in matches[1:]:
            if match.entity.target in sessions or (
                isinstance(match.entity.target, Place) and match.entity.target.organisation is organisation
            ):
                return [match, *(m for m in matches if m is not match)]
        if len(sessions) == 1:
            session_match = self.entities.match_for(sessions[0], matches[0])
            return [session_match, *matches]
        return matches

    def _faq(self, analysis: Analysis) -> tuple[FaqEntry | None, float]:
        """The FAQ entry whose keyword phrase the question contains, literally or word by word."""
        best: tuple[FaqEntry | None, float] = (None, 0.0)
        text = f" {analysis.folded} "
        for entry, phrases in self.faq:
            for literal, words in phrases:
                if literal in text:
                    score = FAQ_LITERAL + 0.3 * literal.count(" ")
                elif words and all(word & analysis.lemmas for word in words):
                    score = FAQ_WORDS + 0.4 * (len(words) - 1)
                else:
                    continue
                if score > best[1]:
                    best = (entry, score)
        return best

    def ask(self, question: str) -> Answer:
        """Answer one message.

        Answers are computed for the current minute (seconds dropped) and remembered for it:
        at a session change many people ask the same thing and tap the same buttons at once.
        """
        now = self.clock.now().replace(second=0, microsecond=0)  # one moment for the whole answer
        if now != self._minute:  # answers of another minute are stale
            self._answers.clear()
            self._minute = now
        cached = self._answers.get(question)
        if cached is not None:
            return cached
        answer = self._ask(question, now)
        if len(self._answers) < self.cache_size:
            self._answers[question] = answer
        return answer

    def _ask(self, question: str, now: datetime) -> Answer:
        text = question.strip()
        if not text:
            return Answer(question, Intent.FALLBACK, ReplyBuilder().line(texts.EMPTY).build())
        if not fold(text):
            return self._fallback(question, texts.NOT_TEXT)
        english = to_polish(text)
        out, intent, decision, frame = self._read_and_answer(english or text, now)
        if (_weak(intent, frame) or _partly_named(decision, frame)) and not _titled_question(text, frame):
            # English the phrase rules do not cover (or cover badly), read word by word — unless,
            # as written, it named something in full: titles are English too ("kto prowadzi What
            # You Hack…?").
            glossed = to_polish(text, gloss=True)
            if glossed is not None and glossed != english:
                answered = self._read_and_answer(glossed, now)
                better = (
                    frame.topic is Topic.DIALOGUE
                    or not _weak(answered[1], answered[3])
                    or _partly_named(decision, frame)
                )
                if answered[3].topic is not Topic.DIALOGUE and better:
                    english = glossed
                    out, intent, decision, frame = answered
                elif answered[3].topic is Topic.DIALOGUE and frame.topic is not Topic.DIALOGUE:
                    # As written it only shared English words with a title ("is there a talk by
                    # Linus Torvalds?"), word by word it is nothing we know: say so.
                    english = glossed
                    out, intent, decision, frame = answered
        if english is not None:
            text = english
        if len(text) > MAX_QUESTION:
            out.lines.insert(0, ReplyBuilder().line(texts.TOO_LONG).lines[0])
        if english is not None:
            out.lines.insert(0, ReplyBuilder().line(italic(ENGLISH_LINE)).lines[0])
        return Answer(question, intent, out.build(), decision, frame)

    def _read_and_answer(
        self, text: str, now: datetime
    ) -> tuple[ReplyBuilder, Intent, Classification, Frame]:
        analysis, when, entities, decision, faq_entry = self.understand(text, now)
        frame = read_frame(analysis, when, entities, decision, self.entities, faq_entry)
        composed = compose(frame, self.conference, now)
        if composed is None:
            return self._dialogue(frame, analysis), frame.intent, decision, frame
        return *composed, decision, frame

    # Direct answers for channel commands and buttons: no understanding needed, same texts.

    def reply_now(self) -> Reply:
        return answer_now(self.conference, self.clock.now()).build()

    def reply_next(self) -> Reply:
        return answer_next(self.conference, self.clock.now()).build()

    def reply_day(self, day_index: int) -> Reply:
        """One event day's programme; an index outside the event falls back to every day."""
        query = TimeQuery(day_index=day_index) if 0 <= day_index < len(self.conference.days) else None
        return answer_day(self.conference, query, self.clock.now()).build()

    def reply_visits(self) -> Reply:
        return answer_visits(self.conference, self.clock.now()).build()

    def reply_session(self, session_id: str) -> Reply | None:
        """Details of one session, or None if the data no longer has it."""
        session = self.conference.session(session_id)
        if session is None:
            return None
        return answer_session(self.conference, session, self.clock.now()).build()

    def reply_venue(self) -> Reply:
        return answer_venue(self.conference).build()

    def reply_contact(self) -> Reply:
        return answer_contact(self.conference).build()

    def reply_help(self) -> Reply:
        return self._help().build()

    def reply_welcome(self) -> Reply:
        return self._welcome().build()

    def reply_other(self, kind: OtherMessage) -> Reply:
        """A polite answer to a photo, sticker, voice note, location, contact or an edit."""
        out = ReplyBuilder().line(_OTHER_TEXTS[kind])
        if kind is OtherMessage.LOCATION:
            out.suggest("Jak dojechać?", "jak dojechać?")
        return self._suggest_basics(out).build()

    def _welcome(self) -> ReplyBuilder:
        out = ReplyBuilder().line(texts.greeting(self.conference))
        return self._suggest_basics(out.line(texts.greeting_more(self.conference)))

    def _dialogue(self, frame: Frame, analysis: Analysis) -> ReplyBuilder:
        """The conversation's own acts, which no event data answers: greetings, thanks, help,
        reminder settings, and "I am not sure" with what can be asked."""
        if frame.intent is Intent.REMINDERS:
            return self._reminders(analysis)
        if frame.intent is Intent.HELP:
            return self._help()
        if frame.intent is Intent.GREETING:
            return self._welcome()
        if frame.intent is Intent.THANKS:
            return self._suggest_basics(ReplyBuilder().line(texts.THANKS))
        return self._fallback_builder(texts.FALLBACK)

    def _reminders(self, analysis: Analysis) -> ReplyBuilder:
        request = parse_reminder_request(analysis)
        out = ReplyBuilder()
        if request.action is ReminderAction.OFF:
            out.line(texts.REMINDERS_OFF)
        elif request.action is ReminderAction.ON:
            lead = (
                f" ({counted(request.minutes, 'minutę', 'minuty', 'minut')} wcześniej)"
                if request.minutes
                else ""
            )
            out.line(f"{texts.REMINDERS_ON}{lead}.")
        else:
            out.line(texts.REMINDERS_ASK)
        out.line(texts.REMINDERS_NOT_YET)
        out.suggest("Co dalej?", "co dalej?")
        return out

    def _help(self) -> ReplyBuilder:
        out = ReplyBuilder().line(texts.help_intro(self.conference))
        for example, meaning in self.examples():
            out.line("• ", bold(example), f" — {meaning}")
        return self._suggest_basics(out)

    def examples(self) -> list[tuple[str, str]]:
        """Example questions built from this event's data, each one the assistant itself understands."""
        if self._examples is None:
            self._examples = [
                (question, meaning)
                for question, meaning, intents in self._example_candidates()
                if self.understand(question)[3].intent in intents
            ]
        return self._examples

    def _example_candidates(self) -> list[tuple[str, str, tuple[Intent, ...]]]:
        conference = self.conference
        found: list[tuple[str, str, tuple[Intent, ...]]] = [
            (*texts.EXAMPLE_NOW, (Intent.NOW,)),
            (*texts.EXAMPLE_NEXT, (Intent.NEXT,)),
            (*texts.EXAMPLE_DAY, (Intent.DAY_PROGRAMME,)),
        ]
        day = max(conference.days, key=lambda d: d.date)
        items = [s for s in day.sessions if s.kind.reminders] or list(day.sessions)
        later = [s for s in items[1:] if s.start.minute == 0] or items
        start = later[0].start
        hour = f"{start.hour}" if start.minute == 0 else f"{start:%H:%M}"
        question, meaning = texts.EXAMPLE_AT
        found.append(
            (question.format(day=on_day(day.date, weekday_only=True), hour=hour), meaning, (Intent.AT_TIME,))
        )
        if conference.visits:
            question, meaning = texts.EXAMPLE_TRAVEL
            found.append((question.format(kinds=travel_heading(conference)), meaning, (Intent.VISITS,)))
        question, meaning = texts.EXAMPLE_SESSION
        for thing in self._example_things():
            candidate = question.format(thing=thing)
            if self.understand(candidate)[3].intent in (Intent.VISIT, Intent.SESSION):
                found.append((candidate, meaning, (Intent.VISIT, Intent.SESSION)))
                break
        question, meaning = texts.EXAMPLE_VENUE
        origin = texts.EXAMPLE_VENUE_ORIGIN if conference.venue.direction("railway_station") else ""
        found.append((question.format(origin=origin), meaning, (Intent.VENUE,)))
        if conference.organisations:
            question, meaning = texts.EXAMPLE_ORGANISERS
            found.append((question.format(event=conference.noun.accusative), meaning, (Intent.ORGANISERS,)))
        if conference.contact is not None:
            found.append((*texts.EXAMPLE_CONTACT, (Intent.CONTACT,)))
        return found

    def _example_things(self) -> list[str]:
        """Names of programme items to ask about: the travel ones by kind and place, then short titles."""
        things = []
        for s in self.conference.visits:
            if s.place is not None:
                things.append(f"{s.kind.name} „{s.place.label.strip(_QUOTES)}”")
        shortest = sorted(
            (s for s in self.conference.sessions if s.kind.reminders and not s.kind.travel),
            key=lambda s: len(s.title),
        )
        things += [f"„{s.title.strip(_QUOTES)}”" for s in shortest]
        return things[:8]

    def _suggest_basics(self, out: ReplyBuilder) -> ReplyBuilder:
        out.suggest("Co jest teraz?", "co jest teraz?").suggest("Program", "harmonogram")
        if self.conference.visits:
            heading = travel_heading(self.conference)
            out.suggest(short_label(f"{heading[:1].upper()}{heading[1:]}", 20), f"jakie są {heading}?")
        return out.suggest("Dojazd", "jak dojechać?")

    def _fallback_builder(self, message: str) -> ReplyBuilder:
        out = ReplyBuilder().line(message).line(texts.FALLBACK_OFFER)
        for example, meaning in self.examples()[:6]:
            out.line("• ", bold(example), f" — {meaning}")
        if self.conference.contact is not None:
            contact = self.conference.contact
            phone = f", tel. {contact.phone}" if contact.phone else ""
            out.line(f"Z innymi pytaniami najlepiej zwrócić się do organizatorów: {contact.name}{phone}.")
        return self._suggest_basics(out)

    def _fallback(self, question: str, message: str) -> Answer:
        return Answer(question, Intent.FALLBACK, self._fallback_builder(message).build())


__all__ = ["Answer", "Assistant", "EntityKind", "OtherMessage"]
