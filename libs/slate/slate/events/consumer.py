"""Kafka consumers: manual commits, an idempotent inbox, retries with backoff, dead letters.

For each record, in partition order: parse the CloudEvents envelope (a record that cannot be
parsed is poison and goes straight to `<topic>.dlq`); skip it if the inbox already holds
`<group>:<ce_id>`; run the handler inside a CONSUMER span continuing the producer's trace;
retry failures with exponential backoff; after `max_attempts` send the unchanged record to
`<topic>.dlq` with the error in `dlq_*` headers; record success in the inbox; then commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, TracerProvider
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from slate import telemetry_names as names
from slate.events.model import Envelope, KafkaRecord, PoisonMessage, _now, rfc3339
from slate.events.relay import idempotent_producer
from slate.events.topics import dlq_topic

log = logging.getLogger(__name__)

Doc = dict[str, Any]
Handler = Callable[[Envelope], Awaitable[None]]

INBOX_COLLECTION = "inbox"
DLQ_HEADER_PREFIX = "dlq_"
_MAX_ERROR_CHARS = 2000


def inbox_id(group_id: str, ce_id: str) -> str:
    """The inbox key of an event applied by a consumer group: `<group>:<ce_id>`."""
    return f"{group_id}:{ce_id}"


def dead_letter_headers(
    record: KafkaRecord, error: BaseException, *, group_id: str, attempts: int
) -> list[tuple[str, bytes]]:
    """The record's own headers (minus old `dlq_*`) plus the error and where it came from."""
    kept = [(k, v) for k, v in record.headers or () if not k.startswith(DLQ_HEADER_PREFIX)]
    added = {
        "dlq_error": (str(error) or type(error).__name__)[:_MAX_ERROR_CHARS],
        "dlq_error_type": f"{type(error).__module__}.{type(error).__qualname__}",
        "dlq_original_topic": record.topic,
        "dlq_original_partition": str(record.partition),
        "dlq_original_offset": str(record.offset),
        "dlq_consumer_group": group_id,
        "dlq_attempts": str(attempts),
        "dlq_time": rfc3339(_now()),
    }
    return kept + [(k, v.encode()) for k, v in added.items()]


