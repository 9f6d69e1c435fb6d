"""The plain subset dynamic programme: exact, simple, O(2^n · n) — the oracle for the search.

With the scenes D already shot, shooting s next keeps on location its own cast and everyone who
has started (a(D)) and still has a scene to come (a(rest \\ s)), so it costs
d(s) × c(a(s) ∪ (a(D) ∩ a(rest \\ s))) whatever order D was shot in. The least cost of every set
of scenes shot first therefore follows from its subsets, one scene at a time. No reduction, bound
or pruning: every subset is visited, so it is only practical up to about 20 scenes (10-20 s of
CPython at 21), and it is what the optimiser is checked against.
"""

from __future__ import annotations

from scheduling.domain.stripboard.model import Instance
from scheduling.domain.stripboard.tables import sum_over

MAX_SCENES = 24


def subset_dp(instance: Instance) -> tuple[tuple[int, ...], int]:
    """A least-cost order of the scenes and its total talent cost (no side constraints)."""
    if not instance.constraints.empty:
        raise ValueError("subset_dp solves instances without side constraints only")
    n = len(instance.scenes)
    if n > MAX_SCENES:
        raise ValueError(f"subset_dp visits 2^n subsets: at most {MAX_SCENES} scenes")
    if n == 0:
        return (), 0
    masks = [sum(1 << a for a in s.actors) for s in instance.scenes]
    durations = [s.duration for s in instance.scenes]
    cost_of = sum_over(instance.actor_costs)
    size = 1 << n
    full = size - 1
    cast = [0] * size  # actors of each set of scenes
    for d in range(1, size):
        low = d & -d
        cast[d] = cast[d ^ low] | masks[low.bit_length() - 1]
    unset = 1 << 62
    best = [unset] * size  # least cost of shooting exactly this set first
    last = [0] * size  # the scene shot last in that best prefix
    best[0] = 0
    for d in range(full):
        value = best[d]
        shot = cast[d]
        rest = full ^ d
        r = rest
        while r:
            low = r & -r
            r ^= low
            s = low.bit_length() - 1
            step = value + durations[s] * cost_of(masks[s] | (shot & cast[rest ^ low]))
            if step < best[d | low]:
                best[d | low] = step
                last[d | low] = s
    order: list[int] = []
    d = full
    while d:
        s = last[d]
        order.append(s)
        d ^= 1 << s
    order.reverse()
    return tuple(order), best[full]
