"""Locations, scenes and the roles they need (use cases on the in-memory database)."""

from __future__ import annotations

from typing import Any

import pytest
from scheduling.events import handlers
from scheduling.usecases import Scheduling
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.events.catalogue import BOOKING_CONFIRMED, ROLE_PUBLISHED
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import booking_snapshot, envelope, principal
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2

PRODUCER = principal("org_a", "producer")
CASTING = principal("org_a", "casting")
OTHER = principal("org_b", "producer", sub="u2")


def role_snapshot(role_id: str, production_id: str, amount: str = "500.00", **kw: Any) -> Any:
    return casting_pb2.RoleSnapshot(
        role_id=role_id,
        org_id=kw.get("org_id", "org_a"),
        production_id=production_id,
        name=kw.get("name", role_id),
        status="PUBLISHED",
        rate=money_pb2.Rate(money=money_pb2.Money(amount=amount, currency="USD"), unit="DAY"),
        version=kw.get("version", 1),
    )


async def publish_role(scheduling: Scheduling, role_id: str, production_id: str, **kw: Any) -> None:
    event = ROLE_PUBLISHED.outbox(
        role_id, casting_pb2.RolePublished(role=role_snapshot(role_id, production_id, **kw))
    )
    await handlers(scheduling)(envelope(event))


async def book(
    scheduling: Scheduling,
    production_id: str,
    role_id: str,
    talent_id: str,
    amount: str = "1000.00",
    dates: tuple[str, ...] = ("2027-03-01",),
    booking_id: str | None = None,
    org_id: str = "org_a",
) -> None:
    snapshot = booking_snapshot(
        booking_id=booking_id or f"bkg_{production_id}_{role_id}_{talent_id}",
        org_id=org_id,
        production_id=production_id,
        role_id=role_id,
        role_name=role_id,
        talent_id=talent_id,
        status="BOOKED",
        work_dates=list(dates),
        version=2,
    )
    snapshot.rate.money.amount = amount
    await handlers(scheduling)(
        envelope(
            BOOKING_CONFIRMED.outbox(
                snapshot.booking_id, casting_pb2.BookingConfirmed(booking=snapshot)
            )
        )
    )


async def production(scheduling: Scheduling, who: Any = PRODUCER) -> str:
    p = await scheduling.create_production(
        who, title="Film", client="", kind="FILM", timezone="America/Los_Angeles"
    )
    return p.id


def fields(exc: ValidationErrors) -> set[str | None]:
    return {e.field for e in exc.errors}


async def test_a_location_and_a_scene_of_published_and_booked_roles(
    scheduling: Scheduling,
) -> None:
    prd = await production(scheduling)
    loc = await scheduling.create_location(
        PRODUCER, production_id=prd, name=" Stage 4 ", address="1 Lot Rd", parking="Lot B"
    )
    assert (loc.name, loc.parking, loc.production_id) == ("Stage 4", "Lot B", prd)
    await publish_role(scheduling, "rol_a", prd)
    await book(scheduling, prd, "rol_b", "tal_1")
    scene = await scheduling.create_scene(
        PRODUCER,
        production_id=prd,
        number="12A",
        location_id=loc.id,
        duration=2,
        role_ids=["rol_a", "rol_b"],
    )
    assert (scene.number, scene.duration, scene.role_ids) == ("12A", 2, ("rol_a", "rol_b"))
    assert [s.id for s in await scheduling.scenes("org_a", prd)] == [scene.id]
    assert [x.id for x in await scheduling.locations("org_a", prd)] == [loc.id]
    # another organisation sees nothing
    assert await scheduling.scenes("org_b", prd) == []


async def test_a_scene_of_an_unknown_role_or_location_names_the_field_and_writes_nothing(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    prd = await production(scheduling)
    await publish_role(scheduling, "rol_a", prd)
    other_prd = await production(scheduling)
    other_loc = await scheduling.create_location(
        PRODUCER, production_id=other_prd, name="Elsewhere", address="x"
    )
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.create_scene(
            PRODUCER,
            production_id=prd,
            number="1",
            location_id=other_loc.id,
            duration=0,
            role_ids=["rol_a", "rol_zz", "rol_a"],
            fixed_date="2027-02-30",
        )
    assert fields(caught.value) == {
        "locationId",
        "duration",
        "roleIds[1]",
        "roleIds[2]",
        "fixedDate",
    }
    assert not database.collections.get("scenes")


async def test_scene_numbers_are_unique_in_a_production(scheduling: Scheduling) -> None:
    prd = await production(scheduling)
    loc = await scheduling.create_location(PRODUCER, production_id=prd, name="A", address="a")
    await scheduling.create_scene(
        PRODUCER, production_id=prd, number="1", location_id=loc.id, duration=1, role_ids=[]
    )
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.create_scene(
            PRODUCER, production_id=prd, number="1", location_id=loc.id, duration=1, role_ids=[]
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [("number", "CONFLICT")]


async def test_location_rules_and_permissions(scheduling: Scheduling) -> None:
    prd = await production(scheduling)
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.create_location(PRODUCER, production_id=prd, name=" ", address="")
    assert fields(caught.value) == {"name", "address"}
    with pytest.raises(Forbidden):
        await scheduling.create_location(CASTING, production_id=prd, name="A", address="a")
    with pytest.raises(UserError) as missing:
        await scheduling.create_location(OTHER, production_id=prd, name="A", address="a")
    assert (missing.value.field, missing.value.code) == ("productionId", "NOT_FOUND")


async def test_role_snapshots_apply_once_and_stale_ones_are_ignored(
    scheduling: Scheduling,
) -> None:
    prd = await production(scheduling)
    await publish_role(scheduling, "rol_a", prd, amount="700.00", version=3)
    await publish_role(scheduling, "rol_a", prd, amount="100.00", version=2)
    roles = await scheduling._store.roles_of("org_a", prd)
    assert str(roles["rol_a"].rate.amount) == "700.00"


async def test_booked_roles_carry_the_bookings_rate(scheduling: Scheduling) -> None:
    prd = await production(scheduling)
    await book(scheduling, prd, "rol_b", "tal_1", amount="950.00")
    roles = await scheduling._store.roles_of("org_a", prd)
    assert str(roles["rol_b"].rate.amount) == "950.00"
    [member] = await scheduling._store.cast_of("org_a", prd)
    assert (member.talent_id, member.role_id) == ("tal_1", "rol_b")
    snapshot = BookingSnapshot.from_proto(booking_snapshot())
    assert snapshot.role_id == "rol_1"
