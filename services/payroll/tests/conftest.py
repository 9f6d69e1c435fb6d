"""Fixtures of payroll's tests: a booking casting confirmed, and use cases on the test's database
(in memory; integration tests override `database` with MongoDB)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from payroll.app import SERVICE
from payroll.store import ENGAGEMENTS, PayrollStore
from payroll.usecases import Payroll
from slate.audit import COLLECTION as AUDIT
from slate.audit import AuditLog
from slate.events.snapshots import BookingSnapshot
from slate.repository import Database, MemoryDatabase
from slate.testing import cipher, confirmed_booking


@pytest.fixture
async def store(database: Database) -> PayrollStore:
    return await SERVICE.open_store(database)


@pytest.fixture
def payroll(store: PayrollStore, database: Database) -> Payroll:
    return Payroll(store, AuditLog(database), cipher())


@pytest.fixture
def booking() -> Callable[..., BookingSnapshot]:
    """Casting's snapshot of a confirmed booking (SAG-AFTRA, 1,200.00 a day for two days), with
    the given fields changed."""
    return confirmed_booking


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
