"""An organiser's data file sent as a Telegram document: downloaded, checked, previewed with
„Zastosuj” / „Anuluj” buttons (the work itself: handlers/uploads.py)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, FileSizeLimit
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from handlers.reports import upload_reply, upload_result_reply
from handlers.telegram.callbacks import Action
from handlers.telegram.replies import Replier
from handlers.uploads import Outcome, Preview, Refusal, Uploads

logger = logging.getLogger(__name__)

APPLY = "apply"  # Action.ADMIN payloads: "apply:<token>", "drop:<token>"
DROP = "drop"
ACTIONS = frozenset({APPLY, DROP})
DOWNLOAD_TIMEOUT = 60.0  # seconds to read a file of up to 20 MB from Telegram


class DocumentUploads:
    def __init__(self, replier: Replier, uploads: Uploads) -> None:
        self.replier = replier
        self.uploads = uploads

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A file from an organiser (the caller checked who): refused by its size before any
        download, else downloaded, checked and previewed."""
        message = update.effective_message
        assert message is not None and message.document is not None
        document = message.document
        chat_id = message.chat_id
        # Telegram lets bots download 20 MB at most; BOT_DATA_MAX_MB may say less.
        limit = int(FileSizeLimit.FILESIZE_DOWNLOAD)
        if document.file_size is not None and (
            refusal := self.uploads.size_refusal(document.file_size, limit)
        ):
            await self.replier.send(context.bot, chat_id, upload_reply(refusal))
            return
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)  # a big file takes seconds
        body = await self._download(context, document.file_id, document.file_size, limit)
        if isinstance(body, Refusal):
            await self.replier.send(context.bot, chat_id, upload_reply(body))
            return
        checked = await self.uploads.check(document.file_name or "", body)
        buttons = self._buttons(checked.token) if isinstance(checked, Preview) else None
        await self.replier.send(context.bot, chat_id, upload_reply(checked), extra=buttons)

    async def _download(
        self, context: ContextTypes.DEFAULT_TYPE, file_id: str, size: int | None, limit: int
    ) -> bytes | Refusal:
        try:
            file = await context.bot.get_file(file_id)
            # A document that did not say its size: getFile does, before anything is downloaded.
            refusal = self.uploads.size_refusal(size if size is not None else file.file_size, limit)
            if refusal is not None:
                return refusal
            body = bytes(await file.download_as_bytearray(read_timeout=DOWNLOAD_TIMEOUT))
        except BadRequest as exc:  # "file is too big", an expired file id
            logger.warning("upload: download refused by Telegram: %s", exc.message)
            return Refusal(texts.UPLOAD_NOT_DOWNLOADED)
        # The size Telegram gave may be wrong; what came is held to the same limit.
        return self.uploads.size_refusal(len(body), limit) or body

    def _buttons(self, token: str) -> InlineKeyboardMarkup:
        codec = self.replier.codec
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.UPLOAD_APPLY, callback_data=codec.encode(Action.ADMIN, f"{APPLY}:{token}")
                    ),
                    InlineKeyboardButton(
                        texts.UPLOAD_CANCEL, callback_data=codec.encode(Action.ADMIN, f"{DROP}:{token}")
                    ),
                ]
            ]
        )

    async def on_button(
        self, context: ContextTypes.DEFAULT_TYPE, message: Message, action: str, token: str
    ) -> None:
        """„Zastosuj” or „Anuluj” on a preview (the tapper was checked); the token is only looked up."""
        if action == DROP:
            result = self.uploads.drop(token)
            reply = upload_result_reply(result)
            if result.outcome is Outcome.DROPPED:
                await self.replier.edit(message, reply, markup=None)
            else:
                await self.replier.send(context.bot, message.chat_id, reply)
            return
        if self.uploads.is_waiting(token):
            # The buttons go at once: the preview stays readable, and cannot be tapped again.
            try:
                await message.edit_reply_markup(reply_markup=None)
            except BadRequest as exc:  # gone already (a quick second tap): only looks matter here
                logger.debug("upload preview's buttons not removed: %s", exc.message)
        result = await self.uploads.apply(token)
        self.replier.assistant = self.uploads.operations.current()
        await self.replier.send(context.bot, message.chat_id, upload_result_reply(result))
