"""Engagements: the payroll side of a confirmed booking.

Casting confirms a booking and payroll opens its engagement (who is paid, at what rate, under
which agreement); casting releases the booking and payroll cancels the engagement unless work was
already recorded against it. The booking's facts arrive as casting's snapshot; `BookingFacts` is
the part of it an engagement reads, so the domain depends on no message type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from slate_domain import Aggregate, Invalid, Problem, Rate

from payroll.domain.estimates import Estimate, estimate_booking


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


EngagementEvent = EngagementCreated | EngagementCancelled


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
        return engagement

    def release(self, *, work_recorded: bool) -> bool:
        """The booking was released: cancel unless work was recorded or the engagement is
        already cancelled or closed. True when it changed (a repeated release changes nothing)."""
        if not cancel_on_release(self.status, work_recorded):
            return False
        self.status = EngagementStatus.CANCELLED
        self.record(EngagementCancelled(self.id, self.org_id, self.booking_id))
        return True

    def estimated_cost(self) -> Estimate:
        """What the booked dates will cost at the engagement's rate under its agreement."""
        return estimate_booking(
            self.rate.amount, self.rate.unit, self.work_dates, agreement=self.agreement
        )
