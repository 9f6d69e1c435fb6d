"""The outbox relay: publishes events stored in aggregate documents, then removes them.

Publish-then-clear: a crash after publishing and before clearing republishes on restart (the
consumers' inbox makes that harmless); nothing is cleared before Kafka acknowledged it.
The clear is a compare-and-set on the document's `version` with a plain `$set` of the remaining
events, which works on FerretDB (no positional or filtered array updates needed) and never drops
an event a writer appended meanwhile.

Every query is answered from an index (libs/slate/tests/test_explain.py): documents by `_id`
(a woken document, the clear), pending work by the `_pending` index, so a pass costs what is
pending, not the size of the collection. Documents are published concurrently (up to
`max_in_flight`), each document's events in order, and documents whose events share a key one
after the other, so order holds per key. One document that cannot be published does not hold up
the others: a transient failure leaves it pending for the next pass; an event Kafka can never
accept (too large, invalid topic, corrupt) or an outbox entry that cannot be read is *parked*:
moved to the `outbox_parked` collection with the error, logged, counted in
`slate_outbox_parked_total{topic}`, and removed from the outbox (`requeue_parked` puts it back).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary, WeakValueDictionary

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    UnsupportedForMessageFormatError,
)
from opentelemetry import trace
from opentelemetry.trace import SpanKind, TracerProvider
from prometheus_client import CollectorRegistry, Counter
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

PARKED_COLLECTION = "outbox_parked"
METRIC_OUTBOX_PARKED = "slate_outbox_parked_total"

# Errors after which retrying the same record can never succeed: park it, do not block on it.
UNPUBLISHABLE: tuple[type[BaseException], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    CorruptRecordException,
    UnsupportedForMessageFormatError,
)

_parked_counters: WeakKeyDictionary[CollectorRegistry, Counter] = WeakKeyDictionary()


def _parked_counter(registry: CollectorRegistry) -> Counter:
    """`slate_outbox_parked_total{topic}` on the process's registry (one per registry)."""
    counter = _parked_counters.get(registry)
    if counter is None:
        counter = Counter(
            METRIC_OUTBOX_PARKED,
            "Outbox events that could not be published and were parked (outbox_parked)",
            ["topic"],
            registry=registry,
        )
        _parked_counters[registry] = counter
    return counter


