"""The calculation: engagement terms + timecard days -> itemised, cited pay."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from payroll.domain.agreements import agreement_rules, check_agreements
from payroll.domain.context import Context, Notices
from payroll.domain.jurisdictions import check_jurisdictions, state_rules
from payroll.domain.models import (
    GUARANTEE,
    MEAL_PREMIUM,
    OVERTIME_1_5X,
    OVERTIME_2X,
    REGULAR,
    REPORTING_TIME,
    UNION_PENALTY,
    CalcRequest,
    CalcResult,
    DayResult,
    InvalidRequest,
    TimecardDay,
    Totals,
)
from payroll.domain.money import div_half_up
from payroll.domain.request import NO_AGREEMENT, parse_request
from payroll.domain.rulebook import RuleBook, load_rulebook


def _weeks(
    days: tuple[TimecardDay, ...], anchor: date, length: int
) -> list[tuple[date, list[TimecardDay]]]:
    """Group date-ordered days into fixed workweeks anchored at `anchor` (LC §500(b))."""
    weeks: list[tuple[date, list[TimecardDay]]] = []
    current = None
    for day in days:
        index = (day.date - anchor).days // length
        if index != current:
            current = index
            weeks.append((anchor + timedelta(days=index * length), []))
        weeks[-1][1].append(day)
    return weeks


@cache
def engine_rulebook() -> RuleBook:
    """The packaged rule data, validated, and checked against the rule modules (once)."""
    book = load_rulebook()
    check_jurisdictions(book)
    check_agreements(book)
    return book


def calculate(request: CalcRequest, book: RuleBook | None = None) -> CalcResult:
    """Pay a validated request; raise `InvalidRequest` if the rate is unlawful where and when."""
    book = book if book is not None else engine_rulebook()
    ctx = Context(book, request, Notices())
    state = state_rules(book, request.work_location)
    module = None if request.agreement == NO_AGREEMENT else book.sources[request.agreement].module
    agreement = agreement_rules(module)

    errors = state.check_rate(ctx)
    if errors:
        raise InvalidRequest(errors)

    length_entry = book.get(request.work_location, "workweek_days", request.days[0].date)
    assert length_entry.value is not None
    results: list[DayResult] = []
    for week_start, days in _weeks(request.days, request.workweek_start, int(length_entry.value)):
        results.extend(state.pay_week(ctx, agreement, week_start, days))
        state.review_minor(ctx, days, week_start)
    ctx.notices.applied(f"{length_entry.citation} starting {request.workweek_start.isoformat()}")

    by_kind: dict[str, int] = {}
    minutes: dict[str, int] = {}
    for day in results:
        for line in day.lines:
            by_kind[line.kind] = by_kind.get(line.kind, 0) + line.cents
            minutes[line.kind] = minutes.get(line.kind, 0) + line.minutes
    gross = sum(by_kind.values())
    agreement.review_agent_fee(ctx)
    numerator, denominator = request.agent_fee_percent.as_integer_ratio()
    agent_fee = div_half_up(gross * numerator, denominator * 100) if numerator else 0
    totals = Totals(
        minutes_worked=sum(d.minutes_worked for d in results),
        regular_minutes=minutes.get(REGULAR, 0),
        overtime_1_5x_minutes=minutes.get(OVERTIME_1_5X, 0),
        overtime_2x_minutes=minutes.get(OVERTIME_2X, 0),
        meal_premium_cents=by_kind.get(MEAL_PREMIUM, 0),
        reporting_time_cents=by_kind.get(REPORTING_TIME, 0),
        guarantee_cents=by_kind.get(GUARANTEE, 0),
        union_penalty_cents=by_kind.get(UNION_PENALTY, 0),
        gross_cents=gross,
        agent_fee_cents=agent_fee,
        pension_health_cents=agreement.employer_contributions(ctx, results),
    )
    return CalcResult(
        days=tuple(results),
        totals=totals,
        warnings=tuple(ctx.notices.warnings.values()),
        rules_applied=tuple(ctx.notices.rules),
    )


def calculate_json(raw: Any, book: RuleBook | None = None) -> dict[str, Any]:
    """Decoded JSON request in, JSON-ready result out (DESIGN.md "Public contracts")."""
    from payroll.domain.render import render

    book = book if book is not None else engine_rulebook()
    request = parse_request(raw, jurisdictions=book.jurisdictions(), agreements=book.agreements())
    return render(calculate(request, book))
