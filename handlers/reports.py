"""What organisers are told, for any channel: statistics, a reload's result, an announcement."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.clock import Clock, SystemClock
from bot.polish import format_date, format_time
from bot.reply import Reply, ReplyBuilder, bold, with_notice
from bot.store.store import Statistics
from handlers.operations import ReloadResult
from scheduler.announcements import announcement_reply
from scheduler.fanout import FanOutResult
from scheduler.poller import PollStatus

MAX_ERRORS_SHOWN = 10


def text_reply(*lines: str) -> Reply:
    out = ReplyBuilder()
    for line in lines:
        out.line(line)
    return out.build()


def clock_notice(clock: Clock) -> str | None:
    """For organisers: the bot runs by a simulated clock (BOT_NOW, --now), and what it shows."""
    if isinstance(clock, SystemClock):
        return None
    now = clock.now()
    speed = clock.speed
    number = f"{speed:g}".replace(".", ",")
    if speed == 0:
        pace = " Ten zegar stoi."
    elif speed > 1:
        pace = f" Ten zegar chodzi {number} razy szybciej niż prawdziwy."
    elif speed < 1:
        pace = f" Ten zegar chodzi wolniej niż prawdziwy (tempo {number})."
    else:
        pace = ""
    return (
        f"⚠️ Zegar symulowany (BOT_NOW / --now): dla bota jest teraz {format_date(now.date())} "
        f"{now.year}, {format_time(now)}.{pace} Odpowiedzi i przypomnienia idą według niego, "
        "nie według prawdziwego czasu."
    )


def with_clock_notice(reply: Reply, clock: Clock) -> Reply:
    """The reply, headed by `clock_notice` when the clock is simulated."""
    notice = clock_notice(clock)
    return with_notice(reply, notice) if notice else reply


def statistics_reply(
    stats: Statistics, clock: Clock | None = None, source: PollStatus | None = None
) -> Reply:
    """The organisers' statistics; headed by a warning when the bot runs by a simulated clock, and
    saying how the live programme's source fares when there is one."""
    reply = _statistics(stats, source, clock)
    return with_clock_notice(reply, clock) if clock is not None else reply


def _source_lines(out: ReplyBuilder, source: PollStatus, clock: Clock | None) -> None:
    def local(moment: datetime) -> str:
        tz = clock.now().tzinfo if clock is not None else None
        return moment.astimezone(tz).strftime("%d.%m o %H:%M")

    checked = f"sprawdzony {local(source.checked_at)}" if source.checked_at else "jeszcze niesprawdzony"
    changed = f"zmieniony {local(source.changed_at)}" if source.changed_at else "bez zmian od startu"
    out.line(f"Program na żywo z {source.url}: {checked}, {changed}.")
    if source.problem is not None:
        out.line(f"⚠️ Nowa wersja programu nie weszła: {source.problem} — obowiązuje dotychczasowa.")


def _statistics(stats: Statistics, source: PollStatus | None = None, clock: Clock | None = None) -> Reply:
    out = ReplyBuilder().line(bold("Statystyki"))
    out.line(f"Użytkownicy: {stats.users} (zablokowali bota: {stats.blocked})")
    if len(stats.channels) > 1:
        channels = sorted(stats.channels.items())
        out.line("Kanały: " + ", ".join(f"{name.capitalize()} {count}" for name, count in channels))
    out.line(f"Przypomnienia włączone: {stats.subscribers}")
    out.line(f"Przypomnienia wysłane: {stats.sent}, nieudane: {stats.failed}, pominięte: {stats.skipped}")
    if stats.withheld:
        out.line(f"Niewysłane w Messengerze (poza oknem 24 godzin): {stats.withheld}")
    if source is not None:
        _source_lines(out, source, clock)
    if stats.unanswered:
        out.line(bold("Pytania bez odpowiedzi (do uzupełnienia w FAQ):"))
        for question, count in stats.unanswered:
            out.line(f"• {question} — {count}×")
    return out.build()


def reload_reply(result: ReloadResult) -> Reply:
    if result.error is not None:
        # The first few, then "…i N innych problemów": a file with thousands of errors stays one message.
        issues = result.error.lines(MAX_ERRORS_SHOWN)
        return text_reply(texts.RELOAD_FAILED.format(count=len(result.error.issues)), *issues)
    return text_reply(
        texts.RELOAD_DONE.format(
            sessions=result.sessions, jobs=result.jobs, changes=result.changes, notified=result.notified
        )
    )


def preview_reply(text: str, audience: int, silent: int) -> Reply:
    """The announcement as people will see it, under who it will reach."""
    heading = texts.ANNOUNCE_PREVIEW.format(count=audience)
    if silent:
        heading += " " + texts.ANNOUNCE_SILENT.format(count=silent)
    return with_notice(announcement_reply(text), heading)


def sent_reply(result: FanOutResult | None) -> Reply:
    """How an announcement went; None: it had been sent already (a second tap)."""
    if result is None:
        return text_reply(texts.ANNOUNCE_ALREADY)
    done = texts.ANNOUNCE_DONE.format(sent=result.sent, failed=result.failed)
    if result.withheld:
        done += " " + texts.ANNOUNCE_WITHHELD.format(count=result.withheld)
    return text_reply(done)
