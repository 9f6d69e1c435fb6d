"""Booking cost estimates before any timecard exists: base pay for the booked dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
STANDARD_DAY_HOURS = Decimal(8)
DAYS_PER_WEEK = 5


@dataclass(frozen=True)
class Estimate:
    total: Decimal
    lines: list[tuple[str, Decimal, str]]
    warnings: list[str]


def estimate_base_pay(amount: Decimal, unit: str, work_dates: Sequence[str]) -> Estimate:
    """Base pay for the booked dates at the booked rate; overtime is unknown until timecards."""
    days = len(set(work_dates))
    warnings = ["estimate excludes overtime, meal penalties and fringe until timecards exist"]
    if unit == "DAY":
        base = amount * days
        rule = f"{days} day(s) × day rate"
    elif unit == "HOUR":
        base = amount * STANDARD_DAY_HOURS * days
        rule = f"{days} day(s) × 8 h × hourly rate"
        warnings.append("hourly estimate assumes 8-hour days")
    elif unit == "WEEK":
        weeks = -(-days // DAYS_PER_WEEK)
        base = amount * weeks
        rule = f"{weeks} week(s) × weekly rate"
    elif unit == "FLAT":
        base = amount
        rule = "flat fee"
    else:
        raise ValueError(f"rate.unit: unknown unit {unit!r}")
    total = base.quantize(CENT, rounding=ROUND_HALF_UP)
    return Estimate(total=total, lines=[("base", total, rule)], warnings=warnings)
