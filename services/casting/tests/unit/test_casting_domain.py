"""Casting's aggregates: each transition checks its rule, changes state and records its event."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from casting.domain import model
from casting.domain.model import (
    Booking,
    BookingConfirmed,
    BookingHeld,
    BookingReleased,
    BookingStatus,
    Production,
    Role,
    Talent,
)

NOON = datetime(2027, 3, 1, 12, tzinfo=UTC)
PRODUCTION = Production(id="prd_1", org_id="org_a", timezone="America/Los_Angeles")


def role(dates: tuple[str, ...] = ("2027-03-02", "2027-03-03")) -> Role:
    draft = model.validate_role("Lead", "1200", "USD", "DAY", list(dates))
    return Role.create(id="rol_1", production=PRODUCTION, draft=draft)


def talent() -> Talent:
    draft = model.validate_talent(
        "Rosa", "rosa@example.com", "1994-02-11", "SAG_AFTRA", date(2026, 11, 28)
    )
    return Talent.register(
        id="tal_1", org_id="org_b", draft=draft, sealed_date_of_birth={"ct": "sealed"}
    )


def held(dob: date = date(1994, 2, 11), existing: tuple[Booking, ...] = ()) -> Booking:
    return Booking.hold(
        id="bkg_1", role=role(), talent=talent(), date_of_birth=dob, existing=existing
    )


def stored(booking: Booking, version: int) -> Booking:
    """The booking as the store hands it back: at `version`, no pending events."""
    booking.version = version
    booking.events.clear()
    return booking


def test_a_role_takes_its_production_and_validated_terms() -> None:
    r = role(("2027-03-03", "2027-03-02", "2027-03-03"))
    assert (r.org_id, r.production_id, r.production_timezone) == (
        "org_a",
        "prd_1",
        "America/Los_Angeles",
    )
    assert r.work_dates == (date(2027, 3, 2), date(2027, 3, 3))
    assert (r.version, r.events) == (0, [])


def test_a_talent_profile_keeps_only_the_sealed_birth_date() -> None:
    t = talent()
    assert t.sealed_date_of_birth == {"ct": "sealed"}
    assert "1994" not in repr(t)
    assert not hasattr(t, "date_of_birth")


def test_hold_copies_the_terms_and_records_held_at_the_first_version() -> None:
    b = held()
    assert b.status is BookingStatus.ON_HOLD
    assert (b.role_name, b.talent_name, b.union, b.rate.amount) == (
        "Lead",
        "Rosa",
        model.Union.SAG_AFTRA,
        Decimal("1200.00"),
    )
    [event] = b.events
    assert isinstance(event, BookingHeld)
    assert (event.booking.id, event.booking.status, event.booking.version) == (
        "bkg_1",
        BookingStatus.ON_HOLD,
        1,
    )
    assert b.version == 0  # not stored yet: the store writes version 1


def test_a_minor_on_any_work_date_makes_a_minors_booking() -> None:
    assert held(dob=date(2009, 3, 3)).is_minor  # 17 on 2 March 2027, 18 the next day
    assert not held(dob=date(2009, 3, 2)).is_minor


def test_second_active_hold_on_the_same_role_is_a_conflict() -> None:
    released = stored(held(), 2)
    released.status = BookingStatus.RELEASED
    held(existing=(released,))  # a released hold does not count
    with pytest.raises(model.Invalid) as exc:
        held(existing=(released, stored(held(), 1)))
    [problem] = exc.value.problems
    assert (problem.field, problem.code) == ("talentId", "CONFLICT")


def test_confirm_books_the_hold_and_records_who_confirmed_at_the_next_version() -> None:
    b = stored(held(), 1)
    b.confirm("u1", at=NOON)
    assert (b.status, b.confirmed_at) == (BookingStatus.BOOKED, NOON)
    [event] = b.events
    assert isinstance(event, BookingConfirmed)
    assert (event.by, event.booking.status, event.booking.version) == (
        "u1",
        BookingStatus.BOOKED,
        2,
    )


@pytest.mark.parametrize("status", ["BOOKED", "RELEASED", "CANCELLED"])
def test_only_a_hold_can_be_confirmed(status: str) -> None:
    b = stored(held(), 3)
    b.status = BookingStatus(status)
    with pytest.raises(model.Invalid) as exc:
        b.confirm("u1", at=NOON)
    [problem] = exc.value.problems
    assert (problem.field, problem.code) == ("bookingId", "CONFLICT")
    assert problem.message == f"cannot confirm a booking that is {status}"
    assert (b.status, b.events) == (BookingStatus(status), [])


def test_release_records_a_reason_of_up_to_500_characters_and_refuses_a_longer_one() -> None:
    b = stored(held(), 1)
    b.confirm("u1", at=NOON)
    b = stored(b, 2)
    with pytest.raises(model.Invalid) as exc:
        b.release("r" * 501)
    assert [(p.field, p.message) for p in exc.value.problems] == [
        ("reason", "at most 500 characters")
    ]
    assert (b.status, b.events) == (BookingStatus.BOOKED, [])
    b.release("r" * 500)
    assert b.status is BookingStatus.RELEASED
    [event] = b.events
    assert isinstance(event, BookingReleased)
    assert (len(event.reason), event.booking.version) == (500, 3)


def test_released_booking_cannot_be_released_again() -> None:
    b = stored(held(), 1)
    b.release("recast")
    b = stored(b, 2)
    with pytest.raises(model.Invalid) as exc:
        b.release("again")
    assert exc.value.problems[0].code == "CONFLICT"
    assert b.events == []


def test_an_event_keeps_the_booking_as_it_was_when_recorded() -> None:
    b = stored(held(), 1)
    b.release("recast")
    [event] = b.events
    b.status = BookingStatus.CANCELLED
    assert event.booking.status is BookingStatus.RELEASED
