"""What counts as an outage — Telegram, Meta or the database away for a while — rather than a bug.

An outage is logged in one line at WARNING (bot/logs.py: `OutageFilter`), however the library
that met it chose to log it: while Telegram is down, PTB's polling loop, our error handler, the
reminder fan-out and APScheduler would otherwise each print a thirty-line traceback per retry.
"""

from __future__ import annotations

import errno
import socket

import aiohttp
import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.logs import quiet_outages
from bot.store.store import database_outage
from handlers.messenger.graph import GraphError, Problem

_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)


def is_outage(exc: BaseException) -> bool:
    """Network trouble on the way to Telegram or Meta, a flood wait, or the database away."""
    if isinstance(exc, BadRequest):  # PTB's BadRequest is a NetworkError, but it is our mistake
        return False
    if isinstance(exc, NetworkError | RetryAfter | httpx.TransportError | aiohttp.ClientError):
        return True
    if isinstance(exc, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(exc, OSError) and exc.errno in _NETWORK_ERRNOS:
        return True
    if isinstance(exc, GraphError) and exc.problem is Problem.RETRY:
        return True
    return database_outage(exc)


def log_outages_briefly() -> None:
    """From now on every outage is one log line (a traceback only at BOT_LOG_LEVEL=DEBUG)."""
    quiet_outages(is_outage)
