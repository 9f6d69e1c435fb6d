"""Legal's use cases on the in-memory database: permits, contracts, the booking gate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from legal.domain.compliance import Contract, ContractStatus
from legal.store import LegalStore
from legal.usecases import Legal, contract_id_of
from slate.audit import AuditLog
from slate.errors import UserError, ValidationErrors
from slate.events.catalogue import CONTRACT_DRAFTED
from slate.events.model import OutboxEvent
from slate.events.snapshots import BookingSnapshot
from slate.mongo import ConcurrencyConflict
from slate.repository import MemoryDatabase
from slate.testing import principal
from slate_domain import Rate
from slate_proto.slate.events.v1 import legal_pb2

Booking = Callable[..., BookingSnapshot]
LEGAL = principal("org_a", "legal")
PERMIT: dict[str, Any] = {"talent_id": "tal_1", "number": "EWP-1", "expires_on": "2027-06-01"}
MINOR: dict[str, Any] = {
    "talent_id": "tal_1",
    "is_minor": True,
    "union": "NONE",
    "work_dates": ["2027-03-02"],
}


async def outbox(database: MemoryDatabase, collection: str, id: str) -> list[OutboxEvent]:
    raw = await database.repository(collection).raw(id)
    assert raw is not None
    return [OutboxEvent.from_doc(e) for e in raw["_outbox"]]


async def audit(database: MemoryDatabase, target: str) -> list[str]:
    return [r["action"] for r in await AuditLog(database).for_target("org_a", target)]


def blocking(issues: list[Any]) -> list[str]:
    return [i.code for i in issues if i.blocking]


# --------------------------------------------------------------------------- work permits


async def test_recorded_permit_is_stored_for_the_callers_org_and_audited(
    legal: Legal, database: MemoryDatabase
) -> None:
    permit = await legal.record_work_permit(LEGAL, **{**PERMIT, "number": " EWP-1 "})
    assert permit.id.startswith("wpm_")
    assert (permit.org_id, permit.number, permit.version) == ("org_a", "EWP-1", 1)
    assert permit.events == []
    [announced] = await outbox(database, "work_permits", permit.id)
    assert announced.type == "slate.legal.work_permit.recorded.v1"
    assert b"EWP-1" not in announced.payload  # the permit's number stays in legal
    assert await audit(database, permit.id) == ["recordWorkPermit"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"talent_id": "bkg_1"}, "talentId"),
        ({"number": " "}, "number"),
        ({"expires_on": "next june"}, "expiresOn"),
        ({"expires_on": "2027-01-14"}, "expiresOn"),  # expired yesterday
    ],
)
async def test_bad_permit_input_names_the_field_and_writes_nothing(
    legal: Legal, database: MemoryDatabase, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await legal.record_work_permit(LEGAL, **{**PERMIT, **changes})
    assert [(e.field, e.code) for e in exc.value.errors] == [(field, "INVALID")]
    assert database.collections.get("work_permits", {}) == {}
    assert database.collections.get("audit", {}) == {}


async def test_every_bad_permit_field_is_reported_at_once(legal: Legal) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await legal.record_work_permit(LEGAL, talent_id="x", number="", expires_on="soon")
    assert [e.field for e in exc.value.errors] == ["talentId", "number", "expiresOn"]


@pytest.mark.parametrize("roles", [("casting",), ("accounting",), ("talent",)])
async def test_only_legal_and_producers_record_permits(
    legal: Legal, database: MemoryDatabase, roles: tuple[str, ...]
) -> None:
    with pytest.raises(UserError) as exc:
        await legal.record_work_permit(principal("org_a", *roles), **PERMIT)
    assert exc.value.code == "FORBIDDEN"
    assert database.collections.get("work_permits", {}) == {}


async def test_a_permit_clears_the_minor_check_only_in_its_own_org(legal: Legal) -> None:
    assert blocking(await legal.check_booking(org_id="org_a", **MINOR)) == [
        "MINOR_WORK_PERMIT_MISSING"
    ]
    await legal.record_work_permit(LEGAL, **PERMIT)
    assert blocking(await legal.check_booking(org_id="org_a", **MINOR)) == []
    assert blocking(await legal.check_booking(org_id="org_b", **MINOR)) == [
        "MINOR_WORK_PERMIT_MISSING"
    ]


async def test_a_permit_expiring_before_the_last_work_day_blocks(legal: Legal) -> None:
    await legal.record_work_permit(LEGAL, **{**PERMIT, "expires_on": "2027-03-01"})
    issues = await legal.check_booking(org_id="org_a", **MINOR)
    assert blocking(issues) == ["MINOR_WORK_PERMIT_EXPIRED"]


# --------------------------------------------------------------------------- contracts


async def test_confirmed_booking_drafts_a_contract_with_its_event_and_audit(
    legal: Legal, database: MemoryDatabase, booking: Booking
) -> None:
    await legal.draft_contract(booking(is_minor=True))
    contract_id = contract_id_of("bkg_1")
    contract = await legal.contract("org_a", contract_id)
    assert contract is not None
    assert contract.status is ContractStatus.DRAFT
    assert contract.version == 1
    assert contract.template.endswith("minor's addendum (Coogan)")
    assert contract.rate == Rate(Decimal("1200.00"), "USD", "DAY")
    assert contract.work_dates == ("2027-03-02", "2027-03-03")
    [event] = await outbox(database, "contracts", contract_id)
    assert (event.type, event.topic, event.key) == (
        CONTRACT_DRAFTED.name,
        CONTRACT_DRAFTED.topic.name,
        contract_id,
    )
    assert legal_pb2.ContractDrafted.FromString(event.payload) == legal_pb2.ContractDrafted(
        contract_id=contract_id,
        org_id="org_a",
        booking_id="bkg_1",
        production_id="prd_1",
        talent_id="tal_1",
        status="DRAFT",
        template=contract.template,
    )
    assert await audit(database, contract_id) == ["draftContract"]


async def test_the_same_confirmation_twice_drafts_one_contract(
    legal: Legal, database: MemoryDatabase, booking: Booking
) -> None:
    await legal.draft_contract(booking())
    await legal.draft_contract(booking())
    contract_id = contract_id_of("bkg_1")
    assert list(database.collections["contracts"]) == [contract_id]
    assert len(await outbox(database, "contracts", contract_id)) == 1
    assert await audit(database, contract_id) == ["draftContract"]


async def test_release_voids_the_draft_once(
    legal: Legal, database: MemoryDatabase, booking: Booking
) -> None:
    await legal.draft_contract(booking())
    await legal.void_contract(booking(status="RELEASED"))
    await legal.void_contract(booking(status="RELEASED"))
    contract = await legal.contract("org_a", contract_id_of("bkg_1"))
    assert contract is not None
    assert (contract.status, contract.version) == (ContractStatus.VOID, 2)
    _drafted, voided = await outbox(database, "contracts", contract.id)  # one void, once
    assert voided.type == "slate.legal.contract.voided.v1"
    assert await audit(database, contract.id) == ["draftContract", "voidContract"]


async def test_release_leaves_a_signed_contract_alone(
    legal: Legal, store: LegalStore, booking: Booking
) -> None:
    await legal.draft_contract(booking())
    draft = await store.contract("org_a", contract_id_of("bkg_1"))
    assert draft is not None
    draft.status = ContractStatus.SIGNED
    await store.save(draft)
    await legal.void_contract(booking(status="RELEASED"))
    contract = await legal.contract("org_a", draft.id)
    assert contract is not None
    assert (contract.status, contract.version) == (ContractStatus.SIGNED, 2)


async def test_release_of_a_booking_without_contract_does_nothing(
    legal: Legal, database: MemoryDatabase, booking: Booking
) -> None:
    await legal.void_contract(booking(status="RELEASED"))
    assert database.collections.get("contracts", {}) == {}


async def test_a_save_at_a_stale_version_conflicts_and_writes_nothing(
    legal: Legal, store: LegalStore, booking: Booking
) -> None:
    await legal.draft_contract(booking())
    first = await store.contract("org_a", contract_id_of("bkg_1"))
    second = await store.contract("org_a", contract_id_of("bkg_1"))
    assert first is not None
    assert second is not None
    first.status = ContractStatus.SENT
    assert (await store.save(first)).version == 2
    assert second.booking_released()
    with pytest.raises(ConcurrencyConflict):
        await store.save(second)
    stored = await legal.contract("org_a", first.id)
    assert stored is not None
    assert (stored.status, stored.version) == (ContractStatus.SENT, 2)


async def test_contracts_are_read_only_within_their_org(legal: Legal, booking: Booking) -> None:
    await legal.draft_contract(booking())
    await legal.draft_contract(booking(booking_id="bkg_2"))
    await legal.draft_contract(booking(booking_id="bkg_3", org_id="org_b"))
    assert await legal.contract("org_b", contract_id_of("bkg_1")) is None
    by_booking = await legal.contract_by_booking("org_a", ["bkg_1", "bkg_3", "bkg_9"])
    assert {b: c.id for b, c in by_booking.items()} == {"bkg_1": contract_id_of("bkg_1")}
    by_production = await legal.contracts_by_production("org_a", ["prd_1", "prd_9"])
    assert {p: sorted(c.booking_id for c in cs) for p, cs in by_production.items()} == {
        "prd_1": ["bkg_1", "bkg_2"],
        "prd_9": [],
    }


async def test_a_new_contract_is_inserted_at_version_one_with_its_events_cleared(
    store: LegalStore,
) -> None:
    contract = Contract.draft(
        "con_x",
        org_id="org_a",
        booking_id="bkg_x",
        production_id="prd_1",
        talent_id="tal_1",
        role_name="Lead",
        union="NONE",
        is_minor=False,
        rate=Rate(Decimal("900"), "USD", "DAY"),
        work_dates=["2027-03-02"],
    )
    stored = await store.add(contract)
    assert (stored.version, contract.events, stored.events) == (1, [], [])
    assert stored == replace(contract, version=1)
    with pytest.raises(ValueError, match="stored already"):
        await store.add(stored)


async def test_a_permit_longer_than_six_months_is_refused_and_nothing_written(
    legal: Legal, database: MemoryDatabase
) -> None:
    with pytest.raises(ValidationErrors) as invalid:
        await legal.record_work_permit(
            LEGAL, **{**PERMIT, "issued_on": "2026-11-01", "expires_on": "2027-06-01"}
        )
    assert [e.field for e in invalid.value.errors] == ["expiresOn"]
    assert await legal.check_booking(org_id="org_a", **MINOR) != []
    assert blocking(await legal.check_booking(org_id="org_a", **MINOR)) == [
        "MINOR_WORK_PERMIT_MISSING"
    ]


async def test_a_permit_issued_after_the_first_work_date_does_not_clear_the_booking(
    legal: Legal,
) -> None:
    late = {**PERMIT, "issued_on": "2027-01-15", "expires_on": "2027-06-01"}
    await legal.record_work_permit(LEGAL, **late)
    early = {**MINOR, "work_dates": ["2027-01-14"]}
    assert blocking(await legal.check_booking(org_id="org_a", **early)) == [
        "MINOR_WORK_PERMIT_NOT_YET_VALID"
    ]
    assert blocking(await legal.check_booking(org_id="org_a", **MINOR)) == []
