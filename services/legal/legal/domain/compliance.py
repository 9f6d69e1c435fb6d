"""Legal's rules: what gates a booking, the contract a confirmed booking needs, work permits.

Two aggregates, `Contract` and `WorkPermit`; each transition checks its rule, changes state and
records a domain event that the store saves with it. `check_booking` is the gate casting asks
about before it confirms a booking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem, Rate


class ContractStatus(StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    SIGNED = "SIGNED"
    VOID = "VOID"


# --------------------------------------------------------------------------- domain events


@dataclass(frozen=True)
class ContractDrafted:
    contract_id: str
    org_id: str
    booking_id: str
    production_id: str
    talent_id: str
    template: str


@dataclass(frozen=True)
class ContractVoided:
    contract_id: str
    org_id: str
    booking_id: str


@dataclass(frozen=True)
class WorkPermitRecorded:
    permit_id: str
    org_id: str
    talent_id: str
    expires_on: date


DomainEvent = ContractDrafted | ContractVoided | WorkPermitRecorded


# --------------------------------------------------------------------------- contracts


def contract_template(union: str, is_minor: bool) -> str:
    """The template a confirmed booking's contract is drafted from."""
    base = (
        "SAG-AFTRA Commercials Contract — principal performer"
        if union == "SAG_AFTRA"
        else "Non-union talent agreement"
    )
    return f"{base} + minor's addendum (Coogan)" if is_minor else base


@dataclass(kw_only=True)
class Contract(Aggregate[DomainEvent]):
    """A performer's contract or deal memo for one confirmed booking."""

    booking_id: str
    production_id: str
    talent_id: str
    role_name: str
    template: str
    status: ContractStatus
    rate: Rate
    work_dates: tuple[str, ...]

    @classmethod
    def draft(
        cls,
        id: str,
        *,
        org_id: str,
        booking_id: str,
        production_id: str,
        talent_id: str,
        role_name: str,
        union: str,
        is_minor: bool,
        rate: Rate,
        work_dates: Sequence[str],
    ) -> Contract:
        """A confirmed booking's contract, in DRAFT, from the template its union and the
        performer's minority imply."""
        template = contract_template(union, is_minor)
        contract = cls(
            id=id,
            org_id=org_id,
            booking_id=booking_id,
            production_id=production_id,
            talent_id=talent_id,
            role_name=role_name,
            template=template,
            status=ContractStatus.DRAFT,
            rate=rate,
            work_dates=tuple(work_dates),
        )
        contract.record(ContractDrafted(id, org_id, booking_id, production_id, talent_id, template))
        return contract

    def booking_released(self) -> bool:
        """A released booking voids its contract unless it was signed (or is void already);
        True when this voided it."""
        if self.status not in (ContractStatus.DRAFT, ContractStatus.SENT):
            return False
        self.status = ContractStatus.VOID
        self.record(ContractVoided(self.id, self.org_id, self.booking_id))
        return True


# --------------------------------------------------------------------------- work permits


@dataclass(kw_only=True)
class WorkPermit(Aggregate[DomainEvent]):
    """A California Entertainment Work Permit for a minor, as recorded by legal."""

    talent_id: str
    number: str
    expires_on: date

    @classmethod
    def register(
        cls, *, id: str, org_id: str, talent_id: str, number: str, expires_on: str, today: date
    ) -> WorkPermit:
        """A permit for a talent, with a number, that has not expired by `today`; records
        WorkPermitRecorded."""
        problems: list[Problem] = []
        if not talent_id.startswith("tal_"):
            problems.append(Problem("talentId", "not a talent id"))
        if not number.strip():
            problems.append(Problem("number", "must not be empty"))
        expiry: date | None = None
        try:
            expiry = date.fromisoformat(expires_on)
        except ValueError:
            problems.append(Problem("expiresOn", f"not an ISO date: {expires_on!r}"))
        if expiry is not None and expiry < today:
            problems.append(Problem("expiresOn", "the permit has already expired"))
        if problems or expiry is None:
            raise Invalid(problems)
        permit = cls(
            id=id, org_id=org_id, talent_id=talent_id, number=number.strip(), expires_on=expiry
        )
        permit.record(WorkPermitRecorded(id, org_id, talent_id, expiry))
        return permit


# --------------------------------------------------------------------------- the booking gate


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    blocking: bool
    source: str


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
