"""Logging set-up that never writes a secret, whatever a library puts in a message or traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[ukryte]"
# httpx logs every request URL at INFO, and Telegram's URLs carry the bot token; APScheduler
# logs every job it adds and runs (hundreds at start) — our own summary lines say enough.
_CHATTY = ("httpx", "httpcore", "apscheduler", "alembic")


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then blanks out every secret in the whole record, traceback included."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Root logging at `level`; any handler already there gets the redacting formatter too."""
    logging.basicConfig(level=level.upper(), format=FORMAT)
    formatter = RedactingFormatter(FORMAT, secrets)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
