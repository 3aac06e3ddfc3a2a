"""Commands about the person's own data: reminder settings, and deleting everything stored."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.ics import programme_ics
from bot.reply import ReplyBuilder
from handlers.telegram.callbacks import Action
from handlers.telegram.commands import reply_target
from handlers.telegram.replies import CHANNEL, Replier

PLAN_FILE = "moj-plan.ics"
NO_STORE = "Ta funkcja wymaga bazy danych, a ten bot działa bez niej."


class Personal:
    def __init__(self, replier: Replier) -> None:
        self.replier = replier

    async def track(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Register the chat (first contact) and note when it was last seen."""
        chat = update.effective_chat
        if self.replier.conversation is not None and chat is not None:
            await self.replier.conversation.seen(CHANNEL, str(chat.id))

    async def reminders(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/przypomnienia` shows the settings; `/przypomnienia wlacz 10`, `… wylacz` change them."""
        chat_id, quote = reply_target(update)
        conversation = self.replier.conversation
        if conversation is None:
            reply = ReplyBuilder().line(NO_STORE).build()
        elif context.args:
            # "/przypomnienia wlacz 10": a bare number in the command is the lead time in minutes
            words = [f"{arg} minut" if arg.isdigit() else arg for arg in context.args]
            reply = await conversation.respond(CHANNEL, str(chat_id), "przypomnienia " + " ".join(words))
        else:
            reply = await conversation.show_reminders(CHANNEL, str(chat_id))
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote)

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/usun_dane`: ask first, with two buttons."""
        chat_id, quote = reply_target(update)
        codec = self.replier.codec
        buttons = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(texts.FORGET_YES, callback_data=codec.encode(Action.FORGET, "yes"))],
                [InlineKeyboardButton(texts.FORGET_NO, callback_data=codec.encode(Action.FORGET, "no"))],
            ]
        )
        reply = ReplyBuilder().line(texts.FORGET_CONFIRM).build()
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote, extra=buttons)

    async def confirmed_forget(self, context: ContextTypes.DEFAULT_TYPE, message: Message, yes: bool) -> None:
        conversation = self.replier.conversation
        if not yes:
            reply = ReplyBuilder().line(texts.FORGET_CANCELLED).build()
        elif conversation is None:
            reply = ReplyBuilder().line(NO_STORE).build()
        else:
            reply = await conversation.forget(CHANNEL, str(message.chat_id))
        await self.replier.edit(message, reply, markup=None)

    async def plan(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/plan`: my picks by day, overlaps marked, and the plan as a calendar file."""
        chat_id, quote = reply_target(update)
        conversation = self.replier.conversation
        if conversation is None:
            reply = ReplyBuilder().line(NO_STORE).build()
            await self.replier.send(context.bot, chat_id, reply, reply_to=quote)
            return
        reply = await conversation.plan_reply(CHANNEL, str(chat_id))
        extra = None
        if await conversation.plan_sessions(CHANNEL, str(chat_id)):
            data = self.replier.codec.encode(Action.PLAN, "ics")
            extra = InlineKeyboardMarkup([[InlineKeyboardButton(texts.PLAN_ICS_BUTTON, callback_data=data)]])
        await self.replier.send(context.bot, chat_id, reply, reply_to=quote, extra=extra)

    async def plan_button(self, context: ContextTypes.DEFAULT_TYPE, message: Message, payload: str) -> None:
        """A tap on "Dodaj do planu", "Usuń z planu" or the calendar file button."""
        conversation = self.replier.conversation
        if conversation is None:
            return
        chat = str(message.chat_id)
        if payload == "ics":
            sessions = await conversation.plan_sessions(CHANNEL, chat)
            document = programme_ics(conversation.assistant.conference, sessions)
            await context.bot.send_document(
                message.chat_id,
                InputFile(document, filename=PLAN_FILE),
                caption=texts.PLAN_ICS_CAPTION,
            )
            return
        reply = await conversation.change_plan(CHANNEL, chat, payload[1:], add=payload.startswith("+"))
        await self.replier.send(context.bot, message.chat_id, reply)
