"""Sending a core `Reply` to one person on Messenger, with "add to my plan" when it is about a session."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence

from bot import texts
from bot.assistant import Assistant
from bot.conversation import Conversation
from bot.reply import Reply
from handlers.messenger import payloads, render
from handlers.messenger.graph import GraphApi, GraphError, encode_json

logger = logging.getLogger(__name__)
CHANNEL = "messenger"
# Why a message goes out (Send API `messaging_type`): an answer, or news inside the 24-hour window.
RESPONSE = "RESPONSE"
UPDATE = "UPDATE"
MESSAGE_TAG = "MESSAGE_TAG"
# Replies whose messages are kept rendered: the assistant gives one reply object per question and
# minute (Assistant.ask), so the answers of a busy minute, and a fan-out's one reply, render once.
RENDERED = 256
Options = tuple[tuple[str, str], ...]


class Sender:
    def __init__(
        self,
        api: GraphApi,
        assistant: Callable[[], Assistant],
        conversation: Conversation | None = None,
    ) -> None:
        self.api = api
        self._assistant = assistant  # read per message: a data reload swaps the assistant
        self.conversation = conversation  # None: answers only, no per-person state
        # (id of the reply, its extra options) → (the reply, its messages as JSON); the reply is
        # kept so its id cannot be reused while the entry lives.
        self._rendered: OrderedDict[tuple[int, Options], tuple[Reply, list[bytes]]] = OrderedDict()

    @property
    def assistant(self) -> Assistant:
        return self._assistant()

    async def typing(self, psid: str) -> None:
        """The "…" bubble while the answer is prepared (it disappears when the answer arrives).

        Only a nicety: one attempt, and a failure never holds up or stops the answer.
        """
        try:
            await self.api.post("/me/messages", b"%s,%s}" % (_to(psid), _TYPING), 1)
        except GraphError as exc:
            logger.info("typing indicator not shown: %s", exc)

    async def plan_option(self, psid: str, session_id: str) -> tuple[str, str] | None:
        """ "➕ Dodaj do planu" or "➖ Usuń z planu" for the session a reply is about."""
        if self.conversation is None:
            return None
        present = await self.conversation.in_plan(CHANNEL, psid, session_id)
        label = texts.PLAN_REMOVE_BUTTON if present else texts.PLAN_ADD_BUTTON
        return label, payloads.Payload(payloads.Kind.PLAN, ("-" if present else "+") + session_id).encode()

    async def send_file(self, psid: str, filename: str, content: bytes, mimetype: str) -> None:
        await self.api.send_file(psid, filename, content, mimetype)

    def _messages(self, reply: Reply, extra: Sequence[tuple[str, str]]) -> list[bytes]:
        """Rendered and encoded once per reply object and options, then reused."""
        key = (id(reply), tuple(extra))
        kept = self._rendered.get(key)
        if kept is not None and kept[0] is reply:
            self._rendered.move_to_end(key)
            return kept[1]
        messages = [encode_json(message) for message in render.messages(reply, extra)]
        self._rendered[key] = (reply, messages)
        if len(self._rendered) > RENDERED:
            self._rendered.popitem(last=False)
        return messages

    async def send(
        self,
        psid: str,
        reply: Reply,
        *,
        extra: Sequence[tuple[str, str]] = (),
        messaging_type: str = RESPONSE,
        tag: str | None = None,
    ) -> None:
        """Every part of the reply in order; the quick replies come with the last part."""
        options = list(extra)
        if reply.subject is not None and messaging_type == RESPONSE:
            option = await self.plan_option(psid, reply.subject)
            if option is not None:
                options.insert(0, option)
        # Each body is the encoded message with the recipient around it: the message is encoded
        # once per reply, not once per person (a fan-out sends one reply to thousands).
        head = b'%s,"messaging_type":%s,"message":' % (_to(psid), encode_json(messaging_type))
        tail = b',"tag":%s}' % encode_json(tag) if tag is not None else b"}"
        for message in self._messages(reply, options):
            await self.api.send(head + message + tail)


_TYPING = b'"sender_action":"typing_on"'


def _to(psid: str) -> bytes:
    """The start of a Send API body: `{"recipient":{"id":…}`."""
    return b'{"recipient":{"id":%s}' % encode_json(psid)
