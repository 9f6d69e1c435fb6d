"""Scheduling's use cases on the in-memory database: writes, refusals, events and audit."""

from __future__ import annotations

from typing import Any

import pytest
from scheduling import store as store_module
from scheduling.domain.productions import Production, ProductionKind, Stage
from scheduling.usecases import Scheduling
from slate.audit import AuditLog
from slate.errors import Forbidden, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import PRODUCTION_CREATED
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import principal
from slate_proto.slate.events.v1 import scheduling_pb2

PRODUCER = principal("org_a", "producer")
OTHER_PRODUCER = principal("org_b", "producer", sub="u2")


async def create(scheduling: Scheduling, who: Any = PRODUCER, **overrides: str) -> Production:
    fields = {
        "title": "Spring Spot",
        "client": "Acme Soda",
        "kind": "COMMERCIAL",
        "timezone": "America/Los_Angeles",
    } | overrides
    return await scheduling.create_production(who, **fields)


def written(database: MemoryDatabase, collection: str) -> list[dict[str, Any]]:
    return list(database.collections.get(collection, {}).values())


# ------------------------------------------------------------------ createProduction


async def test_a_producer_creates_a_production_of_their_organisation(
    scheduling: Scheduling,
) -> None:
    production = await create(scheduling, title="  Spring Spot ")
    assert production.id.startswith("prd_")
    assert (production.org_id, production.title, production.client) == (
        "org_a",
        "Spring Spot",
        "Acme Soda",
    )
    assert production.kind is ProductionKind.COMMERCIAL
    assert production.stage is Stage.PLANNING
    assert (production.version, production.created_by) == (1, "u1")
    assert production.created_at is not None
    assert production.events == []
    assert await scheduling.production("org_a", production.id) == production


