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
from typing import Any, ClassVar, NamedTuple

from payroll.domain.context import Context
from payroll.domain.meals import meal_violations
from payroll.domain.models import DayResult, Draft, TimecardDay
from payroll.domain.money import div_half_up, format_minutes
from payroll.domain.rulebook import RuleBook, RuleValue

AGREEMENT = "sag-aftra-commercials"
MINUTES_PER_HOUR = 60


def _clock(minutes: int) -> str:
    h, m = divmod(minutes % (24 * 60), 60)
    return f"{h:02d}:{m:02d}"


_UNKNOWN = object()


class _Terms(NamedTuple):
    """The agreement's terms in force on one date, with the state values they refer to."""

    exemption: RuleValue | None
    due_minutes: int
    min_meal_minutes: int
    penalty: RuleValue
    overtime: RuleValue
    overtime_after_minutes: int
    overtime_unconfirmed: str
    """The constant part of the per-day warning."""
    meal_rules: tuple[str, ...]
    """What `rules_applied` says about the contract's meal periods."""


def _terms(ctx: Context, on: date) -> _Terms | None:
    """The terms in force on `on`, or None (warned) when the data has no contract for that date."""
    found: Any = ctx.memo.get(on, _UNKNOWN)  # dates are this module's keys in the request memo
    if found is _UNKNOWN:
        key = ("sag_aftra_commercials.terms", ctx.scope, on)
        found = ctx.book.derived.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = ctx.book.derived[key] = _load_terms(ctx.book, ctx.scope, on)
        ctx.memo[on] = found
    if found is None:
        ctx.notices.warn(
            "agreement_terms_unknown",
            f"{on.isoformat()}: the rule data has no SAG-AFTRA Commercials contract terms for "
            "this date; Labor Code and Wage Order 12 rules (incl. the meal premium) were applied",
            on=on,
        )
    return found  # type: ignore[no-any-return]


def _load_terms(book: RuleBook, scope: str, on: date) -> _Terms | None:
    due = book.find(AGREEMENT, "meal_due_hours", on)
    penalty = book.find(AGREEMENT, "principal_meal_penalty", on)
    overtime = book.find(AGREEMENT, "principal_overtime", on)
    exemption = book.find(AGREEMENT, "meal_exemption", on)
    if due is None or penalty is None or overtime is None or due.value is None:
        return None
    min_meal = book.get(scope, "meal_min_minutes", on)
    threshold = book.get(scope, "daily_overtime_after_hours", on)
    assert min_meal.value is not None
    assert threshold.value is not None
    exemption = exemption if exemption is not None and exemption.value == 1 else None
    due_minutes = int(due.value * MINUTES_PER_HOUR)
    meal_rules = (
        ()
        if exemption is None
        else (
            f"{exemption.citation} (not applied while {penalty.citation} is unconfirmed: the Wage "
            "Order 12 / LC §226.7 meal premium is paid as the floor)",
            f"{AGREEMENT} SAG-AFTRA Commercials meal periods: due within "
            f"{due_minutes // MINUTES_PER_HOUR} h of call or of the end of the last meal",
        )
    )
    return _Terms(
        exemption=exemption,
        due_minutes=due_minutes,
        min_meal_minutes=int(min_meal.value),
        penalty=penalty,
        overtime=overtime,
        overtime_after_minutes=int(threshold.value * MINUTES_PER_HOUR),
        overtime_unconfirmed=f"{overtime.citation} is not confirmed and was not applied. "
        f"{overtime.note}",
        meal_rules=meal_rules,
    )


class SagAftraCommercials:
    id = AGREEMENT
    has_meal_rules = True
    # ClassVar: read from the class by `check_agreements` (see `California.required_keys`).
    required_keys: ClassVar[tuple[str, ...]] = (
        "pension_health_percent",
        "agent_fee_cap_percent",
        "meal_exemption",
        "meal_due_hours",
        "principal_meal_penalty",
        "principal_overtime",
    )

    def meal_penalties(
        self,
        ctx: Context,
        day: TimecardDay,
        late: tuple[tuple[int, int, int], ...],
        period: int,
        straight: tuple[Fraction, int],
    ) -> list[Draft] | None:
        """AB 1734 lets the contract's meal remedy replace the WO12 premium, but only a confirmed
        penalty schedule may do so; until then the state premium is the floor (returns None)."""
        terms = _terms(ctx, day.date)
        if terms is None or terms.exemption is None:
            return None
        penalty = terms.penalty
        if terms.due_minutes == period:
            violations = late  # the contract's meal period is the Wage Order's
        elif day.wrap - day.call <= terms.due_minutes:
            return None  # no work period can be too long
        else:
            violations = tuple(
                (v.ordinal, v.due, v.late_until)
                for v in meal_violations(day, terms.due_minutes, terms.min_meal_minutes)
            )
        for ordinal, due, until in violations:
            ctx.notices.warn(
                "union_meal_penalty_unconfirmed",
                f"{day.date.isoformat()}: meal {ordinal} was due by {_clock(due)} and was "
                f"{until - due} min late; "
                f"{penalty.citation} would replace the LC §226.7 premium (AB 1734), but its "
                "amounts are not confirmed, so the LC §226.7 premium is paid as the floor. "
                f"{penalty.note}",
                penalty.source,
                day.date,
            )
        return None

    def review_days(self, ctx: Context, days: Sequence[DayResult]) -> None:
        """Note the contract's meal rules once; warn where a day runs into the unconfirmed
        principal overtime schedule."""
        noted: set[int] = set()
        for day in days:
            terms = _terms(ctx, day.date)
            if terms is None:
                continue
            if id(terms) not in noted:
                noted.add(id(terms))
                for rule in terms.meal_rules:
                    ctx.notices.applied(rule)
            if day.minutes_worked > terms.overtime_after_minutes:
                ctx.notices.warn(
                    "union_overtime_unconfirmed",
                    f"{day.date.isoformat()}: {format_minutes(day.minutes_worked)} h worked; "
                    f"{terms.overtime_unconfirmed}",
                    terms.overtime.source,
                    day.date,
                )

    def employer_contributions(self, ctx: Context, days: Sequence[DayResult]) -> int:
        """P&H on each day's gross at the rate in force that day; rounded once."""
        gross_by_rate: dict[Decimal, int] = {}
        noted: RuleValue | None = None
        entry: RuleValue | None = None
        for day in days:
            on = day.date
            if entry is None or not (
                entry.effective_from <= on
                and (entry.effective_to is None or on <= entry.effective_to)
            ):
                entry = ctx.book.find(AGREEMENT, "pension_health_percent", on)
            if entry is None or entry.value is None:
                ctx.notices.warn(
                    "pension_health_unknown",
                    f"{on.isoformat()}: no confirmed SAG-AFTRA Commercials P&H rate for this "
                    "date; none computed",
                    on=on,
                )
                continue
            if entry is not noted:
                noted = entry
                ctx.notices.applied(entry.citation)
                ctx.notices.warn(
                    "pension_health_base_assumed",
                    "P&H is computed on every wage line of the day (straight time, overtime, "
                    "premiums, reporting-time pay, guarantees, non-discretionary pay); the "
                    "contribution base is not confirmed",
                    entry.source,
                )
            gross_by_rate[entry.value] = gross_by_rate.get(entry.value, 0) + day.cents
        # Exact: the sum of cents × percent / 100 over each rate, rounded once.
        numerator, denominator = 0, 1
        for pct, gross in gross_by_rate.items():
            n, d = pct.as_integer_ratio()
            numerator, denominator = numerator * d + gross * n * denominator, denominator * d
        return div_half_up(numerator, denominator * 100)

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
