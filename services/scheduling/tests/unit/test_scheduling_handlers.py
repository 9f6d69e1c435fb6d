"""Casting's booking events, fed to scheduling's dispatch table as the consumer delivers them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from scheduling import events
from scheduling.usecases import Scheduling
from slate.events import PoisonMessage
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_HELD,
    BOOKING_RELEASED,
    BOOKING_TOPIC,
    ENGAGEMENT_ESTIMATED,
    ENGAGEMENT_TOPIC,
    PAY_RUN_ISSUED,
    PAY_RUN_TOPIC,
    PRODUCTION_CREATED,
    ROLE_CLOSED,
    ROLE_PUBLISHED,
    ROLE_TOPIC,
)
from slate.repository import MemoryDatabase
from slate.testing import envelope
from slate_proto.slate.events.v1 import casting_pb2, scheduling_pb2


async def busy(scheduling: Scheduling) -> list[tuple[str, bool]]:
    conflicts = await scheduling.check_conflicts(
        org_id="org_a", talent_id="tal_1", booking_id="bkg_new", dates=["2027-03-02"]
    )
    return [(c.booking_id, c.blocking) for c in conflicts]


def test_scheduling_reads_the_booking_and_role_topics(scheduling: Scheduling) -> None:
    handle = events.handlers(scheduling)
    assert handle.topics == sorted(
        [BOOKING_TOPIC.name, ROLE_TOPIC.name, ENGAGEMENT_TOPIC.name, PAY_RUN_TOPIC.name]
    )
    assert set(handle.types) == {
        BOOKING_HELD,
        BOOKING_CONFIRMED,
        BOOKING_RELEASED,
        ROLE_PUBLISHED,
        ROLE_CLOSED,
        ENGAGEMENT_ESTIMATED,
        PAY_RUN_ISSUED,
    }


async def test_held_confirmed_released_keep_the_talent_calendar(
    scheduling: Scheduling, booking: Any
) -> None:
    handle = events.handlers(scheduling)
    await handle(envelope(BOOKING_HELD.outbox("bkg_1", casting_pb2.BookingHeld(booking=booking()))))
    assert await busy(scheduling) == [("bkg_1", False)]
    confirmed = casting_pb2.BookingConfirmed(
        booking=booking(status="BOOKED", version=2), confirmed_by="u1"
    )
    await handle(envelope(BOOKING_CONFIRMED.outbox("bkg_1", confirmed)))
    assert await busy(scheduling) == [("bkg_1", True)]
    released = casting_pb2.BookingReleased(booking=booking(status="RELEASED", version=3))
    await handle(envelope(BOOKING_RELEASED.outbox("bkg_1", released)))
    assert await busy(scheduling) == []


async def test_a_redelivered_or_late_event_applies_once(
    scheduling: Scheduling, database: MemoryDatabase, booking: Any
) -> None:
    handle = events.handlers(scheduling)
    held = envelope(BOOKING_HELD.outbox("bkg_1", casting_pb2.BookingHeld(booking=booking())))
    confirmed = envelope(
        BOOKING_CONFIRMED.outbox(
            "bkg_1", casting_pb2.BookingConfirmed(booking=booking(status="BOOKED", version=2))
        )
    )
    await handle(held)
    await handle(confirmed)
    calendar = database.repository("talent_calendar", org_scoped=False)
    applied = await calendar.raw("bkg_1")
    await handle(confirmed)
    await handle(held)
    assert await calendar.raw("bkg_1") == applied
    assert await busy(scheduling) == [("bkg_1", True)]


async def test_events_scheduling_does_not_read_are_skipped(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    created = PRODUCTION_CREATED.outbox(
        "prd_1", scheduling_pb2.ProductionCreated(production_id="prd_1", org_id="org_a")
    )
    await events.handlers(scheduling)(envelope(created))
    assert database.collections.get("talent_calendar", {}) == {}


async def test_an_undecodable_payload_is_poison(scheduling: Scheduling, booking: Any) -> None:
    event = BOOKING_HELD.outbox("bkg_1", casting_pb2.BookingHeld(booking=booking()))
    with pytest.raises(PoisonMessage):
        await events.handlers(scheduling)(
            envelope(dataclasses.replace(event, payload=b"\xff\xff\xff"))
        )


async def test_a_snapshot_no_service_could_have_written_is_poison(
    scheduling: Scheduling, database: MemoryDatabase, booking: Any
) -> None:
    event = BOOKING_HELD.outbox(
        "bkg_1", casting_pb2.BookingHeld(booking=booking(amount="twelve hundred"))
    )
    with pytest.raises(PoisonMessage):
        await events.handlers(scheduling)(envelope(event))
    assert database.collections.get("talent_calendar", {}) == {}
