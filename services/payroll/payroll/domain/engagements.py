"""Engagements: the payroll side of a confirmed booking."""

from __future__ import annotations

from enum import StrEnum


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
