"""Prometheus metrics: what the bot counts, in one registry per application.

Each application (a `run` process, or an app a test builds) owns its `Metrics`, so several can
live in one process without sharing counters; prometheus-client's global registry is not used.
Labels are bounded sets (channels, kinds, intents, outcomes, status codes) — never a person, a
chat or a text, so the number of series stays small whatever people write.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

PREFIX = "eventbot"
CONTENT_TYPE = CONTENT_TYPE_LATEST
# Answers are computed in about a millisecond; the upper buckets catch a slow database or a
# loaded machine.
ANSWER_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        self.updates = Counter(
            "updates",
            "Updates received, by channel and kind (message, callback, command, other)",
            ["channel", "kind"],
            namespace=PREFIX,
            registry=registry,
        )
        self.questions = Counter(
            "questions",
            "Questions answered by the assistant, by channel and intent",
            ["channel", "intent"],
            namespace=PREFIX,
            registry=registry,
        )
        self.fallbacks = Counter(
            "fallbacks",
            "Questions the assistant could not answer (the fallback reply), by channel",
            ["channel"],
            namespace=PREFIX,
            registry=registry,
        )
        self.answer_seconds = Histogram(
            "answer_seconds",
            "Time to compute the answer to a question, by channel",
            ["channel"],
            namespace=PREFIX,
            registry=registry,
            buckets=ANSWER_BUCKETS,
        )
        self.reminders_scheduled = Gauge(
            "reminders_scheduled",
            "Reminder jobs (session, lead time) in the scheduler after the last rebuild",
            namespace=PREFIX,
            registry=registry,
        )
        self.deliveries = Counter(
            "deliveries",
            "Messages the bot sent on its own (reminder, announcement, change), by outcome "
            "(sent, failed, blocked, withheld, no_channel)",
            ["kind", "outcome"],
            namespace=PREFIX,
            registry=registry,
        )
        self.fanout_backlog = Gauge(
            "fanout_backlog",
            "Messages of fan-outs in progress not sent yet",
            namespace=PREFIX,
            registry=registry,
        )
        self.platform_errors = Counter(
            "platform_errors",
            "Error answers from Telegram's Bot API and Meta's Graph API, by HTTP status "
            "('network' when no answer came), retries included",
            ["platform", "code"],
            namespace=PREFIX,
            registry=registry,
        )
        self.reloads = Counter(
            "programme_reloads",
            "Programme reloads (/przeladuj, an upload, a changed source), by result (ok, failed)",
            ["result"],
            namespace=PREFIX,
            registry=registry,
        )
        self.source_polls = Counter(
            "source_polls",
            "Polls of the programme's source URL, by result (unchanged, changed, failed)",
            ["result"],
            namespace=PREFIX,
            registry=registry,
        )
        self.scheduler_leader = Gauge(
            "scheduler_leader",
            "1 while this process runs the reminder scheduler, else 0",
            namespace=PREFIX,
            registry=registry,
        )

    def _child(self, metric: Any, *labels: str) -> Any:
        """A metric's labelled child, looked up once: `labels()` checks and locks on every call,
        and every update passes here (bench/bench_messenger.py)."""
        key = (id(metric), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def update(self, channel: str, kind: str) -> None:
        self._child(self.updates, channel, kind).inc()

    def answered(self, channel: str, intent: str, seconds: float, fallback: bool) -> None:
        """One question answered: its intent, whether it fell back, how long the answer took."""
        self._child(self.questions, channel, intent).inc()
        if fallback:
            self._child(self.fallbacks, channel).inc()
        self._child(self.answer_seconds, channel).observe(seconds)

    def platform_error(self, platform: str, code: int | str) -> None:
        self.platform_errors.labels(platform, str(code)).inc()

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
