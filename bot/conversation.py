"""A conversation with one person: the assistant's answer, plus what needs that person's state.

The assistant itself is stateless; reminder settings, the personal plan and forgetting a user
live here, over the store. Channels call `respond` for a message and the `reminders_*` methods
for their commands and buttons.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime

from bot import texts
from bot.assistant import Assistant
from bot.intents import Intent
from bot.metrics import Metrics
from bot.model import Session
from bot.polish import format_span
from bot.programme import day_heading, session_line
from bot.reminders import LEAD_TIMES, ReminderAction, ReminderRequest, Scope, parse_reminder_request
from bot.reply import Reply, ReplyBuilder, bold
from bot.store.store import DEFAULT_VISIT_LEAD, Person, Preferences, Store, database_outage
from bot.text import fold

logger = logging.getLogger(__name__)

# "mój plan", "pokaż mój plan", "co mam w planie": the person's own plan, not the programme.
_MY_PLAN = re.compile(r"\b(?:moj\w*|mam w)\s+plan\w*")


def _overlap(first: Session, second: Session) -> str:
    return texts.PLAN_OVERLAP.format(
        first=first.title,
        first_time=format_span(first.start, first.end),
        second=second.title,
        second_time=format_span(second.start, second.end),
    )


def stamp() -> datetime:
    """Bookkeeping times (first contact, last seen, changes) are real time, not the conference
    clock: a rehearsal restarts its clock, and Messenger's 24-hour window is real too."""
    return datetime.now(UTC)


def visit_lead_for(lead: int) -> int:
    """Site visits get at least half an hour's notice: people must travel there."""
    return max(lead, DEFAULT_VISIT_LEAD)


