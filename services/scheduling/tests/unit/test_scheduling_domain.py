"""Scheduling's pure rules: the Production aggregate and availability conflicts."""

import pytest
from scheduling.domain.calendar import CalendarEntry, find_conflicts
from scheduling.domain.productions import Production, ProductionCreated, ProductionKind, Stage
from slate_domain import Invalid


def create(**overrides: str) -> Production:
    fields = {
        "title": "Spring Spot",
        "client": "Acme Soda",
        "kind": "COMMERCIAL",
        "timezone": "America/Los_Angeles",
    } | overrides
    return Production.create(id="prd_1", org_id="org1", by="u1", **fields)


def test_production_needs_title_known_kind_and_real_time_zone() -> None:
    with pytest.raises(Invalid) as exc:
        create(title=" ", client="ACME", kind="PODCAST", timezone="Mars/Olympus")
    assert {(p.field, p.message) for p in exc.value.problems} == {
        ("title", "must not be empty"),
        ("kind", "unknown kind 'PODCAST'"),
        ("timezone", "not an IANA time zone: 'Mars/Olympus'"),
    }


def test_title_and_client_are_at_most_200_characters() -> None:
    with pytest.raises(Invalid) as exc:
        create(title="t" * 201, client="c" * 201)
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("title", "at most 200 characters"),
        ("client", "at most 200 characters"),
    ]


def test_new_production_starts_in_planning_trimmed_and_unsaved() -> None:
    production = create(title="  Spot ", client=" ACME ", kind="FILM")
    assert production.stage is Stage.PLANNING
    assert production.kind is ProductionKind.FILM
    assert (production.title, production.client) == ("Spot", "ACME")
    assert (production.version, production.created_at, production.created_by) == (0, None, "u1")


def test_creating_a_production_records_production_created() -> None:
    production = create()
    assert production.events == [ProductionCreated(production)]


def entry(booking: str, org: str, status: str, *dates: str) -> CalendarEntry:
    return CalendarEntry(
        booking_id=booking,
        org_id=org,
        production_id=f"prd_{booking}",
        talent_id="tal_1",
        status=status,
        dates=frozenset(dates),
        version=1,
    )


def test_a_confirmed_booking_on_the_same_day_blocks() -> None:
    conflicts = find_conflicts(
        org_id="org1",
        booking_id="new",
        dates=["2026-03-02", "2026-03-03"],
        calendar=[entry("b1", "org1", "BOOKED", "2026-03-03")],
    )
    assert [(c.date, c.blocking, c.reason) for c in conflicts] == [("2026-03-03", True, "booked")]


def test_another_hold_is_a_soft_conflict_and_released_ones_are_ignored() -> None:
    conflicts = find_conflicts(
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
    assert not find_conflicts(
        org_id="org1",
        booking_id="b1",
        dates=["2026-03-02"],
        calendar=[entry("b1", "org1", "BOOKED", "2026-03-02")],
    )


def test_another_orgs_booking_blocks_without_revealing_it() -> None:
    [conflict] = find_conflicts(
        org_id="org1",
        booking_id="new",
        dates=["2026-03-02"],
        calendar=[entry("b9", "org2", "BOOKED", "2026-03-02")],
    )
    assert conflict.blocking
    assert conflict.booking_id == ""
    assert conflict.production_id == ""
    assert conflict.reason == "booked elsewhere"


def test_blocking_conflicts_come_first_on_each_date() -> None:
    conflicts = find_conflicts(
        org_id="org1",
        booking_id="new",
        dates=["2026-03-03", "2026-03-02"],
        calendar=[
            entry("b1", "org1", "ON_HOLD", "2026-03-02", "2026-03-03"),
            entry("b2", "org2", "BOOKED", "2026-03-03"),
        ],
    )
    assert [(c.date, c.blocking) for c in conflicts] == [
        ("2026-03-02", False),
        ("2026-03-03", True),
        ("2026-03-03", False),
    ]
