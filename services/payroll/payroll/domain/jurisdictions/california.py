"""California: Labor Code §§500, 510, 226.7, 1182.12, 1308.7; IWC Wage Order 12 §§4, 5, 11, 12;
8 CCR §§11760–11763; local minimum wages through the data (LAMC §187).

Every number comes from the rule book (`data/us-ca.toml` and its children); this module holds
only the shape of each rule. A request is paid in three steps:

1. each timecard day (a shift) is scanned once: minutes worked (call to wrap less off-duty
   breaks of a meal period or more), late meals, split-shift gaps, rest periods owed and taken;
2. shifts are put on workdays: the shift's own date, or, with a fixed `workday_start`
   (LC §500(a)), the 24-hour periods its minutes fall in; prior days of the workweek that an
   earlier pay run paid are added with their hours only;
3. workdays are split into straight time and overtime in fixed workweeks (LC §510(a)), and each
   workday's lines are priced exactly and rounded once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from math import lcm
from typing import ClassVar, Final, NamedTuple

from payroll.domain.agreements import AgreementRules
from payroll.domain.context import Context
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
    WORKED_KINDS,
    DayResult,
    Draft,
    FieldError,
    InvalidRequest,
    TimecardDay,
    settle_day,
)
from payroll.domain.money import Pricer, format_cents, format_minutes, format_rate
from payroll.domain.rulebook import RuleBook, RuleDataError, RuleValue

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * 60
_new = tuple.__new__


def _minutes(entry: RuleValue) -> int:
    assert entry.value is not None
    return int(entry.value * MINUTES_PER_HOUR)


_CLOCK = tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(MINUTES_PER_DAY))


def _clock(minutes: int) -> str:
    return _CLOCK[minutes % MINUTES_PER_DAY]


@dataclass(frozen=True, slots=True)
class Params:
    """The California values in force on one date, in minutes and exact fractions."""

    workweek_days: int
    daily_ot: int
    daily_dt: int
    weekly_ot: int
    seventh_dt: int
    ot_mult: Fraction
    dt_mult: Fraction
    day_rate_minutes: int
    meal_period: int
    meal_min: int
    meal_max: int
    meal_premium: int
    meal_premiums_per_day: int
    rest_minutes: int
    rest_period: int
    rest_min_daily: int
    rest_premium: int
    rest_premiums_per_day: int
    split_gap: int
    split_premium: int
    rt_fraction: Fraction
    rt_min: int
    rt_max: int
    daily_max: int
    entries: dict[str, RuleValue]
    valid_from: date
    valid_to: date
    """The dates between which every one of these entries is in force (inclusive)."""
    rate_key: tuple[int, ...]
    """What the exact rates depend on, as a cheap hashable key."""
    labels: dict[str, str]
    """Rule labels for lines and `rules_applied`, built once from the data."""
    texts: tuple[str, ...]
    """(rule, source) of the straight, weekly, daily, double-time, 7th-day lines, in that order."""


_KEYS = (
    "workweek_days",
    "daily_overtime_after_hours",
    "daily_double_time_after_hours",
    "weekly_overtime_after_hours",
    "seventh_day_double_time_after_hours",
    "overtime_multiplier",
    "double_time_multiplier",
    "day_rate_hours",
    "regular_rate_flat_sum",
    "regular_rate_premiums",
    "meal_max_work_period_hours",
    "meal_min_minutes",
    "meal_max_minutes",
    "meal_premium_hours",
    "meal_premiums_per_day",
    "rest_minutes",
    "rest_period_hours",
    "rest_min_daily_hours",
    "rest_premium_hours",
    "rest_premiums_per_day",
    "split_shift_gap_over_minutes",
    "split_shift_premium_hours",
    "reporting_time_fraction",
    "reporting_time_min_hours",
    "reporting_time_max_hours",
    "daily_max_hours",
)


def params(book: RuleBook, scope: str, on: date) -> Params:
    """The values in force in `scope` on `on` (cached on the book)."""
    memo_key = ("california.params", scope, on)
    cached: Params | None = book.derived.get(memo_key)
    if cached is not None:
        return cached
    e = {key: book.get(scope, key, on) for key in _KEYS}
    # One Params per distinct set of entries, so that days under the same rules share it and
    # the calculation can tell "same rules as the previous day" by identity.
    same_key = ("california.params_of", scope, tuple(map(id, e.values())))
    same: Params | None = book.derived.get(same_key)
    if same is not None:
        book.derived[memo_key] = same
        return same

    def num(key: str) -> Fraction:
        value = e[key].value
        assert value is not None, key
        return Fraction(value)

    p = Params(
        workweek_days=int(num("workweek_days")),
        daily_ot=_minutes(e["daily_overtime_after_hours"]),
        daily_dt=_minutes(e["daily_double_time_after_hours"]),
        weekly_ot=_minutes(e["weekly_overtime_after_hours"]),
        seventh_dt=_minutes(e["seventh_day_double_time_after_hours"]),
        ot_mult=num("overtime_multiplier"),
        dt_mult=num("double_time_multiplier"),
        day_rate_minutes=_minutes(e["day_rate_hours"]),
        meal_period=_minutes(e["meal_max_work_period_hours"]),
        meal_min=int(num("meal_min_minutes")),
        meal_max=int(num("meal_max_minutes")),
        meal_premium=_minutes(e["meal_premium_hours"]),
        meal_premiums_per_day=int(num("meal_premiums_per_day")),
        rest_minutes=int(num("rest_minutes")),
        rest_period=_minutes(e["rest_period_hours"]),
        rest_min_daily=_minutes(e["rest_min_daily_hours"]),
        rest_premium=_minutes(e["rest_premium_hours"]),
        rest_premiums_per_day=int(num("rest_premiums_per_day")),
        split_gap=int(num("split_shift_gap_over_minutes")),
        split_premium=_minutes(e["split_shift_premium_hours"]),
        rt_fraction=num("reporting_time_fraction"),
        rt_min=_minutes(e["reporting_time_min_hours"]),
        rt_max=_minutes(e["reporting_time_max_hours"]),
        daily_max=_minutes(e["daily_max_hours"]),
        entries=e,
        valid_from=max(entry.effective_from for entry in e.values()),
        valid_to=min(entry.effective_to or date.max for entry in e.values()),
        labels={
            "overtime": f"{e['daily_overtime_after_hours'].scope} LC §510(a) daily, weekly and "
            "7th-day overtime (no pyramiding)",
            "straight": f"{e['daily_overtime_after_hours'].scope} LC §510(a) straight time",
            "seventh_first": f"{e['seventh_day_double_time_after_hours'].citation} (first hours)",
            "seventh_after": f"{e['seventh_day_double_time_after_hours'].citation} (after)",
            "meals": f"{e['meal_max_work_period_hours'].citation}; "
            f"{e['meal_premium_hours'].citation}",
            "rests": f"{e['rest_minutes'].citation}; {e['rest_premium_hours'].citation}",
            "workweek": e["workweek_days"].citation,
        },
        texts=(
            f"{e['daily_overtime_after_hours'].scope} LC §510(a) straight time",
            e["daily_overtime_after_hours"].source,
            e["weekly_overtime_after_hours"].citation,
            e["weekly_overtime_after_hours"].source,
            e["daily_overtime_after_hours"].citation,
            e["daily_overtime_after_hours"].source,
            e["daily_double_time_after_hours"].citation,
            e["daily_double_time_after_hours"].source,
            f"{e['seventh_day_double_time_after_hours'].citation} (first hours)",
            f"{e['seventh_day_double_time_after_hours'].citation} (after)",
            e["seventh_day_double_time_after_hours"].source,
        ),
        rate_key=(
            _minutes(e["day_rate_hours"]),
            *num("overtime_multiplier").as_integer_ratio(),
            *num("double_time_multiplier").as_integer_ratio(),
        ),
    )
    book.derived[memo_key] = book.derived[same_key] = p
    return p


ONE = Fraction(1)


# Per-shift and per-workday records are plain tuples: built for every timecard-day, and a tuple
# subclass (NamedTuple) costs several times as much to build. Fields, in order:
_Late = tuple[tuple[int, int, int], ...]
_Shift = tuple[TimecardDay, int, _Late, int, int, int, bool, bool]
"""day; minutes worked (call to wrap less off-duty breaks of a meal period or more, WO12
§11(A)); (ordinal, due, end) of each work period longer than the meal period (WO12 §11);
unpaid breaks longer than a bona fide meal period (a split shift, WO12 §4(C)); rest periods
owed; rest periods missed; whether there is anything besides the §510 split to pay; whether a
break's length or the day's length deserves a warning (`_review_shift`)."""
_DAY: Final = 0
_WORKED: Final = 1
_EXTRA: Final = 6
_REVIEW: Final = 7

_Workday = tuple[date, int, int, tuple[_Shift, ...], "Params", bool]
"""One workday (LC §500(a)): its date; minutes paid by an earlier pay run; minutes to pay now;
the shifts that began in it (premiums, guarantees and reporting time belong to those); the
rules in force; whether any of those shifts has more than the §510 split to pay."""
_DATE: Final = 0
_PRIOR: Final = 1
_NEW: Final = 2
_SHIFTS: Final = 3
_PARAMS: Final = 4


def _scan(day: TimecardDay, p: Params) -> _Shift:
    call = day[1]
    wrap = day[2]
    start = call
    off = gaps = 0
    late: list[tuple[int, int, int]] | None = None
    meals = day[3]
    review = wrap - call > p.daily_max
    if meals:
        period = p.meal_period
        meal_min = p.meal_min
        ordinal = 1
        for meal_start, meal_end in meals:
            length = meal_end - meal_start
            if length < meal_min:
                review = True
                continue  # not a meal period: time worked, and the work period runs on
            off += length
            if length > p.meal_max:
                review = True
                if length > p.split_gap:
                    gaps += 1
            if meal_start - start > period:
                late = late or []
                late.append((ordinal, start + period, meal_start))
            start = meal_end
            ordinal += 1
        if wrap - start > period:
            late = late or []
            late.append((ordinal, start + period, wrap))
    elif wrap - call > p.meal_period:
        late = [(1, call + p.meal_period, wrap)]
    worked = wrap - call - off
    rests = day[7]
    if rests is None:
        if late is None and not gaps and day[4] is None:
            return (day, worked, (), 0, 0, 0, False, review)
        return (day, worked, tuple(late) if late else (), gaps, 0, 0, True, review)
    owed = missed = 0
    if worked >= p.rest_min_daily:
        # WO12 §12(A): per 4 hours or major fraction (more than half) thereof.
        owed = worked // p.rest_period + (worked % p.rest_period > p.rest_period // 2)
        taken = sum(1 for r in rests if r.end - r.start >= p.rest_minutes)
        missed = max(owed - taken, 0)
    return (day, worked, tuple(late) if late else (), gaps, owed, missed, True, review)


class _Bonus(NamedTuple):
    """Non-discretionary flat pay spread over the pay period's non-overtime hours (Alvarado)."""

    total: Fraction
    per_hour: Fraction
    last: date
    description: str


