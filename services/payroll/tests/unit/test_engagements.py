"""Payroll engagement rules."""

from payroll.domain import engagements as rules


def test_union_maps_to_its_agreement_and_unknown_unions_to_none() -> None:
    assert rules.agreement_for("SAG_AFTRA") == "sag-aftra-commercials"
    assert rules.agreement_for("NONE") == "none"
    assert rules.agreement_for("IATSE") == "none"


def test_release_cancels_only_engagements_without_recorded_work() -> None:
    assert rules.cancel_on_release("PENDING_ONBOARDING", has_timecards=False)
    assert not rules.cancel_on_release("PENDING_ONBOARDING", has_timecards=True)
    assert not rules.cancel_on_release("CLOSED", has_timecards=False)


def test_day_rate_estimate_is_rate_times_distinct_days() -> None:
    from decimal import Decimal

    from payroll.domain.estimates import estimate_base_pay

    estimate = estimate_base_pay(
        Decimal("1200.00"), "DAY", ["2027-03-02", "2027-03-03", "2027-03-03"]
    )
    assert estimate.total == Decimal("2400.00")
    weekly = estimate_base_pay(
        Decimal("5000.00"), "WEEK", [f"2027-03-{d:02d}" for d in range(1, 7)]
    )
    assert weekly.total == Decimal("10000.00")
