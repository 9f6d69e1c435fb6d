"""Timecards: one engagement's work on one day, priced by the wage engine.

draft -> submitted (by the worker or production) -> approved (producer or accounting) -> paid
(locked in an issued pay run). `submit` creates a timecard already submitted (a draft is never
stored on its own yet). Times are local wall-clock `HH:MM`, exactly as `slate payroll calc` reads
them; a timecard's lines are the engine's lines for its day alone (weekly overtime appears in the
pay run, which prices an engagement's days of a workweek together).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from slate_domain import Aggregate, Invalid, Problem, Rate

from payroll.domain.calc import calculate_json
from payroll.domain.engagements import Engagement, EngagementStatus
from payroll.domain.models import InvalidRequest

WORK_LOCATION = "US-CA"
ENGINE_UNITS = {"HOUR": "hour", "DAY": "day"}


class TimecardStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    PAID = "PAID"


@dataclass(frozen=True)
class MealBreak:
    start: str
    end: str


@dataclass(frozen=True)
class PayLine:
    """One line of the wage engine's result (decimal strings, as `slate payroll calc` prints)."""

    date: str
    kind: str
    hours: str
    rate: str
    amount: str
    rule: str
    source: str


@dataclass(frozen=True)
class PayPreview:
    lines: tuple[PayLine, ...]
    warnings: tuple[str, ...]
    gross: str


# --------------------------------------------------------------------------- domain events


@dataclass(frozen=True)
class TimecardSubmitted:
    timecard_id: str
    org_id: str
    engagement_id: str
    date: str


@dataclass(frozen=True)
class TimecardApproved:
    timecard_id: str
    org_id: str
    engagement_id: str
    date: str


@dataclass(frozen=True)
class TimecardPaid:
    timecard_id: str
    org_id: str
    pay_run_id: str


TimecardEvent = TimecardSubmitted | TimecardApproved | TimecardPaid


def week_start(day: date) -> date:
    """The Monday of `day`'s week: the fixed workweek (LC §500(b)) payroll uses."""
    return day - timedelta(days=day.weekday())


def engine_request(
    rate: Rate, agreement: str, days: Sequence[Mapping[str, Any]], *, agent_fee_percent: str = "0"
) -> dict[str, Any]:
    """The `slate payroll calc` request for these days (sorted), workweeks from the Monday of
    the first day: a pay run's gross for the days equals the CLI's for this request."""
    ordered = sorted(days, key=lambda d: str(d["date"]))
    first = date.fromisoformat(str(ordered[0]["date"]))
    return {
        "work_location": WORK_LOCATION,
        "agreement": agreement,
        "rate": {"unit": ENGINE_UNITS[rate.unit], "amount": str(rate.amount)},
        "workweek_start": week_start(first).isoformat(),
        "days": [dict(d) for d in ordered],
        "agent_fee_percent": agent_fee_percent,
    }


def preview(result: Mapping[str, Any]) -> PayPreview:
    """The engine's JSON result as lines and warnings."""
    lines = tuple(
        PayLine(
            date=str(day["date"]),
            kind=str(line["kind"]),
            hours=str(line["hours"]),
            rate=str(line["rate"]),
            amount=str(line["amount"]),
            rule=str(line["rule"]),
            source=str(line["source"]),
        )
        for day in result["days"]
        for line in day["lines"]
    )
    warnings = tuple(str(w["message"]) for w in result["warnings"])
    return PayPreview(lines, warnings, str(result["totals"]["gross"]))


def _engine_field(path: str) -> str:
    """An engine error path (`days[0].meals[1].start`) as the timecard input's field."""
    if path.startswith("days[0]."):
        return path.removeprefix("days[0].")
    if path.startswith("rate"):
        return "engagementId"
    return path or "input"


