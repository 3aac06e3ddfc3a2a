"""What organisers are told, for any channel: statistics, a reload's result, an announcement."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.changes import ChangeKind, when
from bot.clock import Clock, SystemClock
from bot.model import Conference, Session
from bot.polish import format_date, format_span, format_time, plural
from bot.programme import where
from bot.reply import Reply, ReplyBuilder, bold, with_notice
from bot.store.store import Statistics
from handlers.operations import ReloadResult
from handlers.uploads import Checked, Outcome, Preview, Problems, Refusal, Result, Unchanged
from scheduler.announcements import announcement_reply
from scheduler.fanout import FanOutResult
from scheduler.poller import PollStatus

MAX_ERRORS_SHOWN = 10
MAX_CHANGES_SHOWN = 5  # example lines under each kind of change in an upload's preview


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


def _quoted(name: str) -> str:
    """A file name as sent, quoted and cut: it is the sender's text, shown back only."""
    return f"„{name[:60]}{'…' if len(name) > 60 else ''}”"


def upload_reply(checked: Checked) -> Reply:
    """What an organiser hears about a file sent to the bot: why not, its problems, or a preview."""
    if isinstance(checked, Refusal):
        return text_reply(checked.reason)
    if isinstance(checked, Problems):
        heading = texts.UPLOAD_PROBLEMS.format(name=_quoted(checked.name), count=len(checked.error.issues))
        return text_reply(heading, *checked.error.lines(MAX_ERRORS_SHOWN))
    if isinstance(checked, Unchanged):
        return text_reply(texts.UPLOAD_SAME.format(name=_quoted(checked.name), target=checked.target))
    return upload_preview_reply(checked)


def upload_preview_reply(preview: Preview) -> Reply:
    """Sessions added, removed, moved in time, moved elsewhere and renamed, with a few of each."""
    out = ReplyBuilder().line(texts.UPLOAD_PREVIEW.format(name=_quoted(preview.name), target=preview.target))
    out.line(texts.UPLOAD_SESSIONS.format(after=len(preview.new.sessions), before=len(preview.old.sessions)))
    diff, old, new = preview.diff, preview.old, preview.new
    if diff.empty:
        return out.line(texts.UPLOAD_NO_CHANGES).line(texts.UPLOAD_ASK).build()

    def section(count: int, forms: tuple[str, str, str], lines: list[str]) -> None:
        if not count:
            return
        out.line(bold(f"{count} {plural(count, *forms)}:"))
        for line in lines[:MAX_CHANGES_SHOWN]:
            out.line(f"• {line}")
        rest = count - MAX_CHANGES_SHOWN
        if rest > 0:
            out.line(f"…i {rest} {plural(rest, 'inny', 'inne', 'innych')}")

    added = diff.added
    section(len(added), ("nowy punkt", "nowe punkty", "nowych punktów"), [_titled(s, when(s)) for s in added])
    gone = [c.before for c in diff.of_kind(ChangeKind.CANCELLED)]
    section(
        len(gone),
        ("punkt znika z programu", "punkty znikają z programu", "punktów znika z programu"),
        [_titled(s, when(s)) for s in gone],
    )
    moved = [(c.before, c.after) for c in diff.of_kind(ChangeKind.MOVED) if c.after is not None]
    section(
        len(moved),
        ("punkt zmienia termin", "punkty zmieniają termin", "punktów zmienia termin"),
        [_titled(after, _time_change(before, after)) for before, after in moved],
    )
    placed = [(c.before, c.after) for c in diff.of_kind(ChangeKind.PLACE) if c.after is not None]
    section(
        len(placed),
        ("punkt zmienia miejsce", "punkty zmieniają miejsce", "punktów zmienia miejsce"),
        [_titled(after, f"{_where(before, old)} → {_where(after, new)}") for before, after in placed],
    )
    section(
        len(diff.renamed),
        ("punkt zmienia tytuł", "punkty zmieniają tytuł", "punktów zmienia tytuł"),
        [f"„{before.title}” → „{after.title}”" for before, after in diff.renamed],
    )
    people = preview.planned
    if people:
        have = plural(people, "ma", "mają", "ma")
        get = plural(people, "dostanie", "dostaną", "dostanie")
        who = f"{people} {plural(people, 'osoba', 'osoby', 'osób')}"
        out.line(f"{have.capitalize()} je w planie {who} — po zastosowaniu {get} powiadomienie o zmianie.")
    elif diff.changes:
        out.line(texts.UPLOAD_NOBODY)
    return out.line(texts.UPLOAD_ASK).build()


def _titled(session: Session, detail: str) -> str:
    return f"„{session.title}” — {detail}"


def _time_change(before: Session, after: Session) -> str:
    """ "środa, 29 listopada, 15:00–16:30 → 15:30–17:00"; the new day too when it changes."""
    if before.day == after.day:
        return f"{when(before)} → {format_span(after.start, after.end)}"
    return f"{when(before)} → {when(after)}"


def _where(session: Session, conference: Conference) -> str:
    return where(session, conference) or "miejsce do potwierdzenia"


def upload_result_reply(result: Result) -> Reply:
    """How confirming or cancelling an upload went; after applying, the reload's own report."""
    outcome = result.outcome
    if outcome is Outcome.GONE:
        return text_reply(texts.UPLOAD_GONE)
    if outcome is Outcome.ALREADY:
        return text_reply(texts.UPLOAD_ALREADY)
    if outcome is Outcome.DROPPED:
        return text_reply(texts.UPLOAD_DROPPED.format(name=_quoted(result.name)))
    if outcome is Outcome.CHANGED:
        return text_reply(texts.UPLOAD_CHANGED.format(target=result.target))
    if result.reload is None:  # the swap itself failed
        return text_reply(texts.UPLOAD_FAILED.format(target=result.target, problem=result.problem or "?"))
    reloaded = reload_reply(result.reload)
    if outcome is Outcome.FAILED:
        return with_notice(reloaded, texts.UPLOAD_RESTORED.format(target=result.target))
    done = texts.UPLOAD_APPLIED.format(name=_quoted(result.name), target=result.target)
    if result.previous is not None:
        done += " " + texts.UPLOAD_KEPT.format(previous=result.previous)
    return with_notice(reloaded, done)
