"""The relay keeps up: documents in parallel, order per key, one bad event never holds up the rest
(issue 9's relay, issue 8 finding 2)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from google.protobuf.wrappers_pb2 import BytesValue, StringValue
from slate import telemetry_names
from slate.events import Envelope, OutboxEvent, OutboxRelay
from slate.events.relay import PARKED_COLLECTION, requeue_parked
from slate.mongo import Repository

pytestmark = pytest.mark.infra


def event(topic: str, key: str, text: str) -> OutboxEvent:
    return OutboxEvent.create(
        topic=topic,
        key=key,
        type="slate.test.thing.changed.v1",
        source="slate-test",
        message=StringValue(value=text),
    )


class SlowProducer:
    """Acknowledges each record after a delay; records the order of sends and the concurrency;
    refuses records of the keys in `refuse` with the given error."""

    def __init__(self, delay: float = 0.02, refuse: dict[str, BaseException] | None = None):
        self.delay = delay
        self.refuse = refuse or {}
        self.sent: list[tuple[str, str]] = []  # (key, text)
        self.in_flight = 0
        self.max_in_flight = 0

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, topic: str, value: bytes, key: bytes, headers: Any) -> Any:
        k = key.decode()
        if k in self.refuse:
            raise self.refuse[k]
        self.sent.append((k, StringValue.FromString(value).value))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

        async def ack() -> None:
            await asyncio.sleep(self.delay)
            self.in_flight -= 1

        return asyncio.ensure_future(ack())


async def test_documents_publish_concurrently_and_in_order_per_key(db):
    repo = Repository(db, "things")
    for d in range(20):
        # Documents 0-9 carry events of their own key; 10-19 share the key "shared".
        key = f"thg_{d}" if d < 10 else "shared"
        await repo.insert(
            {"_id": f"thg_{d:02d}", "org_id": "org_a"},
            [event("t", key, f"{d:02d}-{n}") for n in range(3)],
        )
    producer = SlowProducer()
    relay = OutboxRelay(db, ["things"], producer_factory=lambda: producer)  # type: ignore[arg-type, return-value]

    assert await relay.drain_once() == 60

    assert producer.max_in_flight > 3, "documents were published one at a time"
    by_key: dict[str, list[str]] = {}
    for key, text in producer.sent:
        by_key.setdefault(key, []).append(text)
    for d in range(10):
        assert by_key[f"thg_{d}"] == [f"{d:02d}-0", f"{d:02d}-1", f"{d:02d}-2"]
    shared = by_key["shared"]
    # Same key, several documents: one document's events at a time, each in its order.
    runs = [shared[i : i + 3] for i in range(0, 30, 3)]
    assert all([r[0][:2]] * 3 == [t[:2] for t in r] for r in runs), shared
    assert all([t[3:] for t in r] == ["0", "1", "2"] for r in runs), shared
    assert await db["things"].count_documents({"_pending": True}) == 0


async def test_a_failing_document_does_not_hold_up_the_others(db, caplog):
    repo = Repository(db, "things")
    await repo.insert({"_id": "thg_bad", "org_id": "org_a"}, [event("t", "bad", "b")])
    for d in range(5):
        await repo.insert({"_id": f"thg_{d}", "org_id": "org_a"}, [event("t", f"k{d}", f"{d}")])
    down = SlowProducer(refuse={"bad": KafkaConnectionError("broker gone")})
    relay = OutboxRelay(db, ["things"], producer_factory=lambda: down)  # type: ignore[arg-type, return-value]

    with caplog.at_level(logging.WARNING, logger="slate.events.relay"):
        assert await relay.drain_once() == 5
        assert await relay.drain_once() == 0
    assert sorted(t for _, t in down.sent) == ["0", "1", "2", "3", "4"]
    raw = await db["things"].find_one({"_id": "thg_bad"})
    assert raw["_pending"] is True  # kept for a retry, not parked: the error is transient
    assert (
        len([r for r in caplog.records if "thg_bad" in r.getMessage()]) == 1
    )  # once, not per pass
    assert await db[PARKED_COLLECTION].count_documents({}) == 0

    down.refuse.clear()
    assert await relay.drain_once() == 1
    assert ("bad", "b") in down.sent


async def test_an_oversized_event_is_parked_and_the_rest_published(
    db, topic, kafka_bootstrap, kit, caplog
):
    """Issue 8, finding 2: a 2 MB event is refused by Kafka (MessageSizeTooLargeError) forever."""
    repo = Repository(db, "things")
    huge = OutboxEvent.create(
        topic=topic,
        key="thg_big",
        type="slate.test.thing.changed.v1",
        source="slate-test",
        message=BytesValue(value=b"x" * 2_000_000),
    )
    after = event(topic, "thg_big", "after the big one")
    await repo.insert({"_id": "thg_big", "org_id": "org_a"}, [huge, after])
    await repo.insert({"_id": "thg_ok", "org_id": "org_b"}, [event(topic, "thg_ok", "other org")])
    metrics = telemetry_names.metrics("relay-test")
    relay = OutboxRelay(db, ["things"], kafka_bootstrap, metrics=metrics)
    try:
        with caplog.at_level(logging.ERROR, logger="slate.events.relay"):
            assert await relay.drain_once() == 2
        assert await relay.drain_once() == 0
    finally:
        await relay.stop()

    records = await kit.read_topic(kafka_bootstrap, topic, at_least=2)
    texts = sorted(Envelope.from_record(r).decode(StringValue).value for r in records)
    assert texts == ["after the big one", "other org"]
    for doc_id in ("thg_big", "thg_ok"):
        raw = await db["things"].find_one({"_id": doc_id})
        assert (raw["_outbox"], raw["_pending"]) == ([], False)
    parked = await db[PARKED_COLLECTION].find_one({"_id": huge.id})
    assert parked is not None
    assert (parked["collection"], parked["doc_id"], parked["topic"]) == ("things", "thg_big", topic)
    assert parked["error"].startswith(MessageSizeTooLargeError.__name__)
    [line] = [r.getMessage() for r in caplog.records if huge.id in r.getMessage()]
    assert "parked" in line
    assert "xxxx" not in line  # the payload is never logged
    assert metrics.registry.get_sample_value("slate_outbox_parked_total", {"topic": topic}) == 1


async def test_an_unreadable_outbox_entry_is_parked_and_can_be_requeued(db):
    repo = Repository(db, "things")
    await repo.insert({"_id": "thg_1", "org_id": "org_a"}, [event("t", "thg_1", "good")])
    await db["things"].update_one(
        {"_id": "thg_1"}, {"$push": {"_outbox": {"id": "ev_broken", "topic": "t"}}}
    )
    producer = SlowProducer(delay=0)
    relay = OutboxRelay(db, ["things"], producer_factory=lambda: producer)  # type: ignore[arg-type, return-value]

    assert await relay.drain_once() == 1
    assert producer.sent == [("thg_1", "good")]
    raw = await db["things"].find_one({"_id": "thg_1"})
    assert (raw["_outbox"], raw["_pending"]) == ([], False)
    parked = await db[PARKED_COLLECTION].find_one({"_id": "ev_broken"})
    assert parked["entry"] == {"id": "ev_broken", "topic": "t"}
    assert "unreadable" in parked["error"]

    assert await requeue_parked(db, ["ev_broken", "unknown"]) == ["ev_broken"]
    raw = await db["things"].find_one({"_id": "thg_1"})
    assert raw["_pending"] is True
    assert [e["id"] for e in raw["_outbox"]] == ["ev_broken"]
    assert await db[PARKED_COLLECTION].count_documents({}) == 0
