"""Legal's handlers and checks against the real database (the Mongo store mapping)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from legal.domain.compliance import ContractStatus
from legal.usecases import Legal, contract_id_of
from pymongo.asynchronous.database import AsyncDatabase
from slate.errors import ValidationErrors
from slate.events.catalogue import CONTRACT_DRAFTED
from slate.events.snapshots import BookingSnapshot
from slate.repository import MongoDatabase
from slate.testing import principal

pytestmark = pytest.mark.infra
Booking = Callable[..., BookingSnapshot]


@pytest.fixture
async def database(db: AsyncDatabase[dict[str, Any]]) -> MongoDatabase:
    """The conftest's use cases, on a fresh MongoDB database instead of memory."""
    return MongoDatabase(db)


async def test_the_same_confirmation_twice_drafts_one_contract_with_one_event(
    legal: Legal, database: MongoDatabase, booking: Booking
) -> None:
    await legal.draft_contract(booking(is_minor=True))
    await legal.draft_contract(booking(is_minor=True))
    docs = await database.repository("contracts").find("org_a", {"booking_id": "bkg_1"})
    assert len(docs) == 1
    assert docs[0]["status"] == "DRAFT"
    assert "minor's addendum" in docs[0]["template"]
    raw = await database.repository("contracts").raw(docs[0]["_id"])
    assert raw is not None
    assert [e["type"] for e in raw["_outbox"]] == [CONTRACT_DRAFTED.name]


async def test_release_voids_the_draft(legal: Legal, booking: Booking) -> None:
    await legal.draft_contract(booking())
    await legal.void_contract(booking(status="RELEASED"))
    [contract] = (await legal.contract_by_booking("org_a", ["bkg_1"])).values()
    assert contract.status is ContractStatus.VOID
    assert contract.id == contract_id_of("bkg_1")
    assert contract.version == 2


async def test_recorded_permit_clears_the_minor_check_only_for_its_org(legal: Legal) -> None:
    facts: dict[str, Any] = {
        "talent_id": "tal_1",
        "is_minor": True,
        "union": "NONE",
        "work_dates": ["2027-03-02"],
    }
    before = await legal.check_booking(org_id="org_a", **facts)
    assert [i.code for i in before if i.blocking] == ["MINOR_WORK_PERMIT_MISSING"]
    await legal.record_work_permit(
        principal("org_a", "legal"), talent_id="tal_1", number="EWP-1", expires_on="2027-06-01"
    )
    after = await legal.check_booking(org_id="org_a", **facts)
    assert [i.code for i in after if i.blocking] == []
    elsewhere = await legal.check_booking(org_id="org_b", **facts)
    assert [i.code for i in elsewhere if i.blocking] == ["MINOR_WORK_PERMIT_MISSING"]


async def test_permit_input_errors_name_each_field(legal: Legal, database: MongoDatabase) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await legal.record_work_permit(
            principal("org_a", "legal"), talent_id="x", number=" ", expires_on="soon"
        )
    assert {e.field for e in exc.value.errors} == {"talentId", "number", "expiresOn"}
    assert await database.repository("work_permits").find("org_a", {}) == []
