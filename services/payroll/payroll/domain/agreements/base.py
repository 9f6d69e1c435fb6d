"""What an agreement module implements, and the non-union default."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Protocol

from payroll.domain.context import Context
from payroll.domain.models import DayResult, Draft, TimecardDay


class AgreementRules(Protocol):
    """Hooks an agreement module implements; the state module calls them."""

    id: str
    has_meal_rules: bool
    """Whether `meal_penalties` must be asked about each shift."""

    def meal_penalties(
        self,
        ctx: Context,
        day: TimecardDay,
        late: tuple[tuple[int, int, int], ...],
        period: int,
        straight: tuple[Fraction, int],
    ) -> list[Draft] | None:
        """The agreement's meal remedy for a shift, replacing the state meal premium (AB 1734);
        None keeps the state premium (no such remedy, or its amounts are unconfirmed). Asked only
        about shifts the state rule found late: `late` holds (ordinal, due, end) of each work
        period longer than `period` minutes, so an agreement's own meal period must not be
        shorter than the state's (its tests check the shipped data)."""
        ...

    def review_days(self, ctx: Context, days: Sequence[DayResult]) -> None:
        """Warn about agreement terms that would change a day but are not confirmed."""
        ...

    def employer_contributions(self, ctx: Context, days: Sequence[DayResult]) -> int:
        """Employer-paid benefit contributions (e.g. P&H), in cents, rounded once."""
        ...

    def review_agent_fee(self, ctx: Context) -> None:
        """Check the agent fee against the agreement's cap."""
        ...


class NoAgreement:
    """Non-union: the Labor Code and Wage Order 12 alone."""

    id = "none"
    has_meal_rules = False

    def meal_penalties(
        self,
        ctx: Context,
        day: TimecardDay,
        late: tuple[tuple[int, int, int], ...],
        period: int,
        straight: tuple[Fraction, int],
    ) -> list[Draft] | None:
        return None

    def review_days(self, ctx: Context, days: Sequence[DayResult]) -> None:
        return None

    def employer_contributions(self, ctx: Context, days: Sequence[DayResult]) -> int:
        return 0

    def review_agent_fee(self, ctx: Context) -> None:
        return None
