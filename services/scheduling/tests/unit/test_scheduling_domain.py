"""Scheduling's pure rules: production validation and availability conflicts."""

import pytest
from scheduling.domain import productions as rules


def test_production_needs_title_known_kind_and_real_time_zone() -> None:
    with pytest.raises(rules.Invalid) as exc:
        rules.validate_production(" ", "ACME", "PODCAST", "Mars/Olympus")
    assert {p.field for p in exc.value.problems} == {"title", "kind", "timezone"}


def test_new_production_starts_in_pre_production() -> None:
    draft = rules.validate_production("Spot", "ACME", "COMMERCIAL", "America/Los_Angeles")
    assert draft.stage is rules.Stage.PRE_PRODUCTION


def entry(booking: str, org: str, status: str, *dates: str) -> rules.CalendarEntry:
    return rules.CalendarEntry(booking, org, f"prd_{booking}", status, frozenset(dates))


def test_a_confirmed_booking_on_the_same_day_blocks() -> None:
    conflicts = rules.find_conflicts(
        org_id="org1",
        booking_id="new",
        dates=["2026-03-02", "2026-03-03"],
        calendar=[entry("b1", "org1", "BOOKED", "2026-03-03")],
    )
    assert [(c.date, c.blocking, c.reason) for c in conflicts] == [("2026-03-03", True, "booked")]


def test_another_hold_is_a_soft_conflict_and_released_ones_are_ignored() -> None:
    conflicts = rules.find_conflicts(
        org_id="org1",
        booking_id="new",
        dates=["2026-03-02"],
        calendar=[
            entry("b1", "org1", "ON_HOLD", "2026-03-02"),
            entry("b2", "org1", "RELEASED", "2026-03-02"),
        ],
    )
    assert [(c.booking_id, c.blocking) for c in conflicts] == [("b1", False)]


def test_a_booking_never_conflicts_with_itself() -> None:
    assert not rules.find_conflicts(
        org_id="org1",
        booking_id="b1",
        dates=["2026-03-02"],
        calendar=[entry("b1", "org1", "BOOKED", "2026-03-02")],
    )


def test_another_orgs_booking_blocks_without_revealing_it() -> None:
    [conflict] = rules.find_conflicts(
        org_id="org1",
        booking_id="new",
        dates=["2026-03-02"],
        calendar=[entry("b9", "org2", "BOOKED", "2026-03-02")],
    )
    assert conflict.blocking
    assert conflict.booking_id == ""
    assert conflict.production_id == ""
    assert conflict.reason == "booked elsewhere"
