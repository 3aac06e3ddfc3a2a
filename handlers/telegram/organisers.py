"""Organisers' commands (only for ADMIN_IDS): /statystyki, /przeladuj, /ogloszenie, and data files
sent as documents."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot import texts
from handlers.operations import Operations, announcement_id
from handlers.reports import preview_reply, reload_reply, sent_reply, statistics_reply, text_reply
from handlers.telegram.callbacks import Action
from handlers.telegram.commands import reply_target
from handlers.telegram.replies import Replier
from handlers.telegram.uploads import ACTIONS as UPLOAD_ACTIONS
from handlers.telegram.uploads import DocumentUploads

_text = text_reply


class Organisers:
    def __init__(
        self,
        replier: Replier,
        admins: frozenset[int],
        operations: Operations | None,
        uploads: DocumentUploads | None = None,
    ) -> None:
        self.replier = replier
        self.admins = admins
        self.operations = operations
        self.uploads = uploads

    def _allowed(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admins and self.operations is not None

    async def _refuse(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, _text(texts.ADMIN_ONLY), reply_to=quote)

    async def statistics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._allowed(update):
            return await self._refuse(update, context)
        assert self.operations is not None
        operations = self.operations
        reply = statistics_reply(
            await operations.statistics(), operations.current().clock, operations.source_status()
        )
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote)

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._allowed(update):
            return await self._refuse(update, context)
        assert self.operations is not None
        reply = reload_reply(await self.operations.reload())
        self.replier.assistant = self.operations.current()
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote)

    async def announce(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/ogloszenie TEKST`: a preview with "send" and "cancel" buttons; nothing goes out yet."""
        if not self._allowed(update):
            return await self._refuse(update, context)
        assert self.operations is not None and self.operations.announcements is not None
        chat_id, quote = reply_target(update)
        message = update.effective_message
        assert message is not None and message.text is not None
        parts = message.text.split(maxsplit=1)
        text = parts[1].strip() if len(parts) > 1 else ""
        if not text:
            await self.replier.send(context.bot, chat_id, _text(texts.ANNOUNCE_USAGE), reply_to=quote)
            return
        user = update.effective_user
        announcement_id = await self.operations.announcements.draft(text, str(user.id if user else ""))
        reply = preview_reply(text, *await self.operations.audience())
        codec = self.replier.codec
        buttons = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.ANNOUNCE_SEND,
                        callback_data=codec.encode(Action.ADMIN, f"send:{announcement_id}"),
                    )
                ],
                [
                    InlineKeyboardButton(
                        texts.ANNOUNCE_CANCEL,
                        callback_data=codec.encode(Action.ADMIN, f"cancel:{announcement_id}"),
                    )
                ],
            ]
        )
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote, extra=buttons)

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A data file to check and preview; the handler's filter lets only ADMIN_IDS through."""
        if not self._allowed(update) or self.uploads is None:
            return await self._refuse(update, context)
        await self.uploads.on_document(update, context)

    async def on_button(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, payload: str
    ) -> None:
        """The preview's buttons; the tapping user is checked again, not only who asked."""
        if not self._allowed(update):
            await self.replier.send(context.bot, message.chat_id, _text(texts.ADMIN_ONLY))
            return
        action, _, number = payload.partition(":")
        if action in UPLOAD_ACTIONS:
            if self.uploads is not None:
                await self.uploads.on_button(context, message, action, number)
            return
        assert self.operations is not None and self.operations.announcements is not None
        announcement = announcement_id(number)
        if announcement is None:
            return
        if action == "cancel":
            await self.replier.edit(message, _text(texts.ANNOUNCE_CANCELLED), markup=None)
            return
        await self.replier.edit(message, _text(texts.ANNOUNCE_SENDING), markup=None)
        result = await self.operations.announcements.send(announcement)
        await self.replier.send(context.bot, message.chat_id, sent_reply(result))
