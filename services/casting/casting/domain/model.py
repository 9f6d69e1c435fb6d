"""Casting rules: validation of roles and talent, and the booking life cycle."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class RateUnit(StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    FLAT = "FLAT"


class Union(StrEnum):
    NONE = "NONE"
    SAG_AFTRA = "SAG_AFTRA"


class BookingStatus(StrEnum):
    ON_HOLD = "ON_HOLD"
    BOOKED = "BOOKED"
    RELEASED = "RELEASED"
    CANCELLED = "CANCELLED"


ACTIVE_STATUSES = frozenset({BookingStatus.ON_HOLD, BookingStatus.BOOKED})
CURRENCIES = frozenset({"USD", "CAD", "GBP", "EUR", "AUD"})
MAX_AMOUNT = Decimal("10000000")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ADULT_AGE = 18


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, by field."""

    field: str
    message: str
    code: str = "INVALID"


class Invalid(Exception):
    """The input breaks one or more rules; nothing may be written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Rate:
    amount: Decimal
    currency: str
    unit: RateUnit


@dataclass(frozen=True)
class RoleDraft:
    name: str
    rate: Rate
    work_dates: tuple[date, ...]


@dataclass(frozen=True)
class TalentDraft:
    name: str
    email: str
    date_of_birth: date
    union: Union


def parse_decimal(raw: str, field: str, problems: list[Problem]) -> Decimal | None:
    """A finite decimal with at most two places, else a problem on `field`."""
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        problems.append(Problem(field, f"not a decimal amount: {raw!r}"))
        return None
    if not value.is_finite():
        problems.append(Problem(field, f"not a decimal amount: {raw!r}"))
        return None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        problems.append(Problem(field, "at most two decimal places"))
        return None
    return value


def parse_date(raw: str, field: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(raw)
    except (ValueError, TypeError):
        problems.append(Problem(field, f"not an ISO date (YYYY-MM-DD): {raw!r}"))
        return None


def validate_role(
    name: str, amount: str, currency: str, unit: str, work_dates: Sequence[str]
) -> RoleDraft:
    """A role needs a name, a positive rate in a known currency and unit, and valid work dates."""
    problems: list[Problem] = []
    clean_name = name.strip()
    if not clean_name:
        problems.append(Problem("name", "must not be empty"))
    elif len(clean_name) > 200:
        problems.append(Problem("name", "at most 200 characters"))
    value = parse_decimal(amount, "rate.amount", problems)
    if value is not None and value <= 0:
        problems.append(Problem("rate.amount", "must be greater than zero"))
    elif value is not None and value > MAX_AMOUNT:
        problems.append(Problem("rate.amount", f"must not exceed {MAX_AMOUNT}"))
    if currency not in CURRENCIES:
        problems.append(Problem("rate.currency", f"unknown currency {currency!r}"))
    if unit not in RateUnit.__members__:
        problems.append(Problem("rate.unit", f"unknown unit {unit!r}"))
    dates: list[date] = []
    for i, raw in enumerate(work_dates):
        parsed = parse_date(raw, f"workDates[{i}]", problems)
        if parsed is not None:
            dates.append(parsed)
    if not work_dates:
        problems.append(Problem("workDates", "at least one work date is required"))
    if problems:
        raise Invalid(problems)
    assert value is not None
    return RoleDraft(
        name=clean_name,
        rate=Rate(amount=value.quantize(Decimal("0.01")), currency=currency, unit=RateUnit(unit)),
        work_dates=tuple(sorted(set(dates))),
    )


def validate_talent(
    name: str, email: str, date_of_birth: str, union: str, today: date
) -> TalentDraft:
    """Talent need a name, a plausible email, a birth date in the past, and a known union."""
    problems: list[Problem] = []
    clean_name = name.strip()
    if not clean_name:
        problems.append(Problem("name", "must not be empty"))
    clean_email = email.strip().lower()
    if not EMAIL_RE.match(clean_email):
        problems.append(Problem("email", f"not an email address: {email!r}"))
    dob = parse_date(date_of_birth, "dateOfBirth", problems)
    if dob is not None and dob >= today:
        problems.append(Problem("dateOfBirth", "must be in the past"))
    elif dob is not None and dob.year < today.year - 120:
        problems.append(Problem("dateOfBirth", "more than 120 years ago"))
    if union not in Union.__members__:
        problems.append(Problem("union", f"unknown union {union!r}"))
    if problems:
        raise Invalid(problems)
    assert dob is not None
    return TalentDraft(name=clean_name, email=clean_email, date_of_birth=dob, union=Union(union))


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a day (a 29 February birthday counts on 1 March in common years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def is_minor_during(date_of_birth: date, work_dates: Sequence[date]) -> bool:
    """A performer is a minor for the booking if under 18 on any work date."""
    return any(age_on(date_of_birth, d) < ADULT_AGE for d in work_dates)


def check_can_hold(existing_statuses: Sequence[str]) -> None:
    """A talent holds at most one active booking per role."""
    if any(s in ACTIVE_STATUSES for s in existing_statuses):
        raise Invalid([Problem("talentId", "already on hold or booked for this role", "CONFLICT")])


def confirm(status: str) -> BookingStatus:
    """Only a booking on hold can be confirmed."""
    if status != BookingStatus.ON_HOLD:
        raise Invalid(
            [Problem("bookingId", f"cannot confirm a booking that is {status}", "CONFLICT")]
        )
    return BookingStatus.BOOKED


def release(status: str) -> BookingStatus:
    """Holds and bookings can be released; released or cancelled ones cannot."""
    if status not in ACTIVE_STATUSES:
        raise Invalid(
            [Problem("bookingId", f"cannot release a booking that is {status}", "CONFLICT")]
        )
    return BookingStatus.RELEASED