class _MinimumWage(NamedTuple):
    value: Fraction | None
    applied: tuple[str, ...]
    warnings: tuple[tuple[str, str, str], ...]


def _minimum_wage(book: RuleBook, scope: str, on: date, skip: tuple[str, ...]) -> _MinimumWage:
    """The most protective minimum wage over a location and its parents (less `skip`, levels
    whose ordinance does not cover the week), with its notices."""
    best: Fraction | None = None
    applied: list[str] = []
    warnings: list[tuple[str, str, str]] = []
    for level, entry in book.each_level(scope, "minimum_wage", on):
        if level in skip:
            continue
        if entry is not None:
            applied.append(f"{level} {entry.cite}")
        value = entry.value if entry is not None else None
        if entry is None or not entry.confirmed:
            floor = book.latest_before(level, "minimum_wage", on)
            what = "not in the rule data" if entry is None else "not confirmed"
            if floor is not None and value is None:
                value = floor.value
                checked = f"checked against {value} (in force from {floor.effective_from})"
            elif value is not None:
                checked = f"checked against the unconfirmed {value}"
            else:
                checked = "the rate was not checked against it"
            period = f"from {entry.effective_from}" if entry is not None else f"on {on}"
            warnings.append(
                (
                    "unconfirmed_minimum_wage",
                    f"{level} minimum wage {period} is {what}; {checked}",
                    entry.source if entry is not None else "",
                )
            )
        if value is not None and (best is None or Fraction(value) > best):
            best = Fraction(value)
    return _MinimumWage(best, tuple(applied), tuple(warnings))


