"""Payroll engagement rules."""

from decimal import Decimal

import pytest
from payroll.domain import InvalidRequest
from payroll.domain import engagements as rules
from payroll.domain.estimates import estimate_booking


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
