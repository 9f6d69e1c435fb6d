"""Event-pipeline metrics: one protocol, a Prometheus implementation, and a no-op default."""

from __future__ import annotations

from typing import Protocol

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge


class EventMetrics(Protocol):
    """What the relay and consumers report; names live in PrometheusEventMetrics only."""

    def published(self, topic: str, count: int) -> None: ...
    def outbox_depth(self, collection: str, depth: int) -> None: ...
    def relay_error(self) -> None: ...
    def consumed(self, topic: str, group: str, outcome: str) -> None: ...
    def dead_lettered(self, topic: str, group: str) -> None: ...
    def consumer_lag(self, topic: str, partition: int, group: str, lag: int) -> None: ...


class NoMetrics:
    """Discards everything (the default when a caller passes no metrics)."""

    def published(self, topic: str, count: int) -> None:
        """Discard."""

    def outbox_depth(self, collection: str, depth: int) -> None:
        """Discard."""

    def relay_error(self) -> None:
        """Discard."""

    def consumed(self, topic: str, group: str, outcome: str) -> None:
        """Discard."""

    def dead_lettered(self, topic: str, group: str) -> None:
        """Discard."""

    def consumer_lag(self, topic: str, partition: int, group: str, lag: int) -> None:
        """Discard."""


class PrometheusEventMetrics:
    """Outbox depth, published events, consumed outcomes, dead letters and lag as Prometheus."""

    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self._published = Counter(
            "slate_outbox_published",
            "Events published by the outbox relay",
            ["topic"],
            registry=registry,
        )
        self._depth = Gauge(
            "slate_outbox_depth",
            "Documents with unpublished events",
            ["collection"],
            registry=registry,
        )
        self._relay_errors = Counter(
            "slate_outbox_relay_errors",
            "Relay passes that failed and will be retried",
            registry=registry,
        )
        self._consumed = Counter(
            "slate_events_consumed",
            "Records handled by consumers, by outcome",
            ["topic", "group", "outcome"],
            registry=registry,
        )
        self._dead = Counter(
            "slate_events_dead_lettered",
            "Records sent to a dead-letter topic",
            ["topic", "group"],
            registry=registry,
        )
        self._lag = Gauge(
            "slate_consumer_lag",
            "Records behind the partition end",
            ["topic", "partition", "group"],
            registry=registry,
        )

    def published(self, topic: str, count: int) -> None:
        """Count events the relay has published."""
        self._published.labels(topic).inc(count)

    def outbox_depth(self, collection: str, depth: int) -> None:
        """Set how many documents still hold unpublished events."""
        self._depth.labels(collection).set(depth)

    def relay_error(self) -> None:
        """Count a failed relay pass."""
        self._relay_errors.inc()

    def consumed(self, topic: str, group: str, outcome: str) -> None:
        """Count a handled record: ok, duplicate or dead_lettered."""
        self._consumed.labels(topic, group, outcome).inc()

    def dead_lettered(self, topic: str, group: str) -> None:
        """Count a record sent to `<topic>.dlq`."""
        self._dead.labels(topic, group).inc()

    def consumer_lag(self, topic: str, partition: int, group: str, lag: int) -> None:
        """Set a partition's lag behind its high watermark."""
        self._lag.labels(topic, str(partition), group).set(lag)
