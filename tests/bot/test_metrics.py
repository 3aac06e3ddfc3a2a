"""The metrics: named by Prometheus' conventions, one registry per application."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics


def sample(exposition: bytes | str, name: str, **labels: str) -> float:
    """A sample's value in Prometheus' text format; 0 when the series is not there yet."""
    text = exposition.decode() if isinstance(exposition, bytes) else exposition
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def test_two_applications_count_apart() -> None:
    first, second = Metrics(), Metrics()
    first.update("telegram", "message")
    first.update("telegram", "message")
    second.update("messenger", "callback")
    assert sample(first.exposition(), "eventbot_updates_total", channel="telegram", kind="message") == 2
    assert sample(second.exposition(), "eventbot_updates_total", channel="telegram", kind="message") == 0
    assert sample(second.exposition(), "eventbot_updates_total", channel="messenger", kind="callback") == 1


def test_names_follow_the_conventions() -> None:
    metrics = Metrics()
    metrics.answered("telegram", "now", 0.002, fallback=False)
    metrics.answered("telegram", "fallback", 0.001, fallback=True)
    metrics.platform_error("telegram", 429)
    text = metrics.exposition().decode()
    names = {s.name for family in text_string_to_metric_families(text) for s in family.samples}
    assert all(name.startswith("eventbot_") for name in names)
    counters = [f for f in text_string_to_metric_families(text) if f.type == "counter"]
    assert counters and all(s.name.endswith(("_total", "_created")) for f in counters for s in f.samples)
    assert "eventbot_answer_seconds_bucket" in names
    assert sample(text, "eventbot_questions_total", channel="telegram", intent="now") == 1
    assert sample(text, "eventbot_fallbacks_total", channel="telegram") == 1
    assert sample(text, "eventbot_answer_seconds_count", channel="telegram") == 2
    assert sample(text, "eventbot_platform_errors_total", platform="telegram", code="429") == 1


def test_no_label_names_a_person() -> None:
    """Labels are bounded sets: a chat id or a text would make a series per person."""
    metrics = Metrics()
    labels = {
        label
        for collector in (
            metrics.updates,
            metrics.questions,
            metrics.fallbacks,
            metrics.answer_seconds,
            metrics.deliveries,
            metrics.platform_errors,
            metrics.reloads,
            metrics.source_polls,
        )
        for label in collector._labelnames
    }
    assert labels == {"channel", "kind", "intent", "outcome", "platform", "code", "result"}
