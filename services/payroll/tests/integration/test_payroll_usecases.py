"""Payroll's use cases against the real database: the store's document mapping on MongoDB."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from payroll.store import ENGAGEMENTS
from payroll.usecases import Payroll
from pymongo.asynchronous.database import AsyncDatabase
from slate.events.catalogue import ENGAGEMENT_CREATED, ENGAGEMENT_ESTIMATED
from slate.events.snapshots import BookingSnapshot
from slate.repository import MongoDatabase

pytestmark = pytest.mark.infra


@pytest.fixture
def database(db: AsyncDatabase[dict[str, Any]]) -> MongoDatabase:
    """The use-case fixtures of the conftest, on a fresh MongoDB database instead of memory."""
    return MongoDatabase(db)


@pytest.fixture
def confirmed(booking: Callable[..., BookingSnapshot]) -> BookingSnapshot:
    """Casting's booking, SAG-AFTRA, 1,200.00 a day for one day."""
    return booking(work_dates=("2027-03-02",))


async def test_the_same_confirmation_twice_opens_one_engagement(
    payroll: Payroll, confirmed: BookingSnapshot, database: MongoDatabase
) -> None:
    await payroll.on_booking_confirmed(confirmed)
    await payroll.on_booking_confirmed(confirmed)
    engagements = database.repository(ENGAGEMENTS)
    docs = await engagements.find("org_a", {"booking_id": "bkg_1"})
    assert len(docs) == 1
    assert docs[0]["agreement"] == "sag-aftra-commercials"
    stored = await engagements.raw(docs[0]["_id"])  # with its outbox
    assert stored is not None
    assert [e["type"] for e in stored["_outbox"]] == [
        ENGAGEMENT_CREATED.name,
        ENGAGEMENT_ESTIMATED.name,
    ]


async def test_release_cancels_an_engagement_without_work(
    payroll: Payroll, confirmed: BookingSnapshot, database: MongoDatabase
) -> None:
    await payroll.on_booking_confirmed(confirmed)
    await payroll.on_booking_released(confirmed)
    [doc] = await database.repository(ENGAGEMENTS).find("org_a", {"booking_id": "bkg_1"})
    assert doc["status"] == "CANCELLED"


async def test_engagements_are_invisible_to_another_org(
    payroll: Payroll, confirmed: BookingSnapshot
) -> None:
    await payroll.on_booking_confirmed(confirmed)
    assert await payroll.engagements_by_booking("org_b", ["bkg_1"]) == {}
    assert len(await payroll.engagements_by_booking("org_a", ["bkg_1"])) == 1


async def test_an_engagement_reads_back_as_it_was_opened(
    payroll: Payroll, confirmed: BookingSnapshot
) -> None:
    await payroll.on_booking_confirmed(confirmed)
    [engagement] = (await payroll.engagements_by_booking("org_a", ["bkg_1"])).values()
    assert engagement.rate.amount == Decimal("1200.00")
    assert engagement.work_dates == ("2027-03-02",)
    assert (engagement.version, engagement.is_minor) == (1, False)
    assert await payroll.engagement("org_a", engagement.id) == engagement
