"""Fixtures every legal test shares: legal's use cases on the test's database (in memory; the
integration tests override `database` with MongoDB), and a booking casting confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from legal.app import SERVICE
from legal.store import LegalStore
from legal.usecases import Legal
from slate.audit import AuditLog
from slate.events.snapshots import BookingSnapshot
from slate.repository import Database
from slate.testing import confirmed_booking

TODAY = date(2027, 1, 15)


@pytest.fixture
async def store(database: Database) -> LegalStore:
    return await SERVICE.open_store(database)


@pytest.fixture
def legal(store: LegalStore, database: Database) -> Legal:
    return Legal(store, AuditLog(database), today=lambda: TODAY)


@pytest.fixture
def booking() -> Callable[..., BookingSnapshot]:
    """A booked booking's snapshot, with the given fields changed."""
    return confirmed_booking
