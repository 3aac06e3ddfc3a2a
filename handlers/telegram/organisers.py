"""Organisers' commands (only for ADMIN_IDS): /statystyki, /przeladuj, /ogloszenie."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.reply import Reply, ReplyBuilder, bold, with_notice
from handlers.operations import Operations
from handlers.telegram.callbacks import Action
from handlers.telegram.commands import reply_target
from handlers.telegram.replies import Replier
from scheduler.announcements import announcement_reply

MAX_ERRORS_SHOWN = 10


def _text(*lines: str) -> Reply:
    out = ReplyBuilder()
    for line in lines:
        out.line(line)
    return out.build()


class Organisers:
    def __init__(self, replier: Replier, admins: frozenset[int], operations: Operations | None) -> None:
        self.replier = replier
        self.admins = admins
        self.operations = operations

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
        stats = await self.operations.statistics()
        out = ReplyBuilder().line(bold("Statystyki"))
        out.line(f"Użytkownicy: {stats.users} (zablokowali bota: {stats.blocked})")
        if len(stats.channels) > 1:
            channels = sorted(stats.channels.items())
            out.line("Kanały: " + ", ".join(f"{name} {count}" for name, count in channels))
        out.line(f"Przypomnienia włączone: {stats.subscribers}")
        out.line(f"Przypomnienia wysłane: {stats.sent}, nieudane: {stats.failed}, pominięte: {stats.skipped}")
        if stats.withheld:
            out.line(f"Niewysłane w Messengerze (poza oknem 24 godzin): {stats.withheld}")
        if stats.unanswered:
            out.line(bold("Pytania bez odpowiedzi (do uzupełnienia w FAQ):"))
            for question, count in stats.unanswered:
                out.line(f"• {question} — {count}×")
        chat_id, quote = reply_target(update)
        await self.replier.send(context.bot, chat_id, out.build(), reply_to=quote)

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._allowed(update):
            return await self._refuse(update, context)
        assert self.operations is not None
        result = await self.operations.reload()
        if result.error is not None:
            issues = [str(issue) for issue in result.error.issues[:MAX_ERRORS_SHOWN]]
            reply = _text(texts.RELOAD_FAILED.format(count=len(result.error.issues)), *issues)
        else:
            reply = _text(
                texts.RELOAD_DONE.format(
                    sessions=result.sessions,
                    jobs=result.jobs,
                    changes=result.changes,
                    notified=result.notified,
                )
            )
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
        audience, silent = await self.operations.audience()
        preview = announcement_reply(text)
        heading = texts.ANNOUNCE_PREVIEW.format(count=audience)
        if silent:
            heading += " " + texts.ANNOUNCE_SILENT.format(count=silent)
        reply = with_notice(preview, heading)
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

    async def on_button(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, payload: str
    ) -> None:
        """The preview's buttons; the tapping user is checked again, not only who asked."""
        if not self._allowed(update):
            await self.replier.send(context.bot, message.chat_id, _text(texts.ADMIN_ONLY))
            return
        assert self.operations is not None and self.operations.announcements is not None
        action, _, number = payload.partition(":")
        if not number.isdigit():
            return
        if action == "cancel":
            await self.replier.edit(message, _text(texts.ANNOUNCE_CANCELLED), markup=None)
            return
        await self.replier.edit(message, _text("📢 Wysyłam…"), markup=None)
        result = await self.operations.announcements.send(int(number))
        if result is None:
            reply = _text(texts.ANNOUNCE_ALREADY)
        else:
            done = texts.ANNOUNCE_DONE.format(sent=result.sent, failed=result.failed)
            if result.withheld:
                done += " " + texts.ANNOUNCE_WITHHELD.format(count=result.withheld)
            reply = _text(done)
        await self.replier.send(context.bot, message.chat_id, reply)
