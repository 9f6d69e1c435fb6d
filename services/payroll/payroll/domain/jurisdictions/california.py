"""California: Labor Code §§500, 510, 226.7, 1182.12; IWC Wage Order 12; 8 CCR §11760.

Every number comes from the rule book (`data/us-ca.toml` and its children); this module holds
only the shape of each rule.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from math import lcm
from typing import NamedTuple

from payroll.domain.agreements import AgreementRules
from payroll.domain.context import Context
from payroll.domain.meals import meal_violations
from payroll.domain.models import (
    GUARANTEE,
    MEAL_PREMIUM,
    OVERTIME_1_5X,
    OVERTIME_2X,
    REGULAR,
    REPORTING_TIME,
    DayResult,
    Draft,
    FieldError,
    TimecardDay,
    settle,
)
from payroll.domain.money import Pricer, format_minutes, format_rate
from payroll.domain.rulebook import RuleBook, RuleDataError, RuleValue

MINUTES_PER_HOUR = 60


def _minutes(entry: RuleValue) -> int:
    assert entry.value is not None
    return int(entry.value * MINUTES_PER_HOUR)


def _worked(day: TimecardDay, meal_min: int) -> int:
    """Minutes worked: call to wrap less the off-duty meals of at least `meal_min` minutes (a
    shorter break is time worked, WO12 §11(A))."""
    off = sum(m.end - m.start for m in day.meals if m.end - m.start >= meal_min)
    return day.wrap - day.call - off


def _clock(minutes: int) -> str:
    h, m = divmod(minutes % (24 * 60), 60)
    return f"{h:02d}:{m:02d}"


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
    rt_fraction: Fraction
    rt_min: int
    rt_max: int
    daily_max: int
    entries: dict[str, RuleValue]
    rate_key: tuple[int, ...]
    """What the exact rates depend on, as a cheap hashable key."""
    labels: dict[str, str]
    """Rule labels for lines and `rules_applied`, built once from the data."""


_KEYS = (
    "workweek_days",
    "daily_overtime_after_hours",
    "daily_double_time_after_hours",
    "weekly_overtime_after_hours",
    "seventh_day_double_time_after_hours",
    "overtime_multiplier",
    "double_time_multiplier",
    "day_rate_hours",
    "meal_max_work_period_hours",
    "meal_min_minutes",
    "meal_max_minutes",
    "meal_premium_hours",
    "meal_premiums_per_day",
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
        rt_fraction=num("reporting_time_fraction"),
        rt_min=_minutes(e["reporting_time_min_hours"]),
        rt_max=_minutes(e["reporting_time_max_hours"]),
        daily_max=_minutes(e["daily_max_hours"]),
        entries=e,
        labels={
            "overtime": f"{e['daily_overtime_after_hours'].scope} LC §510(a) daily, weekly and "
            "7th-day overtime (no pyramiding)",
            "straight": f"{e['daily_overtime_after_hours'].scope} LC §510(a) straight time",
            "seventh_first": f"{e['seventh_day_double_time_after_hours'].citation} (first hours)",
            "seventh_after": f"{e['seventh_day_double_time_after_hours'].citation} (after)",
            "meals": f"{e['meal_max_work_period_hours'].citation}; "
            f"{e['meal_premium_hours'].citation}",
        },
        rate_key=(
            _minutes(e["day_rate_hours"]),
            *num("overtime_multiplier").as_integer_ratio(),
            *num("double_time_multiplier").as_integer_ratio(),
        ),
    )
    book.derived[memo_key] = p
    return p


ONE = Fraction(1)


def _add(
    lines: list[Draft],
    kind: str,
    minutes: int,
    priced: tuple[Fraction, int],
    rule: str,
    entry: RuleValue,
) -> None:
    """Append a line of `minutes` at an exact (rate, units per minute), if there are any."""
    if minutes > 0:
        rate, per_minute = priced
        lines.append(Draft(kind, minutes, rate, per_minute * minutes, rule, entry.source))


class _MinimumWage(NamedTuple):
    value: Fraction | None
    applied: tuple[str, ...]
    warnings: tuple[tuple[str, str, str], ...]


def _minimum_wage(book: RuleBook, scope: str, on: date) -> _MinimumWage:
    """The most protective minimum wage over a location and its parents, with its notices."""
    best: Fraction | None = None
    applied: list[str] = []
    warnings: list[tuple[str, str, str]] = []
    for level, entry in book.each_level(scope, "minimum_wage", on):
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


def _minimum_wage_bounds(book: RuleBook, scope: str) -> tuple[date, ...]:
    """Dates on which the minimum wage of a location (or a parent) can change, sorted."""
    key = ("california.minimum_wage_bounds", scope)
    found: tuple[date, ...] | None = book.derived.get(key)
    if found is None:
        edges: set[date] = set()
        for src in book.chain(scope):
            for entry in src.entries("minimum_wage"):
                edges.add(entry.effective_from)
                if entry.effective_to is not None:
                    edges.add(entry.effective_to + timedelta(days=1))
        found = book.derived[key] = tuple(sorted(edges))
    return found


class DayRates(NamedTuple):
    """Exact rates for one regular rate: (rate, units per minute) at 1×, 1.5×, 2×."""

    straight: tuple[Fraction, int]
    overtime: tuple[Fraction, int]
    double: tuple[Fraction, int]
    denominator: int


class California:
    """The California rule module (statewide and, through the data, its cities)."""

    state = "US-CA"
    required_keys = (
        *_KEYS,
        "minimum_wage",
        "minor_daily_max_hours",
        "minor_weekly_max_hours",
        "minor_window_start_hour",
        "minor_window_end_hour",
    )

    # -- minimum wage (LC §1182.12 and local ordinances, the higher applies) ------------------

    def minimum_wage(self, ctx: Context, on: date) -> Fraction | None:
        """The highest minimum wage of the location and its parents on `on` (warns on gaps)."""
        key = ("california.minimum_wage", ctx.scope, on)
        found: _MinimumWage | None = ctx.book.derived.get(key)
        if found is None:
            found = _minimum_wage(ctx.book, ctx.scope, on)
            ctx.book.derived[key] = found
        for rule in found.applied:
            ctx.notices.applied(rule)
        for code, message, source in found.warnings:
            ctx.notices.warn(code, message, source, on)
        return found.value

    def check_rate(self, ctx: Context) -> list[FieldError]:
        """A rate whose hourly equivalent is below the minimum wage on any day is invalid."""
        for day in ctx.request.days:
            try:
                params(ctx.book, ctx.scope, day.date)
            except RuleDataError as exc:
                return [
                    FieldError(f"days[{day.position}].date", f"no rule data for this date ({exc})")
                ]
        rate = ctx.request.rate
        bounds = _minimum_wage_bounds(ctx.book, ctx.scope)
        periods: dict[int, date] = {}  # minimum-wage period -> first day worked in it
        for day in ctx.request.days:
            periods.setdefault(bisect_right(bounds, day.date), day.date)
        for period, on in periods.items():
            floor = self.minimum_wage(ctx, on)
            key = ("california.below_minimum", ctx.scope, period, rate.unit, rate.amount)
            message: str | None = ctx.book.derived.get(key, "")
            if message == "":
                hourly = self.regular_rate(ctx, on, warn=False)
                message = None
                if floor is not None and hourly < floor:
                    per_hour = (
                        f"{rate.amount} per hour"
                        if rate.unit == "hour"
                        else f"day rate {rate.amount} = {format_rate(hourly)} per hour"
                    )
                    message = (
                        f"{per_hour} is below the minimum wage of {format_rate(floor)} for "
                        f"{ctx.scope} on {on.isoformat()}"
                    )
                _remember(ctx.book, key, message)
            if message is not None:
                return [FieldError("rate.amount", message)]
        return []

    def rates(self, ctx: Context, p: Params, on: date) -> DayRates:
        """Exact rates at the regular rate in force on `on` (derived once per rate and rules)."""
        found: DayRates | None = ctx.memo.get(p.rate_key)
        if found is not None:
            return found
        rate = ctx.request.rate
        if rate.unit == "day":
            entry = p.entries["day_rate_hours"]
            if not entry.confirmed:
                ctx.notices.unconfirmed(entry, on, "the regular rate of a day rate")
        key = ("california.rates", rate.unit, rate.amount, p.rate_key)
        found = ctx.book.derived.get(key)
        if found is None:
            pricer = Pricer(
                self.regular_rate(ctx, on, warn=False),
                lcm(p.ot_mult.denominator, p.dt_mult.denominator),
            )
            found = DayRates(
                pricer.rate(ONE), pricer.rate(p.ot_mult), pricer.rate(p.dt_mult), pricer.denominator
            )
            _remember(ctx.book, key, found)
        ctx.memo[p.rate_key] = found
        return found

    def regular_rate(self, ctx: Context, on: date, *, warn: bool = True) -> Fraction:
        """Regular rate of pay: the hourly rate, or a day rate over the hours it pays for."""
        rate = ctx.request.rate
        amount = Fraction(*rate.amount.as_integer_ratio())
        if rate.unit == "hour":
            return amount
        p = params(ctx.book, ctx.scope, on)
        entry = p.entries["day_rate_hours"]
        if warn and not entry.confirmed:
            ctx.notices.unconfirmed(entry, on, "the regular rate of a day rate")
        return amount * MINUTES_PER_HOUR / p.day_rate_minutes

    # -- one workweek (LC §500, §510), meals (WO12 §11, LC §226.7), reporting time (§5) --------

    def pay_week(
        self,
        ctx: Context,
        agreement: AgreementRules,
        week_start: date,
        days: Sequence[TimecardDay],
    ) -> list[DayResult]:
        """Pay the days of one fixed workweek, in date order."""
        notices = ctx.notices
        week_regular = 0
        worked_positions: set[int] = set()
        results: list[DayResult] = []
        for day in days:
            p = params(ctx.book, ctx.scope, day.date)
            e = p.entries
            rates = self.rates(ctx, p, day.date)
            worked = _worked(day, p.meal_min)
            position = (day.date - week_start).days
            lines: list[Draft] = []

            seventh = (
                worked > 0
                and position == p.workweek_days - 1
                and len(worked_positions) == p.workweek_days - 1
            )
            ot_entry, dt_entry = e["daily_overtime_after_hours"], e["daily_double_time_after_hours"]
            notices.applied(p.labels["overtime"])
            if seventh:
                first = min(worked, p.seventh_dt)
                s7 = e["seventh_day_double_time_after_hours"]
                _add(
                    lines,
                    OVERTIME_1_5X,
                    first,
                    rates.overtime,
                    p.labels["seventh_first"],
                    s7,
                )
                _add(
                    lines,
                    OVERTIME_2X,
                    worked - first,
                    rates.double,
                    p.labels["seventh_after"],
                    s7,
                )
            else:
                regular = min(worked, p.daily_ot)
                daily_ot = min(max(worked - p.daily_ot, 0), p.daily_dt - p.daily_ot)
                double = max(worked - p.daily_dt, 0)
                # Daily overtime hours do not count toward the weekly 40 (no pyramiding).
                weekly_ot = max(regular - max(p.weekly_ot - week_regular, 0), 0)
                regular -= weekly_ot
                week_regular += regular
                wk = e["weekly_overtime_after_hours"]
                _add(
                    lines,
                    REGULAR,
                    regular,
                    rates.straight,
                    p.labels["straight"],
                    ot_entry,
                )
                _add(lines, OVERTIME_1_5X, weekly_ot, rates.overtime, wk.citation, wk)
                _add(lines, OVERTIME_1_5X, daily_ot, rates.overtime, ot_entry.citation, ot_entry)
                _add(lines, OVERTIME_2X, double, rates.double, dt_entry.citation, dt_entry)
            if worked > 0:
                worked_positions.add(position)

            self._meals(ctx, agreement, day, p, rates, lines)
            self._unworked_pay(ctx, day, worked, p, rates, lines)
            if day.wrap - day.call > p.daily_max:
                dm = e["daily_max_hours"]
                notices.warn(
                    "daily_maximum",
                    f"{day.date.isoformat()}: {format_minutes(day.wrap - day.call)} h from call to "
                    f"wrap exceeds {dm.citation} (unconfirmed)",
                    dm.source,
                    day.date,
                )
            result = DayResult(day.date, worked, settle(lines, rates.denominator))
            agreement.review_day(ctx, day, result)
            results.append(result)
        return results

    def _meals(
        self,
        ctx: Context,
        agreement: AgreementRules,
        day: TimecardDay,
        p: Params,
        rates: DayRates,
        lines: list[Draft],
    ) -> None:
        for i, meal in enumerate(day.meals):
            if meal.minutes < p.meal_min or meal.minutes > p.meal_max:
                entry = p.entries[
                    "meal_min_minutes" if meal.minutes < p.meal_min else "meal_max_minutes"
                ]
                ctx.notices.warn(
                    "meal_length",
                    f"{day.date.isoformat()}: meal {i + 1} ({_clock(meal.start)}–"
                    f"{_clock(meal.end)}) lasts {meal.minutes} min; {entry.citation}"
                    + (" (counted as time worked)" if meal.minutes < p.meal_min else ""),
                    entry.source,
                    day.date,
                )
        penalties = agreement.meal_penalties(ctx, day, rates.straight)
        if penalties is not None:
            lines.extend(penalties)
            return
        premium = p.entries["meal_premium_hours"]
        ctx.notices.applied(p.labels["meals"])
        violations = meal_violations(day, p.meal_period, p.meal_min)
        if not violations:
            return
        count = min(len(violations), p.meal_premiums_per_day)
        late = ", ".join(f"meal {v.ordinal} due {_clock(v.due)}" for v in violations)
        _add(
            lines,
            MEAL_PREMIUM,
            p.meal_premium * count,
            rates.straight,
            f"{premium.citation} ({late}); {p.entries['meal_premiums_per_day'].citation}",
            premium,
        )

    def _unworked_pay(
        self,
        ctx: Context,
        day: TimecardDay,
        worked: int,
        p: Params,
        rates: DayRates,
        lines: list[Draft],
    ) -> None:
        guaranteed = 0
        if ctx.request.rate.unit == "day":
            entry = p.entries["day_rate_hours"]
            guaranteed = max(p.day_rate_minutes - worked, 0)
            _add(
                lines,
                GUARANTEE,
                guaranteed,
                rates.straight,
                f"{entry.scope} day-rate guarantee of {entry.value} straight-time hours "
                "(engine assumption, LC §510(a))",
                entry,
            )
        if day.scheduled_minutes is None:
            return
        frac = p.entries["reporting_time_fraction"]
        ctx.notices.applied(frac.citation)
        half = p.rt_fraction * day.scheduled_minutes
        if worked >= half:
            return
        target = min(max(half, Fraction(p.rt_min)), Fraction(p.rt_max))
        # Minutes are whole; a half-minute target is rounded up in the employee's favour.
        owed = -int(-(target - worked - guaranteed) // 1)
        if owed <= 0:
            return
        for key in (
            "reporting_time_fraction",
            "reporting_time_min_hours",
            "reporting_time_max_hours",
        ):
            if not p.entries[key].confirmed:
                ctx.notices.unconfirmed(p.entries[key], day.date, "reporting-time pay")
        _add(
            lines,
            REPORTING_TIME,
            owed,
            rates.straight,
            f"{frac.citation} (scheduled {format_minutes(day.scheduled_minutes)} h, "
            f"worked {format_minutes(worked)} h)",
            frac,
        )

    # -- minors (LC §1308.7, 8 CCR §11760) -----------------------------------------------------

    def review_minor(self, ctx: Context, days: Sequence[TimecardDay], week_start: date) -> None:
        """Warn where a minor's day or week exceeds the limits for their age band."""
        birth = ctx.request.birth_date
        if birth is None:
            return
        week_minutes = 0
        for day in days:
            bands = ctx.book.minor_bands(ctx.scope, day.date)
            if not bands:
                continue
            band = next(
                (
                    b
                    for b in bands
                    if b.from_age.reached(birth, day.date) and not b.to_age.reached(birth, day.date)
                ),
                None,
            )
            if band is None and bands[0].from_age.reached(birth, day.date):
                continue  # an adult on this date
            ctx.notices.applied(f"{bands[0].scope} 8 CCR §11760 minors' hours by age band")
            book = ctx.book
            daily = book.get(ctx.scope, "minor_daily_max_hours", day.date)
            weekly = book.get(ctx.scope, "minor_weekly_max_hours", day.date)
            start = book.get(ctx.scope, "minor_window_start_hour", day.date)
            end = book.get(ctx.scope, "minor_window_end_hour", day.date)
            worked = _worked(day, params(book, ctx.scope, day.date).meal_min)
            week_minutes += worked

            def warn(message: str, source: str, on: date = day.date) -> None:
                ctx.notices.warn("minor_limit", f"{on.isoformat()}: {message}", source, on)

            if band is None:
                warn(
                    f"a child younger than {bands[0].from_age.amount} days may not be employed "
                    f"({bands[0].cite})",
                    bands[0].source,
                )
                continue
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
            at_place = day.wrap - day.call - sum(m.minutes for m in day.meals)
            if at_place > band.max_at_place_minutes:
                warn(
                    f"{format_minutes(at_place)} h at the place of employment exceeds "
                    f"{format_minutes(band.max_at_place_minutes)} h; {band.cite}",
                    band.source,
                )
            if worked > _minutes(daily):
                warn(f"{format_minutes(worked)} h exceeds {daily.citation}", daily.source)
            if day.call < _minutes(start) or day.wrap > _minutes(end):
                warn(f"{_clock(day.call)}–{_clock(day.wrap)} is outside {end.citation}", end.source)
            if week_minutes > _minutes(weekly) >= week_minutes - worked:
                warn(
                    f"week of {week_start.isoformat()} reaches {format_minutes(week_minutes)} h, "
                    f"over {weekly.citation}",
                    weekly.source,
                )
