"""A confirmed booking released with a cancellation fee: the fee is wages on the production's
next pay run (taxed like the rest), once, and stays the engagement's committed cost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from payroll import events
from payroll.domain.engagements import EngagementStatus
from payroll.domain.payitems import PayItemStatus
from payroll.store import ENGAGEMENTS, PAY_ITEMS, PayrollStore
from payroll.usecases import Payroll, engagement_id_for
from slate.audit import COLLECTION as AUDIT
from slate.audit import AuditLog
from slate.errors import ValidationErrors
from slate.events.catalogue import BOOKING_CONFIRMED, BOOKING_RELEASED, ENGAGEMENT_ESTIMATED
from slate.events.snapshots import BookingSnapshot, Fee
from slate.repository import MemoryDatabase
from slate.testing import booking_snapshot, cipher, envelope, principal
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2, payroll_pb2

Booking = Callable[..., BookingSnapshot]
ACCOUNTING = principal("org_a", "accounting")
ENG_1 = engagement_id_for("bkg_1")
# Released in the evening of 5 March in Los Angeles: 6 March already in UTC.
RELEASED_AT = datetime(2027, 3, 6, 3, 0, tzinfo=UTC)


@pytest.fixture
def payroll(store: PayrollStore, database: MemoryDatabase) -> Payroll:
    return Payroll(store, AuditLog(database), cipher(), clock=lambda: RELEASED_AT)


def released(booking: Booking, fee: str | None = "600.00") -> BookingSnapshot:
    snapshot = booking(status="RELEASED", version=3, union="NONE")
    return replace(snapshot, cancellation_fee=Fee(Decimal(fee), "USD") if fee else None)


async def run_for(payroll: Payroll, period_end: str) -> list[str]:
    run = await payroll.create_pay_run(
        ACCOUNTING,
        production_id="prd_1",
        period_start="2027-03-01",
        period_end=period_end,
        pay_date=period_end,
    )
    return [run.id]


async def test_the_fee_is_owed_once_and_stays_committed(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.on_booking_confirmed(booking(union="NONE"))
    await payroll.on_booking_released(released(booking))
    await payroll.on_booking_released(released(booking))  # redelivered
    [item] = database.collections[PAY_ITEMS].values()
    assert (item["cents"], item["owed_on"], item["status"]) == (60000, "2027-03-05", "APPROVED")
    engagement = await payroll.engagement("org_a", ENG_1)
    assert engagement is not None
    assert engagement.status is EngagementStatus.CANCELLED
    raw = await database.repository(ENGAGEMENTS).raw(ENG_1)
    assert raw is not None
    last = raw["_outbox"][-1]
    assert last["type"] == ENGAGEMENT_ESTIMATED.name
    estimate = payroll_pb2.EngagementEstimated.FromString(last["payload"])
    assert (estimate.estimated_cost.amount, estimate.version) == ("600.00", 2)
    actions = [a["action"] for a in database.collections[AUDIT].values()]
    assert actions.count("oweCancellationFee") == 1


async def test_the_next_run_pays_it_as_wages_and_then_never_again(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.on_booking_confirmed(booking(union="NONE"))
    await payroll.on_booking_released(released(booking))
    # A run whose period ended before the release does not owe it yet.
    with pytest.raises(ValidationErrors) as exc:
        await run_for(payroll, "2027-03-04")
    assert [e.field for e in exc.value.errors] == ["productionId"]
    [run_id] = await run_for(payroll, "2027-03-07")
    run = await payroll.pay_run(ACCOUNTING, run_id)
    assert run is not None
    [stub] = run.stubs
    [line] = stub.earnings
    assert (line.kind, line.amount, line.date) == ("cancellation_fee", "600.00", "2027-03-05")
    assert stub.gross_cents == 60000
    assert {t.code for t in stub.deductions} >= {"social_security", "medicare", "ca_sdi"}
    assert stub.net_cents < stub.gross_cents
    # While the draft holds it, a second run does not gather it too.
    with pytest.raises(ValidationErrors):
        await run_for(payroll, "2027-03-07")
    await payroll.approve_pay_run(ACCOUNTING, run_id)
    await payroll.issue_pay_run(ACCOUNTING, run_id)
    [item] = database.collections[PAY_ITEMS].values()
    assert (item["status"], item["pay_run_id"]) == (PayItemStatus.PAID.value, run_id)
    with pytest.raises(ValidationErrors):
        await run_for(payroll, "2027-03-14")


async def test_a_release_without_a_fee_owes_nothing(
    payroll: Payroll, booking: Booking, database: MemoryDatabase
) -> None:
    await payroll.on_booking_confirmed(booking(union="NONE"))
    await payroll.on_booking_released(released(booking, fee=None))
    assert not database.collections.get(PAY_ITEMS)
    raw = await database.repository(ENGAGEMENTS).raw(ENG_1)
    assert raw is not None
    zero = payroll_pb2.EngagementEstimated.FromString(raw["_outbox"][-1]["payload"])
    assert zero.estimated_cost.amount == "0.00"


async def test_castings_released_event_carries_the_fee_to_payroll(
    payroll: Payroll, database: MemoryDatabase
) -> None:
    handle = events.handlers(payroll)
    confirmed = booking_snapshot(status="BOOKED", work_dates=["2027-03-02"], version=2)
    await handle(
        envelope(BOOKING_CONFIRMED.outbox("bkg_1", casting_pb2.BookingConfirmed(booking=confirmed)))
    )
    gone = booking_snapshot(
        status="RELEASED",
        work_dates=["2027-03-02"],
        version=3,
        cancellation_fee=money_pb2.Money(amount="250.00", currency="USD"),
    )
    await handle(
        envelope(BOOKING_RELEASED.outbox("bkg_1", casting_pb2.BookingReleased(booking=gone)))
    )
    [item] = database.collections[PAY_ITEMS].values()
    assert (item["cents"], item["kind"], item["talent_id"]) == (25000, "cancellation_fee", "tal_1")
