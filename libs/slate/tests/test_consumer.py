"""Consumers against real Kafka and the database: poison records, retries, dead letters, replay."""

from __future__ import annotations

import asyncio
import json

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from slate.events import Consumer, Envelope, OutboxEvent, PoisonMessage, headers_for
from slate.events.catalogue import BOOKING_CONFIRMED, dispatch
from slate.events.dlq import read_dead_letters
from slate_tools.cli import main as slate_cli

pytestmark = pytest.mark.infra


def event(topic: str, key: str, text: str) -> OutboxEvent:
    return OutboxEvent.create(
        topic=topic,
        key=key,
        type="slate.test.thing.changed.v1",
        source="slate-test",
        message=StringValue(value=text),
    )


async def publish(kit, bootstrap: str, ev: OutboxEvent) -> None:
    await kit.produce_raw(
        bootstrap, ev.topic, ev.payload, key=ev.key.encode(), headers=headers_for(ev)
    )


def dlq_header(letter, name: str) -> str | None:
    return letter.header(name)


async def test_malformed_record_is_dead_lettered_and_the_next_one_is_processed(
    db, topic, kafka_bootstrap, kit
):
    key = b"thg_1"
    await kit.produce_raw(
        kafka_bootstrap, topic, b"\xffgarbage", key=key, headers=[("ce_id", b"x")]
    )
    undecodable = event(topic, "thg_1", "will not decode")
    undecodable = OutboxEvent(**{**undecodable.__dict__, "payload": b"\xff\xff\xff"})
    await publish(kit, kafka_bootstrap, undecodable)
    good = event(topic, "thg_1", "fine")
    await publish(kit, kafka_bootstrap, good)

    seen: list[str] = []

    async def handler(envelope: Envelope) -> None:
        seen.append(envelope.decode(StringValue).value)  # PoisonMessage for the 2nd record

    group = kit.unique("poison-test")
    consumer = Consumer(
        bootstrap=kafka_bootstrap,
        group_id=group,
        topics=[topic],
        handler=handler,
        db=db,
        max_attempts=5,
        backoff_s=0.01,
    )
    await consumer.start()
    try:
        await kit.eventually(lambda: "fine" in seen)
    finally:
        await consumer.stop()
    assert seen == ["fine"]

    letters = await read_dead_letters(kafka_bootstrap, topic)
    assert len(letters) == 2
    by_offset = sorted(letters, key=lambda d: int(d.header("dlq_original_offset")))
    bad_headers, bad_payload = by_offset
    assert bad_headers.topic == f"{topic}.dlq"
    assert bad_headers.value == b"\xffgarbage"
    assert bad_headers.key == key
    assert bad_headers.header("dlq_error_type") == "slate.events.model.PoisonMessage"
    assert "missing CloudEvents header" in bad_headers.header("dlq_error")
    assert bad_headers.header("dlq_original_topic") == topic
    assert bad_headers.header("dlq_original_offset") == "0"
    assert bad_headers.header("dlq_consumer_group") == group
    assert bad_headers.header("dlq_time")
    assert bad_headers.header("dlq_original_partition") is not None
    assert bad_payload.ce_id == undecodable.id
    assert bad_payload.header("dlq_attempts") == "1"  # poison: no retries
    assert "cannot decode google.protobuf.StringValue" in bad_payload.header("dlq_error")
    assert await db["inbox"].count_documents({}) == 1


