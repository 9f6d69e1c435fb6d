"""Casting's event handling, fed envelopes exactly as a consumer receives them: productions from
scheduling, its own domain events on the outbox, and its booking events decoded for live views."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from casting import events
from casting.domain import model
from casting.domain.model import Booking, Production, Role, Talent
from casting.usecases import BookingEventKind, Casting
from slate.errors import UserError
from slate.events import Envelope, PoisonMessage
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_HELD,
    BOOKING_RELEASED,
    CONTRACT_DRAFTED,
    PRODUCTION_CREATED,
    PRODUCTION_TOPIC,
)
from slate.testing import envelope, principal
from slate_proto.slate.events.v1 import legal_pb2, scheduling_pb2

OTHER_ORG = principal("org_b", "producer", "casting")


def production_created(production_id: str = "prd_new", org_id: str = "org_b") -> Envelope:
    message = scheduling_pb2.ProductionCreated(
        production_id=production_id,
        org_id=org_id,
        title="Winter Spot",
        client="Acme Soda",
        kind="COMMERCIAL",
        timezone="America/New_York",
        stage="PREP",
    )
    return envelope(PRODUCTION_CREATED.outbox(production_id, message))


def booking(version: int = 0) -> Booking:
    production = Production(id="prd_1", org_id="org_a", timezone="America/Los_Angeles")
    role = Role.create(
        id="rol_1",
        production=production,
        draft=model.validate_role("Lead", "1200.00", "USD", "DAY", ["2027-03-02"]),
    )
    draft = model.validate_talent(
        "Rosa", "rosa@example.com", "1994-02-11", "NONE", date(2026, 11, 28)
    )
    talent = Talent.register(id="tal_1", org_id="org_a", draft=draft, sealed_date_of_birth={})
    b = Booking.hold(
        id="bkg_1", role=role, talent=talent, date_of_birth=date(1994, 2, 11), existing=()
    )
    if version:  # as the store hands it back: stored at `version`, no pending events
        b.version = version
        b.events.clear()
    return b


# --- consumed --------------------------------------------------------------------------------


def test_casting_consumes_exactly_the_production_topic(casting: Casting) -> None:
    table = events.handlers(casting)
    assert table.topics == [PRODUCTION_TOPIC.name]
    assert table.types == (PRODUCTION_CREATED,)


async def test_a_created_production_is_kept_and_used_without_asking_scheduling(
    casting: Casting, cast: Any, peers: Any
) -> None:
    await events.handlers(casting)(production_created())
    cast.caller = OTHER_ORG
    role = await cast.role(production_id="prd_new")
    assert (role.org_id, role.production_timezone) == ("org_b", "America/New_York")
    assert "production" not in peers.asked()
    raw = await cast.database.repository("productions").raw("prd_new")
    assert {k: raw[k] for k in ("org_id", "title", "client", "kind", "stage", "version")} == {
        "org_id": "org_b",
        "title": "Winter Spot",
        "client": "Acme Soda",
        "kind": "COMMERCIAL",
        "stage": "PREP",
        "version": 1,
    }


async def test_a_redelivered_production_created_applies_once(casting: Casting, cast: Any) -> None:
    delivered = production_created()
    handle = events.handlers(casting)
    await handle(delivered)
    first = await cast.database.repository("productions").raw("prd_new")
    await handle(delivered)
    await handle(production_created())  # the same fact under a new event id
    assert await cast.docs("productions") == 1
    assert await cast.database.repository("productions").raw("prd_new") == first


async def test_a_production_is_kept_for_its_own_organisation_only(
    casting: Casting, cast: Any, peers: Any
) -> None:
    await events.handlers(casting)(production_created(org_id="org_b"))
    with pytest.raises(UserError, match="unknown production"):
        await cast.role(production_id="prd_new")  # org_a: scheduling does not know it either
    assert peers.asked() == ["production"]


async def test_event_types_casting_does_not_handle_are_skipped(casting: Casting, cast: Any) -> None:
    handle = events.handlers(casting)
    drafted = legal_pb2.ContractDrafted()
    await handle(envelope(CONTRACT_DRAFTED.outbox("ctr_1", drafted)))
    [held] = booking(version=0).events
    await handle(envelope(events.to_outbox(held)))
    assert cast.database.collections.get("productions", {}) == {}


async def test_an_undecodable_production_created_is_poison(casting: Casting, cast: Any) -> None:
    good = PRODUCTION_CREATED.outbox("prd_bad", scheduling_pb2.ProductionCreated())
    bad = dataclasses.replace(good, payload=b"\x0a\xff\xff\xff")
    with pytest.raises(PoisonMessage):
        await events.handlers(casting)(envelope(bad))
    assert await cast.docs("productions") == 0


# --- published -------------------------------------------------------------------------------


def test_each_domain_event_becomes_its_catalogue_type_keyed_by_booking() -> None:
    b = booking(version=1)
    b.confirm("u1", at=datetime(2027, 3, 1, tzinfo=UTC))
    b.version = 2
    b.release("recast")
    [held_event] = booking(version=0).events
    held = events.to_outbox(held_event)
    confirmed, released = (events.to_outbox(e) for e in b.events)
    for event, event_type in (
        (held, BOOKING_HELD),
        (confirmed, BOOKING_CONFIRMED),
        (released, BOOKING_RELEASED),
    ):
        assert (event.type, event.topic, event.source, event.key) == (
            event_type.name,
            event_type.topic.name,
            "slate-casting",
            "bkg_1",
        )
    assert BOOKING_CONFIRMED.decode(envelope(confirmed)).confirmed_by == "u1"
    assert BOOKING_RELEASED.decode(envelope(released)).reason == "recast"
    assert BOOKING_RELEASED.decode(envelope(released)).booking.version == 3


# --- live --------------------------------------------------------------------------------------


async def test_live_bookings_decode_casting_booking_events_and_skip_the_rest() -> None:
    b = booking(version=1)
    b.confirm("u1", at=datetime(2027, 3, 1, tzinfo=UTC))
    [confirmed] = b.events
    unreadable = dataclasses.replace(events.to_outbox(confirmed), payload=b"\x0a\xff\xff\xff")
    arriving = [
        production_created(),
        envelope(unreadable),
        envelope(events.to_outbox(confirmed)),
    ]
    closed = asyncio.Event()

    async def listen() -> AsyncIterator[Envelope]:
        try:
            for item in arriving:
                yield item
            await asyncio.Event().wait()  # live topics never end by themselves
        finally:
            closed.set()

    stream = events.live_bookings(listen)()
    change = await asyncio.wait_for(anext(stream), 2)
    assert change.kind is BookingEventKind.CONFIRMED
    assert (change.booking.booking_id, change.booking.status, change.booking.version) == (
        "bkg_1",
        "BOOKED",
        2,
    )
    await stream.aclose()
    assert closed.is_set()
