"""Casting's wiring on the real database: what it publishes, consumes and listens to, and the
indexes its store declares."""

from __future__ import annotations

from typing import Any

import pytest
from casting.app import SERVICE
from slate.config import Settings
from slate.events.catalogue import (
    AUDITION_TOPIC,
    BOOKING_TOPIC,
    PRODUCTION_TOPIC,
    ROLE_TOPIC,
    SUBMISSION_TOPIC,
    TALENT_TOPIC,
)
from slate.runtime import Runtime

pytestmark = pytest.mark.infra


async def test_wire_declares_topics_consumers_and_indexes(db: Any, mongo_url: str) -> None:
    runtime = Runtime(
        Settings(service="casting-wiring-test", mongo_url=mongo_url, database=db.name)
    )
    try:
        wiring = await SERVICE.wire(runtime)
    finally:
        await runtime.close()
    assert dict(wiring.publishes) == {
        BOOKING_TOPIC.name: BOOKING_TOPIC.partitions,
        ROLE_TOPIC.name: ROLE_TOPIC.partitions,
        SUBMISSION_TOPIC.name: SUBMISSION_TOPIC.partitions,
        TALENT_TOPIC.name: TALENT_TOPIC.partitions,
        AUDITION_TOPIC.name: AUDITION_TOPIC.partitions,
    }
    assert [(c.group_id, list(c.topics)) for c in wiring.consumers] == [
        ("slate-casting.productions", [PRODUCTION_TOPIC.name])
    ]
    assert list(wiring.live_topics) == [BOOKING_TOPIC.name]
    assert list(wiring.outbox_collections) == [
        "roles",
        "talent",
        "bookings",
        "submissions",
        "audition_sessions",
        "audition_invitations",
        "self_tapes",
    ]
    assert wiring.grpc_register is not None  # the runtime serves gRPC health for casting
    assert [(j.name, j.interval_s) for j in wiring.periodic] == [("hold-sweep", 60.0)]
    bookings = set(await db["bookings"].index_information())
    assert {
        "_pending_1",
        "org_id_1__id_1",
        "org_id_1_role_id_1",
        "talent_id_1",
        "org_id_1_talent_id_1",
        "status_1_expires_at_1",
    } <= bookings
    assert "status_1__id_1" in await db["roles"].index_information()
    assert "email_1" in await db["talent"].index_information()