class Unpublishable(Exception):
    """An outbox entry that cannot be read back as an event."""


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
        max_in_flight: int = 32,
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
        self.max_in_flight = max_in_flight
        self._factory = producer_factory
        self._metrics = metrics
        self._parked = _parked_counter(metrics.registry) if metrics is not None else None
        self._key_locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
        self._failed = 0
        self._failing: dict[tuple[str, Any], str] = {}  # documents failing now, and why
        self._tracer = trace.get_tracer("slate.events", tracer_provider=tracer_provider)
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._hints: list[tuple[str, Any, Doc | None]] = []
        self._full_pass = True
        # Ids of events this process published (Kafka acknowledged), newest last: a document
        # read (or handed over by its writer) before its clear landed still lists them, and
        # they are cleared, not sent again.
        self._recent: OrderedDict[str, None] = OrderedDict()

    RECENT_IDS = 20_000

    def wake(
        self, collection: str | None = None, doc_id: Any = None, doc: Doc | None = None
    ) -> None:
        """Ask the relay to publish now: that document if named, else a full pass. `doc` is the
        document as its writer just stored it (with `_outbox` and `version`), which spares the
        relay reading it back; a stale one is safe (the clear is a compare-and-set on version)."""
        if collection in self.collections and doc_id is not None:
            self._hints.append((collection, doc_id, doc))
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
            self._failed = 0

            # One job per document: the newest copy handed over, or None (read it) if any
            # wake named the document without one.
            latest: dict[tuple[str, Any], Doc | None] = {}
            for collection, doc_id, doc in hints:
                key = (collection, doc_id)
                if key in latest:
                    known = latest[key]
                    if doc is None or known is None:
                        doc = None
                    elif known.get("version", 0) > doc.get("version", 0):
                        doc = known
                latest[key] = doc

            async def one(collection: str, doc_id: Any, doc: Doc | None) -> int:
                if doc is None:
                    doc = await self.db[collection].find_one({"_id": doc_id})
                if doc is None or not doc.get(PENDING_FIELD):
                    return 0
                return await self._publish_doc(producer, collection, doc)

            total = await self._concurrently(one(c, i, d) for (c, i), d in latest.items())
            if self._failed:
                self._full_pass = True  # retry them on the next pass (after the poll interval)
            return total

    async def drain_once(self) -> int:
        """Publish every event pending now in all collections; returns how many were published.

        Reads only pending documents (the `_pending` index), a batch at a time; documents that
        fail for a transient reason stay pending for the next pass (logged, not raised)."""
        async with self._lock:
            producer = await self._ensure_producer()
            self._failed = 0
            total = 0
            for name in self.collections:
                total += await self._drain_collection(producer, name)
            return total

    async def _drain_collection(self, producer: AIOKafkaProducer, name: str) -> int:
        coll = self.db[name]
        published = seen = 0
        last_id: Any = None
        while True:
            query: Doc = {PENDING_FIELD: True}
            if last_id is not None:
                query["_id"] = {"$gt": last_id}
            docs = await coll.find(query).sort("_id", 1).limit(self.batch_size).to_list()
            seen += len(docs)
            published += await self._concurrently(
                self._publish_doc(producer, name, doc) for doc in docs
            )
            if len(docs) < self.batch_size:
                break
            last_id = docs[-1]["_id"]
        if self._metrics is not None:
            # Nothing was pending: the depth is 0 without asking (an idle pass is one query).
            depth = await coll.count_documents({PENDING_FIELD: True}) if seen else 0
            self._metrics.outbox_depth.labels(name).set(depth)
        return published

    async def _concurrently(self, jobs: Iterable[Any]) -> int:
        """Run the publish jobs, at most `max_in_flight` at a time; the sum of their counts."""
        limit = asyncio.Semaphore(self.max_in_flight)

        async def bounded(job: Any) -> int:
            async with limit:
                count: int = await job
                return count

        return sum(await asyncio.gather(*(bounded(j) for j in jobs)))

    async def _publish_doc(self, producer: AIOKafkaProducer, collection: str, doc: Doc) -> int:
        """Publish one document's events in order and clear them; 0 if it must wait for a retry.

        Never raises for one document's trouble (it would hold up every other document)."""
        entries: list[Any] = list(doc.get(OUTBOX_FIELD) or [])
        events: list[OutboxEvent] = []
        parked: list[Any] = []
        sent_before: set[str] = set()
        for entry in entries:
            if _entry_id(entry) in self._recent:
                sent_before.add(_entry_id(entry))
                continue
            try:
                events.append(_event_of(entry))
            except Unpublishable as exc:
                await self._park(collection, doc["_id"], entry, exc)
                parked.append(entry)
        try:
            async with self._keys_locked(e.key for e in events):
                published = await self._publish(producer, collection, doc["_id"], events)
            done = {e.id for e in published}
            parked += [e.to_doc() for e in events if e.id not in done]
            if events:
                self._after_publish(collection, doc["_id"], published)
            self._remember(done)
            await self._clear(collection, doc, done | sent_before | {_entry_id(p) for p in parked})
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._failed += 1
            reason = f"{type(exc).__name__}: {exc}"
            if self._failing.get((collection, doc["_id"])) != reason:  # once per new reason
                if len(self._failing) >= 10_000:  # documents deleted while failing: forget them
                    self._failing.clear()
                self._failing[(collection, doc["_id"])] = reason
                log.warning(
                    "outbox relay: %s/%s not published, retried on each pass: %s",
                    collection,
                    doc["_id"],
                    reason,
                )
            return 0
        if self._failing.pop((collection, doc["_id"]), None) is not None:
            log.info("outbox relay: %s/%s published after failing before", collection, doc["_id"])
        return len(published)

    def _remember(self, published: Iterable[str]) -> None:
        for event_id in published:
            self._recent[event_id] = None
        while len(self._recent) > self.RECENT_IDS:
            self._recent.popitem(last=False)

    @contextlib.asynccontextmanager
    async def _keys_locked(self, keys: Iterable[str]) -> AsyncIterator[None]:
        """Hold the locks of these event keys (in sorted order: no deadlock between documents),
        so two documents with events of the same key never publish at the same time."""
        locks = []
        for key in sorted(set(keys)):
            lock = self._key_locks.get(key)
            if lock is None:
                lock = asyncio.Lock()
                self._key_locks[key] = lock
            locks.append(lock)
        async with contextlib.AsyncExitStack() as stack:
            for lock in locks:
                await stack.enter_async_context(lock)
            yield

    async def _publish(
        self,
        producer: AIOKafkaProducer,
        collection: str,
        doc_id: Any,
        events: Sequence[OutboxEvent],
    ) -> list[OutboxEvent]:
        """Send the events in order and wait for Kafka's acknowledgements; the events sent.

        An event Kafka can never accept is parked (and left out of the result); any other
        failure raises, so nothing of this document is cleared and all of it is retried."""
        futures: list[tuple[OutboxEvent, Any]] = []
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
                try:
                    sent = await producer.send(
                        event.topic,
                        value=event.payload,
                        key=event.key.encode(),
                        headers=headers_for(wired),
                    )
                except UNPUBLISHABLE as exc:  # e.g. larger than max_request_size: refused here
                    await self._park(collection, doc_id, event.to_doc(), exc)
                    continue
                futures.append((event, sent))
        results = await asyncio.gather(*(f for _, f in futures), return_exceptions=True)
        published: list[OutboxEvent] = []
        retry: BaseException | None = None
        for (event, _), result in zip(futures, results, strict=True):
            if isinstance(result, UNPUBLISHABLE):  # refused by the broker
                await self._park(collection, doc_id, event.to_doc(), result)
            elif isinstance(result, BaseException):
                retry = retry or result
            else:
                published.append(event)
        if self._metrics is not None:
            for event in published:
                self._metrics.events_published_total.labels(event.topic).inc()
        if retry is not None:
            raise retry
        return published

    async def _park(self, collection: str, doc_id: Any, entry: Any, error: BaseException) -> None:
        """Keep an entry that can never be published in `outbox_parked` (idempotent: by its id),
        log it and count it; the caller then removes it from the document's outbox."""
        entry_id = _entry_id(entry)
        topic = entry.get("topic") if isinstance(entry, Mapping) else None
        await self.db[PARKED_COLLECTION].update_one(
            {"_id": entry_id},
            {
                "$setOnInsert": {
                    "collection": collection,
                    "doc_id": doc_id,
                    "topic": topic,
                    "entry": entry,
                    "error": f"{type(error).__name__}: {error}",
                    "parked_at": datetime.now(UTC),
                }
            },
            upsert=True,
        )
        # The entry's id, type and key only: payloads may carry personal data.
        log.error(
            "outbox relay: event %s (%s, topic %s, key %s) of %s/%s cannot be published and was "
            "parked in %s: %s: %s",
            entry_id,
            entry.get("type") if isinstance(entry, Mapping) else None,
            topic,
            entry.get("key") if isinstance(entry, Mapping) else None,
            collection,
            doc_id,
            PARKED_COLLECTION,
            type(error).__name__,
            error,
        )
        if self._parked is not None:
            self._parked.labels(str(topic)).inc()

    def _after_publish(self, collection: str, doc_id: Any, events: Sequence[OutboxEvent]) -> None:
        """Hook between a publish and its clear (tests use it to crash exactly there)."""

    async def _clear(self, collection: str, doc: Doc, published: set[str]) -> None:
        coll = self.db[collection]
        # Same lock as Repository.update: FerretDB's filtered updates are not atomic (see _doclock).
        async with document_lock(self.db.name, collection, doc["_id"]):
            current: Doc | None = doc
            while current is not None:
                outbox = current.get(OUTBOX_FIELD) or []
                remaining = [e for e in outbox if _entry_id(e) not in published]
                result = await coll.update_one(
                    {"_id": current["_id"], "version": current.get("version")},
                    {"$set": {OUTBOX_FIELD: remaining, PENDING_FIELD: bool(remaining)}},
                )
                if result.matched_count:
                    return
                # A writer appended events (and bumped the version) meanwhile: re-read, retry.
                current = await coll.find_one({"_id": doc["_id"]})