@dataclass(kw_only=True)
class Timecard(Aggregate[TimecardEvent]):
    """One engagement's day (one per day: its id derives from the engagement's and the date)."""

    engagement_id: str
    booking_id: str
    production_id: str
    talent_id: str
    date: str
    call: str
    wrap: str
    meals: tuple[MealBreak, ...]
    notes: str
    rate: Rate
    agreement: str
    is_minor: bool
    status: TimecardStatus = TimecardStatus.DRAFT
    submitted_by: str = ""
    approved_by: str = ""
    pay_run_id: str = ""
    _preview: PayPreview | None = field(default=None, repr=False, compare=False)

    def day(self) -> dict[str, Any]:
        """The day as the engine's request spells it."""
        return {
            "date": self.date,
            "call": self.call,
            "wrap": self.wrap,
            "meals": [{"start": m.start, "end": m.end} for m in self.meals],
        }

    @classmethod
    def submit(
        cls,
        timecard_id: str,
        engagement: Engagement,
        *,
        day: str,
        call: str,
        wrap: str,
        meals: Sequence[MealBreak],
        notes: str = "",
        by: str,
    ) -> Timecard:
        """A submitted timecard for one of the engagement's work dates; Invalid naming the field
        (`engagementId` cancelled, `date` outside the work dates, `call`/`wrap`/`meals[i].start`
        the engine refuses)."""
        problems: list[Problem] = []
        if engagement.status in (EngagementStatus.CANCELLED, EngagementStatus.CLOSED):
            problems.append(
                Problem(
                    "engagementId",
                    f"the engagement is {engagement.status.value.lower()}: no work can be recorded",
                    "CONFLICT",
                )
            )
        try:
            date.fromisoformat(day)
        except ValueError:
            problems.append(Problem("date", f"{day!r} is not a date (YYYY-MM-DD)"))
        else:
            if day not in engagement.work_dates:
                problems.append(
                    Problem(
                        "date",
                        f"{day} is not one of the engagement's work dates "
                        f"({', '.join(engagement.work_dates)})",
                    )
                )
        if len(notes) > 2000:
            problems.append(Problem("notes", "at most 2000 characters"))
        if problems:
            raise Invalid(problems)
        timecard = cls(
            id=timecard_id,
            org_id=engagement.org_id,
            engagement_id=engagement.id,
            booking_id=engagement.booking_id,
            production_id=engagement.production_id,
            talent_id=engagement.talent_id,
            date=day,
            call=call,
            wrap=wrap,
            meals=tuple(meals),
            notes=notes.strip(),
            rate=engagement.rate,
            agreement=engagement.agreement,
            is_minor=engagement.is_minor,
            status=TimecardStatus.SUBMITTED,
            submitted_by=by,
        )
        timecard.pay_preview()  # the engine refuses bad times here, by field
        timecard.record(TimecardSubmitted(timecard.id, timecard.org_id, engagement.id, day))
        return timecard

    def approve(self, by: str) -> None:
        """Submitted -> approved; Invalid (CONFLICT on `timecardId`) from any other state."""
        if self.status is not TimecardStatus.SUBMITTED:
            raise Invalid(
                [
                    Problem(
                        "timecardId",
                        f"only a submitted timecard can be approved (it is {self.status.value})",
                        "CONFLICT",
                    )
                ]
            )
        self.status = TimecardStatus.APPROVED
        self.approved_by = by
        self.record(TimecardApproved(self.id, self.org_id, self.engagement_id, self.date))

    def mark_paid(self, pay_run_id: str) -> None:
        """Approved -> paid, locked in the issued pay run (nothing paid is edited in place)."""
        if self.status is not TimecardStatus.APPROVED:
            raise Invalid(
                [Problem("timecardId", f"timecard {self.id} is not approved", "CONFLICT")]
            )
        self.status = TimecardStatus.PAID
        self.pay_run_id = pay_run_id
        self.record(TimecardPaid(self.id, self.org_id, pay_run_id))

    def pay_preview(self) -> PayPreview:
        """The wage engine's lines and warnings for this day alone (Invalid naming the field
        when the engine refuses the times)."""
        if self._preview is not None:
            return self._preview
        if self.rate.unit not in ENGINE_UNITS:
            result = PayPreview(
                (), (f"a {self.rate.unit} rate is paid as booked, not by the hour",), "0.00"
            )
        else:
            try:
                raw = calculate_json(engine_request(self.rate, self.agreement, [self.day()]))
            except InvalidRequest as exc:
                raise Invalid(
                    [Problem(_engine_field(e.field), e.message) for e in exc.errors]
                ) from None
            result = preview(raw)
        self._preview = result
        return result
