"""Conflicts of a person's calls across the organisation's shoot days: a turnaround under 12
hours between one day's wrap and the next call, a minor worked outside the hours allowed on a
shoot day, and the same talent on two shoot days of different productions on one date.

Times are compared as aware datetimes in each production's own zone, so a wrap in Los Angeles and
a call in New York the next morning are measured in real elapsed hours.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TURNAROUND = "TURNAROUND"
MINOR_HOURS = "MINOR_HOURS"
DOUBLE_BOOKED = "DOUBLE_BOOKED"

MIN_TURNAROUND = dt.timedelta(hours=12)
# A minor may work 5 a.m. to 10 p.m. on a shoot day, to 12:30 a.m. before a non-school day
# (California Labor Code §1308.7(a), as payroll's California rules apply it).
MINOR_EARLIEST = dt.time(5, 0)
MINOR_LATEST = dt.time(22, 0)
MINOR_LATEST_BEFORE_NON_SCHOOL_DAY = dt.time(0, 30)  # the next calendar day


@dataclass(frozen=True)
class PersonDay:
    """A person's working span on one shoot day: their call to the day's estimated wrap, in the
    production's zone (HH:MM; a wrap at or before the call is after midnight)."""

    talent_id: str
    day_id: str
    production_id: str
    date: str
    call_time: str
    wrap_time: str
    timezone: str

    # In UTC: Python subtracts two datetimes of one zone on the wall clock, which would make
    # the night the clocks spring forward an hour longer than it is.
    @property
    def start(self) -> dt.datetime:
        return _at(self.date, self.call_time, self.timezone).astimezone(dt.UTC)

    @property
    def end(self) -> dt.datetime:
        call = _at(self.date, self.call_time, self.timezone)
        end = _at(self.date, self.wrap_time, self.timezone)
        if end <= call:
            end += dt.timedelta(days=1)
        return end.astimezone(dt.UTC)


@dataclass(frozen=True)
class ScheduleConflict:
    kind: str
    talent_id: str
    day_id: str
    date: str
    message: str
    other_day_id: str = ""
    other_production_id: str = ""


def _at(day: str, hhmm: str, zone: str) -> dt.datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hours, minutes), tzinfo=ZoneInfo(zone)
    )


def _hours(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}"


def is_school_day(day: dt.date, non_school_dates: frozenset[str] = frozenset()) -> bool:
    """Weekdays are school days unless listed (holidays, vacations)."""
    return day.weekday() < 5 and day.isoformat() not in non_school_dates


def turnaround_conflicts(days: Iterable[PersonDay]) -> list[ScheduleConflict]:
    """Each pair of one person's consecutive spans with less than 12 hours between the earlier
    wrap and the later call, reported on both days (each sheet shows it)."""
    by_person: dict[str, list[PersonDay]] = {}
    for d in days:
        by_person.setdefault(d.talent_id, []).append(d)
    out: list[ScheduleConflict] = []
    for talent, spans in by_person.items():
        spans.sort(key=lambda d: d.start)
        for before, after in itertools.pairwise(spans):
            if before.date == after.date:
                continue  # two days on one date are a double booking, not a short turnaround
            rest = after.start - before.end
            if rest >= MIN_TURNAROUND:
                continue
            gap = _hours(max(rest, dt.timedelta(0)))
            out.append(
                ScheduleConflict(
                    TURNAROUND,
                    talent,
                    after.day_id,
                    after.date,
                    f"turnaround of {gap} after the wrap of {before.date} (12h needed)",
                    before.day_id,
                    before.production_id,
                )
            )
            out.append(
                ScheduleConflict(
                    TURNAROUND,
                    talent,
                    before.day_id,
                    before.date,
                    f"turnaround of {gap} before the call of {after.date} (12h needed)",
                    after.day_id,
                    after.production_id,
                )
            )
    return out


def minor_hours_conflicts(
    day: PersonDay, non_school_dates: frozenset[str] = frozenset()
) -> list[ScheduleConflict]:
    """A minor's span outside 5 a.m.-10 p.m. of the shoot day (12:30 a.m. before a non-school
    day)."""
    tz = ZoneInfo(day.timezone)
    on = dt.date.fromisoformat(day.date)
    earliest = dt.datetime.combine(on, MINOR_EARLIEST, tzinfo=tz)
    following = on + dt.timedelta(days=1)
    if is_school_day(following, non_school_dates):
        latest = dt.datetime.combine(on, MINOR_LATEST, tzinfo=tz)
        limit = "10:00 p.m."
    else:
        latest = dt.datetime.combine(following, MINOR_LATEST_BEFORE_NON_SCHOOL_DAY, tzinfo=tz)
        limit = "12:30 a.m. (before a non-school day)"
    problems = []
    if day.start < earliest.astimezone(dt.UTC):
        problems.append(f"a minor called at {day.call_time}, before 5:00 a.m.")
    if day.end > latest.astimezone(dt.UTC):
        problems.append(f"a minor wrapping at {day.wrap_time}, after {limit}")
    return [
        ScheduleConflict(MINOR_HOURS, day.talent_id, day.day_id, day.date, message)
        for message in problems
    ]


def double_bookings(days: Iterable[PersonDay]) -> list[ScheduleConflict]:
    """One talent on shoot days of two productions on the same date, reported on each."""
    by_key: dict[tuple[str, str], list[PersonDay]] = {}
    for d in days:
        by_key.setdefault((d.talent_id, d.date), []).append(d)
    out: list[ScheduleConflict] = []
    for (talent, on), same in by_key.items():
        for d in same:
            for other in same:
                if other.production_id != d.production_id:
                    out.append(
                        ScheduleConflict(
                            DOUBLE_BOOKED,
                            talent,
                            d.day_id,
                            on,
                            f"also called on {on} by another production",
                            other.day_id,
                            other.production_id,
                        )
                    )
    return out


def conflicts_of_day(
    day_id: str,
    people: Sequence[PersonDay],
    minors: frozenset[str],
    non_school_dates: frozenset[str] = frozenset(),
) -> list[ScheduleConflict]:
    """The conflicts touching one shoot day, from the spans of everyone it calls across the
    organisation's shoot days (`people`), `minors` the talent booked as minors."""
    found = turnaround_conflicts(people) + double_bookings(people)
    for d in people:
        if d.day_id == day_id and d.talent_id in minors:
            found.extend(minor_hours_conflicts(d, non_school_dates))
    mine = [c for c in found if c.day_id == day_id]
    return sorted(set(mine), key=lambda c: (c.talent_id, c.kind, c.message))
