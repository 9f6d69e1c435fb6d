"""Event value types: the outbox entry written with an aggregate, and the envelope a consumer gets.

Wire format is the CloudEvents Kafka protocol binding in binary mode: attributes travel as
`ce_*` headers, the record value is the serialized protobuf message, and W3C trace context rides
along in `traceparent`/`tracestate`.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from bson.binary import Binary
from google.protobuf.message import DecodeError, Message
from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

OUTBOX_FIELD = "_outbox"  # pending events inside an aggregate document
PENDING_FIELD = "_pending"  # True while OUTBOX_FIELD is non-empty (indexed; the relay's query)
SPECVERSION = "1.0"
CONTENT_TYPE = "application/protobuf"
_PROPAGATOR = TraceContextTextMapPropagator()

M = TypeVar("M", bound=Message)


class PoisonMessage(ValueError):
    """A record that can never be processed (bad CloudEvents headers or undecodable payload)."""


def _now() -> datetime:
    # BSON keeps milliseconds; truncate so what we hold equals what Mongo gives back.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def rfc3339(value: datetime) -> str:
    """Format an aware datetime as RFC 3339 in UTC with a `Z` suffix."""
    if value.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_rfc3339(value: str) -> datetime:
    """Parse an RFC 3339 timestamp into an aware UTC datetime; a naive one is rejected."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without offset: {value!r}")
    return parsed.astimezone(UTC)


