"""Turn a decoded JSON calculation request into a `CalcRequest`, naming every bad field."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from payroll.domain.models import (
    CalcRequest,
    FieldError,
    FlatPay,
    InvalidRequest,
    Meal,
    PriorDay,
    Rate,
    RateUnit,
    TimecardDay,
)

NO_AGREEMENT = "none"
RATE_UNITS: tuple[RateUnit, ...] = ("hour", "day")
MINUTES_PER_DAY = 24 * 60

_TIMES: dict[str, int] = {f"{h:02d}:{m:02d}": h * 60 + m for h in range(24) for m in range(60)}


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.items.append(FieldError(field, message))


def json_repr(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else type(value).__name__


def _decimal(value: Any, field: str, errors: _Errors) -> Decimal | None:
    """A decimal string (JSON numbers are refused: they may have lost precision)."""
    if not isinstance(value, str):
        errors.add(field, 'must be a decimal string such as "30.00"')
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        errors.add(field, f"'{value}' is not a decimal number")
        return None
    if not number.is_finite():
        errors.add(field, f"'{value}' is not a finite decimal number")
        return None
    return number


def _date(value: Any, field: str, errors: _Errors) -> date | None:
    """An ISO calendar date; None (already reported) passes through."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.add(field, f"{json_repr(value)} is not a date YYYY-MM-DD")
    return None


def _time(value: Any, field: str, errors: _Errors) -> int | None:
    """A local wall-clock time HH:MM as minutes; None (already reported) passes through."""
    if value is None:
        return None
    minutes = _TIMES.get(value) if isinstance(value, str) else None
    if minutes is None:
        errors.add(field, "must be a local time HH:MM (00:00–23:59)")
    return minutes


def _required(obj: Mapping[str, Any], key: str, field: str, errors: _Errors) -> Any:
    if key not in obj or obj[key] is None:
        errors.add(field, "is required")
        return None
    return obj[key]


