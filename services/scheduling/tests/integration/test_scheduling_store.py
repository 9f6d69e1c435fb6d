"""Scheduling's store on the real database (FerretDB): the documents, outbox and queries."""

from __future__ import annotations

from typing import Any

import pytest
from scheduling import store as store_module
from scheduling.app import SERVICE
from scheduling.domain.calendar import CalendarEntry
from scheduling.domain.productions import Production
from scheduling.store import SchedulingStore
from slate.events import OutboxEvent
from slate.events.catalogue import PRODUCTION_CREATED
from slate.repository import MongoDatabase
from slate_proto.slate.events.v1 import scheduling_pb2

pytestmark = pytest.mark.infra


@pytest.fixture
async def store(db: Any) -> SchedulingStore:
    return await SERVICE.open_store(MongoDatabase(db))


def new_production(id: str, org: str = "org_a") -> Production:
    return Production.create(
        id=id,
        org_id=org,
        title=f"Spot {id}",
        client="Acme",
        kind="MUSIC_VIDEO",
        timezone="Europe/London",
        by="u1",
    )


def entry(
    booking_id: str, *, version: int = 1, status: str = "ON_HOLD", **kw: Any
) -> CalendarEntry:
    fields: dict[str, Any] = {
        "org_id": "org_a",
        "production_id": "prd_1",
        "talent_id": "tal_1",
        "dates": frozenset({"2027-03-02", "2027-03-03"}),
    } | kw
    return CalendarEntry(booking_id=booking_id, status=status, version=version, **fields)


async def test_a_production_is_stored_with_its_announcement_and_read_back(
    store: SchedulingStore, db: Any
) -> None:
    production = new_production("prd_1")
    saved = await store.add(production)
    assert production.events == []
    assert saved.version == 1
    assert saved.created_at is not None
    assert await store.production("org_a", "prd_1") == saved
    assert await store.production("org_b", "prd_1") is None
    raw = await db["productions"].find_one({"_id": "prd_1"})
    assert raw["_pending"] is True
    [event] = [OutboxEvent.from_doc(e) for e in raw["_outbox"]]
    assert (event.type, event.key) == (PRODUCTION_CREATED.name, "prd_1")
    message = scheduling_pb2.ProductionCreated.FromString(event.payload)
    assert (message.kind, message.timezone, message.stage) == (
        "MUSIC_VIDEO",
        "Europe/London",
        "PLANNING",
    )


async def test_productions_are_paged_and_fetched_by_id_within_the_organisation(
    store: SchedulingStore,
) -> None:
    for id in ("prd_3", "prd_1", "prd_2"):
        await store.add(new_production(id))
    await store.add(new_production("prd_0", org="org_b"))
    first = await store.productions("org_a", first=2, after=None)
    rest = await store.productions("org_a", first=2, after=first[-1].id)
    assert [p.id for p in first + rest] == ["prd_1", "prd_2", "prd_3"]
    found = await store.productions_by_id("org_a", ["prd_2", "prd_0", "prd_9"])
    assert list(found) == ["prd_2"]


async def test_a_calendar_entry_is_kept_only_if_newer(store: SchedulingStore) -> None:
    assert await store.put_calendar_entry(entry("bkg_1", version=2, status="BOOKED"))
    assert not await store.put_calendar_entry(entry("bkg_1", version=1))
    assert not await store.put_calendar_entry(entry("bkg_1", version=2, status="RELEASED"))
    [held] = await store.calendar_for("tal_1", ["2027-03-02"])
    assert held == entry("bkg_1", version=2, status="BOOKED")
    assert await store.put_calendar_entry(entry("bkg_1", version=3, status="RELEASED"))
    [released] = await store.calendar_for("tal_1", ["2027-03-03"])
    assert (released.status, released.version) == ("RELEASED", 3)


async def test_the_calendar_is_read_by_talent_and_date_across_pages(
    store: SchedulingStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "CALENDAR_PAGE", 2)
    for i in range(5):
        await store.put_calendar_entry(entry(f"bkg_{i}", org_id=f"org_{i}"))
    await store.put_calendar_entry(entry("bkg_other_talent", talent_id="tal_2"))
    await store.put_calendar_entry(entry("bkg_other_date", dates=frozenset({"2027-04-01"})))
    found = await store.calendar_for("tal_1", ["2027-03-03", "2027-05-05"])
    assert sorted(e.booking_id for e in found) == [f"bkg_{i}" for i in range(5)]
