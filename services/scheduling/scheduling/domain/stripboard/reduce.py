"""Preprocessing: actors in one scene become fixed cost; scenes with the same cast merge.

Both steps are the standard reductions of Garcia de la Banda, Stuckey & Chu (2011): an actor who
appears in a single scene is paid only for that scene in every order, and there is an optimal
order in which scenes with identical (remaining) casts are consecutive. That exchange argument
fails once pins, groups or unavailable days fix where scenes fall, so side constraints turn
merging off.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.domain.stripboard.model import Instance


@dataclass(frozen=True)
class Reduced:
    """The search problem: bitmask casts over the kept actors, durations, and the unmerge map."""

    masks: tuple[int, ...]
    durations: tuple[int, ...]
    costs: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]  # original scene indices of each reduced scene
    constant: int  # cost paid by removed actors, the same for every order


def reduce_instance(instance: Instance) -> Reduced:
    appearances = [0] * len(instance.actor_costs)
    for scene in instance.scenes:
        for a in scene.actors:
            appearances[a] += 1
    c = instance.constraints
    kept = [a for a, k in enumerate(appearances) if k > 1 and instance.actor_costs[a] > 0]
    bit = {a: 1 << i for i, a in enumerate(kept)}
    constant = 0
    by_cast: dict[int, int] = {}
    masks: list[int] = []
    durations: list[int] = []
    members: list[list[int]] = []
    for s, scene in enumerate(instance.scenes):
        mask = 0
        for a in scene.actors:
            if a in bit:
                mask |= bit[a]
            else:
                constant += scene.duration * instance.actor_costs[a]
        mergeable = c.empty
        if mergeable and mask in by_cast:
            r = by_cast[mask]
            durations[r] += scene.duration
            members[r].append(s)
            continue
        if mergeable:
            by_cast[mask] = len(masks)
        masks.append(mask)
        durations.append(scene.duration)
        members.append([s])
    return Reduced(
        masks=tuple(masks),
        durations=tuple(durations),
        costs=tuple(instance.actor_costs[a] for a in kept),
        members=tuple(tuple(m) for m in members),
        constant=constant,
    )
