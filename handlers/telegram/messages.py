"""Messages that are not commands: questions in text, and everything else people send."""

from __future__ import annotations

import re

from telegram import Chat, Message, MessageEntity, Update
from telegram.ext import ContextTypes, filters

from bot import texts
from bot.assistant import OtherMessage
from bot.reply import with_notice
from handlers.telegram.commands import reply_target
from handlers.telegram.replies import Replier


def _mentions(message: Message, username: str) -> bool:
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    bot_id = message.get_bot().id
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text[1:].lower() == username.lower():
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


class _AddressedToBot(filters.MessageFilter):
    """Private chats always; in groups only messages that mention the bot or reply to it."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        if message.chat.type == Chat.PRIVATE:
            return True
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        return _mentions(message, bot.username)


ADDRESSED = _AddressedToBot(name="addressed_to_bot")


def _kind(message: Message) -> OtherMessage:
    if message.location or message.venue:
        return OtherMessage.LOCATION
    if message.contact:
        return OtherMessage.CONTACT
    if message.voice or message.audio or message.video_note:
        return OtherMessage.VOICE
    if message.sticker:
        return OtherMessage.STICKER
    return OtherMessage.MEDIA


class Messages:
    def __init__(self, replier: Replier) -> None:
        self.replier = replier

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A question in plain Polish goes to the core; the bot's @name is not part of it."""
        message = update.effective_message
        assert message is not None and message.text is not None
        chat_id, quote = reply_target(update)
        username = re.escape(context.bot.username)
        question = re.sub(rf"@{username}\b", " ", message.text, flags=re.IGNORECASE).strip()
        if not question:
            reply = self.replier.assistant.reply_welcome()
        else:
            reply = await self.replier.answer(chat_id, question)
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo, sticker, voice note, location or contact in a private chat."""
        message = update.effective_message
        assert message is not None
        reply = self.replier.assistant.reply_other(_kind(message))
        await self.replier.send(context.bot, message.chat_id, reply)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        reply = self.replier.assistant.reply_other(OtherMessage.EDITED)
        await self.replier.send(context.bot, message.chat_id, reply, reply_to=message.message_id)

    async def on_unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An unknown /command: in a group only when it names this bot (others may be for other bots)."""
        message = update.effective_message
        assert message is not None and message.text is not None
        command = message.text.split(maxsplit=1)[0]
        name, _, target = command.partition("@")
        if message.chat.type != Chat.PRIVATE and target.lower() != context.bot.username.lower():
            return
        chat_id, quote = reply_target(update)
        notice = texts.UNKNOWN_COMMAND.format(command=name[:40])
        reply = with_notice(self.replier.assistant.reply_help(), notice)
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote)
