"""SAG-AFTRA Commercials Contract: only terms research.md confirms decide money.

Applied: P&H contribution (23.5 %) and the agent "+10" cap. Not applied (warned): principal
overtime schedule and unit, and principal meal-penalty amounts — so the AB 1734 switch from the
Wage Order meal premium to the agreement's remedy waits for them: the state premium is the floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from payroll.domain.context import Context
from payroll.domain.meals import meal_violations
from payroll.domain.models import DayResult, Draft, TimecardDay
from payroll.domain.money import format_minutes, fraction_cents
from payroll.domain.rulebook import RuleValue

AGREEMENT = "sag-aftra-commercials"
MINUTES_PER_HOUR = 60


def _clock(minutes: int) -> str:
    h, m = divmod(minutes % (24 * 60), 60)
    return f"{h:02d}:{m:02d}"


class _Terms(NamedTuple):
    """The agreement's terms in force on one date, with the state values they refer to."""

    exemption: RuleValue | None
    due_minutes: int
    min_meal_minutes: int
    penalty: RuleValue
    overtime: RuleValue
    overtime_after_minutes: int


def _terms(ctx: Context, on: date) -> _Terms | None:
    """The terms in force on `on`, or None (warned) when the data has no contract for that date."""
    key = ("sag_aftra_commercials.terms", ctx.scope, on)
    found: _Terms | bool | None = ctx.book.derived.get(key, False)
    if found is False:
        book = ctx.book
        due = book.find(AGREEMENT, "meal_due_hours", on)
        penalty = book.find(AGREEMENT, "principal_meal_penalty", on)
        overtime = book.find(AGREEMENT, "principal_overtime", on)
        exemption = book.find(AGREEMENT, "meal_exemption", on)
        if due is None or penalty is None or overtime is None or due.value is None:
            found = None
        else:
            min_meal = book.get(ctx.scope, "meal_min_minutes", on)
            threshold = book.get(ctx.scope, "daily_overtime_after_hours", on)
            assert min_meal.value is not None
            assert threshold.value is not None
            found = _Terms(
                exemption=exemption if exemption is not None and exemption.value == 1 else None,
                due_minutes=int(due.value * MINUTES_PER_HOUR),
                min_meal_minutes=int(min_meal.value),
                penalty=penalty,
                overtime=overtime,
                overtime_after_minutes=int(threshold.value * MINUTES_PER_HOUR),
            )
        book.derived[key] = found
    if found is None:
        ctx.notices.warn(
            "agreement_terms_unknown",
            f"{on.isoformat()}: the rule data has no SAG-AFTRA Commercials contract terms for "
            "this date; Labor Code and Wage Order 12 rules (incl. the meal premium) were applied",
            on=on,
        )
        return None
    assert isinstance(found, _Terms)
    return found


class SagAftraCommercials:
    id = AGREEMENT
    has_meal_rules = True
    required_keys = (
        "pension_health_percent",
        "agent_fee_cap_percent",
        "meal_exemption",
        "meal_due_hours",
        "principal_meal_penalty",
        "principal_overtime",
    )

    def meal_penalties(
        self, ctx: Context, day: TimecardDay, straight: tuple[Fraction, int]
    ) -> list[Draft] | None:
        """AB 1734 lets the contract's meal remedy replace the WO12 premium, but only a confirmed
        penalty schedule may do so; until then the state premium is the floor (returns None)."""
        terms = _terms(ctx, day.date)
        if terms is None or terms.exemption is None:
            return None
        penalty = terms.penalty
        ctx.notices.applied(
            f"{terms.exemption.citation} (not applied while {penalty.citation} is unconfirmed: "
            "the Wage Order 12 / LC §226.7 meal premium is paid as the floor)"
        )
        ctx.notices.applied(
            f"{AGREEMENT} SAG-AFTRA Commercials meal periods: due within "
            f"{terms.due_minutes // MINUTES_PER_HOUR} h of call or of the end of the last meal"
        )
        for v in meal_violations(day, terms.due_minutes, terms.min_meal_minutes):
            ctx.notices.warn(
                "union_meal_penalty_unconfirmed",
                f"{day.date.isoformat()}: meal {v.ordinal} was due by {_clock(v.due)} and was "
                f"{v.minutes_late} min late; {penalty.citation} would replace the LC §226.7 "
                "premium (AB 1734), but its amounts are not confirmed, so the LC §226.7 premium "
                f"is paid as the floor. {penalty.note}",
                penalty.source,
                day.date,
            )
        return None

    def review_days(self, ctx: Context, days: Sequence[DayResult]) -> None:
        for day in days:
            terms = _terms(ctx, day.date)
            if terms is not None and day.minutes_worked > terms.overtime_after_minutes:
                overtime = terms.overtime
                ctx.notices.warn(
                    "union_overtime_unconfirmed",
                    f"{day.date.isoformat()}: {format_minutes(day.minutes_worked)} h worked; "
                    f"{overtime.citation} is not confirmed and was not applied. {overtime.note}",
                    overtime.source,
                    day.date,
                )

    def employer_contributions(self, ctx: Context, days: Sequence[DayResult]) -> int:
        """P&H on each day's gross at the rate in force that day; rounded once."""
        gross_by_rate: dict[Decimal, int] = {}
        for day in days:
            entry = ctx.book.find(AGREEMENT, "pension_health_percent", day.date)
            if entry is None or entry.value is None:
                ctx.notices.warn(
                    "pension_health_unknown",
                    f"{day.date.isoformat()}: no confirmed SAG-AFTRA Commercials P&H rate for this "
                    "date; none computed",
                    on=day.date,
                )
                continue
            ctx.notices.applied(entry.citation)
            ctx.notices.warn(
                "pension_health_base_assumed",
                "P&H is computed on every wage line of the day (straight time, overtime, "
                "reporting-time pay, guarantees); the contribution base is not confirmed",
                entry.source,
            )
            gross = sum(line.cents for line in day.lines)
            gross_by_rate[entry.value] = gross_by_rate.get(entry.value, 0) + gross
        total = sum(
            (Fraction(gross, 100) * Fraction(pct) / 100 for pct, gross in gross_by_rate.items()),
            Fraction(0),
        )
        return fraction_cents(total)

    def review_agent_fee(self, ctx: Context) -> None:
        days = ctx.request.days
        entry = ctx.book.find(AGREEMENT, "agent_fee_cap_percent", days[0].date)
        if entry is None or entry.value is None:
            return
        ctx.notices.applied(entry.citation)
        if ctx.request.agent_fee_percent > entry.value:
            ctx.notices.warn(
                "agent_fee_over_cap",
                f"agent fee {ctx.request.agent_fee_percent} % exceeds the {entry.value} % cap: "
                f"{entry.citation}",
                entry.source,
            )
