"""What changed in the programme between two versions of the data, told to whoever planned it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.model import Conference, Session
from bot.programme import session_when, where
from bot.reply import Reply, ReplyBuilder, bold


class ChangeKind(StrEnum):
    MOVED = "moved"  # new day or time
    PLACE = "place"  # new place or room
    CANCELLED = "cancelled"  # gone from the programme


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    before: Session
    after: Session | None

    @property
    def key(self) -> str:
        """The ledger key: the same change is told once, a further change again."""
        after = self.after
        detail = "" if after is None else f"{after.start.isoformat()}|{after.end.isoformat()}|{_where(after)}"
        return f"{self.before.id}|{self.kind.value}|{detail}"[:200]


def _where(session: Session) -> str:
    room = session.room.name if session.room is not None else ""  # what people see, not its id
    return f"{session.place.id if session.place else ''}|{session.at_venue}|{room}"


def programme_changes(old: Conference, new: Conference) -> list[Change]:
    """Sessions moved in time, moved elsewhere, or removed (new sessions need no notice)."""
    changes = []
    for before in old.sessions:
        after = new.session(before.id)
        if after is None:
            changes.append(Change(ChangeKind.CANCELLED, before, None))
        elif (after.start, after.end) != (before.start, before.end):
            changes.append(Change(ChangeKind.MOVED, before, after))
        elif _where(after) != _where(before):
            changes.append(Change(ChangeKind.PLACE, before, after))
    return changes


@dataclass(frozen=True, slots=True)
class ProgrammeDiff:
    """Everything a new version of the data does to the programme, for an organiser's preview.

    `changes` are exactly the ones a reload tells people about (`programme_changes`), so what the
    preview promises is what goes out; added and renamed sessions are told to nobody.
    """

    changes: tuple[Change, ...]
    added: tuple[Session, ...]
    renamed: tuple[tuple[Session, Session], ...]  # (before, after): same id, another title

    def of_kind(self, kind: ChangeKind) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind is kind)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.added or self.renamed)


def programme_diff(old: Conference, new: Conference) -> ProgrammeDiff:
    """Sessions added, removed, moved in time, moved elsewhere and renamed (matched by id)."""
    added = tuple(s for s in new.sessions if old.session(s.id) is None)
    renamed = tuple(
        (before, after)
        for before in old.sessions
        if (after := new.session(before.id)) is not None and after.title != before.title
    )
    return ProgrammeDiff(tuple(programme_changes(old, new)), added, renamed)


def when(session: Session) -> str:
    """ "środa, 29 listopada, 15:00–16:30"; a night slot "w nocy z piątku na sobotę, 1/2 sierpnia,
    01:30–03:00": no bracket, for it goes inside one."""
    return session_when(session)


def change_reply(change: Change, old: Conference, new: Conference) -> Reply:
    """A notice to people who had the session in their plan."""
    out = ReplyBuilder()
    before, after = change.before, change.after
    if change.kind is ChangeKind.CANCELLED or after is None:
        out.line("❌ ", bold("Odwołane"), f": „{before.title}” ({when(before)}) — nie ma go już w programie.")
    elif change.kind is ChangeKind.MOVED:
        out.line("🔄 ", bold("Zmiana godziny"), f": „{after.title}” — teraz {when(after)}.")
        out.line(f"Było: {when(before)}.")
    else:
        now_where = where(after, new) or "miejsce do potwierdzenia"
        old_where = where(before, old) or "miejsce do potwierdzenia"
        out.line("🔄 ", bold("Zmiana miejsca"), f": „{after.title}” — teraz: {now_where}.")
        out.line(f"Było: {old_where}.")
    if after is not None:
        out.subject = after.id
        out.suggest("Szczegóły", after.title)
    out.suggest("Mój plan", "mój plan")
    return out.build()
