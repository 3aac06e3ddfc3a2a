"""Sending a core `Reply` to a Telegram chat: HTML messages, buttons on the last one, a venue pin."""

from __future__ import annotations

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode

from bot import texts
from bot.assistant import Assistant
from bot.conversation import Conversation
from bot.reply import Link, Location, Reply, Suggestion
from handlers.telegram.callbacks import HASHED, Action, CallbackCodec
from handlers.telegram.render import join_keyboards, keyboard, split_html
from handlers.telegram.wire import post

CHANNEL = "telegram"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# As sent: PTB would turn objects into dicts on every call (a keyboard's to_dict walks every
# button); each keyboard is converted once and goes out as it is.
_NO_PREVIEW_WIRE = NO_PREVIEW.to_dict()
KEYBOARD_CACHE = 512
RENDER_CACHE = 256  # replies whose HTML parts are kept: the assistant reuses one per question and minute
APPROXIMATE_METRES = 500.0  # shown as a circle around an approximate pin (Telegram allows up to 1,500)


def _uses_table(markup: InlineKeyboardMarkup | None) -> bool:
    buttons = (b for row in markup.inline_keyboard for b in row) if markup is not None else ()
    return any(isinstance(b.callback_data, str) and b.callback_data.startswith(HASHED) for b in buttons)


def quote_parameters(message_id: int | None) -> ReplyParameters | None:
    """Quote the question (in groups), but still answer if it was deleted meanwhile."""
    return ReplyParameters(message_id, allow_sending_without_reply=True) if message_id else None


