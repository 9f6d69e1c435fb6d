"""The outbox relay: publishes events stored in aggregate documents, then removes them.

Publish-then-clear: a crash after publishing and before clearing republishes on restart (the
consumers' inbox makes that harmless); nothing is cleared before Kafka acknowledged it.
The clear is a compare-and-set on the document's `version` with a plain `$set` of the remaining
events, which works on FerretDB (no positional or filtered array updates needed) and never drops
an event a writer appended meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from opentelemetry.trace import SpanKind, TracerProvider
from pymongo.asynchronous.database import AsyncDatabase

from slate import telemetry_names as names
from slate._doclock import document_lock
from slate.events.model import (
    OUTBOX_FIELD,
    PENDING_FIELD,
    OutboxEvent,
    context_from_trace_headers,
    current_trace_headers,
    headers_for,
)

log = logging.getLogger(__name__)

Doc = dict[str, Any]
ProducerFactory = Callable[[], AIOKafkaProducer]


def idempotent_producer(bootstrap: str, **overrides: Any) -> AIOKafkaProducer:
    """A producer that never duplicates or reorders on retry: idempotent, acks from all ISRs."""
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "client_id": "slate-outbox-relay",
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


class OutboxRelay:
    """Background task publishing every `_outbox` event of the given collections, in order."""

    def __init__(
        self,
        db: AsyncDatabase[Doc],
        collections: Sequence[str],
        bootstrap: str | None = None,
        *,
        producer_factory: ProducerFactory | None = None,
        poll_interval_s: float = 1.0,
        batch_size: int = 100,
        metrics: names.Metrics | None = None,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        if producer_factory is None:
            if bootstrap is None:
                raise ValueError("OutboxRelay needs bootstrap or producer_factory")
            address = bootstrap

            def producer_factory() -> AIOKafkaProducer:
                return idempotent_producer(address)

        self.db = db
        self.collections = list(collections)
        self.poll_interval_s = poll_interval_s
        self.batch_size = batch_size
        self._factory = producer_factory
        self._metrics = metrics
        self._tracer = trace.get_tracer("slate.events", tracer_provider=tracer_provider)
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._hints: list[tuple[str, Any]] = []
        self._full_pass = True

    def wake(self, collection: str | None = None, doc_id: Any = None) -> None:
        """Ask the relay to publish now: that document if named, else a full pass."""
        if collection in self.collections and doc_id is not None:
            self._hints.append((collection, doc_id))
        else:
            self._full_pass = True
        self._wake.set()

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = self._factory()
            await producer.start()
            self._producer = producer
        return self._producer

    async def start(self) -> None:
        """Create the pending-flag indexes, start the producer and the background loop."""
        for name in self.collections:
            await self.db[name].create_index([(PENDING_FIELD, 1)], name=f"{PENDING_FIELD}_1")
        await self._ensure_producer()
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="slate-outbox-relay")

    async def stop(self) -> None:
        """Stop the loop and the producer; a cancelled pass leaves its events to republish."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                if self._full_pass:
                    self._full_pass = False
                    self._hints.clear()
                    await self.drain_once()
                else:
                    await self.drain_hinted()
            except asyncio.CancelledError:
                raise
            except Exception:
                # Nothing is lost: unpublished events stay in their documents for the next pass.
                self._full_pass = True
                log.exception("outbox relay pass failed; retrying")
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
            except TimeoutError:
                # The scan is the safety net (a crash, another process's writes); wakes are the
                # fast path, publishing just the documents that were written.
                self._full_pass = True

    async def drain_hinted(self) -> int:
        """Publish the pending events of the documents named by wake(); returns how many."""
        async with self._lock:
            hints, self._hints = self._hints, []
            producer = await self._ensure_producer()
            total = 0
            for collection, doc_id in dict.fromkeys(hints):
                doc = await self.db[collection].find_one({"_id": doc_id})
                if doc is not None and doc.get(PENDING_FIELD):
                    total += await self._publish_doc(producer, collection, doc)
            return total

    async def drain_once(self) -> int:
        """Publish every event pending now in all collections; returns how many were published."""
        async with self._lock:
            producer = await self._ensure_producer()
            total = 0
            for name in self.collections:
                total += await self._drain_collection(producer, name)
            return total

    async def _drain_collection(self, producer: AIOKafkaProducer, name: str) -> int:
        coll = self.db[name]
        published = 0
        last_id: Any = None
        while True:
            query: Doc = {PENDING_FIELD: True}
            if last_id is not None:
                query["_id"] = {"$gt": last_id}
            docs = await coll.find(query).sort("_id", 1).limit(self.batch_size).to_list()
            for doc in docs:
                published += await self._publish_doc(producer, name, doc)
            if len(docs) < self.batch_size:
                break
            last_id = docs[-1]["_id"]
        if self._metrics is not None:
            depth = await coll.count_documents({PENDING_FIELD: True})
            self._metrics.outbox_depth.labels(name).set(depth)
        return published

    async def _publish_doc(self, producer: AIOKafkaProducer, collection: str, doc: Doc) -> int:
        events = [OutboxEvent.from_doc(e) for e in doc.get(OUTBOX_FIELD) or []]
        if events:
            await self._publish(producer, events)
            self._after_publish(collection, doc["_id"], events)
        await self._clear(collection, doc, {e.id for e in events})
        return len(events)

    async def _publish(self, producer: AIOKafkaProducer, events: Sequence[OutboxEvent]) -> None:
        futures = []
        for event in events:
            parent = context_from_trace_headers(
                {
                    k: v
                    for k, v in (
                        ("traceparent", event.traceparent),
                        ("tracestate", event.tracestate),
                    )
                    if v
                }
            )
            with self._tracer.start_as_current_span(
                f"publish {event.topic}",
                context=parent,
                kind=SpanKind.PRODUCER,
                attributes={
                    names.MESSAGING_SYSTEM: names.MESSAGING_SYSTEM_KAFKA,
                    names.MESSAGING_OPERATION_TYPE: names.OP_SEND,
                    names.MESSAGING_OPERATION_NAME: "publish",
                    names.MESSAGING_DESTINATION_NAME: event.topic,
                    names.MESSAGING_MESSAGE_ID: event.id,
                    names.MESSAGING_KAFKA_MESSAGE_KEY: event.key,
                    names.CLOUDEVENTS_EVENT_ID: event.id,
                    names.CLOUDEVENTS_EVENT_TYPE: event.type,
                    names.CLOUDEVENTS_EVENT_SOURCE: event.source,
                },
            ):
                # The record carries the publish span, so the consumer's span is its child.
                wired = event.with_trace(current_trace_headers())
                futures.append(
                    await producer.send(
                        event.topic,
                        value=event.payload,
                        key=event.key.encode(),
                        headers=headers_for(wired),
                    )
                )
        await asyncio.gather(*futures)
        if self._metrics is not None:
            for event in events:
                self._metrics.events_published_total.labels(event.topic).inc()

    def _after_publish(self, collection: str, doc_id: Any, events: Sequence[OutboxEvent]) -> None:
        """Hook between a publish and its clear (tests use it to crash exactly there)."""

    async def _clear(self, collection: str, doc: Doc, published: set[str]) -> None:
        coll = self.db[collection]
        # Same lock as Repository.update: FerretDB's filtered updates are not atomic (see _doclock).
        async with document_lock(self.db.name, collection, doc["_id"]):
            current: Doc | None = doc
            while current is not None:
                outbox = current.get(OUTBOX_FIELD) or []
                remaining = [e for e in outbox if e["id"] not in published]
                result = await coll.update_one(
                    {"_id": current["_id"], "version": current.get("version")},
                    {"$set": {OUTBOX_FIELD: remaining, PENDING_FIELD: bool(remaining)}},
                )
                if result.matched_count:
                    return
                # A writer appended events (and bumped the version) meanwhile: re-read, retry.
                current = await coll.find_one({"_id": doc["_id"]})
