"""Casting's aggregates and rules: roles, talent, bookings and the productions casting knows of.

Aggregates are plain dataclasses. Each knows the version it was loaded at (0: never stored) and
keeps the domain events its transitions recorded until the store writes them with its state.
Inputs are validated into drafts first (every problem at once, by field); factories build an
aggregate from a draft and what the command looked up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from slate_domain import Aggregate
from slate_domain import Invalid as Invalid
from slate_domain import Problem as Problem
from slate_domain import Rate as Rate


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
ADULT_AGE = 18

# Bounds on every input, checked before anything parses it (issue 8, findings 1 and 2). With
# them the largest booking event stays a few kilobytes, far below the broker's message limit.
MAX_ID = 64  # ids are `prefix_` + 24 hex digits
MAX_NAME = 200
MAX_EMAIL = 254  # RFC 5321's longest forward path, less the angle brackets
MAX_REASON = 500
MAX_WORK_DATES = 366  # a year of work days, leap day included
MAX_AMOUNT_TEXT = 32
ISO_DATE_LENGTH = 10  # YYYY-MM-DD
_SHOWN = 40  # characters of a refused input quoted back in its message


@dataclass(frozen=True)
class RoleDraft:
    """A role's validated terms, before it belongs to a production."""

    name: str
    rate: Rate
    work_dates: tuple[date, ...]


@dataclass(frozen=True)
class TalentDraft:
    """A talent profile's validated fields; the birth date is still in the clear here."""

    name: str
    email: str
    date_of_birth: date
    union: Union


def shown(raw: str) -> str:
    """An input quoted in a message, cut short: a message never carries a long input back."""
    return repr(raw) if len(raw) <= _SHOWN else f"{raw[:_SHOWN]!r}…"


def check_ids(ids: Mapping[str, str]) -> None:
    """Ids by field name; one longer than any id can be is refused before anything looks it up."""
    problems = [
        Problem(field, f"at most {MAX_ID} characters")
        for field, raw in ids.items()
        if len(raw) > MAX_ID
    ]
    if problems:
        raise Invalid(problems)


def is_email(address: str) -> bool:
    """One `@` with something before it, no whitespace, and a domain with a dot that is neither
    its first nor its last character. One pass over the text (a backtracking pattern took time
    growing with the square of the length: issue 8, finding 1)."""
    local, at, domain = address.partition("@")
    return (
        bool(at)
        and bool(local)
        and "@" not in domain
        and "." in domain[1:-1]
        and address.split() == [address]  # no whitespace (str.isspace's), in C
    )


def parse_decimal(raw: str, field: str, problems: list[Problem]) -> Decimal | None:
    """A finite decimal with at most two places, else a problem on `field`."""
    if len(raw) > MAX_AMOUNT_TEXT:
        problems.append(Problem(field, f"at most {MAX_AMOUNT_TEXT} characters"))
        return None
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        problems.append(Problem(field, f"not a decimal amount: {shown(raw)}"))
        return None
    if not value.is_finite():
        problems.append(Problem(field, f"not a decimal amount: {shown(raw)}"))
        return None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        problems.append(Problem(field, "at most two decimal places"))
        return None
    return value


def parse_date(raw: str, field: str, problems: list[Problem]) -> date | None:
    try:
        if len(raw) > ISO_DATE_LENGTH:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except (ValueError, TypeError):
        problems.append(Problem(field, f"not an ISO date (YYYY-MM-DD): {shown(raw)}"))
        return None


def validate_role(
    name: str, amount: str, currency: str, unit: str, work_dates: Sequence[str]
) -> RoleDraft:
    """A role needs a name, a positive rate in a known currency and unit, and valid work dates."""
    problems: list[Problem] = []
    clean_name = name.strip()
    if not clean_name:
        problems.append(Problem("name", "must not be empty"))
    elif len(clean_name) > MAX_NAME:
        problems.append(Problem("name", f"at most {MAX_NAME} characters"))
    value = parse_decimal(amount, "rate.amount", problems)
    if value is not None and value <= 0:
        problems.append(Problem("rate.amount", "must be greater than zero"))
    elif value is not None and value > MAX_AMOUNT:
        problems.append(Problem("rate.amount", f"must not exceed {MAX_AMOUNT}"))
    if currency not in CURRENCIES:
        problems.append(Problem("rate.currency", f"unknown currency {shown(currency)}"))
    if unit not in RateUnit.__members__:
        problems.append(Problem("rate.unit", f"unknown unit {shown(unit)}"))
    dates: list[date] = []
    if len(work_dates) > MAX_WORK_DATES:
        problems.append(Problem("workDates", f"at most {MAX_WORK_DATES} work dates"))
    else:
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
    elif len(clean_name) > MAX_NAME:
        problems.append(Problem("name", f"at most {MAX_NAME} characters"))
    clean_email = ""
    if len(email) > MAX_EMAIL:  # before anything reads the text
        problems.append(Problem("email", f"at most {MAX_EMAIL} characters"))
    elif not is_email(clean_email := email.strip().lower()):
        problems.append(Problem("email", f"not an email address: {shown(email)}"))
    dob = parse_date(date_of_birth, "dateOfBirth", problems)
    if dob is not None and dob >= today:
        problems.append(Problem("dateOfBirth", "must be in the past"))
    elif dob is not None and dob.year < today.year - 120:
        problems.append(Problem("dateOfBirth", "more than 120 years ago"))
    if union not in Union.__members__:
        problems.append(Problem("union", f"unknown union {shown(union)}"))
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


