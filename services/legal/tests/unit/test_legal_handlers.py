"""Casting's booking events, as the consumer receives them, fed to legal's dispatch table."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from legal import events
from legal.domain.compliance import ContractStatus
from legal.usecases import Legal, contract_id_of
from slate.events import PoisonMessage
from slate.events.catalogue import BOOKING_CONFIRMED, BOOKING_HELD, BOOKING_RELEASED
from slate.repository import MemoryDatabase
from slate.testing import booking_snapshot, envelope
from slate_proto.slate.events.v1 import casting_pb2


def snapshot(**changes: Any) -> casting_pb2.BookingSnapshot:
    """A minor's booking casting confirmed, as it announces it."""
    fields = {"status": "BOOKED", "is_minor": True, "union": "SAG_AFTRA", "version": 2}
    return booking_snapshot(**{**fields, **changes})


CONFIRMED = BOOKING_CONFIRMED.outbox(
    "bkg_1", casting_pb2.BookingConfirmed(booking=snapshot(), confirmed_by="u1")
)
RELEASED = BOOKING_RELEASED.outbox(
    "bkg_1", casting_pb2.BookingReleased(booking=snapshot(status="RELEASED"), reason="recast")
)


async def status_of(legal: Legal, booking_id: str = "bkg_1") -> tuple[ContractStatus, int] | None:
    contract = await legal.contract("org_a", contract_id_of(booking_id))
    return (contract.status, contract.version) if contract else None


def test_the_consumer_reads_only_the_booking_topic(legal: Legal) -> None:
    assert events.handlers(legal).topics == [BOOKING_CONFIRMED.topic.name]


async def test_a_confirmed_booking_gets_a_draft_contract(legal: Legal) -> None:
    await events.handlers(legal)(envelope(CONFIRMED))
    contract = await legal.contract("org_a", contract_id_of("bkg_1"))
    assert contract is not None
    assert (contract.status, contract.role_name) == (ContractStatus.DRAFT, "Lead")
    assert contract.template.startswith("SAG-AFTRA Commercials")


async def test_a_redelivered_confirmation_drafts_once(
    legal: Legal, database: MemoryDatabase
) -> None:
    handle = events.handlers(legal)
    await handle(envelope(CONFIRMED, offset=7))
    await handle(envelope(CONFIRMED, offset=7))
    assert len(database.collections["contracts"]) == 1
    raw = await database.repository("contracts").raw(contract_id_of("bkg_1"))
    assert raw is not None
    assert len(raw["_outbox"]) == 1
    assert await status_of(legal) == (ContractStatus.DRAFT, 1)


async def test_a_released_booking_voids_its_contract_once_however_often_delivered(
    legal: Legal,
) -> None:
    handle = events.handlers(legal)
    await handle(envelope(CONFIRMED))
    await handle(envelope(RELEASED, offset=1))
    await handle(envelope(RELEASED, offset=1))
    assert await status_of(legal) == (ContractStatus.VOID, 2)


async def test_a_confirmation_redelivered_after_the_release_does_not_revive_the_contract(
    legal: Legal,
) -> None:
    handle = events.handlers(legal)
    for event in (CONFIRMED, RELEASED, CONFIRMED):
        await handle(envelope(event))
    assert await status_of(legal) == (ContractStatus.VOID, 2)


async def test_types_legal_does_not_read_are_skipped(
    legal: Legal, database: MemoryDatabase
) -> None:
    held = BOOKING_HELD.outbox("bkg_1", casting_pb2.BookingHeld(booking=snapshot()))
    unknown = replace(CONFIRMED, type="slate.casting.booking.renamed.v9")
    handle = events.handlers(legal)
    await handle(envelope(held))
    await handle(envelope(unknown))
    assert database.collections.get("contracts", {}) == {}


async def test_an_undecodable_payload_is_poison(legal: Legal) -> None:
    garbage = replace(CONFIRMED, payload=b"\xff\xff\xff\xff")
    with pytest.raises(PoisonMessage):
        await events.handlers(legal)(envelope(garbage))


async def test_a_snapshot_with_an_impossible_rate_is_poison(legal: Legal) -> None:
    bad = snapshot()
    bad.rate.money.amount = "twelve hundred"
    event = BOOKING_CONFIRMED.outbox("bkg_1", casting_pb2.BookingConfirmed(booking=bad))
    with pytest.raises(PoisonMessage):
        await events.handlers(legal)(envelope(event))
    assert await status_of(legal) is None
