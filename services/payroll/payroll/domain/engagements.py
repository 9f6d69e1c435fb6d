"""Engagements: the payroll side of a confirmed booking.

Casting confirms a booking and payroll opens its engagement (who is paid, at what rate, under
which agreement); casting releases the booking and payroll cancels the engagement unless work was
already recorded against it. The booking's facts arrive as casting's snapshot; `BookingFacts` is
the part of it an engagement reads, so the domain depends on no message type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from slate_domain import Aggregate, Invalid, Problem, Rate

from payroll.domain.estimates import Estimate, estimate_base_pay, estimate_booking
from payroll.domain.models import InvalidRequest


class EngagementStatus(StrEnum):
    PENDING_ONBOARDING = "PENDING_ONBOARDING"
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"


AGREEMENT_BY_UNION = {"SAG_AFTRA": "sag-aftra-commercials", "NONE": "none"}


def agreement_for(union: str) -> str:
    """The pay agreement a booking's union implies (unknown unions get none, never a guess)."""
    return AGREEMENT_BY_UNION.get(union, "none")


def cancel_on_release(status: str, has_timecards: bool) -> bool:
    """A released booking cancels its engagement unless work was already recorded against it."""
    return (
        status in (EngagementStatus.PENDING_ONBOARDING, EngagementStatus.ACTIVE)
        and not has_timecards
    )


def missing(**values: str) -> list[Problem]:
    """A "required" problem for each named value that is empty."""
    return [Problem(name, "is required") for name, value in values.items() if not value]


class BookingFacts(Protocol):
    """What an engagement needs to know of the booking it pays (casting's booking snapshot)."""

    @property
    def booking_id(self) -> str: ...

    @property
    def org_id(self) -> str: ...

    @property
    def production_id(self) -> str: ...

    @property
    def talent_id(self) -> str: ...

    @property
    def role_name(self) -> str: ...

    @property
    def union(self) -> str: ...

    @property
    def is_minor(self) -> bool: ...

    @property
    def rate(self) -> Rate: ...

    @property
    def work_dates(self) -> Sequence[str]: ...


# --------------------------------------------------------------------------- domain events


@dataclass(frozen=True)
class EngagementCreated:
    engagement_id: str
    org_id: str
    booking_id: str
    production_id: str
    talent_id: str
    status: EngagementStatus


@dataclass(frozen=True)
class EngagementCancelled:
    engagement_id: str
    org_id: str
    booking_id: str


@dataclass(frozen=True)
class EngagementEstimated:
    """What the engagement is expected to cost the production (zero once cancelled), at the
    version the engagement is saved at: budgets keep the newest per engagement."""

    engagement_id: str
    org_id: str
    production_id: str
    booking_id: str
    cost: Decimal
    currency: str
    version: int
    category: str


EngagementEvent = EngagementCreated | EngagementCancelled | EngagementEstimated

# Budget category of an engagement's cost: bookings are of talent (crew are not booked yet).
TALENT = "TALENT"


# --------------------------------------------------------------------------- the aggregate


@dataclass(kw_only=True)
class Engagement(Aggregate[EngagementEvent]):
    """One booking's engagement (one per booking: its id derives from the booking's)."""

    booking_id: str
    production_id: str
    talent_id: str
    role_name: str
    rate: Rate
    work_dates: tuple[str, ...]
    agreement: str
    is_minor: bool
    status: EngagementStatus = EngagementStatus.PENDING_ONBOARDING

    @classmethod
    def open(cls, engagement_id: str, booking: BookingFacts) -> Engagement:
        """The engagement of a confirmed booking, pending onboarding, under the agreement its
        union implies; Invalid naming each missing identifier."""
        problems = missing(
            engagement_id=engagement_id,
            booking_id=booking.booking_id,
            org_id=booking.org_id,
            production_id=booking.production_id,
            talent_id=booking.talent_id,
        )
        if problems:
            raise Invalid(problems)
        engagement = cls(
            id=engagement_id,
            org_id=booking.org_id,
            booking_id=booking.booking_id,
            production_id=booking.production_id,
            talent_id=booking.talent_id,
            role_name=booking.role_name,
            rate=booking.rate,
            work_dates=tuple(booking.work_dates),
            agreement=agreement_for(booking.union),
            is_minor=booking.is_minor,
        )
        engagement.record(
            EngagementCreated(
                engagement_id=engagement.id,
                org_id=engagement.org_id,
                booking_id=engagement.booking_id,
                production_id=engagement.production_id,
                talent_id=engagement.talent_id,
                status=engagement.status,
            )
        )
        engagement._record_estimate(engagement.committed_cost())
        return engagement

    def release(self, *, work_recorded: bool, fee: Decimal = Decimal("0.00")) -> bool:
        """The booking was released: cancel unless work was recorded or the engagement is
        already cancelled or closed; what stays committed is the cancellation fee the release
        owes (zero without one). True when it changed (a repeated release changes nothing)."""
        if not cancel_on_release(self.status, work_recorded):
            return False
        self.status = EngagementStatus.CANCELLED
        self.record(EngagementCancelled(self.id, self.org_id, self.booking_id))
        self._record_estimate(fee.quantize(Decimal("0.01")))
        return True

    def committed_cost(self) -> Decimal:
        """The cost the production commits to by booking: the wage engine's estimate, or the
        booked base pay when the engine cannot price the terms (a budget is better off with the
        base pay than with nothing), or zero when not even that can be priced."""
        try:
            return self.estimated_cost().total
        except InvalidRequest:
            pass
        try:
            return estimate_base_pay(self.rate.amount, self.rate.unit, self.work_dates).total
        except InvalidRequest:
            return Decimal("0.00")

    def _record_estimate(self, cost: Decimal) -> None:
        # The version the pending save will store: the event orders like the engagement.
        self.record(
            EngagementEstimated(
                engagement_id=self.id,
                org_id=self.org_id,
                production_id=self.production_id,
                booking_id=self.booking_id,
                cost=cost,
                currency=self.rate.currency or "USD",
                version=self.version + 1,
                category=TALENT,
            )
        )

    def estimated_cost(self) -> Estimate:
        """What the booked dates will cost at the engagement's rate under its agreement."""
        return estimate_booking(
            self.rate.amount, self.rate.unit, self.work_dates, agreement=self.agreement
        )
