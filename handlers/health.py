"""`/healthz`, `/readyz` and `/metrics`: what a load balancer, an orchestrator and Prometheus ask.

`/healthz` says the process serves (always 200). `/readyz` says whether it should get traffic:
200 when the database answers and the data is loaded, 503 otherwise — that is its meaning, not a
failure of ours. Anyone who can reach the port can call these, as often as they like: the
database is asked at most once a second whatever the request rate, and the answers hold no
secret and nothing about any person.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.assistant import Assistant
from bot.logs import one_line
from bot.metrics import CONTENT_TYPE, Metrics
from bot.store.store import Store
from scheduler.leadership import Leadership

logger = logging.getLogger(__name__)

DATABASE_TIMEOUT = 2.0  # seconds; a probe must answer well within a load balancer's own timeout
RECHECK_AFTER = 1.0  # seconds a database check is reused for


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


class Health:
    def __init__(
        self,
        store: Store,
        assistant: Callable[[], Assistant | None],
        leadership: Leadership,
        metrics: Metrics,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.assistant = assistant  # read per request: a reload swaps the assistant
        self.leadership = leadership
        self.metrics = metrics
        self.clock = clock
        self._checked: tuple[float, bool] | None = None  # (when, database answered)
        self._checking = asyncio.Lock()

    async def database_ok(self) -> bool:
        """`SELECT 1` within `DATABASE_TIMEOUT`; callers within `RECHECK_AFTER` share one check."""
        async with self._checking:
            if self._checked is not None and self.clock() - self._checked[0] < RECHECK_AFTER:
                return self._checked[1]
            was = self._checked[1] if self._checked is not None else True
            try:
                await asyncio.wait_for(self._ping(), DATABASE_TIMEOUT)
            except Exception as exc:  # whatever went wrong, the answer is "not ready", never a 500
                ok = False
                if was:
                    logger.warning("readiness: database %s not reachable (%s)", self.store.url, one_line(exc))
            else:
                ok = True
                if not was:
                    logger.warning("readiness: database %s reachable again", self.store.url)
            self._checked = (self.clock(), ok)
            return ok

    async def _ping(self) -> None:
        async with self.store.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Ready or not, and the JSON that says why."""
        database = await self.database_ok()
        assistant = self.assistant()
        data: dict[str, Any] = {"loaded": assistant is not None}
        if assistant is not None:
            conference = assistant.conference
            data |= {"event": conference.event.name, "sessions": len(conference.sessions)}
        ready = database and assistant is not None
        body = {
            "status": "ready" if ready else "not ready",
            "database": "ok" if database else "failed",
            "data": data,
            "scheduler": self.leadership.held,
        }
        return ready, body

    async def readyz(self, request: Request) -> JSONResponse:
        ready, body = await self.readiness()
        if ready:
            return JSONResponse(body)
        return JSONResponse(body, status_code=HTTPStatus.SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})

    async def metrics_text(self, request: Request) -> Response:
        return Response(self.metrics.exposition(), media_type=CONTENT_TYPE)

    def routes(self) -> list[Route]:
        return [
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", self.readyz, methods=["GET"]),
            Route("/metrics", self.metrics_text, methods=["GET"]),
        ]