def current_trace_headers(context: Context | None = None) -> dict[str, str]:
    """W3C `traceparent`/`tracestate` of the given (or current) context; empty outside a span."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=context)
    return carrier


def context_from_trace_headers(headers: Mapping[str, str]) -> Context:
    """An OpenTelemetry context whose remote parent is the `traceparent` in the headers."""
    return _PROPAGATOR.extract(dict(headers))


@dataclass(frozen=True)
class OutboxEvent:
    """One event waiting in an aggregate's `_outbox`, published later by the relay."""

    topic: str
    key: str
    type: str
    source: str
    payload: bytes
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=_now)
    traceparent: str | None = None
    tracestate: str | None = None

    def __post_init__(self) -> None:
        if self.time.tzinfo is None:
            raise ValueError("OutboxEvent.time must be timezone-aware")
        for name in ("topic", "key", "type", "source", "id"):
            if not getattr(self, name):
                raise ValueError(f"OutboxEvent.{name} must not be empty")

    @classmethod
    def create(
        cls, *, topic: str, key: str, type: str, source: str, message: Message
    ) -> OutboxEvent:
        """Build an event from a protobuf message, capturing the current trace context."""
        trace = current_trace_headers()
        return cls(
            topic=topic,
            key=key,
            type=type,
            source=source,
            payload=message.SerializeToString(deterministic=True),
            traceparent=trace.get("traceparent"),
            tracestate=trace.get("tracestate") or None,
        )

    def with_trace(self, headers: Mapping[str, str]) -> OutboxEvent:
        """A copy carrying the given W3C trace headers (the relay sets its publish span here)."""
        return replace(
            self,
            traceparent=headers.get("traceparent"),
            tracestate=headers.get("tracestate") or None,
        )

    def to_doc(self) -> dict[str, Any]:
        """The Mongo sub-document stored in `_outbox` (payload as BSON binary)."""
        return {
            "id": self.id,
            "topic": self.topic,
            "key": self.key,
            "type": self.type,
            "source": self.source,
            "time": self.time,
            "payload": Binary(self.payload),
            "traceparent": self.traceparent,
            "tracestate": self.tracestate,
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> OutboxEvent:
        """Rebuild an event from its `_outbox` sub-document."""
        when: datetime = doc["time"]
        if when.tzinfo is None:  # a client without tz_aware; BSON dates are always UTC
            when = when.replace(tzinfo=UTC)
        return cls(
            id=doc["id"],
            topic=doc["topic"],
            key=doc["key"],
            type=doc["type"],
            source=doc["source"],
            time=when,
            payload=bytes(doc["payload"]),
            traceparent=doc.get("traceparent"),
            tracestate=doc.get("tracestate"),
        )


def headers_for(event: OutboxEvent) -> list[tuple[str, bytes]]:
    """CloudEvents binary-mode Kafka headers (plus W3C trace context) for an event."""
    headers = [
        ("ce_specversion", SPECVERSION),
        ("ce_id", event.id),
        ("ce_source", event.source),
        ("ce_type", event.type),
        ("ce_time", rfc3339(event.time)),
        ("content-type", CONTENT_TYPE),
    ]
    if event.traceparent:
        headers.append(("traceparent", event.traceparent))
    if event.tracestate:
        headers.append(("tracestate", event.tracestate))
    return [(name, value.encode()) for name, value in headers]


class KafkaRecord(Protocol):
    """The parts of a consumed Kafka record (aiokafka `ConsumerRecord`) an envelope reads."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> Sequence[tuple[str, bytes]]: ...


def decode_headers(raw: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    """Kafka headers as text; raises PoisonMessage if one is not UTF-8."""
    out: dict[str, str] = {}
    for name, value in raw or ():
        try:
            out[name] = value.decode() if value is not None else ""
        except UnicodeDecodeError:
            raise PoisonMessage(f"header {name!r} is not UTF-8") from None
    return out


@dataclass(frozen=True)
class Envelope:
    """A consumed CloudEvent: attributes from `ce_*` headers, the protobuf payload, its position."""

    id: str
    type: str
    source: str
    time: datetime
    topic: str
    partition: int
    offset: int
    key: str | None
    payload: bytes
    headers: dict[str, str]

    @classmethod
    def from_record(cls, record: KafkaRecord) -> Envelope:
        """Parse a consumed record; PoisonMessage when CloudEvents headers are missing or bad."""
        headers = decode_headers(record.headers)
        where = f"{record.topic}[{record.partition}]@{record.offset}"
        missing = [
            name
            for name in ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")
            if not headers.get(name)
        ]
        if missing:
            raise PoisonMessage(f"{where}: missing CloudEvents header(s) {', '.join(missing)}")
        if headers["ce_specversion"] != SPECVERSION:
            raise PoisonMessage(
                f"{where}: unsupported ce_specversion {headers['ce_specversion']!r}"
            )
        content_type = headers.get("content-type", CONTENT_TYPE)
        if content_type.split(";")[0].strip() != CONTENT_TYPE:
            raise PoisonMessage(f"{where}: content-type {content_type!r} is not {CONTENT_TYPE}")
        try:
            time = parse_rfc3339(headers["ce_time"])
        except ValueError as exc:
            raise PoisonMessage(f"{where}: bad ce_time {headers['ce_time']!r}: {exc}") from None
        if record.value is None:
            raise PoisonMessage(f"{where}: record has no value")
        try:
            key = record.key.decode() if record.key is not None else None
        except UnicodeDecodeError:
            raise PoisonMessage(f"{where}: key is not UTF-8") from None
        return cls(
            id=headers["ce_id"],
            type=headers["ce_type"],
            source=headers["ce_source"],
            time=time,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=key,
            payload=bytes(record.value),
            headers=headers,
        )

    def decode(self, message_type: builtins.type[M]) -> M:
        """Parse the payload as the given protobuf type; raises PoisonMessage if it cannot."""
        message = message_type()
        try:
            message.ParseFromString(self.payload)
        except DecodeError as exc:
            raise PoisonMessage(
                f"{self.topic}[{self.partition}]@{self.offset}: cannot decode "
                f"{message_type.DESCRIPTOR.full_name}: {exc}"
            ) from None
        return message

    @property
    def trace_context(self) -> Context:
        """The remote parent context from this record's `traceparent`/`tracestate`."""
        return context_from_trace_headers(self.headers)
