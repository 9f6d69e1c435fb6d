"""Legal's newer records against the real database (the Mongo store mapping): the age band
kept from the gate, Coogan accounts, studio teachers, freelance engagements and documents
drafted from templates each read back as written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from legal.store import LegalStore
from legal.usecases import Legal
from pymongo.asynchronous.database import AsyncDatabase
from slate.audit import AuditLog
from slate.events.snapshots import BookingSnapshot
from slate.repository import MongoDatabase
from slate.testing import principal

pytestmark = pytest.mark.infra
PRODUCER = principal("org_a", "producer")


@pytest.fixture
async def database(db: AsyncDatabase[dict[str, Any]]) -> MongoDatabase:
    return MongoDatabase(db)


@pytest.fixture
def legal_late(store: LegalStore, database: MongoDatabase) -> Legal:
    return Legal(store, AuditLog(database), today=lambda: date(2027, 4, 30))


async def test_each_new_record_reads_back_from_mongodb(
    legal_late: Legal, store: LegalStore, booking: Callable[..., BookingSnapshot]
) -> None:
    legal = legal_late
    await legal.draft_contract(booking(is_minor=True, work_dates=("2027-03-06",)))
    await legal.check_booking(
        org_id="org_a",
        talent_id="tal_1",
        is_minor=True,
        union="NONE",
        work_dates=["2027-03-06"],
        age_band="P16Y/P18Y",
        booking_id="bkg_1",
    )
    assert await store.bands("org_a", ["bkg_1", "bkg_x"]) == {"bkg_1": "P16Y/P18Y"}
    assert await store.bands("org_b", ["bkg_1"]) == {}

    account = await legal.record_coogan_account(
        PRODUCER, talent_id="tal_1", institution="First Bank", account_number="123456789"
    )
    [found] = await store.coogan_accounts("org_a", "tal_1")
    assert (found.id, found.masked) == (account.id, "****6789")

    await legal.schedule_studio_teacher(
        PRODUCER,
        production_id="prd_1",
        day="2027-03-06",
        name="Jo Park",
        credential_expires_on="2028-01-01",
    )
    [teacher] = await store.studio_teachers("org_a", "prd_1")
    assert (teacher.day, teacher.name) == (date(2027, 3, 6), "Jo Park")

    fre = await legal.record_freelance_contract(
        PRODUCER,
        production_id="prd_1",
        freelancer_name="Sam Lee",
        freelancer_address="1 Main St",
        hiring_party_name="Acme",
        hiring_party_address="2 Studio Way",
        services=[("storyboards", "400.00", "flat fee")],
        contracted_on="2027-02-01",
        written=True,
        invoice_due_on="2027-02-20",
        completed_on="2027-02-15",
    )
    paid = await legal.record_freelance_payment(PRODUCER, fre.id, "2027-03-01")
    [read] = await store.freelance_of("org_a", ["sam lee"])
    assert (read.total, read.paid_on, read.version) == (fre.total, date(2027, 3, 1), paid.version)
    assert read.missing_terms() == []

    release = await legal.draft_document(
        PRODUCER,
        production_id="prd_1",
        template="music-license/v1",
        counterparty="Sunny Music Publishing",
        fee="5000",
        terms={
            "track": "Sunny Day",
            "licenseType": "SYNC",
            "media": "all media",
            "territory": "USA",
            "term": "1 year",
        },
    )
    stored = await legal.contract("org_a", release.id)
    assert stored is not None
    assert (stored.counterparty, stored.terms) == (release.counterparty, release.terms)