class Consumer:
    """One consumer group member running `handler` for every record of `topics`, at least once."""

    def __init__(
        self,
        *,
        bootstrap: str,
        group_id: str,
        topics: Sequence[str],
        handler: Handler,
        db: AsyncDatabase[Doc],
        max_attempts: int = 5,
        backoff_s: float = 0.2,
        metrics: names.Metrics | None = None,
        tracer_provider: TracerProvider | None = None,
        inbox_collection: str = INBOX_COLLECTION,
        max_backoff_s: float = 30.0,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.bootstrap = bootstrap
        self.group_id = group_id
        self.topics = list(topics)
        self.handler = handler
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.inbox = db[inbox_collection]
        self._metrics = metrics
        self._tracer = trace.get_tracer("slate.events", tracer_provider=tracer_provider)
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Join the group (fresh groups start at the earliest offset) and start consuming."""
        if self._task is not None:
            return
        producer = idempotent_producer(self.bootstrap, client_id=f"{self.group_id}-dlq")
        await producer.start()
        consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=self.group_id,
        )
        try:
            await consumer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer, self._consumer = producer, consumer
        self._task = asyncio.create_task(self._run(), name=f"slate-consumer-{self.group_id}")

    async def stop(self) -> None:
        """Stop consuming; a record being handled is not committed and will be redelivered."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await consumer.stop()
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    @property
    def running(self) -> bool:
        """True while the consume loop is alive (it only ends on stop() or a bug)."""
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=100)
            for tp, records in batches.items():
                done = None
                for record in records:
                    if tp not in consumer.assignment():
                        break  # revoked in a rebalance: the new owner gets these records
                    await self._process_until_done(record)
                    done = record
                # One commit per partition per batch, not per record (a broker round trip and
                # write each): a crash before it redelivers records the inbox already holds,
                # which are skipped as duplicates.
                if done is not None and tp in consumer.assignment():
                    await consumer.commit({tp: done.offset + 1})
                highwater = consumer.highwater(tp)
                if self._metrics is not None and highwater is not None and records:
                    lag = max(0, highwater - (records[-1].offset + 1))
                    labels = (tp.topic, str(tp.partition), self.group_id)
                    self._metrics.consumer_lag.labels(*labels).set(lag)

    async def _process_until_done(self, record: KafkaRecord) -> None:
        # Handler failures are dealt with inside process(); what reaches here is the inbox or the
        # dead-letter topic being unreachable. Retry the same record: skipping it would lose it.
        delay = self.backoff_s
        while True:
            try:
                await self.process(record)
                return
            except Exception:
                log.exception(
                    "consumer %s cannot settle %s[%d]@%d; retrying",
                    self.group_id,
                    record.topic,
                    record.partition,
                    record.offset,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff_s)

    async def process(self, record: KafkaRecord) -> None:
        """Apply a record once per group (inbox) or dead-letter it; raises only on infra errors."""
        try:
            envelope = Envelope.from_record(record)
        except PoisonMessage as exc:
            log.error(
                "poison record %s[%d]@%d: %s", record.topic, record.partition, record.offset, exc
            )
            await self._dead_letter(record, exc, attempts=0)
            return
        handles = getattr(self.handler, "handles", None)
        if handles is not None and not handles(envelope.type):
            # A type this group has no handler for (a topic carries more types than any one
            # reader needs): nothing to apply, so no inbox check or record either, each a
            # database round trip.
            self._count(record.topic, "ignored")
            return
        key = inbox_id(self.group_id, envelope.id)
        if await self.inbox.find_one({"_id": key}) is not None:
            self._count(record.topic, "duplicate")
            return
        with self._tracer.start_as_current_span(
            f"process {record.topic}",
            context=envelope.trace_context,
            kind=SpanKind.CONSUMER,
            attributes={
                names.MESSAGING_SYSTEM: names.MESSAGING_SYSTEM_KAFKA,
                names.MESSAGING_OPERATION_TYPE: names.OP_PROCESS,
                names.MESSAGING_DESTINATION_NAME: record.topic,
                names.MESSAGING_DESTINATION_PARTITION_ID: str(record.partition),
                names.MESSAGING_KAFKA_OFFSET: record.offset,
                names.MESSAGING_MESSAGE_ID: envelope.id,
                names.MESSAGING_CONSUMER_GROUP_NAME: self.group_id,
                names.CLOUDEVENTS_EVENT_ID: envelope.id,
                names.CLOUDEVENTS_EVENT_TYPE: envelope.type,
                names.CLOUDEVENTS_EVENT_SOURCE: envelope.source,
            },
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            error = await self._handle_with_retries(envelope, span)
            if error is not None:
                attempts = 1 if isinstance(error, PoisonMessage) else self.max_attempts
                span.record_exception(error)
                span.set_attribute(names.ATTR_DEAD_LETTERED, True)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                await self._dead_letter(record, error, attempts=attempts)
                return
        with contextlib.suppress(DuplicateKeyError):  # a concurrent redelivery won the race
            await self.inbox.insert_one(
                {
                    "_id": key,
                    "group": self.group_id,
                    "ce_id": envelope.id,
                    "ce_type": envelope.type,
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                    "applied_at": _now(),
                }
            )
        self._count(record.topic, "applied")

    async def _handle_with_retries(self, envelope: Envelope, span: trace.Span) -> Exception | None:
        for attempt in range(1, self.max_attempts + 1):
            try:
                await self.handler(envelope)
                return None
            except PoisonMessage as exc:
                return exc  # retrying cannot help
            except Exception as exc:
                log.warning(
                    "handler for %s %s failed (attempt %d/%d): %r",
                    envelope.type,
                    envelope.id,
                    attempt,
                    self.max_attempts,
                    exc,
                )
                span.add_event("retry", {names.ATTR_ATTEMPT: attempt, "error": repr(exc)[:500]})
                if attempt == self.max_attempts:
                    return exc
                await asyncio.sleep(min(self.backoff_s * 2 ** (attempt - 1), self.max_backoff_s))
        raise AssertionError("unreachable")

    async def _dead_letter(
        self, record: KafkaRecord, error: BaseException, *, attempts: int
    ) -> None:
        producer = self._producer
        assert producer is not None, "consumer is not started"
        await producer.send_and_wait(
            dlq_topic(record.topic),
            value=record.value,
            key=record.key,
            headers=dead_letter_headers(record, error, group_id=self.group_id, attempts=attempts),
        )
        log.error(
            "dead-lettered %s[%d]@%d to %s after %d attempt(s): %s: %s",
            record.topic,
            record.partition,
            record.offset,
            dlq_topic(record.topic),
            attempts,
            type(error).__name__,
            error,
        )
        if self._metrics is not None:
            self._metrics.dead_letters_total.labels(record.topic).inc()
        self._count(record.topic, "failed")

    def _count(self, topic: str, outcome: str) -> None:
        if self._metrics is not None:
            self._metrics.events_consumed_total.labels(topic, outcome).inc()
