"""Events: outbox entries, CloudEvents-over-Kafka envelopes, the relay, consumers, dead letters."""

from slate.events.consumer import Consumer, Handler, dead_letter_headers, inbox_id
from slate.events.model import (
    CONTENT_TYPE,
    Envelope,
    OutboxEvent,
    PoisonMessage,
    context_from_trace_headers,
    current_trace_headers,
    headers_for,
)
from slate.events.relay import OutboxRelay, idempotent_producer
from slate.events.topics import dlq_topic, ensure_topics, topic_partitions

__all__ = [
    "CONTENT_TYPE",
    "Consumer",
    "Envelope",
    "Handler",
    "OutboxEvent",
    "OutboxRelay",
    "PoisonMessage",
    "context_from_trace_headers",
    "current_trace_headers",
    "dead_letter_headers",
    "dlq_topic",
    "ensure_topics",
    "headers_for",
    "idempotent_producer",
    "inbox_id",
    "topic_partitions",
]
