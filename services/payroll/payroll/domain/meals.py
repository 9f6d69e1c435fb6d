"""Meal-period deadlines shared by the state rules and agreements."""

from __future__ import annotations

from dataclasses import dataclass

from payroll.domain.models import TimecardDay


@dataclass(frozen=True, slots=True)
class MealViolation:
    """A work period that ran past the meal deadline: `due` and `late_until` in minutes."""

    due: int
    late_until: int
    ordinal: int  # 1 = first meal of the day

    @property
    def minutes_late(self) -> int:
        return self.late_until - self.due


def meal_violations(day: TimecardDay, max_period: int, min_meal: int) -> list[MealViolation]:
    """Work periods longer than `max_period` minutes without a meal of at least `min_meal`.

    A period runs from the call, or the end of the last qualifying meal, to the next qualifying
    meal or the wrap. A shorter break does not end the period.
    """
    out: list[MealViolation] = []
    period_start = day.call
    ordinal = 1
    for meal in day.meals:
        if meal.end - meal.start < min_meal:
            continue
        if meal.start - period_start > max_period:
            out.append(MealViolation(period_start + max_period, meal.start, ordinal))
        period_start = meal.end
        ordinal += 1
    if day.wrap - period_start > max_period:
        out.append(MealViolation(period_start + max_period, day.wrap, ordinal))
    return out
