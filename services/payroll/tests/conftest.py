"""Fixtures of payroll's tests: a booking casting confirmed, and use cases on the in-memory
database (integration tests override `database` and `payroll` with MongoDB)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from payroll import events
from payroll.store import ENGAGEMENTS, PayrollStore
from payroll.usecases import Payroll
from slate.audit import COLLECTION as AUDIT
from slate.audit import AuditLog
from slate.events.snapshots import BookingSnapshot
from slate.repository import Database, MemoryDatabase
from slate.testing import booking_snapshot

# A booking casting confirmed: SAG-AFTRA, 1,200.00 a day for two days.
CONFIRMED = {
    "status": "BOOKED",
    "union": "SAG_AFTRA",
    "work_dates": ["2027-03-02", "2027-03-03"],
    "version": 2,
}


@pytest.fixture
def database() -> Database:
    return MemoryDatabase()


@pytest.fixture
async def store(database: Database) -> PayrollStore:
    store = PayrollStore(database, events.to_outbox)
    await store.ensure_indexes()
    return store


@pytest.fixture
def payroll(store: PayrollStore, database: Database) -> Payroll:
    return Payroll(store, AuditLog(database))


@pytest.fixture
def booking() -> Callable[..., BookingSnapshot]:
    """Casting's snapshot of a confirmed booking, with the given fields changed."""

    def make(**changes: Any) -> BookingSnapshot:
        return replace(BookingSnapshot.from_proto(booking_snapshot(**CONFIRMED)), **changes)

    return make


class Stored:
    """What the in-memory database holds, as the tests inspect it (outbox fields included)."""

    def __init__(self, database: MemoryDatabase) -> None:
        self.database = database

    def engagements(self) -> list[dict[str, Any]]:
        return list(self.database.collections.get(ENGAGEMENTS, {}).values())

    def audit(self) -> list[dict[str, Any]]:
        return list(self.database.collections.get(AUDIT, {}).values())


@pytest.fixture
def stored(database: MemoryDatabase) -> Stored:
    return Stored(database)
