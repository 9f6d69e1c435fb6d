"""Productions and talent availability: pure rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ProductionKind(StrEnum):
    COMMERCIAL = "COMMERCIAL"
    FILM = "FILM"
    TV = "TV"
    MUSIC_VIDEO = "MUSIC_VIDEO"
    LIVE_EVENT = "LIVE_EVENT"


class Stage(StrEnum):
    DEVELOPMENT = "DEVELOPMENT"
    PRE_PRODUCTION = "PRE_PRODUCTION"
    PRODUCTION = "PRODUCTION"
    POST_PRODUCTION = "POST_PRODUCTION"
    DELIVERED = "DELIVERED"


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    code: str = "INVALID"


class Invalid(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ProductionDraft:
    title: str
    client: str
    kind: ProductionKind
    timezone: str
    stage: Stage


def validate_production(title: str, client: str, kind: str, timezone: str) -> ProductionDraft:
    """A production needs a title, a known kind and a real IANA time zone (times carry zones)."""
    problems: list[Problem] = []
    clean_title = title.strip()
    if not clean_title:
        problems.append(Problem("title", "must not be empty"))
    elif len(clean_title) > 200:
        problems.append(Problem("title", "at most 200 characters"))
    if len(client) > 200:
        problems.append(Problem("client", "at most 200 characters"))
    if kind not in ProductionKind.__members__:
        problems.append(Problem("kind", f"unknown kind {kind!r}"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("timezone", f"not an IANA time zone: {timezone!r}"))
    if problems:
        raise Invalid(problems)
    return ProductionDraft(
        title=clean_title,
        client=client.strip(),
        kind=ProductionKind(kind),
        timezone=timezone,
        stage=Stage.PRE_PRODUCTION,
    )


@dataclass(frozen=True)
class CalendarEntry:
    """A talent's commitment as scheduling knows it from booking events."""

    booking_id: str
    org_id: str
    production_id: str
    status: str
    dates: frozenset[str]


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
        if entry.booking_id == booking_id or entry.status not in ("ON_HOLD", "BOOKED"):
            continue
        own = entry.org_id == org_id
        for day in sorted(wanted & entry.dates):
            booked = entry.status == "BOOKED"
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
