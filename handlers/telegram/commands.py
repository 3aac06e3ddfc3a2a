"""Slash commands: each reads the update, asks the core for a reply, and sends it."""

from __future__ import annotations

import dataclasses

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.assistant import Assistant
from bot.model import Conference
from bot.polish import format_date
from bot.programme import visit_labels
from handlers.telegram.callbacks import Action
from handlers.telegram.replies import Replier, quote_parameters

# (command, description shown in Telegram's menu), in menu order; None: named by the event's data.
COMMANDS: tuple[tuple[str, str | None], ...] = (
    ("start", "Powitanie i co umiem"),
    ("teraz", "Co się dzieje teraz"),
    ("dalej", "Następny punkt programu"),
    ("program", "Program — wybierz dzień"),
    ("wizyty", None),  # the event's travel kinds ("Wizyty studyjne"); left out when it has none
    ("dojazd", "Adres i dojazd"),
    ("kontakt", "Kontakt z organizatorami"),
    ("plan", "Mój plan: wybrane punkty programu"),
    ("przypomnienia", "Przypomnienia przed punktami programu"),
    ("usun_dane", "Usuń wszystko, co o mnie wiesz"),
    ("pomoc", "Jak ze mną rozmawiać"),
)


def bot_commands(conference: Conference) -> tuple[BotCommand, ...]:
    """Telegram's command menu for this event, in Polish."""
    menu = []
    for name, description in COMMANDS:
        text = description or texts.travel_title(conference)
        if text:
            menu.append(BotCommand(name, text[:256]))
    return tuple(menu)


VISIT_LABEL = 40  # characters of a visit's name on its button


def reply_target(update: Update) -> tuple[int, int | None]:
    """Chat to answer in, and the message to quote: in groups the answer quotes the question."""
    message = update.effective_message
    chat = update.effective_chat
    assert chat is not None and message is not None
    return chat.id, (message.message_id if chat.type != chat.PRIVATE else None)


class Commands:
    def __init__(self, replier: Replier) -> None:
        self.replier = replier

    @property
    def assistant(self) -> Assistant:  # the replier's, which a data reload replaces
        return self.replier.assistant

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, self.assistant.reply_welcome(), reply_to=quote)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, self.assistant.reply_help(), reply_to=quote)

    async def now(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, self.assistant.reply_now(), reply_to=quote)

    async def next(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, self.assistant.reply_next(), reply_to=quote)

    async def programme(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/program` shows a day picker; `/program jutro` answers at once."""
        chat_id, quote = reply_target(update)
        if context.args:
            answer = self.assistant.ask("program " + " ".join(context.args))
            await self.replier.send(context.bot, chat_id, answer.reply, reply_to=quote)
            return
        await context.bot.send_message(
            chat_id,
            texts.pick_day(self.assistant.conference),
            reply_markup=self.day_picker(),
            reply_parameters=quote_parameters(quote),
        )

    def day_picker(self, selected: int | None = None) -> InlineKeyboardMarkup:
        """One button per event day (today marked), and one for the whole programme."""
        conference = self.assistant.conference
        today = self.assistant.clock.now().date()
        rows = []
        for day in conference.days:
            label = f"Dzień {day.index + 1}: {format_date(day.date)}"
            if day.date == today:
                label += " (dziś)"
            if day.index == selected:
                label = "✓ " + label
            data = self.replier.codec.encode(Action.DAY, str(day.index))
            rows.append([InlineKeyboardButton(label, callback_data=data)])
        all_label = ("✓ " if selected == -1 else "") + texts.ALL_DAYS
        rows.append(
            [InlineKeyboardButton(all_label, callback_data=self.replier.codec.encode(Action.DAY, "-1"))]
        )
        return InlineKeyboardMarkup(rows)

    async def visits(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The site visits, each with a button for its details and meeting point."""
        chat_id, quote = reply_target(update)
        visits = self.assistant.conference.visits
        buttons = [
            [
                InlineKeyboardButton(
                    "ℹ️ " + label, callback_data=self.replier.codec.encode(Action.SESSION, visit.id)
                )
            ]
            for visit, label in zip(visits, visit_labels(visits, VISIT_LABEL), strict=True)
        ]
        reply = dataclasses.replace(self.assistant.reply_visits(), suggestions=())
        await self.replier.send(
            context.bot, chat_id, reply, reply_to=quote, extra=InlineKeyboardMarkup(buttons)
        )

    async def directions(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, self.assistant.reply_venue(), reply_to=quote)

    async def contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, self.assistant.reply_contact(), reply_to=quote)
