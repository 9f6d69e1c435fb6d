"""Engagement terms, timecards and calculation results.

The per-day types are NamedTuples: immutable like the frozen dataclasses, and several times
cheaper to build, which matters at tens of thousands of timecard-days a second.

Times are whole minutes from midnight of the timecard day's date (a wrap after midnight is
> 1440). Money is exact: rates are `Fraction`s, line amounts are integer cents rounded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal, NamedTuple

RateUnit = Literal["hour", "day"]
PerformerCategory = Literal["principal"]

# Line kinds (DESIGN.md "Public contracts" plus the engine's extensions).
REGULAR = "regular"
OVERTIME_1_5X = "overtime_1_5x"
OVERTIME_2X = "overtime_2x"
MEAL_PREMIUM = "meal_premium"
REST_PREMIUM = "rest_premium"
SPLIT_SHIFT = "split_shift_premium"
REPORTING_TIME = "reporting_time"
GUARANTEE = "day_rate_guarantee"
NON_DISCRETIONARY = "non_discretionary_pay"
NON_DISCRETIONARY_OVERTIME = "non_discretionary_overtime"
UNION_PENALTY = "union_penalty"

WORKED_KINDS = frozenset({REGULAR, OVERTIME_1_5X, OVERTIME_2X})


class Meal(NamedTuple):
    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start


class TimecardDay(NamedTuple):
    """One shift as entered: it starts on `date`; `wrap` > 1440 ran past midnight."""

    date: date
    call: int
    wrap: int
    meals: tuple[Meal, ...] = ()
    """Unpaid off-duty breaks as recorded (one shorter than a meal period is time worked)."""
    scheduled_minutes: int | None = None
    school_day: bool | None = None
    position: int = 0
    """Position in the request's `days` list, for error field paths."""
    rests: tuple[Meal, ...] | None = None
    """Paid rest breaks taken; None when the timecard does not record them (no rest check)."""
    school_next_day: bool | None = None


class PriorDay(NamedTuple):
    """A workday of the same workweek already paid by an earlier pay run: hours only."""

    date: date
    minutes: int
    position: int = 0


class FlatPay(NamedTuple):
    """A non-discretionary flat sum earned over the request's days (bonus, session fee)."""

    amount: Decimal
    description: str = ""
    position: int = 0


@dataclass(frozen=True, slots=True)
class Rate:
    unit: RateUnit
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CalcRequest:
    """Engagement terms plus the timecard days to pay."""

    work_location: str
    agreement: str
    rate: Rate
    workweek_start: date
    days: tuple[TimecardDay, ...]
    agent_fee_percent: Decimal = Decimal(0)
    birth_date: date | None = None
    prior_days: tuple[PriorDay, ...] = ()
    workday_start: int | None = None
    """Minutes after midnight at which every workday begins (LC §500(a)); None: each shift is
    its own workday, counted on the date it began."""
    non_discretionary_pay: tuple[FlatPay, ...] = ()


class Line(NamedTuple):
    """One itemised pay line: `minutes` at `rate` (exact) = `cents`, with the rule behind it."""

    kind: str
    minutes: int
    rate: Fraction
    cents: int
    rule: str
    source: str


Draft = tuple[str, int, Fraction, int, str, str]
"""A line before its cents are settled: (kind, minutes, rate, units, rule, source), where `units`
is its exact amount over the day's common denominator (see `money.Pricer`). A plain tuple: a
dozen are built per timecard-day."""

_new = tuple.__new__


