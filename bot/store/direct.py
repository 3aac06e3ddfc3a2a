"""The statements every update runs, on PostgreSQL: through asyncpg directly, on a pool of their own.

Claiming an update, asking whether a session is in someone's plan, and reading a person's id or
reminder settings happen for (almost) every update. Through SQLAlchemy's session and pool each
cost 2–3 ms of CPU here (the ORM unit of work, compiling, the pool's pre-ping, asyncpg's reset on
release); the same statement prepared on a plain asyncpg pool 0.2–0.35 ms, and claims that arrive
while one is in flight go together in one statement. Each statement runs alone in its own
implicit transaction, so nothing is left on a connection between uses and the pool skips
asyncpg's reset round trip (`_no_reset`).

The pool opens no connection until the first statement and reconnects by itself after an
outage; errors propagate to the caller as they would through SQLAlchemy, and the caller's outage
handling (`database_outage`) recognises asyncpg's own exceptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

POOL_SIZE = 4  # connections at most; statements take well under a millisecond each
CONNECT_TIMEOUT = 10.0

# Claims waiting while one is in flight go together: one statement, one round trip, for all.
_CLAIM = (
    "INSERT INTO handled_updates (channel, key, handled_at) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) "
    "ON CONFLICT DO NOTHING RETURNING channel, key"
)
_IN_PLAN = (
    "SELECT EXISTS (SELECT 1 FROM plan_items p JOIN users u ON u.id = p.user_id "
    "WHERE u.channel = $1 AND u.chat_id = $2 AND p.session_id = $3)"
)
_PERSON = "SELECT id, blocked_at, last_seen_at FROM users WHERE channel = $1 AND chat_id = $2"
_PREFERENCES = "SELECT reminders, lead_minutes, visit_lead_minutes, scope FROM preferences WHERE user_id = $1"
Claim = tuple[str, str, datetime, "asyncio.Future[bool]"]


async def _no_reset(connection: asyncpg.Connection) -> None:
    """Nothing to reset: no statement here leaves state on its connection (see the module)."""


def connect_arguments(engine: AsyncEngine) -> dict[str, Any]:
    """What SQLAlchemy's asyncpg dialect would pass to `asyncpg.connect` for this engine's URL."""
    _args, options = engine.dialect.create_connect_args(engine.url)
    accepted = inspect.signature(asyncpg.connect).parameters
    arguments = {name: value for name, value in options.items() if name in accepted}
    arguments.setdefault("timeout", CONNECT_TIMEOUT)
    return arguments


class DirectQueries:
    def __init__(self, engine: AsyncEngine, size: int = POOL_SIZE) -> None:
        self._arguments = connect_arguments(engine)
        self._size = size
        self._pool: asyncpg.Pool | None = None
        self._creating = asyncio.Lock()
        self._claims: list[Claim] = []
        self._claiming: asyncio.Task[None] | None = None

    async def _ready(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._creating:
                if self._pool is None:
                    # min_size=0: creating the pool connects nothing, so it cannot fail here.
                    self._pool = await asyncpg.create_pool(
                        min_size=0, max_size=self._size, reset=_no_reset, **self._arguments
                    )
        return self._pool

    async def claim_update(self, channel: str, key: str, now: datetime) -> bool:
        """True for the one caller (of any process) whose row goes in first."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._claims.append((channel, key, now, future))
        if self._claiming is None:
            self._claiming = asyncio.get_running_loop().create_task(self._claim_waiting())
        return await future

    async def _claim_waiting(self) -> None:
        try:
            while self._claims:
                batch, self._claims = self._claims, []
                try:
                    pool = await self._ready()
                    rows = await pool.fetch(
                        _CLAIM, [c[0] for c in batch], [c[1] for c in batch], [c[2] for c in batch]
                    )
                except Exception as exc:
                    for *_, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                taken = {(row["channel"], row["key"]) for row in rows}
                for channel, key, _now, future in batch:
                    # The same update twice in one batch: only its first caller answers it.
                    won = (channel, key) in taken
                    taken.discard((channel, key))
                    if not future.done():
                        future.set_result(won)
        finally:
            self._claiming = None
            for *_, future in self._claims:  # cancelled mid-way (shutdown): nobody is left waiting
                future.cancel()
            self._claims = []

    async def in_plan(self, channel: str, chat_id: str, session_id: str) -> bool:
        pool = await self._ready()
        return bool(await pool.fetchval(_IN_PLAN, channel, chat_id, session_id))

    async def person(self, channel: str, chat_id: str) -> tuple[int, datetime | None, datetime] | None:
        """(id, blocked at, last seen) of a known user, or None."""
        pool = await self._ready()
        row = await pool.fetchrow(_PERSON, channel, chat_id)
        return None if row is None else (row["id"], row["blocked_at"], row["last_seen_at"])

    async def preferences(self, user_id: int) -> tuple[bool, int, int, str] | None:
        """(reminders on, lead, lead for visits, scope) of a user who has set them, or None."""
        pool = await self._ready()
        row = await pool.fetchrow(_PREFERENCES, user_id)
        return None if row is None else (row[0], row[1], row[2], row[3])

    async def close(self) -> None:
        if self._claiming is not None:
            self._claiming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._claiming
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