_CACHE_LIMIT = 100_000


def _remember(book: RuleBook, key: tuple[object, ...], value: object) -> None:
    """Cache a value derived from the book and a rate; bounded, as rates are unbounded input."""
    if len(book.derived) > _CACHE_LIMIT:
        book.derived.clear()
    book.derived[key] = value


_COVERAGE = "minimum_wage_min_weekly_hours"


class _Scope(NamedTuple):
    """What a location's minimum-wage check needs from the data, derived once."""

    bounds: tuple[date, ...]
    """Dates on which its minimum wage (or a parent's, or a coverage rule) can change."""
    coverage: tuple[str, ...]
    """Levels whose minimum wage covers only weeks with enough hours worked there."""
    coverage_max: int
    """The largest weekly coverage threshold any of them ever sets, in minutes."""


def _scope(book: RuleBook, scope: str) -> _Scope:
    key = ("california.scope", scope)
    found: _Scope | None = book.derived.get(key)
    if found is None:
        chain = book.chain(scope)
        edges: set[date] = set()
        for src in chain:
            for entry in (*src.entries("minimum_wage"), *src.entries(_COVERAGE)):
                edges.add(entry.effective_from)
                if entry.effective_to is not None:
                    edges.add(entry.effective_to + timedelta(days=1))
        levels = tuple(src.id for src in chain if src.entries(_COVERAGE))
        most = max((_minutes(e) for src in chain for e in src.entries(_COVERAGE)), default=0)
        found = book.derived[key] = _Scope(tuple(sorted(edges)), levels, most)
    return found


def _all_covered(info: _Scope, workdays: Sequence[_Workday]) -> bool:
    """Every local ordinance covers every week (quick test: each workday alone has enough hours
    worked); otherwise `_uncovered` decides week by week."""
    return not info.coverage or min(wd[_NEW] for wd in workdays) >= info.coverage_max


class DayRates(NamedTuple):
    """Exact rates for one regular rate: (rate, units per minute) at 1×, 1.5×, 2×."""

    straight: tuple[Fraction, int]
    overtime: tuple[Fraction, int]
    double: tuple[Fraction, int]
    denominator: int


def _rescale(lines: list[Draft], denominator: int, amount: Fraction) -> int:
    """A common denominator for the day's lines and `amount`; rescales `lines` in place."""
    if denominator % amount.denominator == 0:
        return denominator
    new = lcm(denominator, amount.denominator)
    factor = new // denominator
    lines[:] = [(k, m, r, u * factor, rule, src) for k, m, r, u, rule, src in lines]
    return new


