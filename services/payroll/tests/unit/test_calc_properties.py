"""Invariants of the wage engine, checked with hypothesis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from payroll.domain import calculate, load_rulebook
from payroll.domain.models import (
    WORKED_KINDS,
    CalcRequest,
    Meal,
    PriorDay,
    Rate,
    TimecardDay,
    settle_day,
)
from payroll.domain.money import allocate

BOOK = load_rulebook()
MONDAY = date(2026, 3, 2)
LA_CITY = "US-CA-LOS-ANGELES-CITY"


@st.composite
def timecard_days(draw: st.DrawFn, on: date) -> TimecardDay:
    """A shift with breaks of 15–75 min (short breaks are time worked; longer than an hour they
    split the shift) and a 4-hour gap now and then, rests recorded or not, reporting time or not."""
    call = draw(st.integers(0, 23 * 60 + 59))
    length = draw(st.integers(0, 18 * 60))
    wrap = call + length
    meals: list[Meal] = []
    cursor = call + draw(st.integers(60, 8 * 60))
    while cursor + 20 < wrap and len(meals) < 3 and draw(st.booleans()):
        end = min(cursor + draw(st.sampled_from([15, 20, 30, 45, 60, 75, 240])), wrap)
        meals.append(Meal(cursor, end))
        cursor = end + draw(st.integers(60, 7 * 60))
    rests: tuple[Meal, ...] | None = None
    if draw(st.booleans()):
        free = [
            Meal(s, s + 10)
            for s in range(call + 90, wrap - 10, 150)
            if all(s + 10 <= m.start or s >= m.end for m in meals)
        ]
        rests = tuple(m for m in free if draw(st.booleans()))
    scheduled = draw(st.one_of(st.none(), st.integers(4 * 60, 12 * 60)))
    return TimecardDay(on, call, wrap, tuple(meals), scheduled, None, 0, rests)


@st.composite
def requests(draw: st.DrawFn, max_days: int = 21) -> CalcRequest:
    offsets = draw(
        st.lists(st.integers(0, max_days - 1), min_size=1, max_size=max_days, unique=True)
    )
    days = tuple(draw(timecard_days(MONDAY + timedelta(days=o))) for o in sorted(offsets))
    unit = draw(st.sampled_from(["hour", "day"]))
    cents = draw(st.integers(1800, 20000)) * (8 if unit == "day" else 1)
    return CalcRequest(
        work_location=draw(st.sampled_from(["US-CA", "US-CA-LOS-ANGELES-CITY"])),
        agreement=draw(st.sampled_from(["none", "sag-aftra-commercials"])),
        rate=Rate(unit, Decimal(cents) / 100),
        workweek_start=MONDAY - timedelta(days=draw(st.integers(0, 6))),
        days=days,
    )


@settings(max_examples=300, deadline=None)
@given(requests(), st.one_of(st.none(), st.integers(0, 24 * 60 - 1)))
def test_paid_hours_equal_hours_worked(request: CalcRequest, workday_start: int | None) -> None:
    """Every worked minute is paid exactly once: regular + 1.5× + 2× minutes = minutes worked,
    whether shifts count on the day they began or are cut at a fixed workday start (LC §500)."""
    result = calculate(replace(request, workday_start=workday_start), BOOK)
    if workday_start is not None:
        plain = calculate(request, BOOK)
        assert result.totals.minutes_worked == plain.totals.minutes_worked
    for day in result.days:
        paid = sum(line.minutes for line in day.lines if line.kind in WORKED_KINDS)
        assert paid == day.minutes_worked
        assert all(line.rule and line.source.startswith("http") for line in day.lines)
    t = result.totals
    assert t.regular_minutes + t.overtime_1_5x_minutes + t.overtime_2x_minutes == t.minutes_worked


@settings(max_examples=300, deadline=None)
@given(requests(), st.data())
def test_gross_never_decreases_when_a_day_gets_longer(
    request: CalcRequest, data: st.DataObject
) -> None:
    """A later wrap on any day never lowers gross pay."""
    index = data.draw(st.integers(0, len(request.days) - 1))
    extra = data.draw(st.integers(1, 6 * 60))
    day = request.days[index]
    longer = day._replace(wrap=day.wrap + extra)
    days = (*request.days[:index], longer, *request.days[index + 1 :])
    before = calculate(request, BOOK).totals.gross_cents
    after = calculate(replace(request, days=days), BOOK).totals.gross_cents
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(requests(max_days=28))
def test_splitting_a_request_into_its_workweeks_gives_the_same_total(request: CalcRequest) -> None:
    """Fixed workweeks are independent (LC §500(b)): the parts add up to the whole, to the cent."""
    whole = calculate(request, BOOK)
    weeks: dict[int, list[TimecardDay]] = {}
    for day in request.days:
        weeks.setdefault((day.date - request.workweek_start).days // 7, []).append(day)
    parts = [calculate(replace(request, days=tuple(days)), BOOK) for days in weeks.values()]
    assert sum(p.totals.gross_cents for p in parts) == whole.totals.gross_cents
    assert sum(p.totals.minutes_worked for p in parts) == whole.totals.minutes_worked
    assert [d for p in parts for d in p.days] == list(whole.days)


@settings(max_examples=200, deadline=None)
@given(requests())
def test_every_worked_hour_is_paid_at_least_the_regular_rate(request: CalcRequest) -> None:
    """Overtime only ever adds: each worked line's rate is at least the regular rate."""
    result = calculate(request, BOOK)
    regular = Fraction(request.rate.amount) / (1 if request.rate.unit == "hour" else 8)
    for day in result.days:
        assert all(line.rate >= regular for line in day.lines if line.kind in WORKED_KINDS)
        exact = sum(line.rate * line.minutes for line in day.lines if line.kind in WORKED_KINDS)
        assert exact >= regular * day.minutes_worked


