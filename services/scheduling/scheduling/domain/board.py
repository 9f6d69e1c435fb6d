"""A production's stripboard: its scenes, cast and side constraints as an optimiser instance
(the JSON `slate schedule stripboard` reads), and the shooting calendar that maps shoot-day
numbers to dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from slate_domain import Invalid, Problem

from scheduling.domain.shoot import CastMember, Location, RoleInfo, Scene, day_rate_cents

TIME_LIMIT_S = 10.0


@dataclass(frozen=True)
class ShootingCalendar:
    """Shoot days from `start`, skipping `non_shooting` dates (and weekends when asked)."""

    start: date
    non_shooting: frozenset[date] = frozenset()
    skip_weekends: bool = False

    def shooting(self, day: date) -> bool:
        return day not in self.non_shooting and not (self.skip_weekends and day.weekday() >= 5)

    def dates(self, count: int) -> list[date]:
        """The first `count` shooting dates from the start."""
        out: list[date] = []
        day = self.start
        while len(out) < count:
            if self.shooting(day):
                out.append(day)
            day += timedelta(days=1)
        return out


@dataclass(frozen=True)
class Actor:
    """One column of the board: a booked talent, or a role nobody is booked on yet."""

    key: str  # "talent:<id>" or "role:<id>"
    day_cost: int  # minor units of the currency a day

    @property
    def talent_id(self) -> str | None:
        return self.key.removeprefix("talent:") if self.key.startswith("talent:") else None


@dataclass(frozen=True)
class Board:
    """The optimiser's instance of a production, with what its indices stand for."""

    scene_ids: tuple[str, ...]
    actors: tuple[Actor, ...]
    instance: dict[str, Any]
    dates: tuple[date, ...]  # shoot day t is dates[t] (when a start date was given)


def actors_of(
    scenes: Sequence[Scene], roles: Mapping[str, RoleInfo], cast: Iterable[CastMember]
) -> tuple[list[Actor], dict[str, list[int]]]:
    """The board's actors and, per role, the actors playing it: each talent booked on a
    role the scenes need (at their booking's day rate, the dearest if booked twice), or the
    role itself at its announced rate while nobody is booked on it."""
    booked: dict[str, list[CastMember]] = {}
    for member in cast:
        booked.setdefault(member.role_id, []).append(member)
    actors: dict[str, int] = {}
    of_role: dict[str, list[int]] = {}
    for scene in scenes:
        for role_id in scene.role_ids:
            if role_id in of_role:
                continue
            keys: list[tuple[str, int]] = []
            if booked.get(role_id):
                keys = [(f"talent:{m.talent_id}", day_rate_cents(m.rate)) for m in booked[role_id]]
            elif role_id in roles:
                keys = [(f"role:{role_id}", day_rate_cents(roles[role_id].rate))]
            for key, cost in keys:
                actors[key] = max(actors.get(key, 0), cost)
            of_role[role_id] = [list(actors).index(k) for k, _ in keys]
    return [Actor(k, c) for k, c in actors.items()], of_role


def build_board(
    *,
    scenes: Sequence[Scene],
    locations: Mapping[str, Location],
    roles: Mapping[str, RoleInfo],
    cast: Iterable[CastMember],
    calendar: ShootingCalendar | None,
    unavailable: Mapping[str, Iterable[date]] = {},
) -> Board:
    """The instance: scenes with their actors' day costs; a scene's fixed date as a pin on its
    shoot day; each keep-together location's scenes as a group; each booked talent's
    unavailable dates as shoot days they cannot work. Problems name the input field."""
    problems: list[Problem] = []
    if not scenes:
        raise Invalid([Problem("productionId", "the production has no scenes")])
    actors, of_role = actors_of(scenes, roles, cast)
    total = sum(s.duration for s in scenes)
    dates = tuple(calendar.dates(total)) if calendar is not None else ()
    day_of = {d: t for t, d in enumerate(dates)}
    pinned: list[dict[str, int]] = []
    for i, scene in enumerate(scenes):
        if scene.fixed_date is None:
            continue
        if calendar is None:
            problems.append(Problem("startDate", f"scene {scene.number} is fixed to a date"))
            continue
        fixed = date.fromisoformat(scene.fixed_date)
        if fixed < calendar.start:
            problems.append(
                Problem("startDate", f"scene {scene.number} is fixed to {fixed}, before the start")
            )
        elif not calendar.shooting(fixed):
            problems.append(
                Problem("nonShootingDates", f"scene {scene.number} is fixed to {fixed}")
            )
        elif fixed not in day_of:
            problems.append(
                Problem("fixedDate", f"scene {scene.number}: {fixed} is after the last shoot day")
            )
        else:
            pinned.append({"scene": i, "day": day_of[fixed]})
    if problems:
        raise Invalid(problems)
    index = {s.id: i for i, s in enumerate(scenes)}
    together = [
        [index[s.id] for s in scenes if s.location_id == loc.id]
        for loc in locations.values()
        if loc.keep_together
    ]
    blocked: list[dict[str, Any]] = []
    for a, actor in enumerate(actors):
        talent = actor.talent_id
        if talent is None:
            continue
        days = sorted({day_of[d] for d in unavailable.get(talent, ()) if d in day_of})
        if days:
            blocked.append({"actor": a, "days": days})
    instance: dict[str, Any] = {
        "scenes": [
            {
                "duration": s.duration,
                "actors": sorted({a for r in s.role_ids for a in of_role.get(r, [])}),
            }
            for s in scenes
        ],
        "actor_costs": [a.day_cost for a in actors],
        "time_limit_s": TIME_LIMIT_S,
    }
    if pinned:
        instance["pinned"] = pinned
    if any(len(g) > 1 for g in together):
        instance["together"] = [g for g in together if len(g) > 1]
    if blocked:
        instance["unavailable"] = blocked
    return Board(tuple(s.id for s in scenes), tuple(actors), instance, dates)


def schedule_days(
    order: Sequence[Scene], calendar: ShootingCalendar
) -> list[tuple[date, list[Scene]]]:
    """The shoot days of scenes shot in `order` from the calendar's start: a scene of d days
    takes the next d shooting dates. A scene fixed to a date that this order does not put it
    on is a problem on `sceneIds`."""
    dates = calendar.dates(sum(s.duration for s in order))
    out: list[tuple[date, list[Scene]]] = []
    t = 0
    problems: list[Problem] = []
    for scene in order:
        if scene.fixed_date is not None and dates[t].isoformat() != scene.fixed_date:
            problems.append(
                Problem(
                    "sceneIds",
                    f"scene {scene.number} is fixed to {scene.fixed_date}, "
                    f"this order starts it on {dates[t]}",
                )
            )
        for _ in range(scene.duration):
            out.append((dates[t], [scene]))
            t += 1
    if problems:
        raise Invalid(problems)
    return out
