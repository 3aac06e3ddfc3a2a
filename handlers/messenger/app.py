"""The composition root for Messenger: the Graph API client, the sender, commands, the webhook.

Each person's events are answered one at a time, in the order they came (a quick second message
must not be answered first); different people are answered concurrently. Several processes on one
PostgreSQL keep that order between them with a lock per person in the database (bot/store/locks.py),
and answer an event Meta delivered to two of them once (handlers/handled.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from starlette.routing import Route

from bot import texts
from bot.assistant import Assistant
from bot.config import Settings
from bot.conversation import Conversation
from bot.metrics import Metrics
from bot.reply import Reply, ReplyBuilder
from bot.store.locks import PersonLocks
from handlers.handled import Claims
from handlers.messenger.commands import CALENDAR, Commands, Options
from handlers.messenger.events import Incoming
from handlers.messenger.graph import GraphApi, GraphError
from handlers.messenger.notifier import MessengerNotifier
from handlers.messenger.organisers import Organisers
from handlers.messenger.payloads import Kind, decode
from handlers.messenger.sender import CHANNEL, Sender
from handlers.messenger.webhook import messenger_routes
from handlers.operations import Operations

logger = logging.getLogger(__name__)
SEEN_MESSAGES = 2048  # message ids remembered, so a webhook Meta delivers twice is answered once
DRAIN_SECONDS = 10.0


class Messenger:
    def __init__(
        self,
        api: GraphApi,
        assistant: Callable[[], Assistant],
        conversation: Conversation | None,
        app_secret: str,
        verify_token: str,
        tag_allowed: bool = False,
        admins: frozenset[str] = frozenset(),
        operations: Operations | None = None,
        metrics: Metrics | None = None,
        handled: Claims | None = None,
        person_locks: PersonLocks | None = None,
    ) -> None:
        self.api = api
        self.handled = handled  # across processes: an event another one took is not answered
        self.person_locks = person_locks  # across processes: one person's events one at a time
        self.metrics = metrics or Metrics()
        self.sender = Sender(api, assistant, conversation)
        self.organisers = Organisers(self.sender, admins, operations, self.spawn)
        self.commands = Commands(self.sender, self.organisers)
        self.conversation = conversation
        self.notifier = MessengerNotifier(self.sender, tag_allowed)
        self.routes: list[Route] = messenger_routes(self.dispatch, app_secret, verify_token)
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # person → (lock, events using it)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.api.start()

    async def stop(self) -> None:
        """Finish answering what has been acknowledged (within reason), then close the client."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=DRAIN_SECONDS)
        await self.api.stop()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run in the background, tracked: `stop` waits for it (within reason)."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        """Forget the task; a failure nobody awaited is logged now, not when it is collected."""
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("messenger background task: %s", type(error).__name__, exc_info=error)

    # Events in --------------------------------------------------------------------------------

    def dispatch(self, events: Sequence[Incoming]) -> None:
        """Start answering; returns at once so the webhook can acknowledge."""
        for event in events:
            if event.mid is not None:
                if event.mid in self._seen:
                    continue
                self._seen[event.mid] = None
                if len(self._seen) > SEEN_MESSAGES:
                    self._seen.popitem(last=False)
            self.spawn(self.handle(event))

    async def handle(self, event: Incoming) -> None:
        """Answer one event, after any earlier ones from the same person."""
        held = self._locks.get(event.sender)
        lock, users = held if held is not None else (asyncio.Lock(), 0)
        self._locks[event.sender] = (lock, users + 1)
        try:
            async with lock:
                # Claimed under the lock: a claim may take a while, and must not let a later
                # event of the same person overtake this one.
                if await self._claimed(event):
                    # Counted once taken, as Telegram's: a delivery another process answers is not.
                    self.metrics.update(CHANNEL, event_kind(event))
                    async with self._across_processes(event.sender):
                        await self._answer(event)
        finally:
            # The lock goes only when no later event of this person holds or awaits it.
            lock, users = self._locks[event.sender]
            if users == 1:
                del self._locks[event.sender]
            else:
                self._locks[event.sender] = (lock, users - 1)

    def _across_processes(self, psid: str) -> contextlib.AbstractAsyncContextManager[None]:
        """This person's lock among processes on PostgreSQL; in one process the lock above is all."""
        if self.person_locks is None:
            return contextlib.nullcontext()
        return self.person_locks.held(CHANNEL, psid)

    async def _claimed(self, event: Incoming) -> bool:
        """True unless another process (or an earlier delivery) has taken this event already."""
        key = event.key
        if self.handled is None or key is None:
            return True
        return await self.handled.claim(CHANNEL, key)

    async def _answer(self, event: Incoming) -> None:
        psid = event.sender
        try:
            if self.conversation is not None:
                # Their message opens Meta's 24-hour window: reminders may follow without a tag.
                await self.conversation.seen(CHANNEL, psid)
            await self.sender.typing(psid)
            reply, options = await self.respond(event)
            await self.sender.send(psid, reply, extra=options)
        except GraphError as exc:
            logger.warning("messenger event from user: %s", exc)
        except Exception as exc:
            logger.error("messenger event: %s", type(exc).__name__, exc_info=exc)
            try:
                await self.sender.send(psid, ReplyBuilder().line(texts.ERROR).build())
            except GraphError as again:
                logger.warning("could not apologise: %s", again)

    async def respond(self, event: Incoming) -> tuple[Reply, Options]:
        """The reply to one event, and quick replies beyond the reply's own follow-ups."""
        if event.payload is not None:
            return await self._payload(event.sender, event.payload)
        if event.other is not None:
            return self.sender.assistant.reply_other(event.other), []
        text = (event.text or "").strip()
        if not text:
            return self.sender.assistant.reply_welcome(), []
        if text.startswith("/") and len(text) > 1 and not text[1].isspace():
            name, *rest = text[1:].split(maxsplit=1)  # "/ogloszenie\nTreść…" keeps its lines
            return await self.commands.run(name, event.sender, rest[0].strip() if rest else "")
        return await self._ask(event.sender, text), []

    async def _ask(self, psid: str, text: str) -> Reply:
        if self.conversation is not None:
            return await self.conversation.respond(CHANNEL, psid, text)
        return self.sender.assistant.ask(text).reply

    async def _payload(self, psid: str, raw: str) -> tuple[Reply, Options]:
        payload = decode(raw)
        if payload is None:  # a payload from an older version of the bot, or made up
            return self.sender.assistant.reply_help(), []
        if payload.kind is Kind.ASK:
            return await self._ask(psid, payload.value), []
        if payload.kind is Kind.CMD:
            return await self.commands.run(payload.value, psid)
        if payload.kind is Kind.DAY:
            return self.commands.day(payload.value), []
        if payload.kind is Kind.SESSION:
            reply = self.sender.assistant.reply_session(payload.value)
            return (reply or ReplyBuilder().line(texts.PLAN_GONE).build()), []
        if payload.kind is Kind.PLAN:
            if self.conversation is None:
                return self.sender.assistant.reply_help(), []
            if payload.value == CALENDAR:
                return await self.commands.calendar(psid), []
            add, session_id = payload.value.startswith("+"), payload.value[1:]
            return await self.conversation.change_plan(CHANNEL, psid, session_id, add=add), []
        if payload.kind is Kind.ADMIN:
            return await self.organisers.on_tap(psid, payload.value), []
        return await self.commands.confirmed_forget(psid, payload.value == "yes"), []


