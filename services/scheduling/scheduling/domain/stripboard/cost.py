"""Talent cost of a scene order, and whether an order meets the side constraints."""

from __future__ import annotations

from collections.abc import Sequence

from scheduling.domain.stripboard.model import Constraints, Instance


def talent_cost(instance: Instance, order: Sequence[int]) -> int:
    """Each actor is paid cost × days from the start of their first scene to the end of the last."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    day = 0
    for s in order:
        scene = instance.scenes[s]
        for a in scene.actors:
            first.setdefault(a, day)
            last[a] = day + scene.duration
        day += scene.duration
    return sum(instance.actor_costs[a] * (last[a] - first[a]) for a in first)


def fixed_cost(instance: Instance) -> int:
    """The cost every order pays: each actor's own shooting days."""
    return sum(s.duration * sum(instance.actor_costs[a] for a in s.actors) for s in instance.scenes)


def violations(instance: Instance, order: Sequence[int]) -> list[str]:
    """Every side constraint the order breaks (empty when it is feasible)."""
    out: list[str] = []
    n = len(instance.scenes)
    if sorted(order) != list(range(n)):
        return ["order is not a permutation of the scenes"]
    c: Constraints = instance.constraints
    position = {s: i for i, s in enumerate(order)}
    start: dict[int, int] = {}
    day = 0
    for s in order:
        start[s] = day
        day += instance.scenes[s].duration
    for pin in c.pins:
        if pin.position is not None and position[pin.scene] != pin.position:
            out.append(f"scene {pin.scene} must be at position {pin.position}")
        if pin.day is not None and start[pin.scene] != pin.day:
            out.append(f"scene {pin.scene} must start on day {pin.day}")
    for group in c.together:
        places = sorted(position[s] for s in group)
        if places[-1] - places[0] != len(group) - 1:
            out.append(f"scenes {list(group)} must be shot together")
    for s, scene in enumerate(instance.scenes):
        days = range(start[s], start[s] + scene.duration)
        for a in scene.actors:
            blocked = c.unavailable.get(a, frozenset())
            if any(d in blocked for d in days):
                out.append(f"actor {a} is unavailable during scene {s}")
    return out
