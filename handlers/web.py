"""The web server every webhook shares: uvicorn on BOT_HOST:BOT_PORT, `GET /healthz` (with `run`
also `/readyz` and `/metrics`, handlers/health.py), and a gate that keeps Telegram's webhook shut
while PTB is not running."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import AsyncIterator, Sequence
from http import HTTPStatus

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.config import ConfigError
from handlers.health import Health, healthz


def build_web_app(routes: Sequence[BaseRoute], health: Health | None = None) -> Starlette:
    """Channel webhooks plus `GET /healthz` for the load balancer or the organiser's curl, and
    `/readyz` and `/metrics` when there is a `health` to answer them."""
    probes = health.routes() if health is not None else [Route("/healthz", healthz, methods=["GET"])]
    return Starlette(routes=[*routes, *probes])


class TelegramGate:
    """Telegram's webhook answers 503 until PTB is running.

    Telegram keeps an update it could not deliver and tries again later, so nothing is lost; and
    while Telegram cannot be reached to answer anyway, updates do not pile up in our memory.
    """

    def __init__(self) -> None:
        self.open = False

    def guard(self, routes: Sequence[BaseRoute]) -> list[BaseRoute]:
        return [self._guarded(r) if isinstance(r, Route) else r for r in routes]

    def _guarded(self, route: Route) -> Route:
        endpoint = route.endpoint

        async def guarded(request: Request) -> Response:
            if not self.open:
                return PlainTextResponse(
                    "starting", status_code=HTTPStatus.SERVICE_UNAVAILABLE, headers={"Retry-After": "10"}
                )
            response: Response = await endpoint(request)
            return response

        return Route(route.path, guarded, methods=sorted(route.methods or ()), name=route.name)


def _listening_socket(host: str, port: int, setting: str = "BOT_PORT") -> socket.socket:
    """A socket bound to host:port, or `ConfigError` naming BOT_HOST and `setting` and why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ConfigError(f"BOT_HOST: nieznany adres {host!r} ({exc.strerror})") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            why = f"ten port jest już zajęty — czy działa już inny bot albo inny serwer? zmień {setting}"
        elif exc.errno == errno.EACCES:
            why = "brak uprawnień — porty poniżej 1024 wymagają uprawnień administratora"
        elif exc.errno == errno.EADDRNOTAVAIL:
            why = "ten komputer nie ma takiego adresu — zmień BOT_HOST"
        else:
            why = exc.strerror or type(exc).__name__
        raise ConfigError(f"BOT_HOST/{setting}: nie można nasłuchiwać na {host}:{port} — {why}") from None
    return sock


@contextlib.asynccontextmanager
async def web_server(
    routes: Sequence[BaseRoute],
    host: str,
    port: int,
    health: Health | None = None,
    setting: str = "BOT_PORT",
) -> AsyncIterator[asyncio.Task[None]]:
    """uvicorn serving the webhooks on host:port; yields the serving task (done = it stopped).

    The socket is bound here, not by uvicorn: a port already taken is then a message naming the
    setting (`ConfigError`), not uvicorn's `SystemExit` from inside the event loop.
    """
    sock = _listening_socket(host, port, setting)
    # log_config=None: uvicorn's own lines go through the root logger, so they are redacted and,
    # with BOT_LOG_FORMAT=json, JSON like every other line.
    config = uvicorn.Config(
        build_web_app(routes, health),
        host=host,
        port=port,
        log_level="warning",
        log_config=None,
        # No access log: its lines would be dropped at this level anyway, but uvicorn formats each
        # request's path for it first (a tenth of a webhook request's own CPU, bench_messenger).
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started and not serving.done():
            await asyncio.sleep(0.01)
        if serving.done():
            raise ConfigError(f"BOT_HOST/{setting}: serwer WWW na {host}:{port} nie wystartował")
        yield serving
    finally:
        server.should_exit = True
        with contextlib.suppress(SystemExit):  # uvicorn exits that way when its start fails
            await serving
        sock.close()
