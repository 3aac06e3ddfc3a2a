"""Commands on Messenger: the persistent menu, Get Started, taps, and "/teraz" typed by hand.

The same commands as on Telegram, so help texts and habits carry over between the channels.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot import texts
from bot.assistant import Assistant
from bot.ics import programme_ics
from bot.polish import WEEKDAYS
from bot.programme import visit_labels
from bot.reply import Reply, ReplyBuilder, with_notice
from handlers.messenger.organisers import Organisers
from handlers.messenger.payloads import Kind, Payload
from handlers.messenger.sender import CHANNEL, Sender
from handlers.reports import with_clock_notice

VISIT_LABEL = 60  # before the quick reply's own shortening at a word boundary
PLAN_FILE = "moj-plan.ics"
CALENDAR = "ics"  # PLAN:ics
CALENDAR_LABEL = "📅 Do kalendarza"
NO_STORE = "Ta funkcja wymaga bazy danych, a ten bot działa bez niej."
# A day payload: the day's index, -1 for all days (not isdigit: "²" is a digit int() refuses).
_DAY_INDEX = re.compile(r"-?[0-9]{1,4}")
Options = list[tuple[str, str]]  # quick replies: (label, payload)
Handler = Callable[[str, str], Awaitable[tuple[Reply, Options]]]


class Commands:
    def __init__(self, sender: Sender, organisers: Organisers) -> None:
        self.sender = sender
        self.organisers = organisers
        self.table: dict[str, Handler] = {
            "start": self.start,
            "pomoc": self.help,
            "teraz": self.now,
            "dalej": self.next,
            "program": self.programme,
            "wizyty": self.visits,
            "dojazd": self.directions,
            "kontakt": self.contact,
            "plan": self.plan,
            "przypomnienia": self.reminders,
            "usun_dane": self.forget,
            "moje_id": self.your_id,
            "statystyki": self.statistics,
            "przeladuj": organisers.reload,
            "ogloszenie": organisers.announce,
        }

    @property
    def assistant(self) -> Assistant:
        return self.sender.assistant

    async def run(self, name: str, psid: str, args: str = "") -> tuple[Reply, Options]:
        """A command by name; an unknown one is explained, with the help."""
        handler = self.table.get(name.lower())
        if handler is None:
            notice = texts.UNKNOWN_COMMAND.format(command="/" + name[:40])
            return with_notice(self.assistant.reply_help(), notice), []
        return await handler(psid, args)

    async def statistics(self, psid: str, args: str) -> tuple[Reply, Options]:
        """The organisers' statistics, headed by a warning when the clock is simulated."""
        reply, options = await self.organisers.statistics(psid, args)
        if self.organisers.allowed(psid):
            reply = with_clock_notice(reply, self.assistant.clock)
        return reply, options

    async def your_id(self, psid: str, args: str) -> tuple[Reply, Options]:
        return self.organisers.your_id(psid), []

    async def start(self, psid: str, args: str) -> tuple[Reply, Options]:
        return self.assistant.reply_welcome(), []

    async def help(self, psid: str, args: str) -> tuple[Reply, Options]:
        return self.assistant.reply_help(), []

    async def now(self, psid: str, args: str) -> tuple[Reply, Options]:
        return self.assistant.reply_now(), []

    async def next(self, psid: str, args: str) -> tuple[Reply, Options]:
        return self.assistant.reply_next(), []

    async def programme(self, psid: str, args: str) -> tuple[Reply, Options]:
        """A day to pick (quick replies), or that day at once: "/program jutro"."""
        if args:
            return self.assistant.ask("program " + args).reply, []
        conference = self.assistant.conference
        today = self.assistant.clock.now().date()
        options: Options = []
        for day in conference.days:
            # "Czwartek 30.11" fits a quick reply's 20 characters; "Dziś" says the most.
            label = "Dziś" if day.date == today else f"{WEEKDAYS[day.date.weekday()]} {day.date:%d.%m}"
            label = label[0].upper() + label[1:]
            options.append((label, Payload(Kind.DAY, str(day.index)).encode()))
        options.append((texts.ALL_DAYS, Payload(Kind.DAY, "-1").encode()))
        text = texts.pick_day(conference)
        return ReplyBuilder().line(text).build(), options

    def day(self, index: str) -> Reply:
        return self.assistant.reply_day(int(index) if _DAY_INDEX.fullmatch(index) else -1)

    async def visits(self, psid: str, args: str) -> tuple[Reply, Options]:
        """The site visits, with a quick reply for each one's details and meeting point."""
        visits = self.assistant.conference.visits
        options = [
            (label, Payload(Kind.SESSION, visit.id).encode())
            for visit, label in zip(visits, visit_labels(visits, VISIT_LABEL), strict=True)
        ]
        return replace(self.assistant.reply_visits(), suggestions=()), options

    async def directions(self, psid: str, args: str) -> tuple[Reply, Options]:
        return self.assistant.reply_venue(), []

    async def contact(self, psid: str, args: str) -> tuple[Reply, Options]:
        return self.assistant.reply_contact(), []

    async def plan(self, psid: str, args: str) -> tuple[Reply, Options]:
        """My plan by day, with the plan as a calendar file one tap away."""
        conversation = self.sender.conversation
        if conversation is None:
            return ReplyBuilder().line(NO_STORE).build(), []
        reply = await conversation.plan_reply(CHANNEL, psid)
        if not await conversation.plan_sessions(CHANNEL, psid):
            return reply, []
        return reply, [(CALENDAR_LABEL, Payload(Kind.PLAN, CALENDAR).encode())]

    async def calendar(self, psid: str) -> Reply:
        """The plan as an .ics file (sent here), and a line saying what it is."""
        conversation = self.sender.conversation
        if conversation is None:
            return ReplyBuilder().line(NO_STORE).build()
        sessions = await conversation.plan_sessions(CHANNEL, psid)
        if not sessions:
            return await conversation.plan_reply(CHANNEL, psid)
        document = programme_ics(self.assistant.conference, sessions)
        await self.sender.send_file(psid, PLAN_FILE, document, "text/calendar")
        return ReplyBuilder().line(texts.PLAN_ICS_CAPTION).build()

    async def reminders(self, psid: str, args: str) -> tuple[Reply, Options]:
        """Settings, or "/przypomnienia wlacz 10" in one step (a bare number is minutes)."""
        conversation = self.sender.conversation
        if conversation is None:
            return ReplyBuilder().line(NO_STORE).build(), []
        if args:
            words = [f"{w} minut" if w.isdigit() else w for w in args.split()]
            return await conversation.respond(CHANNEL, psid, "przypomnienia " + " ".join(words)), []
        return await conversation.show_reminders(CHANNEL, psid), []

    async def forget(self, psid: str, args: str) -> tuple[Reply, Options]:
        """Ask first: "Tak, usuń moje dane" or "Nie, zostaw"."""
        options = [
            (texts.FORGET_YES, Payload(Kind.FORGET, "yes").encode()),
            (texts.FORGET_NO, Payload(Kind.FORGET, "no").encode()),
        ]
        return ReplyBuilder().line(texts.FORGET_CONFIRM).build(), options

    async def confirmed_forget(self, psid: str, yes: bool) -> Reply:
        conversation = self.sender.conversation
        if not yes:
            return ReplyBuilder().line(texts.FORGET_CANCELLED).build()
        if conversation is None:
            return ReplyBuilder().line(NO_STORE).build()
        return await conversation.forget(CHANNEL, psid)
