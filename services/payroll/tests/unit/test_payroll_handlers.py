"""Payroll's consumer: envelopes exactly as the relay publishes them, fed to the dispatch table."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from payroll import events
from payroll.domain.engagements import EngagementCancelled, EngagementStatus
from payroll.usecases import Payroll, engagement_id_for
from slate.events import Envelope, PoisonMessage
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_HELD,
    BOOKING_RELEASED,
    BOOKING_TOPIC,
    ENGAGEMENT_CREATED,
    ENGAGEMENT_ESTIMATED,
)
from slate.runtime import ConsumerSpec
from slate.testing import booking_snapshot, envelope
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2, payroll_pb2

if TYPE_CHECKING:
    from ..conftest import Stored

ENG_1 = engagement_id_for("bkg_1")
# The booking casting confirmed (as in the conftest): SAG-AFTRA, 1,200.00 a day for two days.
CONFIRMED = {"status": "BOOKED", "union": "SAG_AFTRA", "work_dates": ["2027-03-02", "2027-03-03"]}


def snapshot(**changes: Any) -> casting_pb2.BookingSnapshot:
    return booking_snapshot(**{**CONFIRMED, **changes})


def confirmed(**changes: Any) -> Envelope:
    message = casting_pb2.BookingConfirmed(booking=snapshot(**changes), confirmed_by="u1")
    return envelope(BOOKING_CONFIRMED.outbox("bkg_1", message))


def released(**changes: Any) -> Envelope:
    message = casting_pb2.BookingReleased(
        booking=snapshot(status="RELEASED", version=3, **changes), reason="recast"
    )
    return envelope(BOOKING_RELEASED.outbox("bkg_1", message))


async def test_the_consumer_reads_exactly_the_booking_topic(payroll: Payroll) -> None:
    spec = ConsumerSpec.of("slate-payroll.bookings", events.handlers(payroll))
    assert list(spec.topics) == [BOOKING_TOPIC.name]


async def test_a_confirmed_booking_opens_its_engagement(payroll: Payroll) -> None:
    await events.handlers(payroll)(confirmed())
    engagement = await payroll.engagement("org_a", ENG_1)
    assert engagement is not None
    assert engagement.status is EngagementStatus.PENDING_ONBOARDING
    assert engagement.rate.amount == Decimal("1200.00")
    assert engagement.work_dates == ("2027-03-02", "2027-03-03")


async def test_a_redelivered_confirmation_applies_once(payroll: Payroll, stored: Stored) -> None:
    handle = events.handlers(payroll)
    event = confirmed()
    await handle(event)
    await handle(event)
    await handle(confirmed())  # the same fact under another event id
    [doc] = stored.engagements()
    assert doc["version"] == 1
    assert [e["type"] for e in doc["_outbox"]] == [
        ENGAGEMENT_CREATED.name,
        ENGAGEMENT_ESTIMATED.name,
    ]
    assert len(stored.audit()) == 1


async def test_a_release_cancels_the_engagement_and_its_redelivery_changes_nothing(
    payroll: Payroll, stored: Stored
) -> None:
    handle = events.handlers(payroll)
    await handle(confirmed())
    event = released()
    await handle(event)
    await handle(event)
    [doc] = stored.engagements()
    assert (doc["status"], doc["version"]) == ("CANCELLED", 2)
    assert len(stored.audit()) == 2


@pytest.mark.parametrize(
    "other",
    [
        envelope(
            BOOKING_HELD.outbox("bkg_1", casting_pb2.BookingHeld(booking=snapshot(status="HELD")))
        ),
        envelope(ENGAGEMENT_CREATED.outbox(ENG_1, payroll_pb2.EngagementCreated())),
    ],
    ids=["held", "another-topic"],
)
async def test_event_types_without_a_handler_are_skipped(
    payroll: Payroll, stored: Stored, other: Envelope
) -> None:
    await events.handlers(payroll)(other)
    assert stored.engagements() == []


async def test_an_undecodable_payload_is_poison(payroll: Payroll, stored: Stored) -> None:
    event = BOOKING_CONFIRMED.outbox("bkg_1", casting_pb2.BookingConfirmed(booking=snapshot()))
    with pytest.raises(PoisonMessage):
        await events.handlers(payroll)(envelope(replace(event, payload=b"\xff\xff\xff")))
    assert stored.engagements() == []


@pytest.mark.parametrize(
    "bad",
    [
        confirmed(org_id=""),
        confirmed(rate=money_pb2.Rate(money=money_pb2.Money(amount="lots"), unit="DAY")),
        released(booking_id=""),
    ],
    ids=["no-org", "bad-amount", "release-without-booking-id"],
)
async def test_a_booking_no_use_case_can_apply_is_poison(
    payroll: Payroll, stored: Stored, bad: Envelope
) -> None:
    with pytest.raises(PoisonMessage):
        await events.handlers(payroll)(bad)
    assert stored.engagements() == []
    assert stored.audit() == []


def test_a_cancellation_is_not_published() -> None:
    assert events.to_outbox(EngagementCancelled(ENG_1, "org_a", "bkg_1")) is None
