"""Log lines: repeated warnings bounded (a flood of bad requests cannot flood the log)."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime

import pytest

from bot.logs import REDACTED, JsonFormatter, RepeatFilter, configure_logging


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _logger(filter_: RepeatFilter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(filter_)
    logger = logging.getLogger(f"test.repeat.{id(filter_)}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger, stream


def test_a_flood_of_one_warning_is_cut_to_a_burst_a_minute_and_counted() -> None:
    clock = _Clock()
    logger, stream = _logger(RepeatFilter(burst=5, window=60, clock=clock))
    for i in range(100):
        logger.warning("webhook: request %d refused", i)
        clock.now += 0.1  # ten seconds in all: one window
    lines = stream.getvalue().splitlines()
    assert len(lines) == 6 and "not shown for a minute" in lines[-1]
    clock.now += 60
    logger.warning("webhook: request %d refused", 100)
    last = stream.getvalue().splitlines()[-1]
    assert last == "webhook: request 100 refused [94 more like this not shown in the last minute]"


def test_other_kinds_and_other_levels_are_not_held_back() -> None:
    clock = _Clock()
    logger, stream = _logger(RepeatFilter(burst=2, clock=clock))
    for i in range(10):
        logger.warning("first kind %d", i)
        logger.warning("second kind %d", i)
        logger.error("a bug %d", i)
        logger.info("progress %d", i)
    text = stream.getvalue()
    assert text.count("first kind") == 3 and text.count("second kind") == 3
    assert text.count("a bug") == 10 and text.count("progress") == 10


# BOT_LOG_FORMAT=json -------------------------------------------------------------------------

SECRET = "123456:AAH-secret_token"


def _json_logger() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter([SECRET]))
    logger = logging.getLogger(f"test.json.{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger, stream


def test_json_lines_are_one_object_each_with_the_usual_fields_and_extras() -> None:
    logger, stream = _json_logger()
    logger.warning("reminder %s: %d sent", "otwarcie@2023-11-30T09:00", 12, extra={"sent": 12, "kind": "x"})
    logger.info("zażółć gęślą jaźń")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == logger.name
    assert first["message"] == "reminder otwarcie@2023-11-30T09:00: 12 sent"
    assert first["sent"] == 12 and first["kind"] == "x"
    assert datetime.fromisoformat(first["time"]).tzinfo is not None
    assert not {"args", "msg", "levelno", "pathname", "exc_info"} & set(first)
    assert second["message"] == "zażółć gęślą jaźń"


def test_json_keeps_a_traceback_on_its_line_and_never_a_secret() -> None:
    logger, stream = _json_logger()
    try:
        raise RuntimeError(f"https://api.telegram.org/bot{SECRET}/getMe failed")
    except RuntimeError:
        logger.exception("call failed for %s", SECRET, extra={"url": f"/bot{SECRET}/x", "token": SECRET})
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert "RuntimeError" in entry["exception"] and "Traceback" in entry["exception"]
    assert SECRET not in line and "AAH-secret" not in line
    assert entry["message"] == f"call failed for {REDACTED}" and entry["token"] == REDACTED


def test_configure_logging_json_makes_every_root_line_json(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    monkeypatch.setattr(root, "handlers", [handler])
    monkeypatch.setattr(root, "level", logging.INFO)  # basicConfig leaves it when handlers exist
    # An in-process uvicorn of an earlier test may have given its loggers their own handlers.
    for name in ("uvicorn", "uvicorn.error"):
        for attribute, value in (("handlers", []), ("propagate", True), ("disabled", False), ("level", 0)):
            monkeypatch.setattr(logging.getLogger(name), attribute, value)
    configure_logging("INFO", [SECRET], "json")
    logging.getLogger("uvicorn.error").warning("Invalid HTTP request received.")
    logging.getLogger("bot.x").info("token %s", SECRET)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [e["logger"] for e in lines] == ["uvicorn.error", "bot.x"]
    assert lines[1]["message"] == f"token {REDACTED}"