def _add_exact(
    lines: list[Draft],
    denominator: int,
    kind: str,
    minutes: int,
    rate: Fraction,
    amount: Fraction,
    rule: str,
    source: str,
) -> int:
    """Append a line whose exact dollar amount is `amount`; returns the day's denominator."""
    denominator = _rescale(lines, denominator, amount)
    units = amount.numerator * (denominator // amount.denominator)
    lines.append((kind, minutes, rate, units, rule, source))
    return denominator


class California:
    """The California rule module (statewide and, through the data, its cities)."""

    state = "US-CA"
    # ClassVar: read from the class by `check_jurisdictions`; compiled by mypyc, an attribute
    # without it would be a per-instance slot, not a class attribute.
    required_keys: ClassVar[tuple[str, ...]] = (
        *_KEYS,
        "minimum_wage",
        "minor_daily_max_hours",
        "minor_weekly_max_hours",
        "minor_window_start_hour",
        "minor_window_end_hour",
        "minor_window_end_before_nonschool_hour",
        "minor_turnaround_hours",
        "minor_meal_excluded_max_minutes",
    )

    # -- minimum wage (LC §1182.12 and local ordinances, the higher applies) ------------------

    def minimum_wage(self, ctx: Context, on: date, skip: tuple[str, ...] = ()) -> Fraction | None:
        """The highest minimum wage of the location and its parents on `on` (warns on gaps);
        `skip` names local levels whose ordinance does not cover the week."""
        key = ("california.minimum_wage", ctx.scope, on, skip)
        found: _MinimumWage | None = ctx.book.derived.get(key)
        if found is None:
            found = _minimum_wage(ctx.book, ctx.scope, on, skip)
            ctx.book.derived[key] = found
        for rule in found.applied:
            ctx.notices.applied(rule)
        for code, message, source in found.warnings:
            ctx.notices.warn(code, message, source, on)
        return found.value

    def _week_minutes(self, ctx: Context, workdays: Sequence[_Workday]) -> dict[int, int]:
        """Minutes worked in each fixed workweek (by index from `workweek_start`)."""
        found: dict[int, int] | None = ctx.memo.get("california.week_minutes")
        if found is None:
            anchor = ctx.request.workweek_start
            found = {}
            for wd in workdays:
                week = (wd[_DATE] - anchor).days // wd[_PARAMS].workweek_days
                found[week] = found.get(week, 0) + wd[_PRIOR] + wd[_NEW]
            ctx.memo["california.week_minutes"] = found
        return found

    def _uncovered(self, ctx: Context, workdays: Sequence[_Workday], on: date) -> tuple[str, ...]:
        """Local levels whose minimum wage does not cover the week of `on`: fewer hours worked
        there than the ordinance's threshold (LAMC §187.01: 2 hours in a week in the City)."""
        info = _scope(ctx.book, ctx.scope)
        if _all_covered(info, workdays):
            return ()
        levels = info.coverage
        p = params(ctx.book, ctx.scope, on)
        days = (on - ctx.request.workweek_start).days
        week = days // p.workweek_days
        worked = self._week_minutes(ctx, workdays)[week]
        skip: list[str] = []
        for level in levels:
            entry = next(
                (e for e in ctx.book.sources[level].entries(_COVERAGE) if e.covers(on)), None
            )
            if entry is None or worked >= _minutes(entry):
                continue
            skip.append(level)
            start = on - timedelta(days=days % p.workweek_days)
            ctx.notices.warn(
                "local_minimum_wage_not_covered",
                f"week of {start.isoformat()}: {format_minutes(worked)} h worked, under the "
                f"{entry.value} h a week of {entry.citation}; the {level} minimum wage does not "
                "apply to it",
                entry.source,
                on,
            )
        return tuple(skip)

    def _check_rate(self, ctx: Context, workdays: Sequence[_Workday]) -> list[FieldError]:
        """A rate whose hourly equivalent is below the minimum wage on any day is invalid."""
        rate = ctx.request.rate
        book, scope = ctx.book, ctx.scope
        info = _scope(book, scope)
        bounds = info.bounds
        first, last = workdays[0][_DATE], workdays[-1][_DATE]
        period = bisect_right(bounds, first)
        periods: dict[tuple[int, tuple[str, ...]], date]
        if period == bisect_right(bounds, last) and _all_covered(info, workdays):
            periods = {(period, ()): first}
        else:
            periods = {}
            for wd in workdays:
                if wd[_SHIFTS] or wd[_NEW]:
                    skip = self._uncovered(ctx, workdays, wd[_DATE])
                    periods.setdefault((bisect_right(bounds, wd[_DATE]), skip), wd[_DATE])
        for (period, skip), on in periods.items():
            floor = self.minimum_wage(ctx, on, skip)
            key = (scope, period, skip, rate.unit, rate.amount)
            hourly: Fraction | None = book.derived.get(key, ONE)
            if hourly is ONE:
                hourly = self.regular_rate(ctx, on, warn=False)
                if floor is None or hourly >= floor:
                    hourly = None
                _remember(book, key, hourly)
            if hourly is not None:
                assert floor is not None
                per_hour = (
                    f"{rate.amount} per hour"
                    if rate.unit == "hour"
                    else f"day rate {rate.amount} = {format_rate(hourly)} per hour"
                )
                return [
                    FieldError(
                        "rate.amount",
                        f"{per_hour} is below the minimum wage of {format_rate(floor)} for "
                        f"{scope} on {on.isoformat()}",
                    )
                ]
        return []

    def rates(self, ctx: Context, p: Params, on: date) -> DayRates:
        """Exact rates at the regular rate in force on `on` (derived once per rate and rules)."""
        rate = ctx.request.rate
        if rate.unit == "day":
            entry = p.entries["day_rate_hours"]
            if not entry.confirmed:
                ctx.notices.unconfirmed(entry, on, "the regular rate of a day rate")
        key = (rate.unit, rate.amount, p.rate_key)
        found: DayRates | None = ctx.book.derived.get(key)
        if found is None:
            pricer = Pricer(
                self.regular_rate(ctx, on, warn=False),
                lcm(p.ot_mult.denominator, p.dt_mult.denominator),
            )
            found = DayRates(
                pricer.rate(ONE), pricer.rate(p.ot_mult), pricer.rate(p.dt_mult), pricer.denominator
            )
            _remember(ctx.book, key, found)
        return found

    def regular_rate(self, ctx: Context, on: date, *, warn: bool = True) -> Fraction:
        """Regular rate of pay: the hourly rate, or a day rate over the hours it pays for
        (before non-discretionary pay, which `pay` adds per pay period)."""
        rate = ctx.request.rate
        amount = Fraction(*rate.amount.as_integer_ratio())
        if rate.unit == "hour":
            return amount
        p = params(ctx.book, ctx.scope, on)
        entry = p.entries["day_rate_hours"]
        if warn and not entry.confirmed:
            ctx.notices.unconfirmed(entry, on, "the regular rate of a day rate")
        return amount * MINUTES_PER_HOUR / p.day_rate_minutes

    # -- the request: shifts -> workdays -> workweeks (LC §§500, 510) ---------------------------

    def pay(self, ctx: Context, agreement: AgreementRules) -> list[DayResult]:
        """Pay every workday of the request, in date order; raise `InvalidRequest` for a date
        without rule data or a rate below the minimum wage."""
        workdays = self._workdays(ctx)
        errors = self._check_rate(ctx, workdays)
        if errors:
            raise InvalidRequest(errors)
        bonus = self._bonus(ctx, workdays) if ctx.request.non_discretionary_pay else None
        return self._pay(ctx, agreement, workdays, bonus)

    def _workdays(self, ctx: Context) -> list[_Workday]:
        request = ctx.request
        book, scope = ctx.book, ctx.scope
        errors: list[FieldError] = []
        shifts: list[_Shift] = []
        plain = request.workday_start is None and not request.prior_days
        workdays: list[_Workday] = []
        p: Params | None = None
        day_rate = request.rate.unit == "day"
        for day in request.days:
            on = day[0]
            if p is None or not p.valid_from <= on <= p.valid_to:
                try:
                    p = params(book, scope, on)
                except RuleDataError as exc:
                    errors.append(
                        FieldError(
                            f"days[{day.position}].date", f"no rule data for this date ({exc})"
                        )
                    )
                    p = None
                    continue
            shift = _scan(day, p)
            if shift[_REVIEW]:
                self._review_shift(ctx, shift, p)
            if plain:
                extra = shift[6] or (day_rate and shift[1] < p.day_rate_minutes)
                workdays.append((on, 0, shift[1], (shift,), p, extra))
            else:
                shifts.append(shift)
        if errors:
            raise InvalidRequest(errors)
        return workdays if plain else self._split_into_workdays(ctx, shifts)

    def _review_shift(self, ctx: Context, shift: _Shift, p: Params) -> None:
        """Warnings about a shift's breaks and length (only for shifts with something to say)."""
        day = shift[_DAY]
        for i, meal in enumerate(day.meals):
            if p.meal_min <= meal.minutes <= p.meal_max:
                continue
            short = meal.minutes < p.meal_min
            entry = p.entries["meal_min_minutes" if short else "meal_max_minutes"]
            then = (
                "counted as time worked"
                if short
                else "a split shift (WO12 §4(C)) when longer than "
                f"{p.entries['split_shift_gap_over_minutes'].value} min"
            )
            ctx.notices.warn(
                "meal_length",
                f"{day.date.isoformat()}: meal {i + 1} ({_clock(meal.start)}–{_clock(meal.end)}) "
                f"lasts {meal.minutes} min; {entry.citation}; {then}",
                entry.source,
                day.date,
            )
        if day.wrap - day.call > p.daily_max:
            dm = p.entries["daily_max_hours"]
            ctx.notices.warn(
                "daily_maximum",
                f"{day.date.isoformat()}: {format_minutes(day.wrap - day.call)} h from call to "
                f"wrap exceeds {dm.citation} (unconfirmed)",
                dm.source,
                day.date,
            )

    def _split_into_workdays(self, ctx: Context, shifts: list[_Shift]) -> list[_Workday]:
        """Workdays from shifts (cut at `workday_start` when given) and prior days."""
        request = ctx.request
        book, scope = ctx.book, ctx.scope
        start = request.workday_start
        minutes: dict[date, int] = {}
        began: dict[date, list[_Shift]] = {}
        for shift in shifts:
            day = shift[_DAY]
            if start is None:
                minutes[day.date] = minutes.get(day.date, 0) + shift[_WORKED]
                began.setdefault(day.date, []).append(shift)
                continue
            meal_min = params(book, scope, day.date).meal_min
            off = [(m.start, m.end) for m in day.meals if m.minutes >= meal_min]
            first = (day.call - start) // MINUTES_PER_DAY
            last = max((day.wrap - 1 - start) // MINUTES_PER_DAY, first)
            for k in range(first, last + 1):
                low = max(day.call, start + k * MINUTES_PER_DAY)
                high = min(day.wrap, start + (k + 1) * MINUTES_PER_DAY)
                breaks = sum(max(min(high, e) - max(low, s), 0) for s, e in off)
                on = day.date + timedelta(days=k)
                minutes[on] = minutes.get(on, 0) + max(high - low, 0) - breaks
            began.setdefault(day.date + timedelta(days=first), []).append(shift)
        prior = {pd.date: pd for pd in request.prior_days}
        errors: list[FieldError] = []
        workdays: list[_Workday] = []
        for on in sorted(minutes.keys() | prior.keys()):
            try:
                p = params(book, scope, on)
            except RuleDataError as exc:
                where = f"prior_days[{prior[on].position}].date" if on in prior else "workday_start"
                errors.append(FieldError(where, f"no rule data for this date ({exc})"))
                continue
            earlier = prior[on].minutes if on in prior else 0
            shifts_begun = tuple(began.get(on, ()))
            extra = request.rate.unit == "day" or any(shift[_EXTRA] for shift in shifts_begun)
            workdays.append((on, earlier, minutes.get(on, 0), shifts_begun, p, extra))
        anchor = request.workweek_start
        paid_weeks = {
            (wd[_DATE] - anchor).days // wd[_PARAMS].workweek_days
            for wd in workdays
            if wd[_SHIFTS] or wd[_NEW]
        }
        for wd in workdays:
            if wd[_DATE] in prior and (wd[_DATE] - anchor).days // wd[
                _PARAMS
            ].workweek_days not in (paid_weeks):
                errors.append(
                    FieldError(
                        f"prior_days[{prior[wd[_DATE]].position}].date",
                        "is in no workweek of the request's days (LC §500(b))",
                    )
                )
        if errors:
            raise InvalidRequest(errors)
        return workdays

    def _bonus(self, ctx: Context, workdays: Sequence[_Workday]) -> _Bonus:
        """Alvarado: flat-sum pay over the pay period's non-overtime hours worked. The straight-
        time minutes come from a first pass of the §510 split (prior days are another period)."""
        flat = ctx.request.non_discretionary_pay
        total = sum((Fraction(f.amount) for f in flat), Fraction(0))
        straight = sum(r[0] for r in self._split(ctx, workdays))
        per_hour = total * MINUTES_PER_HOUR / straight if straight else Fraction(0)
        last = max(wd[_DATE] for wd in workdays if wd[_SHIFTS] or wd[_NEW])
        names = ", ".join(f.description or f"item {f.position + 1}" for f in flat)
        return _Bonus(total, per_hour, last, names)

    def _split(self, ctx: Context, workdays: Sequence[_Workday]) -> list[tuple[int, int, int]]:
        """(straight, 1.5×, 2×) minutes to pay on each workday (LC §510(a), no pyramiding)."""
        out: list[tuple[int, int, int]] = []
        anchor = ctx.request.workweek_start
        week = None
        counted = mask = 0
        for wd in workdays:
            p = wd[_PARAMS]
            days = (wd[_DATE] - anchor).days
            if days // p.workweek_days != week:
                week = days // p.workweek_days
                counted = mask = 0
            parts = _classify(p, days % p.workweek_days, wd[_PRIOR], wd[_NEW], counted, mask)
            counted, mask = parts[6], parts[7]
            if wd[_SHIFTS] or wd[_NEW]:
                out.append((parts[0], parts[1] + parts[2] + parts[4], parts[3] + parts[5]))
        return out

    def _pay(
        self,
        ctx: Context,
        agreement: AgreementRules,
        workdays: Sequence[_Workday],
        bonus: _Bonus | None,
    ) -> list[DayResult]:
        notices = ctx.notices
        anchor = ctx.request.workweek_start
        meal_rules = agreement.has_meal_rules
        penalties: dict[int, list[Draft]] | None = None
        results: list[DayResult] = []
        week = None
        counted = mask = 0
        worked = worked_regular = worked_overtime = worked_double = gross = 0
        last_p: Params | None = None
        rates: DayRates
        straight_rate = overtime_rate = double_rate = ONE
        straight = overtime = double = denominator = 0
        straight_rule = straight_source = weekly_rule = weekly_source = daily_rule = ""
        daily_source = double_rule = double_source = first7_rule = after7_rule = ""
        seventh_source = ""
        for wd in workdays:
            on, prior, new, shifts, p, extra = wd
            if p is not last_p:
                last_p = p
                rates = self.rates(ctx, p, on)
                (straight_rate, straight), (overtime_rate, overtime), (double_rate, double) = (
                    rates[0],
                    rates[1],
                    rates[2],
                )
                denominator = rates[3]
                (
                    straight_rule,
                    straight_source,
                    weekly_rule,
                    weekly_source,
                    daily_rule,
                    daily_source,
                    double_rule,
                    double_source,
                    first7_rule,
                    after7_rule,
                    seventh_source,
                ) = p.texts
                notices.applied(p.labels["overtime"])
                notices.applied(p.labels["meals"])
                notices.applied(_workweek_rule(p.labels["workweek"], anchor))
            days = (on - anchor).days
            week_days = p.workweek_days
            if days // week_days != week:
                week = days // week_days
                counted = mask = 0
            position = days % week_days
            if prior or (new and position == week_days - 1):
                regular, weekly, daily, dbl, first7, after7, counted, mask = _classify(
                    p, position, prior, new, counted, mask
                )
                if not (shifts or new):
                    continue  # a prior day: it only moved the week's counters
            elif not (shifts or new):
                continue  # a prior day of no hours
            else:  # _classify without prior minutes or a 7th day, inline: the common workday
                if new:
                    mask |= 1 << position
                ot = p.daily_ot
                first7 = after7 = 0
                if new > ot:
                    regular = ot
                    dt = p.daily_dt
                    if new > dt:
                        daily, dbl = dt - ot, new - dt
                    else:
                        daily, dbl = new - ot, 0
                else:
                    regular, daily, dbl = new, 0, 0
                room = p.weekly_ot - counted
                if regular > room:
                    weekly = regular - room
                    regular = room
                else:
                    weekly = 0
                counted += regular
            lines: list[Draft] = []
            if regular:
                lines.append(
                    (
                        REGULAR,
                        regular,
                        straight_rate,
                        straight * regular,
                        straight_rule,
                        straight_source,
                    )
                )
            if weekly:
                lines.append(
                    (
                        OVERTIME_1_5X,
                        weekly,
                        overtime_rate,
                        overtime * weekly,
                        weekly_rule,
                        weekly_source,
                    )
                )
            if daily:
                lines.append(
                    (
                        OVERTIME_1_5X,
                        daily,
                        overtime_rate,
                        overtime * daily,
                        daily_rule,
                        daily_source,
                    )
                )
            if first7:
                lines.append(
                    (
                        OVERTIME_1_5X,
                        first7,
                        overtime_rate,
                        overtime * first7,
                        first7_rule,
                        seventh_source,
                    )
                )
            if dbl:
                lines.append(
                    (OVERTIME_2X, dbl, double_rate, double * dbl, double_rule, double_source)
                )
            if after7:
                lines.append(
                    (
                        OVERTIME_2X,
                        after7,
                        double_rate,
                        double * after7,
                        after7_rule,
                        seventh_source,
                    )
                )
            if meal_rules:
                penalties = None
                for shift in shifts:
                    if not shift[2]:
                        continue  # the agreement is asked only about late meals (see base.py)
                    found = agreement.meal_penalties(
                        ctx, shift[0], shift[2], p.meal_period, rates[0]
                    )
                    if found is not None:
                        penalties = penalties or {}
                        penalties[id(shift)] = found
            if extra or bonus is not None or penalties:
                worked_lines = len(lines)
                result = self._extras(
                    ctx,
                    workdays,
                    wd,
                    rates,
                    lines,
                    bonus,
                    (weekly + daily + first7, dbl + after7),
                    penalties,
                )
                results.append(result)
                gross += result[3]
                ctx.tally.premiums(result[2][worked_lines:])  # what follows the worked lines
            else:
                result = settle_day(on, new, lines, denominator)
                results.append(result)
                gross += result[3]
            worked += new
            worked_regular += regular
            worked_overtime += weekly + daily + first7
            worked_double += dbl + after7
        tally = ctx.tally
        tally.worked += worked
        tally.regular += worked_regular
        tally.overtime += worked_overtime
        tally.double += worked_double
        tally.gross += gross
        return results

    def _extras(
        self,
        ctx: Context,
        workdays: Sequence[_Workday],
        wd: _Workday,
        rates: DayRates,
        lines: list[Draft],
        bonus: _Bonus | None,
        overtime_minutes: tuple[int, int],
        penalties: dict[int, list[Draft]] | None,
    ) -> DayResult:
        """A workday with premiums, guarantees, reporting time or non-discretionary pay."""
        p = wd[_PARAMS]
        e = p.entries
        straight_rate, straight = rates.straight
        denominator = rates.denominator
        guarantees: list[Draft] = []
        reporting: list[_Shift] = []
        late: list[tuple[int, int, int]] | None = None
        missed = owed = gaps = 0
        day_rate = ctx.request.rate.unit == "day"
        for shift in wd[_SHIFTS]:
            day, worked, shift_late, shift_gaps, rests_owed, rests_missed, _, _ = shift
            if day_rate and worked < p.day_rate_minutes:
                entry = e["day_rate_hours"]
                guaranteed = p.day_rate_minutes - worked
                guarantees.append(
                    (
                        GUARANTEE,
                        guaranteed,
                        straight_rate,
                        straight * guaranteed,
                        f"{entry.scope} day-rate guarantee of {entry.value} straight-time "
                        "hours (engine assumption, LC §510(a))",
                        entry.source,
                    )
                )
            if day[4] is not None:
                reporting.append(shift)
            gaps += shift_gaps
            if day[7] is not None:
                ctx.notices.applied(p.labels["rests"])
                missed += rests_missed
                owed += rests_owed
            if penalties and id(shift) in penalties:
                lines.extend(penalties[id(shift)])  # the agreement's remedy (AB 1734)
                continue
            if shift_late:
                late = [*late, *shift_late] if late else list(shift_late)
        premiums: list[tuple[str, int, str, str]] = []
        if late:  # WO12 §11, LC §226.7: one premium hour a workday, however many meals
            entry = e["meal_premium_hours"]
            due = (
                f"meal {late[0][0]} due {_CLOCK[late[0][1] % MINUTES_PER_DAY]}"
                if len(late) == 1
                else ", ".join(f"meal {n} due {_clock(at)}" for n, at, _ in late)
            )
            premiums.append(
                (
                    MEAL_PREMIUM,
                    p.meal_premium * min(len(late), p.meal_premiums_per_day),
                    f"{entry.citation} ({due}); {e['meal_premiums_per_day'].citation}",
                    entry.source,
                )
            )
        if missed:
            entry = e["rest_premium_hours"]
            premiums.append(
                (
                    REST_PREMIUM,
                    p.rest_premium * min(missed, p.rest_premiums_per_day),
                    f"{entry.citation} ({owed - missed} of {owed} rest periods of "
                    f"{p.rest_minutes} min taken); {e['rest_premiums_per_day'].citation}",
                    entry.source,
                )
            )
        for kind, minutes, rule, source in premiums:
            if bonus is None or not bonus.per_hour:
                lines.append((kind, minutes, straight_rate, straight * minutes, rule, source))
            else:  # Ferra: at the regular rate, non-discretionary pay included
                rate = straight_rate + bonus.per_hour
                rule = f"{rule}; {e['regular_rate_premiums'].citation}"
                denominator = _add_exact(
                    lines,
                    denominator,
                    kind,
                    minutes,
                    rate,
                    rate * minutes / MINUTES_PER_HOUR,
                    rule,
                    source,
                )
        lines.extend(guarantees)
        for shift in reporting:
            guaranteed = max(p.day_rate_minutes - shift[_WORKED], 0) if day_rate else 0
            self._reporting_time(ctx, shift, guaranteed, p, rates.straight, lines)
        if gaps:  # one premium per workday
            denominator = self._split_shift(ctx, workdays, wd, lines, denominator)
        if bonus is not None:
            denominator = self._non_discretionary(
                ctx, wd, lines, denominator, bonus, overtime_minutes
            )
        return settle_day(wd[_DATE], wd[_NEW], lines, denominator)

    def _reporting_time(
        self,
        ctx: Context,
        shift: _Shift,
        guaranteed: int,
        p: Params,
        straight: tuple[Fraction, int],
        lines: list[Draft],
    ) -> None:
        """Wage Order §5: reported but put to work less than half the scheduled day."""
        scheduled = shift[_DAY].scheduled_minutes
        assert scheduled is not None
        frac = p.entries["reporting_time_fraction"]
        ctx.notices.applied(frac.citation)
        half = p.rt_fraction * scheduled
        if shift[_WORKED] >= half:
            return
        target = min(max(half, Fraction(p.rt_min)), Fraction(p.rt_max))
        # Minutes are whole; a half-minute target is rounded up in the employee's favour.
        owed = -int(-(target - shift[_WORKED] - guaranteed) // 1)
        if owed <= 0:
            return
        on = shift[_DAY].date
        for key in (
            "reporting_time_fraction",
            "reporting_time_min_hours",
            "reporting_time_max_hours",
        ):
            if not p.entries[key].confirmed:
                ctx.notices.unconfirmed(p.entries[key], on, "reporting-time pay")
        lines.append(
            (
                REPORTING_TIME,
                owed,
                straight[0],
                straight[1] * owed,
                f"{frac.citation} (scheduled {format_minutes(scheduled)} h, "
                f"worked {format_minutes(shift[_WORKED])} h)",
                frac.source,
            )
        )

    def _split_shift(
        self,
        ctx: Context,
        workdays: Sequence[_Workday],
        wd: _Workday,
        lines: list[Draft],
        denominator: int,
    ) -> int:
        """WO12 §4(C): one hour at the minimum wage on a split-shift workday, less what the day's
        wages (worked time, guarantee, reporting time) paid above the minimum wage for its hours
        (DLSE); the local minimum wage where higher."""
        p = wd[_PARAMS]
        entry = p.entries["split_shift_premium_hours"]
        ctx.notices.applied(entry.citation)
        floor = self.minimum_wage(ctx, wd[_DATE], self._uncovered(ctx, workdays, wd[_DATE]))
        if floor is None:
            return denominator
        paid = Fraction(
            sum(units for kind, _, _, units, _, _ in lines if kind in _WAGES), denominator
        )
        owed = floor * (wd[_NEW] + p.split_premium) / MINUTES_PER_HOUR - paid
        if owed <= 0:
            ctx.notices.applied(
                f"{entry.citation}: offset in full on {wd[_DATE].isoformat()} by pay above the "
                "minimum wage"
            )
            return denominator
        full = floor * p.split_premium / MINUTES_PER_HOUR
        less = "" if owed >= full else f" less {format_cents(_cents(full - owed))} paid above it"
        rule = f"{entry.citation} (minimum wage {format_rate(floor)}{less})"
        rate = owed * MINUTES_PER_HOUR / p.split_premium
        return _add_exact(
            lines, denominator, SPLIT_SHIFT, p.split_premium, rate, owed, rule, entry.source
        )

    def _non_discretionary(
        self,
        ctx: Context,
        wd: _Workday,
        lines: list[Draft],
        denominator: int,
        bonus: _Bonus,
        overtime_minutes: tuple[int, int],
    ) -> int:
        """Alvarado: overtime on the flat sum's hourly share, at 1.5× and 2×; the flat sum itself
        on the last day of the pay period."""
        p = wd[_PARAMS]
        entry = p.entries["regular_rate_flat_sum"]
        ctx.notices.applied(entry.citation)
        for minutes, mult in zip(overtime_minutes, (p.ot_mult, p.dt_mult), strict=True):
            if minutes and bonus.per_hour:
                rate = bonus.per_hour * mult
                denominator = _add_exact(
                    lines,
                    denominator,
                    NON_DISCRETIONARY_OVERTIME,
                    minutes,
                    rate,
                    rate * minutes / MINUTES_PER_HOUR,
                    f"{entry.citation} ({bonus.description}: {format_rate(bonus.per_hour)} an "
                    f"hour at {mult}×)",
                    entry.source,
                )
        if wd[_DATE] == bonus.last:
            denominator = _add_exact(
                lines,
                denominator,
                NON_DISCRETIONARY,
                0,
                bonus.total,
                bonus.total,
                f"{entry.citation} ({bonus.description})",
                entry.source,
            )
        return denominator

    # -- minors (LC §1308.7, 8 CCR §§11760–11763) ----------------------------------------------

    def review_minor(self, ctx: Context) -> None:
        """Warn where a minor's day or week exceeds the limits for their age band."""
        birth = ctx.request.birth_date
        if birth is None:
            return
        book, scope = ctx.book, ctx.scope
        anchor = ctx.request.workweek_start
        school = {d.date: d.school_day for d in ctx.request.days}
        week_minutes: dict[int, int] = {}
        for prior in ctx.request.prior_days:
            week = (prior.date - anchor).days // params(book, scope, prior.date).workweek_days
            week_minutes[week] = week_minutes.get(week, 0) + prior.minutes
        previous: TimecardDay | None = None
        for day in ctx.request.days:
            on = day.date
            bands = book.minor_bands(scope, on)
            band = book.age_band(scope, birth, on)
            if not bands or (band is None and bands[0].from_age.reached(birth, on)):
                previous = None
                continue  # an adult on this date
            ctx.notices.applied(f"{bands[0].scope} 8 CCR §11760 minors' hours by age band")

            def warn(message: str, source: str, on: date = on) -> None:
                ctx.notices.warn("minor_limit", f"{on.isoformat()}: {message}", source, on)

            if band is None:
                warn(
                    f"a child younger than {bands[0].from_age.amount} days may not be employed "
                    f"({bands[0].cite})",
                    bands[0].source,
                )
                continue

            def value(key: str, on: date = on) -> RuleValue:
                return book.get(scope, key, on)

            p = params(book, scope, on)
            worked = _scan(day, p)[_WORKED]
            week = (on - anchor).days // p.workweek_days
            before = week_minutes.get(week, 0)
            week_minutes[week] = before + worked

            in_school = day.school_day is not False
            limit = band.max_work_minutes_school if in_school else band.max_work_minutes_no_school
            basis = "school in session" if in_school else "school not in session"
            if day.school_day is None:
                basis += " (assumed; give school_day)"
            if worked > limit:
                warn(
                    f"{format_minutes(worked)} h of work exceeds {format_minutes(limit)} h "
                    f"({basis}); {band.cite}",
                    band.source,
                )
            # 8 CCR §11761: a meal is not time at the place of employment, up to half an hour.
            meal_cap = value("minor_meal_excluded_max_minutes")
            assert meal_cap.value is not None
            excluded = sum(
                min(m.minutes, int(meal_cap.value)) for m in day.meals if m.minutes >= p.meal_min
            )
            at_place = day.wrap - day.call - excluded
            if at_place > band.max_at_place_minutes:
                warn(
                    f"{format_minutes(at_place)} h at the place of employment exceeds "
                    f"{format_minutes(band.max_at_place_minutes)} h ({meal_cap.citation}); "
                    f"{band.cite}",
                    band.source,
                )
            daily = value("minor_daily_max_hours")
            if worked > _minutes(daily):
                warn(f"{format_minutes(worked)} h exceeds {daily.citation}", daily.source)
            start = value("minor_window_start_hour")
            if day.call < _minutes(start):
                warn(f"call {_clock(day.call)} is before {start.citation}", start.source)
            # LC §1308.7(a): until 10 p.m. before a school day, 12:30 a.m. before any other day.
            next_school = day.school_next_day
            if next_school is None:
                next_school = school.get(on + timedelta(days=1))
            end = value(
                "minor_window_end_hour"
                if next_school is not False
                else "minor_window_end_before_nonschool_hour"
            )
            if day.wrap > _minutes(end):
                assumed = (
                    " (next day assumed a school day; give school_next_day)"
                    if next_school is None
                    else ""
                )
                warn(f"wrap {_clock(day.wrap)} is after {end.citation}{assumed}", end.source)
            turnaround = value("minor_turnaround_hours")
            if previous is not None:
                rest = (on - previous.date).days * MINUTES_PER_DAY + day.call - previous.wrap
                if rest < _minutes(turnaround):
                    warn(
                        f"{format_minutes(rest)} h from the previous wrap to this call is under "
                        f"{turnaround.citation}",
                        turnaround.source,
                    )
            weekly = value("minor_weekly_max_hours")
            if before + worked > _minutes(weekly) >= before:
                warn(
                    f"week {format_minutes(before + worked)} h is over {weekly.citation}",
                    weekly.source,
                )
            previous = day


@lru_cache(maxsize=4096)
def _workweek_rule(citation: str, start: date) -> str:
    return f"{citation} starting {start.isoformat()}"


_WAGES = WORKED_KINDS | {GUARANTEE, REPORTING_TIME}
"""What a day paid for its hours, against which the split-shift premium is offset (DLSE): the
premium tops the day up to the minimum wage for its hours plus one."""


def _cents(amount: Fraction) -> int:
    return (200 * amount.numerator + amount.denominator) // (2 * amount.denominator)


def _classify(
    p: Params, position: int, prior: int, new: int, counted: int, mask: int
) -> tuple[int, int, int, int, int, int, int, int]:
    """LC §510(a) for the `new` minutes of a workday that already had `prior` minutes paid:
    (straight, weekly 1.5×, daily 1.5×, daily 2×, 7th-day 1.5×, 7th-day 2×, straight minutes
    counted toward the week's 40 so far, mask of the week's days worked so far).

    No pyramiding: daily overtime minutes do not count toward the weekly 40, and a minute is
    paid once at its highest rate. The 7th day (Mendoza) is the last day of the fixed workweek
    when every earlier day of it was worked."""
    total = prior + new
    last = p.workweek_days - 1
    if total and position == last and mask == (1 << last) - 1:
        cap = p.seventh_dt
        first = min(total, cap) - min(prior, cap)
        return 0, 0, 0, 0, first, new - first, counted, mask | (1 << position)
    if total:
        mask |= 1 << position
    ot, dt = p.daily_ot, p.daily_dt
    straight_prior = min(prior, ot)
    regular = min(total, ot) - straight_prior
    daily = min(max(total, ot), dt) - min(max(prior, ot), dt)
    double = max(total - dt, 0) - max(prior - dt, 0)
    weekly_cap = p.weekly_ot
    if straight_prior:
        counted = min(counted + straight_prior, weekly_cap)
    room = weekly_cap - counted
    weekly = regular - room if regular > room else 0
    regular -= weekly
    return regular, weekly, daily, double, 0, 0, counted + regular, mask