def _breaks(
    raw: Any, where: str, call: int, wrap: int, errors: _Errors, what: str = "meal"
) -> tuple[Meal, ...]:
    """A list of {start, end} inside the day (call to wrap), sorted, not overlapping."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.add(where, "must be a list of {start, end}")
        return ()
    breaks: list[tuple[int, Meal]] = []
    for k, item in enumerate(raw):
        at = f"{where}[{k}]"
        if not isinstance(item, Mapping):
            errors.add(at, "must be an object with start and end")
            continue
        start = _time(_required(item, "start", f"{at}.start", errors), f"{at}.start", errors)
        end = _time(_required(item, "end", f"{at}.end", errors), f"{at}.end", errors)
        if start is None or end is None:
            continue
        # Times earlier than the call fall after midnight.
        start += MINUTES_PER_DAY if start < call else 0
        end += MINUTES_PER_DAY if end < call else 0
        if end <= start:
            errors.add(f"{at}.end", f"must be after the {what}'s start")
        elif start < call or end > wrap:
            errors.add(
                f"{at}.start" if start < call else f"{at}.end", "is outside the day (call to wrap)"
            )
        else:
            breaks.append((k, Meal(start, end)))
    breaks.sort(key=lambda km: km[1].start)
    for (_, before), (k, after) in itertools.pairwise(breaks):
        if after.start < before.end:
            errors.add(f"{where}[{k}].start", f"overlaps another {what}")
    return tuple(m for _, m in breaks)


def _hours(value: Any, field: str, errors: _Errors, *, zero: bool = False) -> int | None:
    """Hours as a decimal string of whole minutes, more than 0 (or at least 0) and at most 24."""
    hours = _decimal(value, field, errors)
    if hours is None:
        return None
    low_ok = hours >= 0 if zero else hours > 0
    if not low_ok or hours > 24 or (hours * 60) != (hours * 60).to_integral_value():
        errors.add(field, "must be whole minutes between 0 and 24 hours")
        return None
    return int(hours * 60)


def _bool(raw: Mapping[str, Any], key: str, field: str, errors: _Errors) -> bool | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        errors.add(field, "must be true or false")
        return None
    return value


def _day(raw: Any, index: int, errors: _Errors) -> TimecardDay | None:
    at = f"days[{index}]"
    if not isinstance(raw, Mapping):
        errors.add(at, "must be an object with date, call, wrap and meals")
        return None
    before = len(errors.items)
    when = _date(_required(raw, "date", f"{at}.date", errors), f"{at}.date", errors)
    call = _time(_required(raw, "call", f"{at}.call", errors), f"{at}.call", errors)
    wrap = _time(_required(raw, "wrap", f"{at}.wrap", errors), f"{at}.wrap", errors)
    if call is None or wrap is None:
        return None
    if wrap < call:  # a wrap earlier than the call ran past midnight
        wrap += MINUTES_PER_DAY
    meals = _breaks(raw.get("meals"), f"{at}.meals", call, wrap, errors)
    rests: tuple[Meal, ...] | None = None
    if raw.get("rest_breaks") is not None:
        rests = _breaks(raw["rest_breaks"], f"{at}.rest_breaks", call, wrap, errors, "rest break")
        for k, rest in enumerate(rests):
            if any(m.start < rest.end and rest.start < m.end for m in meals):
                errors.add(f"{at}.rest_breaks[{k}]", "overlaps a meal")
    if wrap == call and raw.get("scheduled_hours") is None:
        # 0 h or 24 h? A workday is 24 hours (LC §500(a)): a shift that long is two timecard
        # days. With scheduled_hours it means sent home on arrival (reporting time, WO §5).
        errors.add(
            f"{at}.wrap",
            "equals the call: a 24-hour shift must be entered as two days split at the workday "
            "boundary; for a worker sent home on arrival give scheduled_hours",
        )
    scheduled: int | None = None
    if raw.get("scheduled_hours") is not None:
        scheduled = _hours(raw["scheduled_hours"], f"{at}.scheduled_hours", errors)
    school = _bool(raw, "school_day", f"{at}.school_day", errors)
    school_next = _bool(raw, "school_next_day", f"{at}.school_next_day", errors)
    if when is None or len(errors.items) > before:
        return None
    return TimecardDay(when, call, wrap, meals, scheduled, school, index, rests, school_next)


def parse_request(
    raw: Any, *, jurisdictions: Sequence[str], agreements: Sequence[str]
) -> CalcRequest:
    """Validate the JSON request; raise `InvalidRequest` listing every bad field."""
    errors = _Errors()
    if not isinstance(raw, Mapping):
        raise InvalidRequest([FieldError("", "the request must be a JSON object")])

    location = _required(raw, "work_location", "work_location", errors)
    if location is not None and location not in jurisdictions:
        errors.add(
            "work_location",
            f"unknown work location '{location}'; known: {', '.join(jurisdictions)}",
        )
    agreement = raw.get("agreement", NO_AGREEMENT)
    if agreement != NO_AGREEMENT and agreement not in agreements:
        known = ", ".join([NO_AGREEMENT, *agreements])
        errors.add("agreement", f"unknown agreement '{agreement}'; known: {known}")

    rate: Rate | None = None
    raw_rate = _required(raw, "rate", "rate", errors)
    if raw_rate is not None:
        if not isinstance(raw_rate, Mapping):
            errors.add("rate", "must be an object with unit and amount")
        else:
            unit = _required(raw_rate, "unit", "rate.unit", errors)
            if unit is not None and unit not in RATE_UNITS:
                errors.add("rate.unit", f"must be one of {', '.join(RATE_UNITS)}")
            amount = _required(raw_rate, "amount", "rate.amount", errors)
            number = None if amount is None else _decimal(amount, "rate.amount", errors)
            if number is not None and number <= 0:
                errors.add("rate.amount", "must be greater than zero")
            elif number is not None and unit in RATE_UNITS:
                rate = Rate(unit, number)

    week_start = _date(
        _required(raw, "workweek_start", "workweek_start", errors), "workweek_start", errors
    )

    fee = Decimal(0)
    if raw.get("agent_fee_percent") is not None:
        parsed = _decimal(raw["agent_fee_percent"], "agent_fee_percent", errors)
        if parsed is not None and not 0 <= parsed <= 100:
            errors.add("agent_fee_percent", "must be between 0 and 100")
        elif parsed is not None:
            fee = parsed

    birth: date | None = None
    if raw.get("birth_date") is not None:
        birth = _date(raw["birth_date"], "birth_date", errors)

    days: list[TimecardDay] = []
    raw_days = _required(raw, "days", "days", errors)
    if raw_days is not None:
        if not isinstance(raw_days, list) or not raw_days:
            errors.add("days", "must be a non-empty list of timecard days")
        else:
            index: dict[date, int] = {}
            for i, item in enumerate(raw_days):
                day = _day(item, i, errors)
                if day is None:
                    continue
                if day.date in index:
                    errors.add(f"days[{i}].date", f"repeats days[{index[day.date]}].date")
                    continue
                if birth is not None and day.date <= birth:
                    errors.add("birth_date", f"must be before days[{i}].date")
                index[day.date] = i
                days.append(day)
            days.sort(key=lambda d: d.date)
            for before, after in itertools.pairwise(days):
                gap = (after.date - before.date).days * 24 * 60
                if after.call + gap < before.wrap:
                    errors.add(
                        f"days[{index[after.date]}].call", "is before the previous day's wrap"
                    )

    prior = _prior_days(raw.get("prior_days"), {d.date for d in days}, errors)
    workday_start: int | None = None
    if raw.get("workday_start") is not None:
        workday_start = _time(raw["workday_start"], "workday_start", errors)
    flat = _flat_pay(raw.get("non_discretionary_pay"), errors)

    if errors.items:
        raise InvalidRequest(errors.items)
    assert location is not None
    assert rate is not None
    assert week_start is not None
    return CalcRequest(
        work_location=location,
        agreement=agreement,
        rate=rate,
        workweek_start=week_start,
        days=tuple(days),
        agent_fee_percent=fee,
        birth_date=birth,
        prior_days=prior,
        workday_start=workday_start,
        non_discretionary_pay=flat,
    )


def _prior_days(raw: Any, taken: set[date], errors: _Errors) -> tuple[PriorDay, ...]:
    """`prior_days`: [{date, hours_worked}] of the same workweeks, paid by an earlier pay run."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.add("prior_days", "must be a list of {date, hours_worked}")
        return ()
    out: list[PriorDay] = []
    seen: dict[date, int] = {}
    for i, item in enumerate(raw):
        at = f"prior_days[{i}]"
        if not isinstance(item, Mapping):
            errors.add(at, "must be an object with date and hours_worked")
            continue
        when = _date(_required(item, "date", f"{at}.date", errors), f"{at}.date", errors)
        value = _required(item, "hours_worked", f"{at}.hours_worked", errors)
        minutes = None if value is None else _hours(value, f"{at}.hours_worked", errors, zero=True)
        if when is None or minutes is None:
            continue
        if when in taken:
            errors.add(f"{at}.date", "is also in days: a day is paid once")
        elif when in seen:
            errors.add(f"{at}.date", f"repeats prior_days[{seen[when]}].date")
        else:
            seen[when] = i
            out.append(PriorDay(when, minutes, i))
    return tuple(sorted(out))


def _flat_pay(raw: Any, errors: _Errors) -> tuple[FlatPay, ...]:
    """`non_discretionary_pay`: [{amount, description?}] earned over the request's days."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.add("non_discretionary_pay", "must be a list of {amount, description}")
        return ()
    out: list[FlatPay] = []
    for i, item in enumerate(raw):
        at = f"non_discretionary_pay[{i}]"
        if not isinstance(item, Mapping):
            errors.add(at, "must be an object with amount and description")
            continue
        value = _required(item, "amount", f"{at}.amount", errors)
        amount = None if value is None else _decimal(value, f"{at}.amount", errors)
        description = item.get("description", "")
        if not isinstance(description, str):
            errors.add(f"{at}.description", "must be a string")
            continue
        if amount is not None and amount <= 0:
            errors.add(f"{at}.amount", "must be greater than zero")
        elif amount is not None:
            out.append(FlatPay(amount, description, i))
    return tuple(out)
