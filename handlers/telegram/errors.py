"""The one error handler: log with the update id (never contents or tokens), apologise to the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import texts

logger = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):  # the user blocked the bot: nothing to apologise to
        logger.info("update %s: bot blocked by the chat (%s)", update_id, type(error).__name__)
        return
    logger.error("update %s: %s", update_id, type(error).__name__, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    chat = update.effective_chat
    if chat.type not in (ChatType.PRIVATE, ChatType.GROUP, ChatType.SUPERGROUP):
        return
    try:
        await context.bot.send_message(chat.id, texts.ERROR)
    except TelegramError as exc:
        logger.warning("update %s: could not apologise (%s)", update_id, type(exc).__name__)
