"""What the bot counts for monitoring: a ``Metrics`` protocol, a no-op, and Prometheus (optional).

``PrometheusMetrics`` needs ``pip install -e '.[metrics]'`` (prometheus-client) and is off by
default; ``serve`` starts its HTTP endpoint at the configured address. Metric names:

- ``topicbot_answers_total{intent,outcome}``: questions answered, by intent and outcome
- ``topicbot_misses_total``: answers recorded as misses (no topic, disambiguation, low confidence, feedback)
- ``topicbot_answer_latency_seconds``: time to answer a question (histogram)
- ``topicbot_store_errors_total``: usage-log writes that failed (the store was unavailable)
- ``topicbot_usage_dropped_total``: usage records dropped because the queue was full
- ``topicbot_change_events_total{action}``: change events delivered to this process
- ``topicbot_change_propagation_seconds``: from a change's commit to this process seeing it (histogram)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

from bot.core.changes import ChangeEvent
from bot.core.errors import TopicbotError

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

LATENCY_BUCKETS: Final = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
PROPAGATION_BUCKETS: Final = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class MetricsUnavailableError(TopicbotError):
    """Metrics were asked for but prometheus-client is not installed, or the address is unusable."""


class Metrics(Protocol):
    def answered(self, intent: str, outcome: str, latency_s: float | None) -> None: ...

    def store_error(self) -> None: ...

    def dropped(self) -> None: ...

    def changes(self, events: Sequence[ChangeEvent], now: datetime) -> None: ...


class NullMetrics:
    """Counts nothing (metrics are off)."""

    def answered(self, intent: str, outcome: str, latency_s: float | None) -> None:
        pass

    def store_error(self) -> None:
        pass

    def dropped(self) -> None:
        pass

    def changes(self, events: Sequence[ChangeEvent], now: datetime) -> None:
        pass


class PrometheusMetrics:
    """The metrics above in a ``prometheus_client`` registry (its own unless one is given)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        try:
            from prometheus_client import CollectorRegistry, Counter, Histogram
        except ImportError as error:
            raise MetricsUnavailableError("[metrics] enabled needs prometheus-client; install it with: "
                                          "pip install -e '.[metrics]'") from error
        self.registry = registry if registry is not None else CollectorRegistry()
        self._answers = Counter("topicbot_answers", "Questions answered, by intent and outcome",
                                ("intent", "outcome"), registry=self.registry)
        self._misses = Counter("topicbot_misses", "Answers recorded as misses", registry=self.registry)
        self._latency = Histogram("topicbot_answer_latency_seconds", "Time to answer a question",
                                  buckets=LATENCY_BUCKETS, registry=self.registry)
        self._store_errors = Counter("topicbot_store_errors", "Usage-log writes that failed",
                                     registry=self.registry)
        self._dropped = Counter("topicbot_usage_dropped", "Usage records dropped (queue full)",
                                registry=self.registry)
        self._changes = Counter("topicbot_change_events", "Change events delivered to this process", ("action",),
                                registry=self.registry)
        self._propagation = Histogram("topicbot_change_propagation_seconds",
                                      "From a change's commit to this process seeing it",
                                      buckets=PROPAGATION_BUCKETS, registry=self.registry)

    def answered(self, intent: str, outcome: str, latency_s: float | None) -> None:
        self._answers.labels(intent, outcome).inc()
        if outcome in {"miss", "disambiguation", "low_confidence", "feedback"}:
            self._misses.inc()
        if latency_s is not None:
            self._latency.observe(latency_s)

    def store_error(self) -> None:
        self._store_errors.inc()

    def dropped(self) -> None:
        self._dropped.inc()

    def changes(self, events: Sequence[ChangeEvent], now: datetime) -> None:
        for event in events:
            self._changes.labels(event.action).inc()
            self._propagation.observe(max(0.0, (now - event.created_at).total_seconds()))

    def exposition(self) -> bytes:
        """The metrics in the Prometheus text format."""
        from prometheus_client import generate_latest

        return generate_latest(self.registry)

    def serve(self, address: str) -> MetricsServer:
        """Serve ``/metrics`` at ``host:port`` in a thread; ``close()`` the result to stop it."""
        from prometheus_client import start_http_server

        host, _, port = address.rpartition(":")
        try:
            server, thread = start_http_server(int(port), addr=host or "127.0.0.1", registry=self.registry)
        except (OSError, ValueError) as error:
            raise MetricsUnavailableError(f"[metrics] address {address!r}: cannot serve there: {error}") from error
        return MetricsServer(server, thread)


class MetricsServer:
    """A running metrics endpoint (prometheus-client's WSGI server and its thread)."""

    def __init__(self, server: Any, thread: Any) -> None:  # noqa: ANN401 - prometheus-client's objects
        self._server = server
        self._thread = thread

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class ChangeMetrics:
    """A ``ChangeFeed`` subscriber that counts change events and their propagation delay."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, events: Sequence[ChangeEvent], /) -> None:
        self.metrics.changes(events, datetime.now(UTC))