async def test_failing_handler_is_retried_then_dead_lettered_and_replay_brings_it_back(
    db, topic, kafka_bootstrap, kit, capsys
):
    doomed, after = event(topic, "thg_1", "doomed"), event(topic, "thg_1", "after")
    await publish(kit, kafka_bootstrap, doomed)
    await publish(kit, kafka_bootstrap, after)

    attempts: dict[str, int] = {}
    broken = True
    applied: list[str] = []

    async def handler(envelope: Envelope) -> None:
        text = envelope.decode(StringValue).value
        attempts[text] = attempts.get(text, 0) + 1
        if text == "doomed" and broken:
            raise RuntimeError("downstream said no")
        applied.append(text)

    group = kit.unique("retry-test")
    consumer = Consumer(
        bootstrap=kafka_bootstrap,
        group_id=group,
        topics=[topic],
        handler=handler,
        db=db,
        max_attempts=3,
        backoff_s=0.01,
    )
    await consumer.start()
    try:
        await kit.eventually(lambda: "after" in applied)
        assert attempts == {"doomed": 3, "after": 1}
        letters = await read_dead_letters(kafka_bootstrap, topic)
        assert [d.ce_id for d in letters] == [doomed.id]
        letter = letters[0]
        assert letter.header("dlq_error") == "downstream said no"
        assert letter.header("dlq_error_type") == "builtins.RuntimeError"
        assert letter.header("dlq_attempts") == "3"
        assert letter.header("traceparent") == doomed.traceparent  # original headers kept

        capsys.readouterr()
        code = await asyncio.to_thread(
            slate_cli, ["dlq", "list", "--topic", topic, "--bootstrap", kafka_bootstrap]
        )
        assert code == 0
        listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [(x["ce_id"], x["error"], x["original_topic"]) for x in listed] == [
            (doomed.id, "downstream said no", topic)
        ]

        broken = False
        code = await asyncio.to_thread(
            slate_cli,
            ["dlq", "replay", "--topic", topic, "--id", doomed.id, "--bootstrap", kafka_bootstrap],
        )
        assert code == 0
        await kit.eventually(lambda: "doomed" in applied)
    finally:
        await consumer.stop()
    assert applied == ["after", "doomed"]
    replayed = (await kit.read_topic(kafka_bootstrap, topic, at_least=3))[-1]
    assert Envelope.from_record(replayed).id == doomed.id
    assert not any(k.startswith("dlq_") for k, _ in replayed.headers)
    assert await db["inbox"].count_documents({"ce_id": doomed.id}) == 1


async def test_replay_of_an_unknown_id_fails_loudly(topic, kafka_bootstrap, capsys):
    code = await asyncio.to_thread(
        slate_cli,
        ["dlq", "replay", "--topic", topic, "--id", "nope", "--bootstrap", kafka_bootstrap],
    )
    assert code == 1
    assert "not found" in capsys.readouterr().err


async def test_handler_errors_are_never_swallowed_by_a_poison_check(
    db, topic, kafka_bootstrap, kit
):
    ev = event(topic, "thg_9", "x")
    await publish(kit, kafka_bootstrap, ev)
    calls = 0

    async def handler(envelope: Envelope) -> None:
        nonlocal calls
        calls += 1
        raise PoisonMessage("this payload can never be applied")

    consumer = Consumer(
        bootstrap=kafka_bootstrap,
        group_id=kit.unique("g"),
        topics=[topic],
        handler=handler,
        db=db,
        max_attempts=5,
        backoff_s=0.01,
    )
    await consumer.start()
    try:

        async def dead() -> bool:
            return len(await read_dead_letters(kafka_bootstrap, topic)) == 1

        await kit.eventually(dead)
    finally:
        await consumer.stop()
    assert calls == 1
    assert await db["inbox"].count_documents({}) == 0


async def test_types_the_group_has_no_handler_for_cost_no_inbox_round_trip(
    db, topic, kafka_bootstrap, kit
):
    wanted = event(topic, "thg_1", "applied")
    other = OutboxEvent.create(
        topic=topic,
        key="thg_1",
        type="slate.test.thing.other.v1",
        source="slate-test",
        message=StringValue(value="not for this group"),
    )
    await publish(kit, kafka_bootstrap, other)
    await publish(kit, kafka_bootstrap, wanted)
    seen: list[str] = []

    class OnlyChanged:  # what a catalogue Dispatch answers: one type handled here
        def handles(self, type_name: str) -> bool:
            return type_name == "slate.test.thing.changed.v1"

        async def __call__(self, envelope: Envelope) -> None:
            seen.append(envelope.decode(StringValue).value)

    consumer = Consumer(
        bootstrap=kafka_bootstrap,
        group_id=kit.unique("ignore-test"),
        topics=[topic],
        handler=OnlyChanged(),
        db=db,
    )
    await consumer.start()
    try:
        await kit.eventually(lambda: seen == ["applied"])
    finally:
        await consumer.stop()
    inbox = [doc["_id"] async for doc in db["inbox"].find({})]
    assert inbox == [f"{consumer.group_id}:{wanted.id}"]  # nothing recorded for the other type


def test_a_dispatch_table_says_which_types_it_handles() -> None:
    async def use_case(_: object) -> None:
        return None

    table = dispatch({BOOKING_CONFIRMED: use_case})
    assert table.handles(BOOKING_CONFIRMED.name)
    assert not table.handles("slate.casting.booking.held.v1")