def settle_day(on: date, minutes: int, drafts: Sequence[Draft], denominator: int) -> DayResult:
    """A workday's result: the day's exact total is rounded once, half-up, and shared among its
    lines by largest remainder, so the lines add up to the rounded day (`DayResult.cents`)."""
    n = len(drafts)
    if n == 1:
        kind, line_minutes, rate, units, rule, source = drafts[0]
        cents = (200 * units + denominator) // (2 * denominator)
        lines: tuple[Line, ...] = (_new(Line, (kind, line_minutes, rate, cents, rule, source)),)
        return _new(DayResult, (on, minutes, lines, cents))
    if n == 2:  # the common day: straight time and overtime (same result as `allocate`)
        a, b = drafts
        fa, ra = divmod(100 * a[3], denominator)
        fb, rb = divmod(100 * b[3], denominator)
        extra = (2 * (ra + rb) + denominator) // (2 * denominator)
        if extra == 2:
            fa, fb = fa + 1, fb + 1
        elif extra == 1:
            if ra >= rb:
                fa += 1
            else:
                fb += 1
        lines = (
            _new(Line, (a[0], a[1], a[2], fa, a[4], a[5])),
            _new(Line, (b[0], b[1], b[2], fb, b[4], b[5])),
        )
        return _new(DayResult, (on, minutes, lines, fa + fb))
    if n == 3:  # e.g. straight time, overtime and a premium (same result as `allocate`)
        a, b, c = drafts
        fa, ra = divmod(100 * a[3], denominator)
        fb, rb = divmod(100 * b[3], denominator)
        fc, rc = divmod(100 * c[3], denominator)
        extra = (2 * (ra + rb + rc) + denominator) // (2 * denominator)
        if extra == 1:  # to the largest remainder, the earliest on ties
            if ra >= rb and ra >= rc:
                fa += 1
            elif rb >= rc:
                fb += 1
            else:
                fc += 1
        elif extra == 2:  # to all but the smallest remainder, the latest on ties
            if rc <= ra and rc <= rb:
                fa, fb = fa + 1, fb + 1
            elif rb <= ra:
                fa, fc = fa + 1, fc + 1
            else:
                fb, fc = fb + 1, fc + 1
        elif extra == 3:
            fa, fb, fc = fa + 1, fb + 1, fc + 1
        lines = (
            _new(Line, (a[0], a[1], a[2], fa, a[4], a[5])),
            _new(Line, (b[0], b[1], b[2], fb, b[4], b[5])),
            _new(Line, (c[0], c[1], c[2], fc, c[4], c[5])),
        )
        return _new(DayResult, (on, minutes, lines, fa + fb + fc))
    floors: list[int] = []
    remainders: list[int] = []
    units = 0
    for d in drafts:
        floor, rest = divmod(100 * d[3], denominator)
        floors.append(floor)
        remainders.append(rest)
        units += d[3]
    cents = (200 * units + denominator) // (2 * denominator)
    extra = cents - sum(floors)
    if extra:  # one more cent each, largest remainder first (earlier first on ties)
        for i in sorted(range(n), key=remainders.__getitem__, reverse=True)[:extra]:
            floors[i] += 1
    lines = tuple(
        [_new(Line, (d[0], d[1], d[2], c, d[4], d[5])) for d, c in zip(drafts, floors, strict=True)]
    )
    return _new(DayResult, (on, minutes, lines, cents))


class DayResult(NamedTuple):
    date: date
    minutes_worked: int
    lines: tuple[Line, ...]
    cents: int = 0
    """The day's total: the sum of its lines' cents."""


class Tally:
    """Running totals of one calculation, kept by the state module while it pays the days:
    minutes by worked kind, and cents by every other kind of line."""

    __slots__ = ("cents", "double", "gross", "overtime", "regular", "worked")

    def __init__(self) -> None:
        self.worked = self.regular = self.overtime = self.double = self.gross = 0
        self.cents: dict[str, int] = {}

    def premiums(self, lines: Sequence[Line]) -> None:
        """Add the cents of lines that are not worked time (premiums, guarantees...)."""
        cents = self.cents
        for line in lines:
            cents[line[0]] = cents.get(line[0], 0) + line[3]


class Notice(NamedTuple):
    """A warning: something the engine could not decide, or a compliance limit crossed."""

    code: str
    message: str
    source: str = ""
    date: date | None = None


class Totals(NamedTuple):
    minutes_worked: int
    regular_minutes: int
    overtime_1_5x_minutes: int
    overtime_2x_minutes: int
    meal_premium_cents: int
    rest_premium_cents: int
    split_shift_cents: int
    non_discretionary_cents: int
    reporting_time_cents: int
    guarantee_cents: int
    union_penalty_cents: int
    gross_cents: int
    agent_fee_cents: int
    pension_health_cents: int


class CalcResult(NamedTuple):
    days: tuple[DayResult, ...]
    totals: Totals
    warnings: tuple[Notice, ...]
    rules_applied: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class InvalidRequest(ValueError):
    """The request cannot be calculated; `errors` name each offending field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
