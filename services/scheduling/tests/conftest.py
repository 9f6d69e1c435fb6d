"""Scheduling's test fixtures: the service on the test's (in-memory) database, and booking
snapshots."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from scheduling.app import SERVICE
from scheduling.usecases import Scheduling
from slate.audit import AuditLog
from slate.repository import Database
from slate.testing import booking_snapshot
from slate_proto.slate.events.v1 import casting_pb2

BookingFactory = Callable[..., casting_pb2.BookingSnapshot]


@pytest.fixture
async def scheduling(database: Database) -> Scheduling:
    return Scheduling(await SERVICE.open_store(database), AuditLog(database))


@pytest.fixture
def booking() -> BookingFactory:
    """A booking snapshot as casting announces it (slate.testing's, on hold, in a production of
    its own; override by keyword)."""

    def make(
        booking_id: str = "bkg_1",
        *,
        org_id: str = "org_a",
        talent_id: str = "tal_1",
        status: str = "ON_HOLD",
        dates: tuple[str, ...] = ("2027-03-02",),
        version: int = 1,
        amount: str = "1200.00",
    ) -> casting_pb2.BookingSnapshot:
        snapshot = booking_snapshot(
            booking_id=booking_id,
            org_id=org_id,
            production_id=f"prd_of_{booking_id}",
            talent_id=talent_id,
            work_dates=list(dates),
            status=status,
            version=version,
        )
        snapshot.rate.money.amount = amount
        return snapshot

    return make
