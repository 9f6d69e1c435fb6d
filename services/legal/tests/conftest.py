"""Fixtures every legal test shares: casting's booking snapshot, as legal consumes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from slate.events.snapshots import BookingRate, BookingSnapshot

BOOKED = BookingSnapshot(
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
def booking() -> Callable[..., BookingSnapshot]:
    """A booked booking's snapshot, with the given fields changed."""

    def make(**changes: Any) -> BookingSnapshot:
        return replace(BOOKED, **changes)

    return make