def event_kind(event: Incoming) -> str:
    """What an event is counted as: a button tap, a command, a text message, or anything else."""
    if event.payload is not None:
        return "callback"
    if event.text is None or not event.text.strip():
        return "other"
    return "command" if event.text.strip().startswith("/") else "message"


def skips_silent_people(settings: Settings) -> bool:
    """Messenger runs without the event tag: who has not written for 24 hours gets no reminders."""
    return settings.messenger_configured and not settings.messenger_event_update_tag


def reminder_notes(settings: Settings) -> dict[str, str]:
    """What Messenger users are told with their reminder settings, when the window applies."""
    return {CHANNEL: texts.MESSENGER_WINDOW_NOTE} if skips_silent_people(settings) else {}


def build_messenger(
    settings: Settings,
    assistant: Callable[[], Assistant],
    conversation: Conversation | None = None,
    operations: Operations | None = None,
    metrics: Metrics | None = None,
    handled: Claims | None = None,
    person_locks: PersonLocks | None = None,
) -> Messenger:
    """Messenger from the settings; `ConfigError` names any of its three secrets that is missing."""
    credentials = settings.messenger_credentials()
    metrics = metrics or Metrics()
    api = GraphApi(settings.messenger_graph_url, credentials.page_token, metrics=metrics)
    return Messenger(
        api,
        assistant,
        conversation,
        credentials.app_secret,
        credentials.verify_token,
        tag_allowed=settings.messenger_event_update_tag,
        admins=settings.messenger_admin_ids,
        operations=operations,
        metrics=metrics,
        handled=handled,
        person_locks=person_locks,
    )
