"""Payroll's handlers against the real database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from payroll.store import PayrollStore
from payroll.usecases import Payroll
from slate.audit import AuditLog
from slate.config import Settings
from slate.mongo import create_client

pytestmark = pytest.mark.infra

BOOKING = {
    "booking_id": "bkg_1",
    "org_id": "org_a",
    "production_id": "prd_1",
    "talent_id": "tal_1",
    "role_name": "Lead",
    "union": "SAG_AFTRA",
    "is_minor": False,
    "rate": {"amount": "1200.00", "currency": "USD", "unit": "DAY"},
    "work_dates": ["2027-03-02"],
}


@pytest.fixture
async def payroll() -> AsyncIterator[Payroll]:
    client = create_client(Settings(service="payroll-tests"))
    name = f"payroll_test_{uuid.uuid4().hex[:10]}"
    store = PayrollStore(client[name])
    await store.ensure_indexes()
    yield Payroll(store, AuditLog(client[name]))
    await client.drop_database(name)
    await client.close()


async def test_the_same_confirmation_twice_opens_one_engagement(payroll: Payroll) -> None:
    await payroll.on_booking_confirmed(BOOKING)
    await payroll.on_booking_confirmed(BOOKING)
    docs = await payroll.store.engagements.collection.find({"booking_id": "bkg_1"}).to_list()
    assert len(docs) == 1
    assert docs[0]["agreement"] == "sag-aftra-commercials"
    assert [e["type"] for e in docs[0]["_outbox"]] == ["slate.payroll.engagement.created.v1"]


async def test_release_cancels_an_engagement_without_work(payroll: Payroll) -> None:
    await payroll.on_booking_confirmed(BOOKING)
    await payroll.on_booking_released(BOOKING)
    [doc] = await payroll.store.engagements.find("org_a", {"booking_id": "bkg_1"})
    assert doc["status"] == "CANCELLED"


async def test_engagements_are_invisible_to_another_org(payroll: Payroll) -> None:
    await payroll.on_booking_confirmed(BOOKING)
    assert await payroll.store.engagements_by_booking("org_b", ["bkg_1"]) == []
    assert len(await payroll.store.engagements_by_booking("org_a", ["bkg_1"])) == 1
