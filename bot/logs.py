"""Logging set-up that never writes a secret, whatever a library puts in a message or traceback."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[ukryte]"
# What every LogRecord has; anything else on a record came in through `extra=` and is written as
# a field of its own in JSON lines.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's message again, with terminal colours
}
# httpx logs every request URL at INFO, and Telegram's URLs carry the bot token; APScheduler
# logs every job it adds and runs (hundreds at start) — our own summary lines say enough.
_CHATTY = ("httpx", "httpcore", "apscheduler", "alembic")


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then blanks out every secret in the whole record, traceback included."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(RedactingFormatter):
    """One JSON object per line, for log collectors (BOT_LOG_FORMAT=json): time (UTC, ISO 8601),
    level, logger, message, the fields a call passed in `extra=`, and a traceback as one string.

    Every string is redacted before it is encoded: JSON escapes could otherwise hide a secret
    from the search-and-replace.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(FORMAT, secrets)

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_") and key not in entry:
                entry[key] = self._value(value)
        if record.exc_info:
            entry["exception"] = self.redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = self.redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = self.redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)

    def _value(self, value: object) -> object:
        if value is None or isinstance(value, bool | int | float):
            return value
        return self.redact(str(value))


class RepeatFilter(logging.Filter):
    """At most `burst` WARNING lines a minute of one kind (one logger, one message template).

    Anyone on the internet can send the webhooks a thousand bad requests a second, and each is
    refused with a WARNING: without a bound the log (and the disk under it) grows as fast as the
    attacker likes. The first line after a quiet spell says how many were held back.
    """

    MAX_KINDS = 10_000  # kinds remembered; a flood of distinct templates cannot grow this either

    def __init__(self, burst: int = 20, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.burst = burst
        self.window = window
        self.clock = clock
        self._kinds: dict[tuple[str, str], list[float]] = {}  # kind → [window start, lines in it]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        kind = (record.name, str(record.msg))
        now = self.clock()
        counted = self._kinds.get(kind)
        if counted is None or now - counted[0] >= self.window:
            held = int(counted[1]) - self.burst - 1 if counted is not None else 0
            if len(self._kinds) >= self.MAX_KINDS:
                self._kinds.clear()
            self._kinds[kind] = [now, 1]
            if held > 0:
                record.msg = f"{record.msg} [{held} more like this not shown in the last minute]"
            return True
        counted[1] += 1
        if counted[1] == self.burst + 1:
            record.msg = f"{record.msg} [more like this are not shown for a minute]"
        return counted[1] <= self.burst + 1


def configure_logging(level: str, secrets: Iterable[str] = (), log_format: str = "text") -> None:
    """Root logging at `level`, as text lines or JSON objects (`log_format`); any handler already
    there gets the redacting formatter too, and a bound on repeated warnings (`RepeatFilter`)."""
    logging.basicConfig(level=level.upper(), format=FORMAT)
    formatter = JsonFormatter(secrets) if log_format == "json" else RedactingFormatter(FORMAT, secrets)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
        if not any(isinstance(f, RepeatFilter) for f in handler.filters):
            handler.addFilter(RepeatFilter())
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))


class OutageFilter(logging.Filter):
    """Turns an outage's traceback into one line: a library logging a network failure at ERROR
    with the whole traceback would print thirty lines per retry while Telegram or the database
    is away. Such a record (one whose exception `is_outage` recognises) becomes a WARNING with the
    exception's type and message appended; `BOT_LOG_LEVEL=DEBUG` keeps the traceback.
    """

    def __init__(self, is_outage: Callable[[BaseException], bool]) -> None:
        super().__init__()
        self.is_outage = is_outage

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
            return True
        if not self.is_outage(exc):
            return True
        message, summary, kind = record.getMessage(), one_line(exc), type(exc).__name__
        if message.endswith(kind):  # "update 7: NetworkError" says the type already
            summary = summary.removeprefix(kind).removeprefix(": ")
        record.msg = f"{message}: {summary}" if summary else message
        record.args = None
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def one_line(exc: BaseException, limit: int = 200) -> str:
    """`Type: message` on one line, shortened: what an operator needs to know about a failure."""
    message = " ".join(str(exc).split())
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def quiet_outages(is_outage: Callable[[BaseException], bool]) -> None:
    """Every root handler logs outages as one line (see `OutageFilter`); idempotent."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OutageFilter) for f in handler.filters):
            handler.addFilter(OutageFilter(is_outage))
