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


def allocate(amounts: Sequence[Fraction]) -> list[int]:
    """Cents for each non-negative exact amount: the total is rounded once, half-up, and each
    amount gets its floor plus one cent in order of largest remainder (earlier first on ties)."""
    floors: list[int] = []
    remainders: list[Fraction] = []
    total = Fraction(0)
    for amount in amounts:
        scaled = amount * 100
        floor = scaled.numerator // scaled.denominator
        floors.append(floor)
        remainders.append(scaled - floor)
        total += amount
    extra = fraction_cents(total) - sum(floors)
    if extra:
        order = sorted(range(len(floors)), key=lambda i: remainders[i], reverse=True)
        for i in order[:extra]:
            floors[i] += 1
    return floors


def format_cents(value: int) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def format_minutes(minutes: int) -> str:
    """Minutes as hours with two decimals, rounded half-up."""
    return format_cents(div_half_up(minutes * 100, 60))


def format_rate(rate: Fraction) -> str:
    return format_cents(fraction_cents(rate))
