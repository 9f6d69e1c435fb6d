"""A `CalcResult` as the JSON document of the public contract (decimal strings, two places)."""

from __future__ import annotations

from typing import Any

from payroll.domain.models import CalcResult, FieldError, Line
from payroll.domain.money import format_cents, format_minutes, format_rate


def _line(line: Line) -> dict[str, str]:
    return {
        "kind": line.kind,
        "hours": format_minutes(line.minutes),
        "rate": format_rate(line.rate),
        "amount": format_cents(line.cents),
        "rule": line.rule,
        "source": line.source,
    }


def render(result: CalcResult) -> dict[str, Any]:
    t = result.totals
    return {
        "days": [
            {
                "date": day.date.isoformat(),
                "hours_worked": format_minutes(day.minutes_worked),
                "lines": [_line(line) for line in day.lines],
            }
            for day in result.days
        ],
        "totals": {
            "hours_worked": format_minutes(t.minutes_worked),
            "regular_hours": format_minutes(t.regular_minutes),
            "overtime_1_5x_hours": format_minutes(t.overtime_1_5x_minutes),
            "overtime_2x_hours": format_minutes(t.overtime_2x_minutes),
            "meal_premiums": format_cents(t.meal_premium_cents),
            "rest_premiums": format_cents(t.rest_premium_cents),
            "split_shift_premiums": format_cents(t.split_shift_cents),
            "non_discretionary_pay": format_cents(t.non_discretionary_cents),
            "reporting_time": format_cents(t.reporting_time_cents),
            "day_rate_guarantee": format_cents(t.guarantee_cents),
            "union_penalties": format_cents(t.union_penalty_cents),
            "gross": format_cents(t.gross_cents),
            "agent_fee": format_cents(t.agent_fee_cents),
            "pension_health": format_cents(t.pension_health_cents),
        },
        "warnings": [
            {
                "code": w.code,
                "message": w.message,
                **({"source": w.source} if w.source else {}),
                **({"date": w.date.isoformat()} if w.date else {}),
            }
            for w in result.warnings
        ],
        "rules_applied": list(result.rules_applied),
    }


def render_errors(errors: list[FieldError]) -> dict[str, Any]:
    return {"errors": [{"field": e.field, "message": e.message} for e in errors]}
