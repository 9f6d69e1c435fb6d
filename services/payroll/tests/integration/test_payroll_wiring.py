"""Payroll's wiring on the real database: what it publishes and consumes, what it serves over
gRPC, and the indexes its store declares."""

from __future__ import annotations

from typing import Any

import pytest
from payroll.app import SERVICE
from slate.config import Settings
from slate.events.catalogue import BOOKING_TOPIC, ENGAGEMENT_TOPIC, PAY_RUN_TOPIC, PAYMENT_TOPIC
from slate.runtime import Runtime

pytestmark = pytest.mark.infra


async def test_wire_declares_topics_consumers_and_indexes(db: Any, mongo_url: str) -> None:
    runtime = Runtime(
        Settings(service="payroll-wiring-test", mongo_url=mongo_url, database=db.name)
    )
    try:
        wiring = await SERVICE.wire(runtime)
    finally:
        await runtime.close()
    assert dict(wiring.publishes) == {
        ENGAGEMENT_TOPIC.name: ENGAGEMENT_TOPIC.partitions,
        PAY_RUN_TOPIC.name: PAY_RUN_TOPIC.partitions,
        PAYMENT_TOPIC.name: PAYMENT_TOPIC.partitions,
    }
    assert [(c.group_id, list(c.topics)) for c in wiring.consumers] == [
        ("slate-payroll.bookings", [BOOKING_TOPIC.name])
    ]
    assert list(wiring.outbox_collections) == ["engagements", "timecards", "pay_runs"]
    assert list(wiring.grpc_service_names) == ["slate.payroll.v1.Estimates"]
    assert wiring.grpc_register is not None
    engagements = set(await db["engagements"].index_information())
    assert {"_pending_1", "org_id_1__id_1", "org_id_1_booking_id_1", "org_id_1_talent_id_1"} <= (
        engagements
    )
