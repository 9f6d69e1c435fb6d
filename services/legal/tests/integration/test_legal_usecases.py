"""Legal's handlers and checks against the real database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from legal.store import LegalStore
from legal.usecases import Legal
from slate.audit import AuditLog
from slate.auth import Principal
from slate.config import Settings
from slate.errors import ValidationErrors
from slate.mongo import create_client

pytestmark = pytest.mark.infra

BOOKING = {
    "booking_id": "bkg_1",
    "org_id": "org_a",
    "production_id": "prd_1",
    "talent_id": "tal_1",
    "role_name": "Lead",
    "union": "SAG_AFTRA",
    "is_minor": True,
    "rate": {"amount": "1200.00", "currency": "USD", "unit": "DAY"},
    "work_dates": ["2027-03-02"],
}


@pytest.fixture
async def legal() -> AsyncIterator[Legal]:
    client = create_client(Settings(service="legal-tests"))
    name = f"legal_test_{uuid.uuid4().hex[:10]}"
    store = LegalStore(client[name])
    await store.ensure_indexes()
    yield Legal(store, AuditLog(client[name]))
    await client.drop_database(name)
    await client.close()


async def test_the_same_confirmation_twice_drafts_one_contract_with_one_event(legal: Legal) -> None:
    await legal.on_booking_confirmed(BOOKING)
    await legal.on_booking_confirmed(BOOKING)
    docs = await legal.store.contracts.collection.find({"booking_id": "bkg_1"}).to_list()
    assert len(docs) == 1
    assert docs[0]["status"] == "DRAFT"
    assert "minor's addendum" in docs[0]["template"]
    assert [e["type"] for e in docs[0]["_outbox"]] == ["slate.legal.contract.drafted.v1"]


async def test_release_voids_the_draft(legal: Legal) -> None:
    await legal.on_booking_confirmed(BOOKING)
    await legal.on_booking_released(BOOKING)
    [doc] = await legal.store.contracts.find("org_a", {"booking_id": "bkg_1"})
    assert doc["status"] == "VOID"


async def test_recorded_permit_clears_the_minor_check_only_for_its_org(legal: Legal) -> None:
    facts: dict[str, Any] = {
        "talent_id": "tal_1",
        "is_minor": True,
        "union": "NONE",
        "work_dates": ["2027-03-02"],
    }
    before = await legal.check_booking(org_id="org_a", **facts)
    assert [i.code for i in before if i.blocking] == ["MINOR_WORK_PERMIT_MISSING"]
    principal = Principal(sub="l1", org="org_a", roles=frozenset({"legal"}))
    await legal.record_work_permit(
        principal, talent_id="tal_1", number="EWP-1", expires_on="2027-06-01"
    )
    after = await legal.check_booking(org_id="org_a", **facts)
    assert [i.code for i in after if i.blocking] == []
    elsewhere = await legal.check_booking(org_id="org_b", **facts)
    assert [i.code for i in elsewhere if i.blocking] == ["MINOR_WORK_PERMIT_MISSING"]


async def test_permit_input_errors_name_each_field(legal: Legal) -> None:
    principal = Principal(sub="l1", org="org_a", roles=frozenset({"legal"}))
    with pytest.raises(ValidationErrors) as exc:
        await legal.record_work_permit(principal, talent_id="x", number=" ", expires_on="soon")
    assert {e.field for e in exc.value.errors} == {"talentId", "number", "expiresOn"}
    assert await legal.store.permits.collection.count_documents({}) == 0