class Replier:
    """What every feature module shares: the assistant, the button codec, and how to send."""

    def __init__(
        self,
        assistant: Assistant,
        codec: CallbackCodec | None = None,
        conversation: Conversation | None = None,
    ) -> None:
        self.assistant = assistant
        self.codec = codec or CallbackCodec()
        self.conversation = conversation  # None: no database, answers only (tests, benches)
        # Keyed by identity (a Reply's hash walks every span), holding the reply so an id is not reused.
        self._chunks: dict[int, tuple[Reply, list[str]]] = {}
        self._wire: dict[int, tuple[InlineKeyboardMarkup, list[object]]] = {}
        self._plan_buttons: dict[tuple[str, bool], InlineKeyboardMarkup] = {}
        self._keyboards: dict[
            tuple[tuple[Suggestion, ...], tuple[Link, ...]], InlineKeyboardMarkup | None
        ] = {}

    async def answer(self, chat_id: int, text: str) -> Reply:
        """The reply to a message: through the conversation (which keeps per-person state) if any."""
        if self.conversation is None:
            return self.assistant.ask(text).reply
        return await self.conversation.respond(CHANNEL, str(chat_id), text)

    def _rendered(
        self, reply: Reply, extra: InlineKeyboardMarkup | None
    ) -> tuple[list[str], InlineKeyboardMarkup | None]:
        """HTML parts and buttons, rendered once per reply object: the assistant answers a question
        with the same object all minute, and a fan-out sends one object to thousands."""
        known = self._chunks.get(id(reply))
        if known is not None and known[0] is reply:
            chunks = known[1]
        else:
            chunks = split_html(reply.lines)
            if len(self._chunks) >= RENDER_CACHE:
                self._chunks.clear()
            self._chunks[id(reply)] = (reply, chunks)
        return chunks, self.markup(reply, extra)

    async def plan_button(self, chat_id: int, session_id: str) -> InlineKeyboardMarkup | None:
        """ "➕ Dodaj do planu" or "➖ Usuń z planu" for the session a reply is about."""
        if self.conversation is None:
            return None
        present = await self.conversation.in_plan(CHANNEL, str(chat_id), session_id)
        key = (session_id, present)
        known = self._plan_buttons.get(key)
        if known is not None:
            return known
        label = texts.PLAN_REMOVE_BUTTON if present else texts.PLAN_ADD_BUTTON
        data = self.codec.encode(Action.PLAN, ("-" if present else "+") + session_id)
        button = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])
        if not data.startswith(HASHED):  # a table entry could age out while the button stays cached
            if len(self._plan_buttons) >= KEYBOARD_CACHE:
                self._plan_buttons.clear()
            self._plan_buttons[key] = button
        return button

    def markup(self, reply: Reply, extra: InlineKeyboardMarkup | None = None) -> InlineKeyboardMarkup | None:
        if extra is not None:
            return join_keyboards(extra, self.markup(reply))
        # Most answers end with the same few follow-ups: build each keyboard once.
        key = (reply.suggestions, reply.links)
        if key in self._keyboards:
            return self._keyboards[key]
        built = keyboard(reply, self.codec)
        if not _uses_table(built):  # a table entry could age out while the keyboard stays cached
            if len(self._keyboards) >= KEYBOARD_CACHE:
                self._keyboards.clear()
            self._keyboards[key] = built
        return built

    async def send(
        self,
        bot: Bot,
        chat_id: int,
        reply: Reply,
        *,
        reply_to: int | None = None,
        extra: InlineKeyboardMarkup | None = None,
        paid: bool = False,
    ) -> None:
        """Send the reply's text (split if long), its buttons on the last part, then its pin;
        `paid`: as a paid broadcast (allow_paid_broadcast), past the free 30 messages a second.

        The text goes out as the Bot API's JSON (handlers/telegram/wire.py): nothing here reads
        the sent message back, and PTB would build a `Message` of it for every answer.
        """
        plan = None
        if reply.subject is not None and self.conversation is not None:
            plan = await self.plan_button(chat_id, reply.subject)
        chunks, markup = self._rendered(reply, None)
        keyboards = [m for m in (extra, plan, markup) if m is not None]
        keyboard_rows = [row for m in keyboards for row in self._as_sent(m, once=m is extra)]
        for i, chunk in enumerate(chunks):
            parameters: dict[str, object] = {
                "chat_id": chat_id,
                "text": chunk,
                "parse_mode": ParseMode.HTML.value,
                "link_preview_options": _NO_PREVIEW_WIRE,
            }
            if i == 0 and reply_to:
                parameters["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
            if paid:
                parameters["allow_paid_broadcast"] = True
            if keyboard_rows and i == len(chunks) - 1:
                parameters["reply_markup"] = {"inline_keyboard": keyboard_rows}
            await post(bot, "sendMessage", parameters)
        if reply.location is not None:
            await self.send_pin(bot, chat_id, reply.location, paid=paid)

    def _as_sent(self, markup: InlineKeyboardMarkup, once: bool = False) -> list[object]:
        """The keyboard's rows as the Bot API takes them, converted once per cached keyboard object
        (`once`: a keyboard built for one message, not worth keeping)."""
        known = self._wire.get(id(markup))
        if known is not None and known[0] is markup:
            return known[1]
        rows: list[object] = markup.to_dict()["inline_keyboard"]
        if once:
            return rows
        if len(self._wire) >= KEYBOARD_CACHE:
            self._wire.clear()
        self._wire[id(markup)] = (markup, rows)
        return rows

    async def send_pin(self, bot: Bot, chat_id: int, pin: Location, paid: bool = False) -> None:
        """A venue card when the address is known; else a bare map pin, fuzzy if approximate."""
        if pin.address:
            await bot.send_venue(
                chat_id,
                latitude=pin.latitude,
                longitude=pin.longitude,
                title=pin.title,
                address=pin.address,
                allow_paid_broadcast=paid or None,
            )
        else:
            accuracy = APPROXIMATE_METRES if pin.approximate else None
            await bot.send_location(
                chat_id,
                latitude=pin.latitude,
                longitude=pin.longitude,
                horizontal_accuracy=accuracy,
                allow_paid_broadcast=paid or None,
            )

    async def edit(self, message: Message, reply: Reply, *, markup: InlineKeyboardMarkup | None) -> None:
        """Replace a message with the reply (the day picker); parts beyond the first are sent anew."""
        chunks = split_html(reply.lines)
        await message.edit_text(
            chunks[0],
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=markup if len(chunks) == 1 else None,
        )
        for i, chunk in enumerate(chunks[1:], 2):
            await message.get_bot().send_message(
                message.chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup if i == len(chunks) else None,
            )
