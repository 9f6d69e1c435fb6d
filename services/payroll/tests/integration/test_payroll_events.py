"""What payroll publishes reaches Kafka: the outbox relay drains payroll's collections onto the
real topics, and a consumer reads the committed cost and the pay run's totals from them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from payroll.store import PayrollStore
from payroll.usecases import Payroll, engagement_id_for
from pymongo.asynchronous.database import AsyncDatabase
from slate.events import Envelope, OutboxRelay
from slate.events.catalogue import (
    ENGAGEMENT_ESTIMATED,
    ENGAGEMENT_TOPIC,
    PAY_RUN_ISSUED,
    PAY_RUN_TOPIC,
    Topic,
)
from slate.events.snapshots import BookingSnapshot
from slate.events.topics import ensure_topics
from slate.repository import MongoDatabase
from slate.testing import principal
from slate_proto.slate.events.v1 import payroll_pb2

pytestmark = pytest.mark.infra

PRODUCER = principal("org_a", "producer")
ACCOUNTING = principal("org_a", "accounting")


@pytest.fixture
def database(db: AsyncDatabase[dict[str, Any]]) -> MongoDatabase:
    return MongoDatabase(db)


async def ends(bootstrap: str, topic: Topic) -> dict[TopicPartition, int]:
    """Where each partition of the (shared) topic ends now: the test reads only what follows."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        tps = [TopicPartition(topic.name, p) for p in range(topic.partitions)]
        return dict(await consumer.end_offsets(tps))
    finally:
        await consumer.stop()


async def read_after(
    bootstrap: str, start: dict[TopicPartition, int], key: str, kit: Any
) -> list[Envelope]:
    """The records with `key` written after `start` (other tests and stacks share the topic)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    found: list[Envelope] = []
    try:
        consumer.assign(list(start))
        for tp, offset in start.items():
            consumer.seek(tp, offset)

        async def arrived() -> bool:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                found.extend(Envelope.from_record(r) for r in batch if r.key == key.encode())
            return bool(found)

        await kit.eventually(arrived)
        for batch in (await consumer.getmany(timeout_ms=500)).values():
            found.extend(Envelope.from_record(r) for r in batch if r.key == key.encode())
    finally:
        await consumer.stop()
    return found


async def drain(db: AsyncDatabase[dict[str, Any]], bootstrap: str) -> None:
    relay = OutboxRelay(db, PayrollStore.outbox_collections, bootstrap)
    try:
        await relay.drain_once()
    finally:
        await relay.stop()


async def test_the_committed_cost_and_its_cancellation_reach_kafka_in_version_order(
    payroll: Payroll,
    booking: Callable[..., BookingSnapshot],
    db: AsyncDatabase[dict[str, Any]],
    kafka_bootstrap: str,
    kit: Any,
) -> None:
    await ensure_topics(kafka_bootstrap, {ENGAGEMENT_TOPIC.name: ENGAGEMENT_TOPIC.partitions})
    start = await ends(kafka_bootstrap, ENGAGEMENT_TOPIC)
    booking_id = kit.unique("bkg")
    await payroll.on_booking_confirmed(booking(booking_id=booking_id))
    await payroll.on_booking_released(booking(booking_id=booking_id, status="RELEASED"))
    await drain(db, kafka_bootstrap)
    engagement_id = engagement_id_for(booking_id)
    records = await read_after(kafka_bootstrap, start, engagement_id, kit)
    estimates = [
        ENGAGEMENT_ESTIMATED.decode(e) for e in records if e.type == ENGAGEMENT_ESTIMATED.name
    ]
    assert [(m.estimated_cost.amount, m.version, m.category) for m in estimates] == [
        ("2964.00", 1, "TALENT"),
        ("0.00", 2, "TALENT"),
    ]
    assert {m.production_id for m in estimates} == {"prd_1"}


async def test_an_issued_pay_run_reaches_kafka_with_its_totals(
    payroll: Payroll,
    booking: Callable[..., BookingSnapshot],
    db: AsyncDatabase[dict[str, Any]],
    kafka_bootstrap: str,
    kit: Any,
) -> None:
    await ensure_topics(kafka_bootstrap, {PAY_RUN_TOPIC.name: PAY_RUN_TOPIC.partitions})
    start = await ends(kafka_bootstrap, PAY_RUN_TOPIC)
    production_id = kit.unique("prd")
    booking_id = kit.unique("bkg")
    await payroll.on_booking_confirmed(
        booking(booking_id=booking_id, production_id=production_id, union="NONE")
    )
    card = await payroll.submit_timecard(
        PRODUCER,
        engagement_id=engagement_id_for(booking_id),
        day="2027-03-02",
        call="08:00",
        wrap="16:30",
        meals=[("12:00", "12:30")],
    )
    await payroll.approve_timecard(ACCOUNTING, card.id)
    run = await payroll.create_pay_run(
        ACCOUNTING,
        production_id=production_id,
        period_start="2027-03-01",
        period_end="2027-03-07",
        pay_date="2027-03-12",
    )
    await payroll.approve_pay_run(ACCOUNTING, run.id)
    await payroll.issue_pay_run(ACCOUNTING, run.id)
    await drain(db, kafka_bootstrap)
    [record] = await read_after(kafka_bootstrap, start, run.id, kit)
    assert record.type == PAY_RUN_ISSUED.name
    issued = PAY_RUN_ISSUED.decode(record)
    assert isinstance(issued, payroll_pb2.PayRunIssued)
    assert (issued.production_id, issued.stub_count, issued.gross.amount) == (
        production_id,
        1,
        "1200.00",
    )
    total = Decimal(issued.gross.amount) + Decimal(issued.employer_cost.amount)
    assert Decimal(issued.total_cost.amount) == total > Decimal(issued.gross.amount)
