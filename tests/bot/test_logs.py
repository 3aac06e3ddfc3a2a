"""Log lines: repeated warnings bounded (a flood of bad requests cannot flood the log)."""

from __future__ import annotations

import io
import logging

from bot.logs import RepeatFilter


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