class Conversation:
    def __init__(
        self,
        assistant: Callable[[], Assistant],
        store: Store,
        reminder_notes: Mapping[str, str] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._assistant = assistant  # read per message: a data reload swaps the assistant
        self.store = store
        self.metrics = metrics or Metrics()
        # A channel's caveat shown with reminder settings (Messenger's 24-hour window).
        self.reminder_notes = dict(reminder_notes or {})

    @property
    def assistant(self) -> Assistant:
        return self._assistant()

    async def person(self, channel: str, chat_id: str) -> Person:
        """The person behind a chat (created if new)."""
        return await self.store.person(channel, chat_id, stamp())

    async def seen(self, channel: str, chat_id: str) -> None:
        """Record that a person wrote, best effort: with the database away (or its disk full) the
        answer still goes out, and the failure is one log line.

        Every update passes here; the store writes a person at first contact and then at most a
        stamp a minute, behind the answer (a write per message once cost more than the answer).
        """
        try:
            await self.store.seen(channel, chat_id, stamp())
        except Exception as exc:
            if not database_outage(exc):
                raise
            logger.warning("%s: could not record a message as seen (%s)", channel, type(exc).__name__)

    async def respond(self, channel: str, chat_id: str, text: str) -> Reply:
        """Answer a message; reminder requests change the person's settings.

        Recording the person as seen is the channel's job (it does it for every update, not only
        for questions), so an ordinary answer costs no database write here.
        """
        if _MY_PLAN.search(fold(text)):
            return await self.plan_reply(channel, chat_id)
        started = time.perf_counter()
        answer = self.assistant.ask(text)
        fallback = answer.intent is Intent.FALLBACK
        self.metrics.answered(channel, answer.intent.value, time.perf_counter() - started, fallback)
        if answer.intent is Intent.REMINDERS:
            person = await self.person(channel, chat_id)
            analysis = self.assistant.understand(text)[0]
            return await self.reminders(person, parse_reminder_request(analysis))
        if fallback and text.strip():
            self.store.note_unanswered(text.strip(), stamp())  # for /statystyki, written behind
        return answer.reply

    async def reminders(self, person: Person, request: ReminderRequest) -> Reply:
        """Turn reminders on or off, set the lead time and scope, or show the settings."""
        now = stamp()
        prefs = await self.store.preferences(person.id)
        out = ReplyBuilder()
        if request.action is ReminderAction.OFF:
            changed = replace(prefs, reminders=False)
            out.line(texts.REMINDERS_TURNED_OFF)
        elif request.action is ReminderAction.ON:
            lead = request.minutes or prefs.lead_minutes
            changed = Preferences(True, lead, visit_lead_for(lead), request.scope or prefs.scope)
            out.line(texts.REMINDERS_TURNED_ON)
        else:
            changed = prefs
        if changed != prefs:  # asked again for what is already set: nothing to write
            await self.store.save_preferences(person.id, changed, now)
            prefs = changed
        self._describe(out, prefs)
        note = self.reminder_notes.get(person.channel)
        if prefs.reminders and note:
            out.line(note)
        return out.build()

    def _describe(self, out: ReplyBuilder, prefs: Preferences) -> None:
        if not prefs.reminders:
            out.line(texts.REMINDERS_STATUS_OFF)
            out.suggest(
                f"Włącz ({prefs.lead_minutes} min)", f"włącz przypomnienia {prefs.lead_minutes} minut przed"
            )
            return
        scope = texts.SCOPE_PLAN if prefs.scope is Scope.PLAN else texts.SCOPE_ALL
        out.line(bold(f"{prefs.lead_minutes} minut"), f" przed {scope}.")
        travel = [kind.plural for kind in self.assistant.conference.travel_kinds]
        if travel:  # named in the nominative, as the data gives them: no case to get wrong
            kinds = ", ".join(travel).capitalize()
            out.line(f"{kinds} (trzeba dojechać): {prefs.visit_lead_minutes} minut przed.")
        for lead in LEAD_TIMES:
            if lead != prefs.lead_minutes:
                out.suggest(f"{lead} min", f"przypominaj {lead} minut przed")
        if prefs.scope is Scope.ALL:
            out.suggest("Tylko mój plan", "przypominaj tylko o sesjach z mojego planu")
        else:
            out.suggest("Wszystkie sesje", "przypominaj o wszystkich sesjach")
        out.suggest("Wyłącz", "wyłącz przypomnienia")

    async def show_reminders(self, channel: str, chat_id: str) -> Reply:
        person = await self.person(channel, chat_id)
        return await self.reminders(person, ReminderRequest(ReminderAction.SHOW))

    async def set_reminders(self, channel: str, chat_id: str, request: ReminderRequest) -> Reply:
        return await self.reminders(await self.person(channel, chat_id), request)

    # The personal plan ------------------------------------------------------------------------

    async def plan_sessions(self, channel: str, chat_id: str) -> list[Session]:
        """The sessions in the person's plan that the programme still has, in time order."""
        person = await self.person(channel, chat_id)
        ids = await self.store.plan(person.id)
        return [s for s in self.assistant.conference.sessions if s.id in ids]

    async def in_plan(self, channel: str, chat_id: str, session_id: str) -> bool:
        return await self.store.in_plan(channel, chat_id, session_id, stamp())

    async def change_plan(self, channel: str, chat_id: str, session_id: str, add: bool) -> Reply:
        """Add a session to the plan or take it out; adding warns about overlapping picks."""
        session = self.assistant.conference.session(session_id)
        if session is None:
            return ReplyBuilder().line(texts.PLAN_GONE).build()
        person = await self.person(channel, chat_id)
        now = stamp()
        out = ReplyBuilder()
        if add:
            added = await self.store.add_to_plan(person.id, session_id, now)
            out.line((texts.PLAN_ADDED if added else texts.PLAN_ALREADY).format(title=session.title))
            others = [s for s in await self.plan_sessions(channel, chat_id) if s is not session]
            for other in others:
                if other.overlaps(session.start, session.end):
                    out.line(_overlap(session, other))
        else:
            removed = await self.store.remove_from_plan(person.id, session_id)
            out.line((texts.PLAN_REMOVED if removed else texts.PLAN_NOT_THERE).format(title=session.title))
        out.suggest("Mój plan", "mój plan")
        return out.build()

    async def plan_reply(self, channel: str, chat_id: str) -> Reply:
        """The plan by day, with overlaps and provisional times marked."""
        sessions = await self.plan_sessions(channel, chat_id)
        out = ReplyBuilder()
        if not sessions:
            out.line(texts.PLAN_EMPTY)
            for kind in self.assistant.conference.travel_kinds[:1]:
                out.suggest(kind.plural.capitalize(), f"jakie są {kind.plural}?")
            out.suggest("Program", "program na dziś")
            return out.build()
        conference = self.assistant.conference
        today = self.assistant.clock.now().date()
        out.line(bold(f"{texts.PLAN_TITLE} ({len(sessions)})"))
        for day in sorted({s.start.date() for s in sessions}):
            out.line(bold(day_heading(day, today)))
            for session in (s for s in sessions if s.start.date() == day):
                session_line(out, session, conference)
        for i, first in enumerate(sessions):
            for second in sessions[i + 1 :]:
                if first.overlaps(second.start, second.end):
                    out.line(_overlap(first, second))
        return out.build()

    async def forget(self, channel: str, chat_id: str) -> Reply:
        """Delete everything stored about the person."""
        deleted = await self.store.forget(channel, chat_id)
        return ReplyBuilder().line(texts.FORGOTTEN if deleted else texts.NOTHING_TO_FORGET).build()