@settings(max_examples=200, deadline=None)
@given(requests(max_days=14), st.data())
def test_a_workweek_split_between_two_pay_runs_pays_the_same_with_prior_days(
    request: CalcRequest, data: st.DataObject
) -> None:
    """LC §500(b), §510(a): when a pay run passes the days an earlier run paid (hours only) as
    prior_days, weekly overtime and the 7th day come out as if both runs were one request.

    Except where the Los Angeles City minimum wage's coverage (LAMC §187.01: 2 hours in the week
    within the City) is reached only by the later run's days: the earlier run could not know
    them and paid its days of that week under the state minimum (docs/payroll-engine.md, 11)."""
    if len(request.days) < 2:
        return
    cut = data.draw(st.integers(1, len(request.days) - 1))
    later = request.days[cut:]
    weeks = {(d.date - request.workweek_start).days // 7 for d in later}
    whole = calculate(request, BOOK)
    if request.work_location == LA_CITY:
        covered = BOOK.get(LA_CITY, "minimum_wage_min_weekly_hours", MONDAY).value * 60
        for week in weeks:
            minutes = [
                (i < cut, d.minutes_worked)
                for i, d in enumerate(whole.days)
                if (d.date - request.workweek_start).days // 7 == week
            ]
            before = sum(m for earlier, m in minutes if earlier)
            assume(not before < covered <= sum(m for _, m in minutes))
    first = calculate(replace(request, days=request.days[:cut]), BOOK)
    prior = tuple(
        PriorDay(d.date, d.minutes_worked)
        for d in first.days
        if (d.date - request.workweek_start).days // 7 in weeks
    )
    second = calculate(replace(request, days=later, prior_days=prior), BOOK)
    assert [*first.days, *second.days] == list(whole.days)
    assert first.totals.gross_cents + second.totals.gross_cents == whole.totals.gross_cents


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.tuples(st.lists(st.integers(0, 10**9), min_size=1, max_size=5), st.integers(1, 10**6)),
        # small numbers: equal remainders, so the tie rule (earlier line first) is exercised
        st.tuples(st.lists(st.integers(0, 12), min_size=1, max_size=5), st.integers(1, 8)),
    )
)
def test_settling_a_day_rounds_its_total_once_and_shares_it_by_largest_remainder(
    case: tuple[list[int], int],
) -> None:
    """The one-, two- and three-line fast paths of settle_day give the same cents as `allocate`,
    and the lines add up to the day's total rounded once, half-up."""
    units, denominator = case
    drafts = [("regular", 60, Fraction(1), u, "rule", "https://x") for u in units]
    day = settle_day(MONDAY, 60, drafts, denominator)
    assert [line.cents for line in day.lines] == allocate(units, denominator)
    assert day.cents == sum(line.cents for line in day.lines)
    assert day.cents == (200 * sum(units) + denominator) // (2 * denominator)
