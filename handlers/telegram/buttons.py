"""Inline button taps: a follow-up question, a day of the programme, a session's details."""

from __future__ import annotations

import logging
import re

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.reply import with_notice
from handlers.telegram.callbacks import Action, Callback
from handlers.telegram.commands import Commands
from handlers.telegram.organisers import Organisers
from handlers.telegram.personal import Personal
from handlers.telegram.replies import Replier

logger = logging.getLogger(__name__)
# A day button's payload: the day's index, -1 for all days (not isdigit: "²" is a digit int() refuses).
_DAY_INDEX = re.compile(r"-?[0-9]{1,4}")


def button_label(query: CallbackQuery) -> str | None:
    """The text of the tapped button, read back from the message it belongs to."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


class Buttons:
    def __init__(
        self, replier: Replier, commands: Commands, personal: Personal, organisers: Organisers
    ) -> None:
        self.replier = replier
        self.commands = commands
        self.personal = personal
        self.organisers = organisers

    async def on_tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        callback = self.replier.codec.decode(query.data or "")
        if callback is None:
            # A button from before a restart whose long payload is gone: its label is a question too.
            label = button_label(query)
            if label is None:
                await query.answer(texts.BUTTON_EXPIRED, show_alert=True)
                return
            callback = Callback(Action.ASK, label.lstrip("ℹ️✓ "))
        await query.answer()  # stops the button's spinner at once; the answer follows
        message = query.message
        if not isinstance(message, Message):
            return  # too old for Telegram to give us the chat back
        if callback.action is Action.DAY:
            await self._day(message, callback.payload)
        elif callback.action is Action.SESSION:
            await self._session(context, message, callback.payload)
        elif callback.action is Action.ADMIN:
            await self.organisers.on_button(update, context, message, callback.payload)
        elif callback.action is Action.PLAN:
            await self.personal.plan_button(context, message, callback.payload)
        elif callback.action is Action.FORGET:
            await self.personal.confirmed_forget(context, message, callback.payload == "yes")
        else:
            reply = await self.replier.answer(message.chat_id, callback.payload)
            await self.replier.send(context.bot, message.chat_id, reply)

    async def _day(self, message: Message, payload: str) -> None:
        index = int(payload) if _DAY_INDEX.fullmatch(payload) else -1  # else every day
        reply = self.replier.assistant.reply_day(index)
        try:
            await self.replier.edit(message, reply, markup=self.commands.day_picker(selected=index))
        except BadRequest as exc:  # the same day tapped twice: Telegram refuses an edit that changes nothing
            if "not modified" not in str(exc):
                raise
            logger.debug("day %s already shown", index)

    async def _session(self, context: ContextTypes.DEFAULT_TYPE, message: Message, session_id: str) -> None:
        reply = self.replier.assistant.reply_session(session_id)
        if reply is None:
            reply = with_notice(self.replier.assistant.reply_day(-1), texts.SESSION_GONE)
        await self.replier.send(context.bot, message.chat_id, reply)
