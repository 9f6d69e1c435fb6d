"""Exact money arithmetic: one rounding, half-up to the cent, on integers."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up (away from zero on ties for non-negatives)."""
    if numerator < 0:
        return -div_half_up(-numerator, denominator)
    return (2 * numerator + denominator) // (2 * denominator)


def cents(rate: Fraction, minutes: int) -> int:
    """Pay for `minutes` at an hourly `rate`, in cents, rounded once."""
    return div_half_up(rate.numerator * minutes * 100, rate.denominator * 60)


def fraction_cents(amount: Fraction) -> int:
    """An exact dollar amount in cents, rounded once."""
    return div_half_up(amount.numerator * 100, amount.denominator)


def allocate(units: Sequence[int], denominator: int) -> list[int]:
    """Cents for amounts given exactly as `units / denominator` dollars (non-negative).

    The total is rounded once, half-up; each amount gets its floor in cents plus one cent in
    order of largest remainder (earlier first on ties), so the parts add up to the total.
    """
    floors: list[int] = []
    remainders: list[int] = []
    for u in units:
        floor, rest = divmod(u * 100, denominator)
        floors.append(floor)
        remainders.append(rest)
    extra = div_half_up(sum(units) * 100, denominator) - sum(floors)
    if extra:
        order = sorted(range(len(floors)), key=remainders.__getitem__, reverse=True)
        for i in order[:extra]:
            floors[i] += 1
    return floors


class Pricer:
    """Exact pay at one regular rate: every amount is an integer over one common denominator.

    `scale` must be a multiple of the denominator of every multiplier used (2 for 1.5×).
    """

    __slots__ = ("denominator", "hourly", "scale")

    def __init__(self, hourly: Fraction, scale: int) -> None:
        self.hourly = hourly
        self.scale = scale
        self.denominator = hourly.denominator * 60 * scale

    def rate(self, multiplier: Fraction) -> tuple[Fraction, int]:
        """The exact hourly rate at `multiplier` and its units per minute."""
        per_minute = self.hourly.numerator * multiplier * self.scale
        if per_minute.denominator != 1:
            raise ValueError(f"scale {self.scale} cannot express {multiplier}×")
        return self.hourly * multiplier, int(per_minute)


def format_cents(value: int) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def format_minutes(minutes: int) -> str:
    """Minutes as hours with two decimals, rounded half-up."""
    if 0 <= minutes < len(_HOURS):
        return _HOURS[minutes]
    return format_cents(div_half_up(minutes * 100, 60))


def format_rate(rate: Fraction) -> str:
    return format_cents(fraction_cents(rate))


_HOURS = tuple(format_cents(div_half_up(m * 100, 60)) for m in range(2 * 24 * 60))
"""format_minutes of the first two days' minutes, computed once."""
