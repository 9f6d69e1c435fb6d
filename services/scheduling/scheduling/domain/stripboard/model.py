"""Talent scheduling instances, their side constraints, and validation of raw input.

Input (DESIGN.md, `slate schedule stripboard`), with the optional side constraints:

    {"scenes": [{"duration": d, "actors": [i, ...]}, ...], "actor_costs": [c, ...],
     "time_limit_s": 30,
     "pinned": [{"scene": s, "position": p} | {"scene": s, "day": t}, ...],
     "together": [[s, s', ...], ...],
     "unavailable": [{"actor": i, "days": [t, ...]}, ...]}

Indices, positions and days are 0-based; a scene occupies days [start, start + duration).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

DEFAULT_TIME_LIMIT_S = 30.0  # a cap: most instances are proved in well under a second


@dataclass(frozen=True)
class Scene:
    duration: int
    actors: tuple[int, ...]


@dataclass(frozen=True)
class Pin:
    """Scene `scene` is shot at 0-based `position` in the order, or starts on 0-based `day`."""

    scene: int
    position: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class Constraints:
    pins: tuple[Pin, ...] = ()
    together: tuple[tuple[int, ...], ...] = ()
    unavailable: Mapping[int, frozenset[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.pins and not self.together and not any(self.unavailable.values())


@dataclass(frozen=True)
class Instance:
    scenes: tuple[Scene, ...]
    actor_costs: tuple[int, ...]
    constraints: Constraints = field(default_factory=Constraints)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class InvalidInstanceError(ValueError):
    """Raised with every problem found in the input, each naming its field."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = tuple(errors)


class InfeasibleError(ValueError):
    """The side constraints admit no order of the scenes."""


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_scenes(raw: object, n_actors: int, errors: list[FieldError]) -> list[Scene]:
    if not isinstance(raw, list):
        errors.append(FieldError("scenes", "must be a list of scenes"))
        return []
    if not raw:
        errors.append(FieldError("scenes", "must contain at least one scene"))
        return []
    scenes: list[Scene] = []
    for i, item in enumerate(raw):
        where = f"scenes[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(where, "must be an object with duration and actors"))
            continue
        duration = item.get("duration")
        if not _is_int(duration):
            errors.append(FieldError(f"{where}.duration", "must be an integer"))
            duration = 1
        elif duration < 1:
            errors.append(FieldError(f"{where}.duration", f"must be at least 1, got {duration}"))
        actors = item.get("actors")
        if not isinstance(actors, list):
            errors.append(FieldError(f"{where}.actors", "must be a list of actor indices"))
            actors = []
        seen: set[int] = set()
        for j, actor in enumerate(actors):
            if not _is_int(actor) or not 0 <= actor < n_actors:
                errors.append(
                    FieldError(
                        f"{where}.actors[{j}]",
                        f"must be an actor index in 0..{n_actors - 1}, got {actor!r}",
                    )
                )
            elif actor in seen:
                errors.append(FieldError(f"{where}.actors[{j}]", f"actor {actor} listed twice"))
            else:
                seen.add(actor)
        scenes.append(Scene(int(duration), tuple(sorted(seen))))
    return scenes


def _parse_costs(raw: object, errors: list[FieldError]) -> list[int]:
    if not isinstance(raw, list):
        errors.append(FieldError("actor_costs", "must be a list of daily costs"))
        return []
    costs: list[int] = []
    for j, cost in enumerate(raw):
        if not _is_int(cost) or cost < 0:
            errors.append(FieldError(f"actor_costs[{j}]", f"must be an integer >= 0, got {cost!r}"))
            costs.append(0)
        else:
            costs.append(cost)
    return costs


def _scene_index(raw: object, n: int, where: str, errors: list[FieldError]) -> int | None:
    if not _is_int(raw) or not 0 <= raw < n:
        errors.append(FieldError(where, f"must be a scene index in 0..{n - 1}, got {raw!r}"))
        return None
    return raw


