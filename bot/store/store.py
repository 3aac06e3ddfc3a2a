"""The one gateway to the database: users, preferences, plans, the delivery ledger, statistics."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import asyncpg.exceptions
from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine

from bot.backoff import Backoff, pause, unless_stopped
from bot.logs import one_line
from bot.reminders import DEFAULT_LEAD, Scope
from bot.store import migrate
from bot.store.direct import DirectQueries
from bot.store.models import (
    Announcement,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    HandledUpdate,
    PlanItem,
    Preference,
    UnansweredQuestion,
    User,
)
from bot.store.pending import Key, PendingWrites
from bot.store.worker import SqliteWorker

UNANSWERED_KEPT = 10_000  # newest unanswered questions kept for /statystyki
DEFAULT_VISIT_LEAD = 30  # minutes: people must travel to a site visit
# A claim not finished after this long belonged to a process that died while sending. Claims are
# taken a small batch at a time, just before sending, so a live process finishes one in seconds.
STALE_CLAIM = timedelta(seconds=60)
CONNECT_TIMEOUT = 10  # seconds for one connection attempt to PostgreSQL (asyncpg's own: 60)
SEEN_INTERVAL = 60.0  # seconds between two "last seen" stamps of one person
REMEMBERED = 100_000  # people (and plans) one process keeps in memory before starting afresh

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Person:
    """A user as the rest of the program sees them."""

    id: int
    channel: str
    chat_id: str
    blocked: bool = False
    last_seen: datetime | None = None  # their last message: Messenger's 24-hour window starts there


@dataclass(frozen=True, slots=True)
class Preferences:
    reminders: bool = False
    lead_minutes: int = DEFAULT_LEAD
    visit_lead_minutes: int = DEFAULT_VISIT_LEAD
    scope: Scope = Scope.ALL


@dataclass(frozen=True, slots=True)
class Claim:
    delivery_id: int
    person: Person


@dataclass(frozen=True, slots=True)
class Statistics:
    users: int
    blocked: int
    subscribers: int
    sent: int
    failed: int
    skipped: int
    unanswered: list[tuple[str, int]]
    channels: dict[str, int] = field(default_factory=dict)  # users per channel
    withheld: int = 0  # messages of any kind not sent because of Messenger's 24-hour window


def _person(user: User) -> Person:
    return Person(user.id, user.channel, user.chat_id, user.blocked_at is not None, user.last_seen_at)


# A person's columns only: an audience of 100,000 loaded as ORM objects took twice the CPU and
# ~130 MB more at its peak (bench/bench_users.py).
_PERSON_COLUMNS = (User.id, User.channel, User.chat_id, User.blocked_at, User.last_seen_at)


def _people(rows: Any) -> list[Person]:
    return [Person(i, channel, chat, blocked is not None, seen) for i, channel, chat, blocked, seen in rows]


T = TypeVar("T")


def _remember(memory: dict[Any, Any], key: Any, value: Any) -> None:
    """Keep `value`; past `REMEMBERED` entries start afresh (who is active comes back at once)."""
    if len(memory) >= REMEMBERED and key not in memory:
        memory.clear()
    memory[key] = value


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# The statements many updates run, built once (building and keying one costs more than SQLite
# takes to run it); on tables, not ORM classes, whose statements go through the ORM's machinery.
_USERS = _table(User)
_PREFERENCES = _table(Preference)
_STAMP = (
    update(_USERS)
    .where(_USERS.c.channel == bindparam("b_channel"), _USERS.c.chat_id == bindparam("b_chat"))
    .values(last_seen_at=bindparam("b_at"), blocked_at=None)
)
_STAMP_RETURNING = _STAMP.returning(_USERS.c.id)
_PREFERENCES_OF = select(
    _PREFERENCES.c.reminders,
    _PREFERENCES.c.lead_minutes,
    _PREFERENCES.c.visit_lead_minutes,
    _PREFERENCES.c.scope,
).where(_PREFERENCES.c.user_id == bindparam("b_user"))
_PLAN_OF = select(_table(PlanItem).c.session_id).where(_table(PlanItem).c.user_id == bindparam("b_user"))
_PREFERENCE_FIELDS = ("reminders", "lead_minutes", "visit_lead_minutes", "scope", "updated_at")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE for /usun_dane
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: survives a process crash, far fewer fsyncs
    cursor.execute("PRAGMA busy_timeout=30000")  # several processes on one file wait, not fail
    cursor.close()


_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.EHOSTDOWN,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)
# A PostgreSQL server away, starting, shutting down or full: waiting may cure all of these.
_POSTGRES_AWAY = (
    asyncpg.exceptions.PostgresConnectionError,  # the connection failed or is gone
    asyncpg.exceptions.OperatorInterventionError,  # "the database system is starting up", shutdown
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InterfaceError,  # the client lost its connection ("connection is closed")
)
# SQLite's storage in trouble: a full disk, a read-only file, a failing disk, a file locked too long.
_SQLITE_STORAGE = (
    "database or disk is full",
    "readonly database",
    "disk i/o error",
    "unable to open database file",
    "database is locked",
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what caused it (SQLAlchemy and asyncpg wrap the real reason)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 8:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def database_unreachable(exc: BaseException) -> bool:
    """The database server cannot be reached right now (down, starting, restarting, the network
    away): worth waiting for. A wrong password or a missing database is not."""
    for cause in _chain(exc):
        if isinstance(cause, ConnectionError | TimeoutError | socket.gaierror | DisconnectionError):
            return True
        if isinstance(cause, OSError) and cause.errno in _NETWORK_ERRNOS:
            return True
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, _POSTGRES_AWAY):
            return True
    return False


def database_outage(exc: BaseException) -> bool:
    """The database unreachable, or SQLite's storage failing (full disk, read-only file): an
    operator's problem to log in one line, not a bug to log with a traceback."""
    if database_unreachable(exc):
        return True
    return any(
        isinstance(cause, DBAPIError) and any(s in str(cause.orig).lower() for s in _SQLITE_STORAGE)
        for cause in _chain(exc)
    )


