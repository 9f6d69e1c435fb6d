"""Invariants of the wage engine, checked with hypothesis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from payroll.domain import calculate, load_rulebook
from payroll.domain.models import WORKED_KINDS, CalcRequest, Meal, Rate, TimecardDay

BOOK = load_rulebook()
MONDAY = date(2026, 3, 2)


@st.composite
def timecard_days(draw: st.DrawFn, on: date) -> TimecardDay:
    call = draw(st.integers(0, 23 * 60 + 59))
    length = draw(st.integers(0, 18 * 60))
    meals: list[Meal] = []
    cursor = call + draw(st.integers(60, 8 * 60))
    while cursor + 20 < call + length and len(meals) < 3 and draw(st.booleans()):
        end = min(cursor + draw(st.integers(15, 75)), call + length)
        meals.append(Meal(cursor, end))
        cursor = end + draw(st.integers(60, 7 * 60))
    scheduled = draw(st.one_of(st.none(), st.integers(4 * 60, 12 * 60)))
    return TimecardDay(on, call, call + length, tuple(meals), scheduled)


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
@given(requests())
def test_paid_hours_equal_hours_worked(request: CalcRequest) -> None:
    """Every worked minute is paid exactly once: regular + 1.5× + 2× minutes = minutes worked."""
    result = calculate(request, BOOK)
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
