"""The calculation: engagement terms + timecard days -> itemised, cited pay."""

from __future__ import annotations

from functools import cache
from typing import Any

from payroll.domain.agreements import agreement_rules, check_agreements
from payroll.domain.context import Context, Notices
from payroll.domain.jurisdictions import check_jurisdictions, state_rules
from payroll.domain.models import (
    GUARANTEE,
    MEAL_PREMIUM,
    NON_DISCRETIONARY,
    NON_DISCRETIONARY_OVERTIME,
    OVERTIME_1_5X,
    OVERTIME_2X,
    REGULAR,
    REPORTING_TIME,
    REST_PREMIUM,
    SPLIT_SHIFT,
    UNION_PENALTY,
    CalcRequest,
    CalcResult,
    Totals,
)
from payroll.domain.money import div_half_up
from payroll.domain.request import NO_AGREEMENT, parse_request
from payroll.domain.rulebook import RuleBook, load_rulebook

_KINDS = (
    REGULAR,
    OVERTIME_1_5X,
    OVERTIME_2X,
    MEAL_PREMIUM,
    REST_PREMIUM,
    SPLIT_SHIFT,
    REPORTING_TIME,
    GUARANTEE,
    NON_DISCRETIONARY,
    NON_DISCRETIONARY_OVERTIME,
    UNION_PENALTY,
)


@cache
def engine_rulebook() -> RuleBook:
    """The packaged rule data, validated, and checked against the rule modules (once)."""
    book = load_rulebook()
    check_jurisdictions(book)
    check_agreements(book)
    return book


def calculate(request: CalcRequest, book: RuleBook | None = None) -> CalcResult:
    """Pay a validated request; raise `InvalidRequest` if a date has no rule data or the rate is
    unlawful where and when the work is done."""
    book = book if book is not None else engine_rulebook()
    ctx = Context(book, request, Notices())
    state = state_rules(book, request.work_location)
    module = None if request.agreement == NO_AGREEMENT else book.sources[request.agreement].module
    agreement = agreement_rules(module)

    results = state.pay(ctx, agreement)
    if request.birth_date is not None:
        state.review_minor(ctx)
    agreement.review_days(ctx, results)
    ctx.notices.applied(f"LC §500(b) fixed workweeks starting {request.workweek_start.isoformat()}")

    cents = dict.fromkeys(_KINDS, 0)
    minutes = dict.fromkeys(_KINDS, 0)
    worked = 0
    for day in results:
        worked += day[1]
        for line in day[2]:
            cents[line[0]] += line[3]
            minutes[line[0]] += line[1]
    gross = sum(cents.values())
    agreement.review_agent_fee(ctx)
    numerator, denominator = request.agent_fee_percent.as_integer_ratio()
    agent_fee = div_half_up(gross * numerator, denominator * 100) if numerator else 0
    totals = Totals(
        minutes_worked=worked,
        regular_minutes=minutes[REGULAR],
        overtime_1_5x_minutes=minutes[OVERTIME_1_5X],
        overtime_2x_minutes=minutes[OVERTIME_2X],
        meal_premium_cents=cents[MEAL_PREMIUM],
        rest_premium_cents=cents[REST_PREMIUM],
        split_shift_cents=cents[SPLIT_SHIFT],
        non_discretionary_cents=cents[NON_DISCRETIONARY] + cents[NON_DISCRETIONARY_OVERTIME],
        reporting_time_cents=cents[REPORTING_TIME],
        guarantee_cents=cents[GUARANTEE],
        union_penalty_cents=cents[UNION_PENALTY],
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