def _reason(exc: BaseException) -> str:
    """What went wrong, on one line; for SQLAlchemy's errors the driver's own message, without
    the statement and its parameters (which may hold what people wrote)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    return one_line(orig) if isinstance(orig, BaseException) else one_line(exc)


class DatabaseUnavailable(Exception):
    """The database could not be used at start; the message names it (password hidden)."""

    def __init__(self, url: str, reason: str, waited: float | None = None) -> None:
        self.url = url
        self.reason = reason
        self.waited = waited  # None: refused outright (no waiting cures it)
        if waited is None:
            message = f"nie można użyć bazy danych {url} ({reason})"
        elif waited > 0:
            message = (
                f"baza danych {url} nie odpowiada ({reason}) — czekano {waited:g} s (BOT_DB_WAIT); "
                "sprawdź, czy serwer działa i czy adres jest dobry"
            )
        else:
            message = f"baza danych {url} nie odpowiada ({reason}); sprawdź, czy serwer działa"
        super().__init__(message)


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        # SQLite has one writer at a time. Its busy handler retries with sleeps, unfairly: under a
        # burst (hundreds of answers at once) a write could starve past busy_timeout and fail with
        # "database is locked" (measured, bench/bench_messenger.py). In one process, writers queue
        # here in order instead; several processes on one file still rely on busy_timeout.
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        # PostgreSQL: the statements every update runs skip SQLAlchemy (bot/store/direct.py).
        self._direct = DirectQueries(engine) if engine.dialect.name == "postgresql" else None
        # Bookkeeping no answer waits for is written behind it, in batches (bot/store/pending.py).
        self._pending = PendingWrites(self._write_seen, self._write_unanswered, database_outage)
        self._stamped: dict[Key, float] = {}  # when each person's last stamp was taken (monotonic)
        # SQLite has one process (bot/store/locks.py), every write passes here, so what it
        # remembers of people and plans stays true; PostgreSQL's are read afresh (direct.py).
        self._people: dict[Key, Person] = {}
        self._plans: dict[int, frozenset[str]] = {}
        self._preferences: dict[int, Preferences] = {}
        first = self._insert(_USERS).values(
            channel=bindparam("b_channel"),
            chat_id=bindparam("b_chat"),
            created_at=bindparam("b_at"),
            last_seen_at=bindparam("b_at"),
        )
        self._first_contact = first.on_conflict_do_nothing().returning(_USERS.c.id)
        saved = self._insert(_PREFERENCES).values(
            user_id=bindparam("b_user"), **{name: bindparam(f"b_{name}") for name in _PREFERENCE_FIELDS}
        )
        self._save_preferences = saved.on_conflict_do_update(
            index_elements=["user_id"], set_={name: saved.excluded[name] for name in _PREFERENCE_FIELDS}
        )
        # SQLite: the statements many updates run, in one hop each to a thread (bot/store/worker.py).
        self._worker = SqliteWorker(engine.url, _sqlite_pragmas) if SqliteWorker.usable(engine.url) else None

    async def _write(self, work: Callable[[Connection], T]) -> T:
        """`work` in a write transaction: on SQLite's worker thread, queued behind other writes;
        elsewhere through the asyncio engine."""
        if self._worker is None:
            async with self._writing() as db:
                return await db.run_sync(work)
        assert self._write_lock is not None
        async with self._write_lock:
            return await self._worker.write(work)

    async def _read(self, work: Callable[[Connection], T]) -> T:
        if self._worker is None:
            async with self.engine.connect() as db:
                return await db.run_sync(work)
        return await self._worker.read(work)

    @contextlib.asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction (committed at the end), queued behind others on SQLite.

        A connection, not an ORM session: every write is one or two statements, and the ORM's
        unit of work cost a third of each (bench/bench_telegram.py).
        """
        if self._write_lock is None:
            async with self.engine.begin() as db:
                yield db
            return
        async with self._write_lock, self.engine.begin() as db:
            yield db

    @classmethod
    def open(cls, url: str) -> Store:
        """An engine for `url` (nothing is connected yet); `DatabaseUnavailable` if it cannot be read."""
        postgres = url.startswith("postgresql")
        try:
            engine = create_async_engine(
                url,
                pool_pre_ping=postgres,  # a connection the server dropped is replaced, not used and failed
                connect_args={"timeout": CONNECT_TIMEOUT} if postgres else {},
            )
        except (ArgumentError, ValueError):  # the message would quote the URL, password and all
            raise DatabaseUnavailable(
                "(adres, którego nie da się odczytać)",
                "oczekiwano postgresql+asyncpg://użytkownik:hasło@host:port/baza albo sqlite+aiosqlite:///plik.db",
            ) from None
        if engine.dialect.name == "sqlite":
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return cls(engine)

    @property
    def url(self) -> str:
        """The database's URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    async def connect(self, wait: float = 0, stop: asyncio.Event | None = None) -> None:
        """Connect once, trying again for up to `wait` seconds while the server cannot be reached
        (one log line per attempt), so a database starting alongside the bot is not a crash.

        Raises `DatabaseUnavailable` when time runs out, or at once when the database refuses us
        (wrong password, no such database, a file that cannot be opened); `Stopped` when `stop`
        is set meanwhile.
        """
        deadline = time.monotonic() + wait
        backoff = Backoff()
        while True:
            try:
                await unless_stopped(self._ping(), stop)
            except Exception as exc:
                if not database_unreachable(exc):
                    raise DatabaseUnavailable(self.url, _reason(exc)) from None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DatabaseUnavailable(self.url, _reason(exc), wait) from None
                delay = min(backoff.next_delay(), left)
                logger.warning(
                    "database %s not reachable (%s), attempt %d, next try in %.1f s (giving up in %.0f s)",
                    self.url,
                    _reason(exc),
                    backoff.attempts,
                    delay,
                    left,
                )
                await pause(delay, stop)
            else:
                if backoff.attempts:
                    logger.warning("database %s reachable after %d attempts", self.url, backoff.attempts + 1)
                return

    async def _ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def migrate(self) -> None:
        await migrate.upgrade(self.engine)

    async def close(self) -> None:
        await self._pending.close()
        if self._direct is not None:
            await self._direct.close()
        if self._worker is not None:
            await self._worker.close()
        await self.engine.dispose()

    async def flush(self) -> None:
        """Write the bookkeeping that waits (stamps, unanswered questions) now."""
        await self._pending.flush()

    # Users ---------------------------------------------------------------------------------

    async def touch(self, channel: str, chat_id: str, now: datetime) -> Person:
        """The user behind a chat, created on first contact; writing again lifts a block."""

        values = {"b_channel": channel, "b_chat": chat_id, "b_at": now}

        def write(db: Connection) -> tuple[int | None, int]:
            created = db.execute(self._first_contact, values).scalar_one_or_none()
            if created is not None:
                return created, created
            return None, db.execute(_STAMP_RETURNING, values).scalar_one()

        created, user_id = await self._write(write)
        person = Person(user_id, channel, chat_id, last_seen=now)
        if self._direct is None:
            _remember(self._people, (channel, chat_id), person)
            if created is not None:  # a new user: nothing planned, nothing set — no need to ask
                _remember(self._plans, user_id, frozenset())
                _remember(self._preferences, user_id, Preferences())
        return person

    async def seen(self, channel: str, chat_id: str, now: datetime) -> None:
        """A person wrote: created at once on first contact (in this process), then stamped at
        most once a minute, the stamp written behind the answer. Writing lifts a block."""
        key = (channel, chat_id)
        clock = time.monotonic()
        last = self._stamped.get(key)
        if last is not None and clock - last < SEEN_INTERVAL:
            return
        if last is None:
            # Written now, not behind: a later stamp only updates a row that exists, so a person
            # forgotten meanwhile (by any process) is never brought back by a stamp in waiting.
            await self.touch(channel, chat_id, now)
        else:
            self._pending.seen(key, now)
        _remember(self._stamped, key, clock)

    async def _write_seen(self, stamps: dict[Key, datetime]) -> None:
        rows = [{"b_channel": c, "b_chat": k, "b_at": at} for (c, k), at in stamps.items()]
        await self._write(lambda db: db.execute(_STAMP, rows))

    async def person(self, channel: str, chat_id: str, now: datetime) -> Person:
        """The user behind a chat, created if new."""
        key = (channel, chat_id)
        if self._direct is None:
            known = self._people.get(key)
            return known if known is not None else await self.touch(channel, chat_id, now)
        row = await self._direct.person(channel, chat_id)
        if row is None:
            return await self.touch(channel, chat_id, now)
        user_id, blocked_at, last_seen = row
        return Person(user_id, channel, chat_id, blocked_at is not None, last_seen)

    async def find(self, channel: str, chat_id: str) -> Person | None:
        await self.flush()
        async with self.sessions() as db:
            user = await db.scalar(select(User).where(User.channel == channel, User.chat_id == chat_id))
        return _person(user) if user is not None else None

    async def mark_blocked(self, user_id: int, now: datetime) -> None:
        async with self._writing() as db:
            await db.execute(update(User).where(User.id == user_id).values(blocked_at=now))
        # Whoever blocked the bot and writes again is unblocked by their next stamp (within a minute).

    async def forget(self, channel: str, chat_id: str) -> bool:
        """Delete everything stored about a user (plan, preferences, ledger rows by cascade)."""
        key = (channel, chat_id)
        self._pending.drop(key)
        self._stamped.pop(key, None)
        self._people.pop(key, None)
        async with self._writing() as db:
            result = await db.execute(
                delete(User).where(User.channel == channel, User.chat_id == chat_id).returning(User.id)
            )
            deleted = list(result.scalars())
        for user_id in deleted:  # SQLite may give the id to the next new user
            self._plans.pop(user_id, None)
            self._preferences.pop(user_id, None)
        return bool(deleted)

    # Updates handled -----------------------------------------------------------------------

    async def claim_update(self, channel: str, key: str, now: datetime) -> bool:
        """Take an update to answer: True for the one process (of any) that inserts its row first."""
        if self._direct is not None:
            return await self._direct.claim_update(channel, key, now)
        async with self._writing() as db:
            statement = (
                self._insert(HandledUpdate)
                .values(channel=channel, key=key, handled_at=now)
                .on_conflict_do_nothing()
            )
            result = await db.execute(statement)
        return bool(result.rowcount)

    async def prune_updates(self, before: datetime) -> int:
        """Forget updates handled before `before` (long past any redelivery); how many went."""
        async with self._writing() as db:
            result = await db.execute(delete(HandledUpdate).where(HandledUpdate.handled_at < before))
        return int(result.rowcount)

    # Preferences and plans -----------------------------------------------------------------

    async def preferences(self, user_id: int) -> Preferences:
        known = self._preferences.get(user_id)
        if known is not None:
            return known
        if self._direct is not None:
            found = await self._direct.preferences(user_id)
            return Preferences() if found is None else Preferences(*found[:3], Scope(found[3]))
        row = await self._read(lambda db: db.execute(_PREFERENCES_OF, {"b_user": user_id}).first())
        prefs = Preferences() if row is None else Preferences(row[0], row[1], row[2], Scope(row[3]))
        _remember(self._preferences, user_id, prefs)
        return prefs

    async def save_preferences(self, user_id: int, prefs: Preferences, now: datetime) -> None:
        values = {
            "b_user": user_id,
            "b_reminders": prefs.reminders,
            "b_lead_minutes": prefs.lead_minutes,
            "b_visit_lead_minutes": prefs.visit_lead_minutes,
            "b_scope": prefs.scope.value,
            "b_updated_at": now,
        }
        await self._write(lambda db: db.execute(self._save_preferences, values))
        if self._direct is None:
            _remember(self._preferences, user_id, prefs)

    async def plan(self, user_id: int) -> set[str]:
        known = self._plans.get(user_id)
        if known is not None:
            return set(known)
        rows = set(await self._read(lambda db: list(db.scalars(_PLAN_OF, {"b_user": user_id}))))
        if self._direct is None:
            _remember(self._plans, user_id, frozenset(rows))
        return rows

    async def in_plan(self, channel: str, chat_id: str, session_id: str, now: datetime) -> bool:
        """Whether a session is in the plan of the person behind a chat (asked for most answers
        about one session: the plan button)."""
        if self._direct is not None:
            return await self._direct.in_plan(channel, chat_id, session_id)
        person = await self.person(channel, chat_id, now)
        return session_id in await self.plan(person.id)

    async def add_to_plan(self, user_id: int, session_id: str, now: datetime) -> bool:
        async with self._writing() as db:
            statement = (
                self._insert(PlanItem)
                .values(user_id=user_id, session_id=session_id, added_at=now)
                .on_conflict_do_nothing()
            )
            result = await db.execute(statement)
        self._plans.pop(user_id, None)
        return bool(result.rowcount)

    async def remove_from_plan(self, user_id: int, session_id: str) -> bool:
        async with self._writing() as db:
            result = await db.execute(
                delete(PlanItem).where(PlanItem.user_id == user_id, PlanItem.session_id == session_id)
            )
        self._plans.pop(user_id, None)
        return bool(result.rowcount)

    async def planned_by(self, session_id: str) -> list[Person]:
        async with self.sessions() as db:
            rows = await db.execute(
                select(*_PERSON_COLUMNS)
                .join(PlanItem, PlanItem.user_id == User.id)
                .where(PlanItem.session_id == session_id)
            )
            return _people(rows)

    # Reminders -----------------------------------------------------------------------------

    async def subscribers(self, session_id: str, lead_minutes: int, visit: bool) -> list[Person]:
        """Users who want a reminder `lead_minutes` before this session (not blocked)."""
        await self.flush()  # Messenger's 24-hour window reads the stamps
        lead_column = Preference.visit_lead_minutes if visit else Preference.lead_minutes
        in_plan = select(PlanItem.user_id).where(PlanItem.session_id == session_id)
        async with self.sessions() as db:
            rows = await db.execute(
                select(*_PERSON_COLUMNS)
                .join(Preference, Preference.user_id == User.id)
                .where(
                    User.blocked_at.is_(None),
                    Preference.reminders.is_(True),
                    lead_column == lead_minutes,
                    or_(Preference.scope == Scope.ALL.value, User.id.in_(in_plan)),
                )
                .order_by(User.id)
            )
            return _people(rows)

    async def lead_times(self) -> set[tuple[int, bool]]:
        """Every (lead, for visits) some subscriber uses: the jobs worth scheduling."""
        async with self.sessions() as db:
            rows = await db.execute(
                select(Preference.lead_minutes, Preference.visit_lead_minutes)
                .where(Preference.reminders.is_(True))
                .distinct()
            )
            pairs = rows.all()
        return {(lead, False) for lead, _ in pairs} | {(visit, True) for _, visit in pairs}

    # The ledger ----------------------------------------------------------------------------

    async def claim(
        self,
        people: Sequence[Person],
        kind: DeliveryKind,
        key: str,
        now: datetime,
        stale_after: timedelta = STALE_CLAIM,
    ) -> list[Claim]:
        """Claim (user, kind, key) rows for whoever has none yet, plus claims stale from a crash.

        The unique constraint decides between processes: of two that try, one inserts the row.
        """
        if not people:
            return []
        by_id = {p.id: p for p in people}
        async with self._writing() as db:
            # One statement with the rows as parameters (SQLAlchemy's "insertmanyvalues"), not the
            # rows inlined into it: the statement is then compiled once and cached, not per batch.
            statement = (
                self._insert(Delivery).on_conflict_do_nothing().returning(Delivery.id, Delivery.user_id)
            )
            rows = [
                {
                    "user_id": p.id,
                    "kind": kind.value,
                    "key": key,
                    "status": DeliveryStatus.CLAIMED.value,
                    "claimed_at": now,
                    "attempts": 1,
                }
                for p in people
            ]
            claimed = [(row.id, row.user_id) for row in await db.execute(statement, rows)]
            # A claim nobody finished (the process died mid-send): take it over, atomically.
            stale = (
                update(Delivery)
                .where(
                    Delivery.kind == kind.value,
                    Delivery.key == key,
                    Delivery.status == DeliveryStatus.CLAIMED.value,
                    Delivery.claimed_at < now - stale_after,
                    Delivery.user_id.in_(list(by_id)),
                )
                .values(claimed_at=now, attempts=Delivery.attempts + 1)
                .returning(Delivery.id, Delivery.user_id)
            )
            claimed += [(row.id, row.user_id) for row in await db.execute(stale)]
        return [Claim(delivery_id, by_id[user_id]) for delivery_id, user_id in claimed]

    async def finish(
        self, delivery_id: int, status: DeliveryStatus, now: datetime, error: str | None = None
    ) -> None:
        await self.finish_many([(delivery_id, status, error)], [], now)

    async def finish_many(
        self,
        outcomes: Sequence[tuple[int, DeliveryStatus, str | None]],
        blocked: Sequence[int],
        now: datetime,
    ) -> None:
        """Record a batch of outcomes (and people who blocked the bot) in one transaction."""
        if not outcomes and not blocked:
            return
        async with self._writing() as db:
            for status in DeliveryStatus:
                for error in {e for _, st, e in outcomes if st is status}:
                    ids = [i for i, st, e in outcomes if st is status and e == error]
                    await db.execute(
                        update(Delivery)
                        .where(Delivery.id.in_(ids))
                        .values(
                            status=status.value,
                            sent_at=now if status is DeliveryStatus.SENT else None,
                            error=error,
                        )
                    )
            if blocked:
                await db.execute(update(User).where(User.id.in_(list(blocked))).values(blocked_at=now))

    async def unfinished(self, kind: DeliveryKind, key: str) -> int:
        """Claims for this key still not finished: in flight elsewhere, or left by a crash."""
        async with self.sessions() as db:
            count = await db.scalar(
                select(func.count()).where(
                    Delivery.kind == kind.value,
                    Delivery.key == key,
                    Delivery.status == DeliveryStatus.CLAIMED.value,
                )
            )
        return count or 0

    async def deliveries(self, kind: DeliveryKind, key: str) -> dict[int, str]:
        """user id → status, for one delivery key (tests and statistics)."""
        async with self.sessions() as db:
            rows = await db.execute(
                select(Delivery.user_id, Delivery.status).where(
                    Delivery.kind == kind.value, Delivery.key == key
                )
            )
            return {user_id: status for user_id, status in rows.all()}

    # Announcements -------------------------------------------------------------------------

    async def reachable(self, after: int = 0, limit: int | None = None) -> list[Person]:
        """Everyone who has not blocked the bot, by id: the audience of an announcement; a page of
        at most `limit` people with ids above `after`, so 100,000 people need not be held at once."""
        await self.flush()
        async with self.sessions() as db:
            page = (
                select(*_PERSON_COLUMNS)
                .where(User.blocked_at.is_(None), User.id > after)
                .order_by(User.id)
                .limit(limit)
            )
            rows = await db.execute(page)
            return _people(rows)

    async def create_announcement(self, text: str, author: str, now: datetime) -> int:
        async with self._writing() as db:
            values = {"text": text, "author": author, "created_at": now}
            statement = insert(Announcement).values(values).returning(Announcement.id)
            return int((await db.execute(statement)).scalar_one())

    async def announcement(self, announcement_id: int) -> Announcement | None:
        async with self.sessions() as db:
            return await db.get(Announcement, announcement_id)

    async def confirm_announcement(self, announcement_id: int, now: datetime) -> bool:
        """Mark a draft confirmed; False if it was already confirmed (a double tap sends once)."""
        async with self._writing() as db:
            result = await db.execute(
                update(Announcement)
                .where(Announcement.id == announcement_id, Announcement.confirmed_at.is_(None))
                .values(confirmed_at=now)
            )
        return bool(result.rowcount)

    async def finish_announcement(self, announcement_id: int, now: datetime) -> None:
        async with self._writing() as db:
            await db.execute(
                update(Announcement).where(Announcement.id == announcement_id).values(finished_at=now)
            )

    async def unfinished_announcements(self) -> list[Announcement]:
        """Confirmed but not finished: a crash interrupted their sending."""
        async with self.sessions() as db:
            rows = await db.scalars(
                select(Announcement)
                .where(Announcement.confirmed_at.is_not(None), Announcement.finished_at.is_(None))
                .order_by(Announcement.id)
            )
            return list(rows)

    # Statistics ----------------------------------------------------------------------------

    async def record_unanswered(self, text: str, now: datetime) -> None:
        """Keep a question the bot could not answer, written now; only the newest
        `UNANSWERED_KEPT` stay, so a flood of nonsense cannot fill the disk."""
        self.note_unanswered(text, now)
        await self.flush()

    def note_unanswered(self, text: str, now: datetime) -> None:
        """Keep a question the bot could not answer, written behind the answer."""
        self._pending.unanswered(text, now)

    async def _write_unanswered(self, questions: Sequence[tuple[str, datetime]]) -> None:
        table = _table(UnansweredQuestion)
        rows = [{"text": text[:300], "asked_at": at} for text, at in questions]
        newest = select(func.max(table.c.id)).scalar_subquery()

        def write(db: Connection) -> None:
            db.execute(insert(table), rows)
            db.execute(delete(table).where(table.c.id <= newest - UNANSWERED_KEPT))

        await self._write(write)

    async def statistics(self, top: int = 10) -> Statistics:
        await self.flush()
        async with self.sessions() as db:
            users = await db.scalar(select(func.count()).select_from(User)) or 0
            blocked = await db.scalar(select(func.count()).where(User.blocked_at.is_not(None))) or 0
            subscribers = (
                await db.scalar(
                    select(func.count())
                    .select_from(Preference)
                    .join(User, User.id == Preference.user_id)
                    .where(and_(Preference.reminders.is_(True), User.blocked_at.is_(None)))
                )
                or 0
            )
            counts = dict(
                (
                    await db.execute(
                        select(Delivery.status, func.count())
                        .where(Delivery.kind == DeliveryKind.REMINDER.value)
                        .group_by(Delivery.status)
                    )
                ).all()
            )
            channels = dict(
                (await db.execute(select(User.channel, func.count()).group_by(User.channel))).all()
            )
            withheld = (
                await db.scalar(
                    select(func.count()).where(
                        Delivery.status == DeliveryStatus.SKIPPED.value, Delivery.error == "withheld"
                    )
                )
                or 0
            )
            questions = (
                await db.execute(
                    select(func.lower(UnansweredQuestion.text), func.count())
                    .group_by(func.lower(UnansweredQuestion.text))
                    .order_by(func.count().desc())
                    .limit(top)
                )
            ).all()
        return Statistics(
            users,
            blocked,
            subscribers,
            counts.get(DeliveryStatus.SENT.value, 0),
            counts.get(DeliveryStatus.FAILED.value, 0),
            counts.get(DeliveryStatus.SKIPPED.value, 0),
            [(text, count) for text, count in questions],
            channels,
            withheld,
        )
