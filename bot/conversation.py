"""A conversation with one person: the assistant's answer, plus what needs that person's state.

The assistant itself is stateless; reminder settings, the personal plan and forgetting a user
live here, over the store. Channels call `respond` for a message and the `reminders_*` methods
for their commands and buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot import texts
from bot.assistant import Assistant
from bot.intents import Intent
from bot.reminders import LEAD_TIMES, ReminderAction, ReminderRequest, Scope, parse_reminder_request
from bot.reply import Reply, ReplyBuilder, bold
from bot.store.store import DEFAULT_VISIT_LEAD, Person, Preferences, Store


def visit_lead_for(lead: int) -> int:
    """Site visits get at least half an hour's notice: people must travel there."""
    return max(lead, DEFAULT_VISIT_LEAD)


class Conversation:
    def __init__(self, assistant: Callable[[], Assistant], store: Store) -> None:
        self._assistant = assistant  # read per message: a data reload swaps the assistant
        self.store = store

    @property
    def assistant(self) -> Assistant:
        return self._assistant()

    async def person(self, channel: str, chat_id: str) -> Person:
        return await self.store.touch(channel, chat_id, self.assistant.clock.now())

    async def respond(self, channel: str, chat_id: str, text: str) -> Reply:
        """Answer a message; reminder requests change the person's settings."""
        answer = self.assistant.ask(text)
        person = await self.person(channel, chat_id)
        if answer.intent is Intent.REMINDERS:
            analysis = self.assistant.understand(text)[0]
            return await self.reminders(person, parse_reminder_request(analysis))
        if answer.intent is Intent.FALLBACK and text.strip():
            await self.store.record_unanswered(text.strip(), self.assistant.clock.now())
        return answer.reply

    async def reminders(self, person: Person, request: ReminderRequest) -> Reply:
        """Turn reminders on or off, set the lead time and scope, or show the settings."""
        now = self.assistant.clock.now()
        prefs = await self.store.preferences(person.id)
        out = ReplyBuilder()
        if request.action is ReminderAction.OFF:
            prefs = replace(prefs, reminders=False)
            await self.store.save_preferences(person.id, prefs, now)
            out.line(texts.REMINDERS_TURNED_OFF)
        elif request.action is ReminderAction.ON:
            lead = request.minutes or prefs.lead_minutes
            prefs = Preferences(True, lead, visit_lead_for(lead), request.scope or prefs.scope)
            await self.store.save_preferences(person.id, prefs, now)
            out.line(texts.REMINDERS_TURNED_ON)
        self._describe(out, prefs)
        return out.build()

    def _describe(self, out: ReplyBuilder, prefs: Preferences) -> None:
        if not prefs.reminders:
            out.line(texts.REMINDERS_STATUS_OFF)
            out.suggest(
                f"Włącz ({prefs.lead_minutes} min)", f"włącz przypomnienia {prefs.lead_minutes} minut przed"
            )
            return
        scope = texts.SCOPE_PLAN if prefs.scope is Scope.PLAN else texts.SCOPE_ALL
        out.line(
            bold(f"{prefs.lead_minutes} minut"),
            f" przed {scope}; przed wizytami studyjnymi {prefs.visit_lead_minutes} minut (trzeba dojechać).",
        )
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

    async def forget(self, channel: str, chat_id: str) -> Reply:
        """Delete everything stored about the person."""
        deleted = await self.store.forget(channel, chat_id)
        return ReplyBuilder().line(texts.FORGOTTEN if deleted else texts.NOTHING_TO_FORGET).build()
