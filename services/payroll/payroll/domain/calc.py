"""The calculation: engagement terms + timecard days -> itemised, cited pay."""

from __future__ import annotations

from functools import cache
from typing import Any

from payroll.domain.agreements import NoAgreement, agreement_rules, check_agreements
from payroll.domain.context import Context
from payroll.domain.jurisdictions import check_jurisdictions, state_rules
from payroll.domain.models import (
    GUARANTEE,
    MEAL_PREMIUM,
    NON_DISCRETIONARY,
    NON_DISCRETIONARY_OVERTIME,
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

NO_AGREEMENT_RULES = NoAgreement()


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
    ctx = Context(book, request)
    state = state_rules(book, request.work_location)
    agreement = (
        NO_AGREEMENT_RULES
        if request.agreement == NO_AGREEMENT
        else agreement_rules(book.sources[request.agreement].module)
    )

    results = state.pay(ctx, agreement)
    if request.birth_date is not None:
        state.review_minor(ctx)
    agreement.review_days(ctx, results)
    notices = ctx.notices

    tally = ctx.tally
    cents = tally.cents
    gross = tally.gross
    agreement.review_agent_fee(ctx)
    fee = request.agent_fee_percent
    agent_fee = 0
    if fee:
        numerator, denominator = fee.as_integer_ratio()
        agent_fee = div_half_up(gross * numerator, denominator * 100)
    totals = _new(
        Totals,
        (
            tally.worked,
            tally.regular,
            tally.overtime,
            tally.double,
            cents.get(MEAL_PREMIUM, 0),
            cents.get(REST_PREMIUM, 0),
            cents.get(SPLIT_SHIFT, 0),
            cents.get(NON_DISCRETIONARY, 0) + cents.get(NON_DISCRETIONARY_OVERTIME, 0),
            cents.get(REPORTING_TIME, 0),
            cents.get(GUARANTEE, 0),
            cents.get(UNION_PENALTY, 0),
            gross,
            agent_fee,
            agreement.employer_contributions(ctx, results),
        ),
    )
    return _new(
        CalcResult,
        (tuple(results), totals, tuple(notices.warnings.values()), tuple(notices.rules)),
    )


_new = tuple.__new__


def calculate_json(raw: Any, book: RuleBook | None = None) -> dict[str, Any]:
    """Decoded JSON request in, JSON-ready result out (DESIGN.md "Public contracts")."""
    from payroll.domain.render import render

    book = book if book is not None else engine_rulebook()
    request = parse_request(raw, jurisdictions=book.jurisdictions(), agreements=book.agreements())
    return render(calculate(request, book))
