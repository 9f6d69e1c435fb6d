"""Payroll engagement rules and the Engagement aggregate's transitions."""

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
from payroll.domain import InvalidRequest
from payroll.domain import engagements as rules
from payroll.domain.engagements import (
    Engagement,
    EngagementCancelled,
    EngagementCreated,
    EngagementEstimated,
    EngagementStatus,
)
from payroll.domain.estimates import estimate_booking
from slate.events.snapshots import BookingSnapshot
from slate_domain import Invalid, Rate


def test_union_maps_to_its_agreement_and_unknown_unions_to_none() -> None:
    assert rules.agreement_for("SAG_AFTRA") == "sag-aftra-commercials"
    assert rules.agreement_for("NONE") == "none"
    assert rules.agreement_for("IATSE") == "none"


def test_release_cancels_only_engagements_without_recorded_work() -> None:
    assert rules.cancel_on_release("PENDING_ONBOARDING", has_timecards=False)
    assert not rules.cancel_on_release("PENDING_ONBOARDING", has_timecards=True)
    assert not rules.cancel_on_release("CLOSED", has_timecards=False)


def test_union_day_rate_estimate_adds_pension_health_and_agent_fee_on_top() -> None:
    estimate = estimate_booking(
        Decimal("1200.00"),
        "DAY",
        ["2027-03-02", "2027-03-03", "2027-03-03"],
        agreement="sag-aftra-commercials",
        agent_fee_percent="10",
    )
    amounts = {kind: value for kind, value, _ in estimate.lines}
    assert amounts == {
        "gross": Decimal("2400.00"),
        "pension_health": Decimal("564.00"),  # 23.5 % P&H
        "agent_fee": Decimal("240.00"),  # the "+10" paid on top
    }
    assert estimate.total == Decimal("3204.00")


def test_hourly_estimate_below_minimum_wage_is_refused() -> None:
    with pytest.raises(InvalidRequest) as exc:
        estimate_booking(Decimal("5.00"), "HOUR", ["2027-03-02"])
    assert "rate.amount" in str(exc.value)


def test_weekly_and_flat_rates_are_priced_as_booked() -> None:
    weekly = estimate_booking(Decimal("5000.00"), "WEEK", [f"2027-03-{d:02d}" for d in range(1, 7)])
    assert weekly.total == Decimal("10000.00")
    assert estimate_booking(Decimal("750.00"), "FLAT", ["2027-03-02"]).total == Decimal("750.00")


# --------------------------------------------------------------------------- the aggregate


Booking = Callable[..., BookingSnapshot]


def test_a_confirmed_booking_opens_a_pending_engagement_under_its_unions_agreement(
    booking: Booking,
) -> None:
    engagement = Engagement.open("eng_1", booking())
    assert engagement.status is EngagementStatus.PENDING_ONBOARDING
    assert engagement.agreement == "sag-aftra-commercials"
    assert engagement.rate == Rate(Decimal("1200.00"), "USD", "DAY")
    assert engagement.work_dates == ("2027-03-02", "2027-03-03")
    assert engagement.version == 0  # never stored
    assert engagement.events == [
        EngagementCreated(
            engagement_id="eng_1",
            org_id="org_a",
            booking_id="bkg_1",
            production_id="prd_1",
            talent_id="tal_1",
            status=EngagementStatus.PENDING_ONBOARDING,
        ),
        # What the production commits to: the wage engine's price of the booked days, at the
        # version the first save stores.
        EngagementEstimated(
            engagement_id="eng_1",
            org_id="org_a",
            production_id="prd_1",
            booking_id="bkg_1",
            cost=Decimal("2964.00"),
            currency="USD",
            version=1,
            category="TALENT",
        ),
    ]


def test_terms_the_engine_cannot_price_commit_their_base_pay(booking: Booking) -> None:
    # A day rate with no work dates: the engine refuses, the base pay is zero days' worth.
    engagement = Engagement.open("eng_1", booking(work_dates=()))
    assert engagement.committed_cost() == Decimal("0.00")
    weekly = Engagement.open("eng_1", booking(rate=Rate(Decimal("5000.00"), "USD", "WEEK")))
    assert weekly.committed_cost() == Decimal("5000.00")


def test_an_engagement_cannot_open_without_the_bookings_identifiers(booking: Booking) -> None:
    with pytest.raises(Invalid) as exc:
        Engagement.open("eng_1", booking(org_id="", talent_id=""))
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("org_id", "is required"),
        ("talent_id", "is required"),
    ]


def test_release_cancels_a_pending_engagement_once(booking: Booking) -> None:
    engagement = Engagement.open("eng_1", booking())
    engagement.events.clear()
    assert engagement.release(work_recorded=False)
    assert engagement.status is EngagementStatus.CANCELLED
    # Cancelled: the committed cost drops to zero at the next version.
    assert engagement.events == [
        EngagementCancelled("eng_1", "org_a", "bkg_1"),
        EngagementEstimated(
            "eng_1", "org_a", "prd_1", "bkg_1", Decimal("0.00"), "USD", 1, "TALENT"
        ),
    ]
    assert not engagement.release(work_recorded=False)
    assert len(engagement.events) == 2


@pytest.mark.parametrize(
    ("status", "work_recorded"),
    [
        (EngagementStatus.PENDING_ONBOARDING, True),
        (EngagementStatus.ACTIVE, True),
        (EngagementStatus.CLOSED, False),
    ],
)
def test_release_keeps_an_engagement_with_work_or_already_closed(
    booking: Booking, status: EngagementStatus, work_recorded: bool
) -> None:
    engagement = replace(Engagement.open("eng_1", booking()), status=status, events=[])
    assert not engagement.release(work_recorded=work_recorded)
    assert engagement.status is status
    assert engagement.events == []


def test_the_estimated_cost_prices_the_booked_days_under_the_engagements_agreement(
    booking: Booking,
) -> None:
    # 1,200.00 a day for two days under SAG-AFTRA: + 23.5 % P&H, no agent fee by default.
    assert Engagement.open("eng_1", booking()).estimated_cost().total == Decimal("2964.00")
    non_union = Engagement.open("eng_1", booking(union="NONE"))
    assert non_union.estimated_cost().total == Decimal("2400.00")


def test_an_estimate_names_the_field_it_cannot_price(booking: Booking) -> None:
    for terms, field in [
        (booking(rate=Rate(Decimal("1"), "USD", "YEAR")), "rate.unit"),
        (booking(work_dates=()), "work_dates"),
        (booking(work_dates=("2027-02-30",)), "work_dates"),
    ]:
        with pytest.raises(InvalidRequest) as exc:
            Engagement.open("eng_1", terms).estimated_cost()
        assert [p.field for p in exc.value.errors] == [field]
