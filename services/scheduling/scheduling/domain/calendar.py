"""The talent calendar: who is committed on which dates, as scheduling learns it from bookings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ON_HOLD = "ON_HOLD"
BOOKED = "BOOKED"


@dataclass(frozen=True)
class CalendarEntry:
    """One booking's commitment of a talent on dates, as of the booking's `version`."""

    booking_id: str
    org_id: str
    production_id: str
    talent_id: str
    status: str
    dates: frozenset[str]
    version: int
    role_id: str = ""
    role_name: str = ""
    rate_amount: str = "0"
    rate_currency: str = "USD"
    rate_unit: str = "DAY"
    talent_name: str = ""
    is_minor: bool = False  # a minor on the booking's work dates (casting's derivation)


@dataclass(frozen=True)
class Conflict:
    date: str
    reason: str
    booking_id: str
    production_id: str
    blocking: bool


def find_conflicts(
    *,
    org_id: str,
    booking_id: str,
    dates: Iterable[str],
    calendar: Iterable[CalendarEntry],
) -> list[Conflict]:
    """A confirmed booking on the same date blocks; another hold on it is a soft conflict.

    Commitments of another organisation are reported without naming their booking or production.
    """
    wanted = set(dates)
    out: list[Conflict] = []
    for entry in calendar:
        if entry.booking_id == booking_id or entry.status not in (ON_HOLD, BOOKED):
            continue
        own = entry.org_id == org_id
        for day in sorted(wanted & entry.dates):
            booked = entry.status == BOOKED
            reason = ("booked" if booked else "on hold") + ("" if own else " elsewhere")
            out.append(
                Conflict(
                    date=day,
                    reason=reason,
                    booking_id=entry.booking_id if own else "",
                    production_id=entry.production_id if own else "",
                    blocking=booked,
                )
            )
    return sorted(out, key=lambda c: (c.date, not c.blocking))
