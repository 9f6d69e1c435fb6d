"""Payroll's use cases on the in-memory database (the same contract as MongoDB)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from payroll.domain.engagements import EngagementStatus
from payroll.store import ENGAGEMENTS, PayrollStore
from payroll.usecases import SERVICE, Payroll, engagement_id_for
from slate.errors import ValidationErrors
from slate.events.catalogue import ENGAGEMENT_CREATED, ENGAGEMENT_ESTIMATED
from slate.events.snapshots import BookingSnapshot
from slate.mongo import ConcurrencyConflict
from slate.repository import MemoryDatabase
from slate_domain import Rate
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import payroll_pb2

if TYPE_CHECKING:
    from ..conftest import Stored

Booking = Callable[..., BookingSnapshot]
ENG_1 = engagement_id_for("bkg_1")


def fields(exc: pytest.ExceptionInfo[ValidationErrors]) -> list[str | None]:
    return [e.field for e in exc.value.errors]


async def test_a_confirmed_booking_opens_its_engagement_and_announces_it(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.on_booking_confirmed(booking())
    engagement = await payroll.engagement("org_a", ENG_1)
    assert engagement is not None
    assert engagement.version == 1
    assert engagement.status is EngagementStatus.PENDING_ONBOARDING
    assert engagement.agreement == "sag-aftra-commercials"
    raw = await database.repository(ENGAGEMENTS).raw(ENG_1)
    assert raw is not None
    event, estimated = raw["_outbox"]
    assert (event["type"], event["topic"], event["key"]) == (
        ENGAGEMENT_CREATED.name,
        ENGAGEMENT_CREATED.topic.name,
        ENG_1,
    )
    message = payroll_pb2.EngagementCreated.FromString(event["payload"])
    assert message == payroll_pb2.EngagementCreated(
        engagement_id=ENG_1,
        org_id="org_a",
        booking_id="bkg_1",
        production_id="prd_1",
        talent_id="tal_1",
        status="PENDING_ONBOARDING",
    )
    # The committed cost, for the production's budget: two SAG-AFTRA days at 1,200.00 + P&H.
    assert (estimated["type"], estimated["topic"], estimated["key"]) == (
        ENGAGEMENT_ESTIMATED.name,
        ENGAGEMENT_ESTIMATED.topic.name,
        ENG_1,
    )
    assert payroll_pb2.EngagementEstimated.FromString(
        estimated["payload"]
    ) == payroll_pb2.EngagementEstimated(
        engagement_id=ENG_1,
        org_id="org_a",
        production_id="prd_1",
        booking_id="bkg_1",
        estimated_cost=money_pb2.Money(amount="2964.00", currency="USD"),
        version=1,
        category="TALENT",
    )


async def test_the_same_confirmation_twice_opens_one_engagement(
    payroll: Payroll, booking: Booking, stored: Stored
) -> None:
    await payroll.on_booking_confirmed(booking())
    await payroll.on_booking_confirmed(booking())
    [doc] = stored.engagements()
    assert doc["version"] == 1
    assert len(doc["_outbox"]) == 2  # created and estimated, once
    assert [a["action"] for a in stored.audit()] == ["openEngagement"]


async def test_opening_is_audited_as_payroll_acting_in_the_bookings_org(
    payroll: Payroll, booking: Booking, stored: Stored
) -> None:
    await payroll.on_booking_confirmed(booking())
    [record] = stored.audit()
    assert (record["org_id"], record["actor"], record["target_id"]) == ("org_a", SERVICE, ENG_1)
    assert record["details"] == {"booking_id": "bkg_1", "booking_version": 2}


async def test_a_snapshot_without_identifiers_is_refused_naming_them_and_writes_nothing(
    payroll: Payroll, booking: Booking, stored: Stored
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await payroll.on_booking_confirmed(booking(production_id="", talent_id=""))
    assert fields(exc) == ["production_id", "talent_id"]
    with pytest.raises(ValidationErrors) as released:
        await payroll.on_booking_released(booking(org_id=""))
    assert fields(released) == ["org_id"]
    assert stored.engagements() == []
    assert stored.audit() == []


async def test_release_cancels_an_engagement_without_work(
    payroll: Payroll, booking: Booking, stored: Stored
) -> None:
    await payroll.on_booking_confirmed(booking())
    await payroll.on_booking_released(booking(status="RELEASED", version=3))
    engagement = await payroll.engagement("org_a", ENG_1)
    assert engagement is not None
    assert engagement.status is EngagementStatus.CANCELLED
    assert engagement.version == 2
    [doc] = stored.engagements()
    # The cancellation itself is not published; the committed cost drops to zero at version 2.
    assert [e["type"] for e in doc["_outbox"]] == [
        ENGAGEMENT_CREATED.name,
        ENGAGEMENT_ESTIMATED.name,
        ENGAGEMENT_ESTIMATED.name,
    ]
    zero = payroll_pb2.EngagementEstimated.FromString(doc["_outbox"][-1]["payload"])
    assert (zero.estimated_cost.amount, zero.version) == ("0.00", 2)
    assert [a["action"] for a in stored.audit()] == ["openEngagement", "cancelEngagement"]


async def test_a_repeated_release_changes_nothing(
    payroll: Payroll, booking: Booking, stored: Stored
) -> None:
    await payroll.on_booking_confirmed(booking())
    await payroll.on_booking_released(booking())
    await payroll.on_booking_released(booking())
    [doc] = stored.engagements()
    assert doc["version"] == 2
    assert len(stored.audit()) == 2


async def test_releasing_a_booking_that_was_only_held_writes_nothing(
    payroll: Payroll, booking: Booking, stored: Stored
) -> None:
    await payroll.on_booking_released(booking(status="RELEASED"))
    assert stored.engagements() == []
    assert stored.audit() == []


async def test_a_confirmation_after_the_release_does_not_reopen_the_engagement(
    payroll: Payroll, booking: Booking
) -> None:
    await payroll.on_booking_confirmed(booking())
    await payroll.on_booking_released(booking())
    await payroll.on_booking_confirmed(booking())  # redelivered late
    engagement = await payroll.engagement("org_a", ENG_1)
    assert engagement is not None
    assert engagement.status is EngagementStatus.CANCELLED


async def test_the_second_of_two_concurrent_writers_gets_a_conflict(
    payroll: Payroll, booking: Booking, store: PayrollStore
) -> None:
    await payroll.on_booking_confirmed(booking())
    first = await store.engagement("org_a", ENG_1)
    second = await store.engagement("org_a", ENG_1)
    assert first is not None
    assert second is not None
    assert first.release(work_recorded=False)
    saved = await store.save(first)
    assert (saved.version, first.events) == (2, [])
    assert second.release(work_recorded=False)
    with pytest.raises(ConcurrencyConflict):
        await store.save(second)
    assert second.events  # not written: still pending


async def test_engagements_are_invisible_to_another_org(payroll: Payroll, booking: Booking) -> None:
    await payroll.on_booking_confirmed(booking())
    await payroll.on_booking_confirmed(booking(booking_id="bkg_2", org_id="org_b"))
    assert await payroll.engagement("org_b", ENG_1) is None
    assert await payroll.engagements_by_booking("org_b", ["bkg_1"]) == {}
    mine = await payroll.engagements_by_booking("org_a", ["bkg_1", "bkg_2", "bkg_9"])
    assert list(mine) == ["bkg_1"]
    assert mine["bkg_1"].id == ENG_1


async def test_an_engagements_cost_is_its_days_under_its_agreement(
    payroll: Payroll, booking: Booking
) -> None:
    await payroll.on_booking_confirmed(booking())
    engagement = await payroll.engagement("org_a", ENG_1)
    assert engagement is not None
    estimate = payroll.estimated_cost(engagement)
    assert estimate.total == Decimal("2964.00")  # 2 x 1,200.00 + 23.5 % P&H


async def test_an_engagement_whose_terms_cannot_be_priced_names_the_field(
    payroll: Payroll, booking: Booking
) -> None:
    await payroll.on_booking_confirmed(booking(rate=Rate(Decimal("5.00"), "USD", "HOUR")))
    engagement = await payroll.engagement("org_a", ENG_1)
    assert engagement is not None
    with pytest.raises(ValidationErrors) as exc:
        payroll.estimated_cost(engagement)
    assert fields(exc) == ["rate.amount"]  # below the minimum wage


def test_an_estimate_prices_fringe_and_agent_fee_on_top(payroll: Payroll) -> None:
    estimate = payroll.estimate(
        Decimal("1200.00"),
        "DAY",
        ["2027-03-02", "2027-03-03"],
        agreement="sag-aftra-commercials",
        agent_fee_percent="10",
    )
    assert estimate.total == Decimal("3204.00")
    assert [kind for kind, _, _ in estimate.lines] == ["gross", "pension_health", "agent_fee"]


@pytest.mark.parametrize(
    ("amount", "unit", "dates", "field"),
    [
        ("NaN", "DAY", ["2027-03-02"], "rate.amount"),
        ("5.00", "HOUR", ["2027-03-02"], "rate.amount"),
        ("100", "YEAR", ["2027-03-02"], "rate.unit"),
        ("100", "DAY", [], "work_dates"),
        ("100", "DAY", ["next tuesday"], "work_dates"),
    ],
)
def test_an_estimate_names_the_field_it_cannot_price(
    payroll: Payroll, amount: str, unit: str, dates: list[str], field: str
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        payroll.estimate(Decimal(amount), unit, dates)
    assert fields(exc) == [field]