@dataclass(frozen=True)
class Relationship:
    """What one organisation has to do with a talent, as its bookings show it. Profiles are
    network-wide; personal data is not (issue 8, finding 3): contact details are for an
    organisation that holds or books the talent (or registered them), the birth date for one
    that books them."""

    holds_or_books: bool = False  # an active hold or booking (ON_HOLD or BOOKED)
    books: bool = False  # a BOOKED booking

    @classmethod
    def of_statuses(cls, statuses: Iterable[BookingStatus]) -> Relationship:
        found = set(statuses)
        return cls(
            holds_or_books=not found.isdisjoint(ACTIVE_STATUSES),
            books=BookingStatus.BOOKED in found,
        )


NO_RELATIONSHIP = Relationship()


# --------------------------------------------------------------------------- domain events


@dataclass(frozen=True)
class BookingHeld:
    booking: Booking


@dataclass(frozen=True)
class BookingConfirmed:
    booking: Booking
    by: str


@dataclass(frozen=True)
class BookingReleased:
    booking: Booking
    reason: str


# What a booking's transitions record (each carries the booking as the next write stores it).
DomainEvent = BookingHeld | BookingConfirmed | BookingReleased


# --------------------------------------------------------------------------- aggregates


@dataclass(kw_only=True)
class Production:
    """Casting's copy of a production scheduling owns (kept from its events and read-through)."""

    id: str
    org_id: str
    title: str = ""
    client: str = ""
    kind: str = ""
    timezone: str = ""
    stage: str = ""
    version: int = 0


@dataclass(kw_only=True)
class Role(Aggregate[DomainEvent]):
    """A part to cast in a production: a breakdown line with its rate and work dates."""

    production_id: str
    production_timezone: str
    name: str
    rate: Rate
    work_dates: tuple[date, ...]

    @classmethod
    def create(cls, *, id: str, production: Production, draft: RoleDraft) -> Role:
        """A role of `production` on validated terms (it announces nothing)."""
        return cls(
            id=id,
            org_id=production.org_id,
            production_id=production.id,
            production_timezone=production.timezone,
            name=draft.name,
            rate=draft.rate,
            work_dates=draft.work_dates,
        )


@dataclass(kw_only=True)
class Talent(Aggregate[DomainEvent]):
    """A performer in the network-wide casting pool; `org_id` is the organisation that registered
    them. The birth date is held only sealed (encrypted by the caller, bound to the id)."""

    name: str
    email: str
    union: Union
    sealed_date_of_birth: Mapping[str, str] = field(repr=False)

    @classmethod
    def register(
        cls, *, id: str, org_id: str, draft: TalentDraft, sealed_date_of_birth: Mapping[str, str]
    ) -> Talent:
        """A profile from validated fields; the clear birth date in `draft` is not kept."""
        return cls(
            id=id,
            org_id=org_id,
            name=draft.name,
            email=draft.email,
            union=draft.union,
            sealed_date_of_birth=dict(sealed_date_of_birth),
        )


@dataclass(kw_only=True)
class Booking(Aggregate[DomainEvent]):
    """A talent on hold or booked for a role, with the terms and facts copied at the hold."""

    production_id: str
    production_timezone: str
    role_id: str
    role_name: str
    talent_id: str
    talent_name: str
    union: Union
    rate: Rate
    work_dates: tuple[date, ...]
    is_minor: bool
    status: BookingStatus
    confirmed_at: datetime | None = None

    @classmethod
    def hold(
        cls,
        *,
        id: str,
        role: Role,
        talent: Talent,
        date_of_birth: date,
        existing: Sequence[Booking],
    ) -> Booking:
        """Put talent on hold for a role; a talent holds at most one active booking per role."""
        if any(b.status in ACTIVE_STATUSES for b in existing):
            raise Invalid(
                [Problem("talentId", "already on hold or booked for this role", "CONFLICT")]
            )
        booking = cls(
            id=id,
            org_id=role.org_id,
            production_id=role.production_id,
            production_timezone=role.production_timezone,
            role_id=role.id,
            role_name=role.name,
            talent_id=talent.id,
            talent_name=talent.name[:MAX_NAME],  # profiles stored before names were bounded
            union=talent.union,
            rate=role.rate,
            work_dates=role.work_dates,
            is_minor=is_minor_during(date_of_birth, role.work_dates),
            status=BookingStatus.ON_HOLD,
        )
        booking.record(BookingHeld(booking._as_changed()))
        return booking

    def confirm(self, by: str, *, at: datetime) -> None:
        """Only a booking on hold can be confirmed."""
        if self.status != BookingStatus.ON_HOLD:
            raise Invalid(
                [
                    Problem(
                        "bookingId", f"cannot confirm a booking that is {self.status}", "CONFLICT"
                    )
                ]
            )
        self.status = BookingStatus.BOOKED
        self.confirmed_at = at
        self.record(BookingConfirmed(self._as_changed(), by=by))

    def release(self, reason: str) -> None:
        """Holds and bookings can be released; released or cancelled ones cannot."""
        if len(reason) > MAX_REASON:
            raise Invalid([Problem("reason", f"at most {MAX_REASON} characters")])
        if self.status not in ACTIVE_STATUSES:
            raise Invalid(
                [
                    Problem(
                        "bookingId", f"cannot release a booking that is {self.status}", "CONFLICT"
                    )
                ]
            )
        self.status = BookingStatus.RELEASED
        self.record(BookingReleased(self._as_changed(), reason=reason))

    def _as_changed(self) -> Booking:
        """A copy as the next write will store it: one version past the one loaded."""
        return replace(self, version=self.version + 1, events=[])