def _event_of(entry: Any) -> OutboxEvent:
    try:
        return OutboxEvent.from_doc(entry)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unpublishable(f"unreadable outbox entry: {type(exc).__name__}: {exc}") from exc


def _entry_id(entry: Any) -> str:
    """An outbox entry's event id; for an entry without one, a stable digest of its content."""
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
        return str(entry["id"])
    return "unreadable-" + hashlib.sha256(repr(entry).encode()).hexdigest()[:32]


async def requeue_parked(db: AsyncDatabase[Doc], ids: Sequence[str]) -> list[str]:
    """Put parked events back into their documents' outboxes (after the cause was fixed, e.g.
    the broker's size limit raised); returns the ids requeued. The relay publishes them on its
    next pass. An event whose document no longer exists stays parked."""
    requeued: list[str] = []
    for entry_id in ids:
        parked = await db[PARKED_COLLECTION].find_one({"_id": entry_id})
        if parked is None:
            continue
        collection, doc_id = parked["collection"], parked["doc_id"]
        async with document_lock(db.name, collection, doc_id):
            result = await db[collection].update_one(
                {"_id": doc_id},
                {"$push": {OUTBOX_FIELD: parked["entry"]}, "$set": {PENDING_FIELD: True}},
            )
        if result.matched_count:
            await db[PARKED_COLLECTION].delete_one({"_id": entry_id})
            requeued.append(entry_id)
    return requeued