def _parse_pins(raw: object, n: int, errors: list[FieldError]) -> list[Pin]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.append(FieldError("pinned", "must be a list of {scene, position|day}"))
        return []
    pins: list[Pin] = []
    pinned: set[int] = set()
    for i, item in enumerate(raw):
        where = f"pinned[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(where, "must be an object {scene, position|day}"))
            continue
        scene = _scene_index(item.get("scene"), n, f"{where}.scene", errors)
        if scene is not None and scene in pinned:
            errors.append(FieldError(f"{where}.scene", f"scene {scene} is pinned twice"))
        if ("position" in item) == ("day" in item):
            errors.append(FieldError(where, "give exactly one of position or day"))
            continue
        key = "position" if "position" in item else "day"
        value = item[key]
        if not _is_int(value) or value < 0 or (key == "position" and value >= n):
            errors.append(FieldError(f"{where}.{key}", f"out of range: {value!r}"))
            continue
        if scene is not None:
            pinned.add(scene)
            pins.append(
                Pin(scene, value if key == "position" else None, value if key == "day" else None)
            )
    return pins


def _parse_together(raw: object, n: int, errors: list[FieldError]) -> list[tuple[int, ...]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.append(FieldError("together", "must be a list of lists of scene indices"))
        return []
    groups: list[tuple[int, ...]] = []
    grouped: set[int] = set()
    for g, group in enumerate(raw):
        if not isinstance(group, list):
            errors.append(FieldError(f"together[{g}]", "must be a list of scene indices"))
            continue
        members: list[int] = []
        for k, item in enumerate(group):
            scene = _scene_index(item, n, f"together[{g}][{k}]", errors)
            if scene is None:
                continue
            if scene in grouped:
                errors.append(FieldError(f"together[{g}][{k}]", f"scene {scene} is in two groups"))
                continue
            grouped.add(scene)
            members.append(scene)
        if len(members) > 1:
            groups.append(tuple(sorted(members)))
    return groups


def _parse_unavailable(
    raw: object, n_actors: int, errors: list[FieldError]
) -> dict[int, frozenset[int]]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        errors.append(FieldError("unavailable", "must be a list of {actor, days}"))
        return {}
    out: dict[int, set[int]] = {}
    for i, item in enumerate(raw):
        where = f"unavailable[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(where, "must be an object {actor, days}"))
            continue
        actor = item.get("actor")
        if not _is_int(actor) or not 0 <= actor < n_actors:
            errors.append(FieldError(f"{where}.actor", f"must be an actor index, got {actor!r}"))
            continue
        days = item.get("days")
        if not isinstance(days, list):
            errors.append(FieldError(f"{where}.days", "must be a list of 0-based day numbers"))
            continue
        for k, day in enumerate(days):
            if not _is_int(day) or day < 0:
                errors.append(
                    FieldError(f"{where}.days[{k}]", f"must be an integer >= 0, got {day!r}")
                )
            else:
                out.setdefault(int(actor), set()).add(day)
    return {a: frozenset(d) for a, d in out.items()}


def parse_instance(data: object) -> tuple[Instance, float]:
    """Validate raw JSON input; return the instance and time limit, or raise with every error."""
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        raise InvalidInstanceError([FieldError("", "input must be a JSON object")])
    costs = _parse_costs(data.get("actor_costs"), errors)
    scenes = _parse_scenes(data.get("scenes"), len(costs), errors)
    n = len(scenes)
    time_limit = data.get("time_limit_s", DEFAULT_TIME_LIMIT_S)
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or time_limit <= 0:
        errors.append(FieldError("time_limit_s", f"must be a positive number, got {time_limit!r}"))
        time_limit = DEFAULT_TIME_LIMIT_S
    pins = _parse_pins(data.get("pinned"), n, errors) if n else []
    together = _parse_together(data.get("together"), n, errors) if n else []
    unavailable = _parse_unavailable(data.get("unavailable"), len(costs), errors)
    if errors:
        raise InvalidInstanceError(errors)
    constraints = Constraints(tuple(pins), tuple(together), unavailable)
    return Instance(tuple(scenes), tuple(costs), constraints), float(time_limit)
