"""The outbox relay against real Kafka and the database: publish-then-clear, crash safety."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from slate.events import Consumer, Envelope, OutboxEvent, OutboxRelay
from slate.mongo import Repository

pytestmark = pytest.mark.infra

WORKER = Path(__file__).with_name("outbox_worker.py")


def event(topic: str, key: str, text: str = "") -> OutboxEvent:
    return OutboxEvent.create(
        topic=topic,
        key=key,
        type="slate.test.thing.changed.v1",
        source="slate-test",
        message=StringValue(value=text or key),
    )


async def run_worker(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), *args, stdout=asyncio.subprocess.PIPE
    )


async def pending(db, doc_id: str) -> list[dict]:
    raw = await db["things"].find_one({"_id": doc_id})
    return raw["_outbox"]


async def test_relay_publishes_in_order_with_cloudevents_headers_then_clears(
    db, topic, kafka_bootstrap, kit
):
    repo = Repository(db, "things")
    events = [event(topic, "thg_1", f"e{i}") for i in range(3)]
    await repo.insert({"_id": "thg_1", "org_id": "org_a"}, events[:1])
    await repo.update("org_a", "thg_1", 1, {"n": 1}, events[1:])
    relay = OutboxRelay(db, ["things"], kafka_bootstrap)
    try:
        assert await relay.drain_once() == 3
        assert await relay.drain_once() == 0
    finally:
        await relay.stop()

    records = await kit.read_topic(kafka_bootstrap, topic, at_least=3)
    envelopes = [Envelope.from_record(r) for r in records]
    assert [e.id for e in envelopes] == [e.id for e in events]
    assert {r.partition for r in records} == {records[0].partition}
    first = envelopes[0]
    assert first.key == "thg_1"
    assert first.type == "slate.test.thing.changed.v1"
    assert first.source == "slate-test"
    assert first.time == events[0].time
    assert first.headers["ce_specversion"] == "1.0"
    assert first.headers["content-type"] == "application/protobuf"
    assert first.decode(StringValue).value == "e0"
    raw = await db["things"].find_one({"_id": "thg_1"})
    assert raw["_outbox"] == []
    assert raw["_pending"] is False
    assert raw["version"] == 2  # the relay's clear is not a domain change


async def test_events_written_while_the_relay_publishes_are_kept(db, topic, kafka_bootstrap, kit):
    repo = Repository(db, "things")
    await repo.insert({"_id": "thg_1", "org_id": "org_a"}, [event(topic, "thg_1", "first")])
    late = event(topic, "thg_1", "late")

    class WriteDuringPublish(OutboxRelay):
        def _after_publish(self, collection, doc_id, events):
            self.late_write = asyncio.ensure_future(
                repo.update("org_a", "thg_1", 1, {"n": 1}, [late])
            )

    relay = WriteDuringPublish(db, ["things"], kafka_bootstrap)
    try:
        assert await relay.drain_once() == 1
        await relay.late_write
        assert [e["id"] for e in await pending(db, "thg_1")] == [late.id]
        assert await relay.drain_once() == 1
    finally:
        await relay.stop()
    assert await pending(db, "thg_1") == []
    records = await kit.read_topic(kafka_bootstrap, topic, at_least=2)
    assert [Envelope.from_record(r).decode(StringValue).value for r in records] == [
        "first",
        "late",
    ]


async def test_background_relay_is_woken_by_a_write(db, topic, kafka_bootstrap, kit):
    relay = OutboxRelay(db, ["things"], kafka_bootstrap, poll_interval_s=60)
    repo = Repository(db, "things", on_events=relay.wake)
    await relay.start()
    try:
        await asyncio.sleep(0.2)  # the first pass (nothing to do) is over; next one needs a wake
        await repo.insert({"_id": "thg_1", "org_id": "org_a"}, [event(topic, "thg_1")])
        records = await kit.read_topic(kafka_bootstrap, topic, at_least=1, within=10)
        assert len(records) == 1

        async def cleared() -> bool:
            return await pending(db, "thg_1") == []

        await kit.eventually(cleared, within=10)
    finally:
        await relay.stop()


async def test_event_survives_a_kill_between_write_and_publish(db, topic, kafka_bootstrap, kit):
    worker = await run_worker("write", db.name, topic, "thg_1")
    line = (await asyncio.wait_for(worker.stdout.readline(), 30)).decode().split()
    assert line[0] == "WRITTEN"
    worker.send_signal(signal.SIGKILL)
    assert await worker.wait() == -signal.SIGKILL
    assert [e["id"] for e in await pending(db, "thg_1")] == [line[1]]
    assert await kit.read_topic(kafka_bootstrap, topic, within=0) == []

    relay = OutboxRelay(db, ["things"], kafka_bootstrap)  # "after restart"
    try:
        assert await relay.drain_once() == 1
    finally:
        await relay.stop()
    records = await kit.read_topic(kafka_bootstrap, topic, at_least=1)
    assert [Envelope.from_record(r).id for r in records] == [line[1]]
    assert await pending(db, "thg_1") == []


async def test_kill_after_publish_before_clear_republishes_and_consumer_applies_once(
    db, topic, kafka_bootstrap, kit
):
    repo = Repository(db, "things")
    first = event(topic, "thg_1", "apply-me")
    await repo.insert({"_id": "thg_1", "org_id": "org_a"}, [first])

    worker = await run_worker("relay", db.name, "things")
    out = (await asyncio.wait_for(worker.stdout.read(), 60)).decode()
    assert await worker.wait() == -signal.SIGKILL, out
    assert "PUBLISHED" in out
    assert "NOT KILLED" not in out
    assert [e["id"] for e in await pending(db, "thg_1")] == [first.id]  # published, not cleared
    assert len(await kit.read_topic(kafka_bootstrap, topic, at_least=1)) == 1

    relay = OutboxRelay(db, ["things"], kafka_bootstrap)  # "after restart": publishes again
    try:
        assert await relay.drain_once() == 1
        assert await pending(db, "thg_1") == []
        sentinel = event(topic, "thg_1", "sentinel")
        await repo.update("org_a", "thg_1", 1, {"n": 1}, [sentinel])
        assert await relay.drain_once() == 1
    finally:
        await relay.stop()
    records = await kit.read_topic(kafka_bootstrap, topic, at_least=3)
    assert [Envelope.from_record(r).id for r in records] == [first.id, first.id, sentinel.id]

    applied: list[str] = []

    async def handler(envelope: Envelope) -> None:
        applied.append(envelope.decode(StringValue).value)

    consumer = Consumer(
        bootstrap=kafka_bootstrap,
        group_id=kit.unique("crash-test"),
        topics=[topic],
        handler=handler,
        db=db,
    )
    await consumer.start()
    try:
        await kit.eventually(lambda: "sentinel" in applied)
    finally:
        await consumer.stop()
    assert applied == ["apply-me", "sentinel"]
    assert await db["inbox"].count_documents({"ce_id": first.id}) == 1


async def test_a_written_document_is_published_unread_and_a_stale_copy_adds_nothing(
    db, topic, kafka_bootstrap, kit
):
    woken: list[dict] = []
    repo = Repository(db, "things", on_events=lambda _c, _i, doc: woken.append(doc))
    first, second = event(topic, "thg_1", "first"), event(topic, "thg_1", "second")
    await repo.insert({"_id": "thg_1", "org_id": "org_a"}, [first])
    await repo.update("org_a", "thg_1", 1, {"n": 1}, [second])
    assert [doc["version"] for doc in woken] == [1, 2]
    reads: list[object] = []

    class CountingReads:  # the relay's database, counting the documents it reads by id
        name = db.name

        def __getitem__(self, name):
            collection = db[name]

            class Counted:
                def __getattr__(self, attr):
                    return getattr(collection, attr)

                async def find_one(self, *args, **kwargs):
                    reads.append(args)
                    return await collection.find_one(*args, **kwargs)

            return Counted()

    relay = OutboxRelay(CountingReads(), ["things"], kafka_bootstrap)
    try:
        # Both writes' copies handed over: the newer one (both events) is published, unread.
        relay.wake("things", "thg_1", woken[0])
        relay.wake("things", "thg_1", woken[1])
        assert await relay.drain_hinted() == 2
        assert reads == []
        # A stale copy handed over again (a slow writer's wake): nothing is sent twice, and the
        # clear leaves the outbox empty, not restored from the copy.
        relay.wake("things", "thg_1", woken[0])
        assert await relay.drain_hinted() == 0
    finally:
        await relay.stop()
    records = await kit.read_topic(kafka_bootstrap, topic, at_least=2)
    assert [Envelope.from_record(r).id for r in records] == [first.id, second.id]
    assert await pending(db, "thg_1") == []
