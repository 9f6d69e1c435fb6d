"""Casting's pure rules: role and talent validation, minors, the booking life cycle."""

from datetime import date
from decimal import Decimal

import pytest
from casting.domain import model
from hypothesis import given
from hypothesis import strategies as st

TODAY = date(2026, 11, 28)


def fields(exc: pytest.ExceptionInfo[model.Invalid]) -> set[str]:
    return {p.field for p in exc.value.problems}


def test_valid_role_normalises_amount_and_sorts_unique_dates() -> None:
    draft = model.validate_role(
        "Lead", "1200", "USD", "DAY", ["2026-03-03", "2026-03-02", "2026-03-03"]
    )
    assert draft.rate.amount == Decimal("1200.00")
    assert draft.work_dates == (date(2026, 3, 2), date(2026, 3, 3))


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("-5.00", "rate.amount"),
        ("0", "rate.amount"),
        ("abc", "rate.amount"),
        ("1.005", "rate.amount"),
        ("NaN", "rate.amount"),
    ],
)
def test_role_rate_must_be_a_positive_decimal_with_cents(amount: str, field: str) -> None:
    with pytest.raises(model.Invalid) as exc:
        model.validate_role("Lead", amount, "USD", "DAY", ["2026-03-02"])
    assert fields(exc) == {field}


def test_role_reports_every_bad_field_at_once() -> None:
    with pytest.raises(model.Invalid) as exc:
        model.validate_role(" ", "x", "XXX", "YEAR", ["2026-02-30"])
    assert fields(exc) == {"name", "rate.amount", "rate.currency", "rate.unit", "workDates[0]"}


def test_role_needs_a_work_date() -> None:
    with pytest.raises(model.Invalid) as exc:
        model.validate_role("Lead", "10.00", "USD", "DAY", [])
    assert fields(exc) == {"workDates"}


def test_talent_birth_date_in_the_future_is_rejected() -> None:
    with pytest.raises(model.Invalid) as exc:
        model.validate_talent("Ana", "ana@example.com", "2030-01-01", "NONE", TODAY)
    assert fields(exc) == {"dateOfBirth"}


def test_talent_email_and_union_are_checked() -> None:
    with pytest.raises(model.Invalid) as exc:
        model.validate_talent("Ana", "not-an-email", "1994-02-11", "EQUITY", TODAY)
    assert fields(exc) == {"email", "union"}


def test_age_turns_on_the_birthday() -> None:
    dob = date(2008, 3, 3)
    assert model.age_on(dob, date(2026, 3, 2)) == 17
    assert model.age_on(dob, date(2026, 3, 3)) == 18


def test_minor_on_any_work_date_makes_the_booking_a_minors_booking() -> None:
    dob = date(2008, 3, 3)
    assert model.is_minor_during(dob, [date(2026, 3, 2), date(2026, 3, 4)])
    assert not model.is_minor_during(dob, [date(2026, 3, 3)])


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)
def test_age_is_never_negative_after_birth_and_grows_with_time(dob: date, on: date) -> None:
    if on < dob:
        return
    age = model.age_on(dob, on)
    assert age >= 0
    assert abs((on.year - dob.year) - age) <= 1