async def test_creating_a_production_announces_it_in_the_same_write(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    production = await create(scheduling)
    raw = await database.repository("productions").raw(production.id)
    assert raw is not None
    assert raw["_pending"] is True
    [event] = [OutboxEvent.from_doc(e) for e in raw["_outbox"]]
    assert (event.topic, event.type, event.key, event.source) == (
        PRODUCTION_CREATED.topic.name,
        PRODUCTION_CREATED.name,
        production.id,
        PRODUCTION_CREATED.source,
    )
    message = scheduling_pb2.ProductionCreated.FromString(event.payload)
    assert message == scheduling_pb2.ProductionCreated(
        production_id=production.id,
        org_id="org_a",
        title="Spring Spot",
        client="Acme Soda",
        kind="COMMERCIAL",
        timezone="America/Los_Angeles",
        stage="PLANNING",
    )


async def test_creating_a_production_is_audited(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    production = await create(scheduling)
    [record] = await AuditLog(database).for_target("org_a", production.id)
    assert (record["action"], record["actor"], record["roles"]) == (
        "createProduction",
        "u1",
        ["producer"],
    )


@pytest.mark.parametrize("role", ["casting", "viewer", "accounting", "legal"])
async def test_only_a_producer_creates_productions_and_nothing_is_written(
    scheduling: Scheduling, database: MemoryDatabase, role: str
) -> None:
    with pytest.raises(Forbidden) as exc:
        await create(scheduling, principal("org_a", role))
    assert exc.value.code == "FORBIDDEN"
    assert "createProduction" in exc.value.message
    assert written(database, "productions") == []
    assert written(database, "audit") == []


async def test_every_bad_field_is_named_and_nothing_is_written(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await create(
            scheduling, title=" ", client="c" * 201, kind="PODCAST", timezone="Mars/Olympus"
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("title", "INVALID"),
        ("client", "INVALID"),
        ("kind", "INVALID"),
        ("timezone", "INVALID"),
    ]
    assert written(database, "productions") == []
    assert written(database, "audit") == []


# ------------------------------------------------------------------ reads


async def test_another_organisation_never_sees_a_production(scheduling: Scheduling) -> None:
    production = await create(scheduling)
    assert await scheduling.production("org_b", production.id) is None
    assert await scheduling.productions_by_id("org_b", [production.id]) == {}
    assert await scheduling.productions("org_b", first=10, after=None) == []


async def test_productions_are_paged_in_id_order_within_the_organisation(
    scheduling: Scheduling,
) -> None:
    ours = sorted([(await create(scheduling, title=f"Spot {i}")).id for i in range(3)])
    await create(scheduling, OTHER_PRODUCER)
    first = await scheduling.productions("org_a", first=2, after=None)
    rest = await scheduling.productions("org_a", first=2, after=first[-1].id)
    assert [p.id for p in first] + [p.id for p in rest] == ours


async def test_productions_by_id_returns_the_ones_found(scheduling: Scheduling) -> None:
    a = await create(scheduling, title="A")
    b = await create(scheduling, title="B")
    found = await scheduling.productions_by_id("org_a", [a.id, "prd_missing", b.id])
    assert {k: v.title for k, v in found.items()} == {a.id: "A", b.id: "B"}


# ------------------------------------------------------------------ talent calendar


async def test_a_newer_booking_snapshot_replaces_the_older_one(
    scheduling: Scheduling, booking: Any
) -> None:
    assert await scheduling.on_booking(BookingSnapshot.from_proto(booking(version=1)))
    assert await scheduling.on_booking(
        BookingSnapshot.from_proto(booking(status="BOOKED", version=2))
    )
    [conflict] = await scheduling.check_conflicts(
        org_id="org_a", talent_id="tal_1", booking_id="bkg_new", dates=["2027-03-02"]
    )
    assert (conflict.blocking, conflict.reason, conflict.booking_id) == (True, "booked", "bkg_1")


async def test_stale_and_replayed_booking_snapshots_change_nothing(
    scheduling: Scheduling, database: MemoryDatabase, booking: Any
) -> None:
    await scheduling.on_booking(BookingSnapshot.from_proto(booking(status="BOOKED", version=2)))
    before = await database.repository("talent_calendar", org_scoped=False).raw("bkg_1")
    assert not await scheduling.on_booking(BookingSnapshot.from_proto(booking(version=1)))
    assert not await scheduling.on_booking(
        BookingSnapshot.from_proto(booking(status="RELEASED", version=2))
    )
    after = await database.repository("talent_calendar", org_scoped=False).raw("bkg_1")
    assert after == before
    assert after is not None
    assert (after["status"], after["version"]) == ("BOOKED", 2)


async def test_a_released_booking_frees_its_dates(scheduling: Scheduling, booking: Any) -> None:
    await scheduling.on_booking(BookingSnapshot.from_proto(booking(status="BOOKED", version=2)))
    await scheduling.on_booking(BookingSnapshot.from_proto(booking(status="RELEASED", version=3)))
    assert not await scheduling.check_conflicts(
        org_id="org_a", talent_id="tal_1", booking_id="bkg_new", dates=["2027-03-02"]
    )


async def test_conflicts_span_organisations_without_revealing_the_other_ones(
    scheduling: Scheduling, booking: Any
) -> None:
    await scheduling.on_booking(
        BookingSnapshot.from_proto(booking("bkg_b", org_id="org_b", status="BOOKED"))
    )
    await scheduling.on_booking(BookingSnapshot.from_proto(booking("bkg_a", org_id="org_a")))
    conflicts = await scheduling.check_conflicts(
        org_id="org_a", talent_id="tal_1", booking_id="bkg_new", dates=["2027-03-02"]
    )
    assert [(c.reason, c.booking_id, c.production_id, c.blocking) for c in conflicts] == [
        ("booked elsewhere", "", "", True),
        ("on hold", "bkg_a", "prd_of_bkg_a", False),
    ]


async def test_conflicts_are_of_this_talent_on_these_dates_only(
    scheduling: Scheduling, booking: Any
) -> None:
    await scheduling.on_booking(BookingSnapshot.from_proto(booking("bkg_1", status="BOOKED")))
    await scheduling.on_booking(
        BookingSnapshot.from_proto(booking("bkg_2", talent_id="tal_2", status="BOOKED"))
    )
    await scheduling.on_booking(
        BookingSnapshot.from_proto(booking("bkg_3", status="BOOKED", dates=("2027-04-01",)))
    )
    conflicts = await scheduling.check_conflicts(
        org_id="org_a", talent_id="tal_1", booking_id="bkg_new", dates=["2027-03-02"]
    )
    assert [c.booking_id for c in conflicts] == ["bkg_1"]


async def test_every_commitment_is_read_however_many_pages_it_takes(
    scheduling: Scheduling, booking: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "CALENDAR_PAGE", 2)
    for i in range(5):
        await scheduling.on_booking(BookingSnapshot.from_proto(booking(f"bkg_{i}")))
    conflicts = await scheduling.check_conflicts(
        org_id="org_a", talent_id="tal_1", booking_id="bkg_new", dates=["2027-03-02"]
    )
    assert sorted(c.booking_id for c in conflicts) == [f"bkg_{i}" for i in range(5)]
