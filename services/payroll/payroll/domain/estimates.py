"""Booking cost estimates before any timecard exists.

Hourly and day rates go through the wage engine with standard days (8 hours worked, a 30-minute
meal after 4 hours), so the estimate carries the agreement's fringe (e.g. SAG-AFTRA P&H), the
agent fee and the minimum-wage check; weekly and flat rates are priced as booked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from payroll.domain.calc import calculate_json
from payroll.domain.models import FieldError, InvalidRequest

CENT = Decimal("0.01")
DAYS_PER_WEEK = 5
STANDARD_DAY = {"call": "08:00", "wrap": "16:30", "meals": [{"start": "12:00", "end": "12:30"}]}
ENGINE_UNITS = {"HOUR": "hour", "DAY": "day"}
ASSUMPTION = "assumes 8-hour days with a 30-minute meal; overtime and penalties come from timecards"


@dataclass(frozen=True)
class Estimate:
    total: Decimal
    lines: list[tuple[str, Decimal, str]]
    warnings: list[str]


def estimate_booking(
    amount: Decimal,
    unit: str,
    work_dates: Sequence[str],
    *,
    agreement: str = "none",
    work_location: str = "US-CA",
    agent_fee_percent: str = "0",
) -> Estimate:
    """What the booked dates will cost the production: gross, fringe and agent fee
    (InvalidRequest naming the field when the terms cannot be priced)."""
    if unit not in ENGINE_UNITS:
        return estimate_base_pay(amount, unit, work_dates)
    dates = sorted({_work_date(d) for d in work_dates})
    if not dates:
        raise InvalidRequest([FieldError("work_dates", "at least one work date is required")])
    request: dict[str, Any] = {
        "work_location": work_location,
        "agreement": agreement,
        "rate": {"unit": ENGINE_UNITS[unit], "amount": str(amount)},
        "workweek_start": (dates[0] - timedelta(days=dates[0].weekday())).isoformat(),
        "days": [{"date": d.isoformat(), **STANDARD_DAY} for d in dates],
        "agent_fee_percent": agent_fee_percent,
    }
    result = calculate_json(request)
    totals = result["totals"]
    parts = [
        ("gross", Decimal(totals["gross"]), "wage engine, standard 8-hour days"),
        ("pension_health", Decimal(totals.get("pension_health", "0")), "agreement fringe"),
        ("agent_fee", Decimal(totals.get("agent_fee", "0")), "agent fee paid on top"),
    ]
    lines = [(kind, value, rule) for kind, value, rule in parts if value or kind == "gross"]
    warnings = [ASSUMPTION, *(str(w["message"]) for w in result["warnings"])]
    return Estimate(total=sum((v for _, v, _ in lines), Decimal(0)), lines=lines, warnings=warnings)


def _work_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            [FieldError("work_dates", f"{value!r} is not a date (YYYY-MM-DD)")]
        ) from None


def estimate_base_pay(amount: Decimal, unit: str, work_dates: Sequence[str]) -> Estimate:
    """Base pay for the booked dates at the booked rate (weekly and flat rates)."""
    days = len(set(work_dates))
    warnings = ["estimate excludes overtime, meal penalties and fringe until timecards exist"]
    if unit == "DAY":
        base = amount * days
        rule = f"{days} day(s) × day rate"
    elif unit == "HOUR":
        base = amount * 8 * days
        rule = f"{days} day(s) × 8 h × hourly rate"
    elif unit == "WEEK":
        weeks = -(-days // DAYS_PER_WEEK)
        base = amount * weeks
        rule = f"{weeks} week(s) × weekly rate"
    elif unit == "FLAT":
        base = amount
        rule = "flat fee"
    else:
        raise InvalidRequest([FieldError("rate.unit", f"unknown unit {unit!r}")])
    total = base.quantize(CENT, rounding=ROUND_HALF_UP)
    return Estimate(total=total, lines=[("base", total, rule)], warnings=warnings)
