"""Compliance rules that gate a booking, and the contract a confirmed booking needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ContractStatus(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    SIGNED = "SIGNED"
    VOID = "VOID"


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    blocking: bool
    source: str


@dataclass(frozen=True)
class WorkPermit:
    """A California Entertainment Work Permit for a minor, as recorded by legal."""

    talent_id: str
    number: str
    expires_on: date


@dataclass(frozen=True)
class BookingFacts:
    talent_id: str
    is_minor: bool
    union: str
    work_dates: tuple[date, ...]


def check_booking(facts: BookingFacts, permits: Sequence[WorkPermit]) -> list[Issue]:
    """Blocking issues and warnings for a booking about to be confirmed."""
    issues: list[Issue] = []
    if facts.is_minor:
        last_day = max(facts.work_dates) if facts.work_dates else None
        valid = [p for p in permits if last_day is None or p.expires_on >= last_day]
        if not permits:
            issues.append(
                Issue(
                    "MINOR_WORK_PERMIT_MISSING",
                    "a minor needs a valid Entertainment Work Permit on file before booking",
                    True,
                    "Cal. Labor Code §1308.5; 8 CCR §11753",
                )
            )
        elif not valid:
            issues.append(
                Issue(
                    "MINOR_WORK_PERMIT_EXPIRED",
                    "the minor's Entertainment Work Permit expires before the last work date",
                    True,
                    "8 CCR §11753",
                )
            )
        issues.append(
            Issue(
                "STUDIO_TEACHER_REQUIRED",
                "a studio teacher must be engaged for each work day of a minor",
                False,
                "8 CCR §11755.2",
            )
        )
        issues.append(
            Issue(
                "COOGAN_ACCOUNT_REQUIRED",
                "15% of the minor's gross earnings go to a Coogan trust account",
                False,
                "Cal. Family Code §6752",
            )
        )
    return issues


def contract_template(union: str, is_minor: bool) -> str:
    """The template a confirmed booking's contract is drafted from."""
    base = (
        "SAG-AFTRA Commercials Contract — principal performer"
        if union == "SAG_AFTRA"
        else "Non-union talent agreement"
    )
    return f"{base} + minor's addendum (Coogan)" if is_minor else base


def void_on_release(status: str) -> bool:
    """A released booking voids its contract unless it was already signed."""
    return status in (ContractStatus.DRAFT, ContractStatus.SENT)
