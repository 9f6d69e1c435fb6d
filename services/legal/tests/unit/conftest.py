"""Legal's use cases on the in-memory database: no server, fast."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from legal import events
from legal.store import LegalStore
from legal.usecases import Legal
from slate.audit import AuditLog
from slate.events.snapshots import BookingRate, BookingSnapshot
from slate.repository import MemoryDatabase

TODAY = date(2027, 1, 15)
SNAPSHOT = BookingSnapshot(
    booking_id="bkg_1",
    org_id="org_a",
    production_id="prd_1",
    role_id="rol_1",
    role_name="Lead",
    talent_id="tal_1",
    status="BOOKED",
    rate=BookingRate(Decimal("1200.00"), "USD", "DAY"),
    work_dates=("2027-03-02", "2027-03-03"),
    is_minor=False,
    union="SAG_AFTRA",
    version=2,
    production_timezone="America/Los_Angeles",
)


@pytest.fixture
def database() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
async def store(database: MemoryDatabase) -> LegalStore:
    store = LegalStore(database, events.to_outbox)
    await store.ensure_indexes()
    return store


@pytest.fixture
def legal(store: LegalStore, database: MemoryDatabase) -> Legal:
    return Legal(store, AuditLog(database), today=lambda: TODAY)


@pytest.fixture
def booking() -> Callable[..., BookingSnapshot]:
    """Casting's snapshot of a booked booking, with the given fields changed."""

    def make(**changes: Any) -> BookingSnapshot:
        return replace(SNAPSHOT, **changes)

    return make
