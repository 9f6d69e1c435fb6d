"""Upper bounds: greedy construction, then iterated local search with insertion moves."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from scheduling.domain.stripboard.reduce import Reduced
from scheduling.domain.stripboard.tables import bits, sum_over

Feasible = Callable[[Sequence[int]], bool]
Children = Callable[[int], list[int]]


class IdleCost:
    """Idle cost of a reduced scene order, by the started-actors formula."""

    def __init__(self, problem: Reduced) -> None:
        self.masks = problem.masks
        self.durations = problem.durations
        self.cost_of = sum_over(problem.costs)

    def __call__(self, order: Sequence[int]) -> int:
        masks = self.masks
        n = len(order)
        suffix = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            suffix[i] = suffix[i + 1] | masks[order[i]]
        seen = 0
        idle = 0
        for i, s in enumerate(order):
            a = masks[s]
            idle += self.durations[s] * self.cost_of(seen & suffix[i + 1] & ~a)
            seen |= a
        return idle


def greedy(
    problem: Reduced,
    children_of: Children | None = None,
    nodes: int = 20000,
    prefix: Sequence[int] = (),
    suffix: Sequence[int] = (),
) -> list[int] | None:
    """Shoot next the scene adding least idle cost, calling fewest new actors (DFS on dead ends).

    With a prefix and suffix, fill in the middle of an order instead of building it whole.
    """
    n = len(problem.masks)
    full = (1 << n) - 1
    masks = problem.masks
    cost_of = sum_over(problem.costs)
    budget = [nodes]

    def step(q: int, seen: int) -> list[int] | None:
        if q == 0:
            return []
        budget[0] -= 1
        if budget[0] < 0:
            return None
        candidates = bits(q) if children_of is None else children_of(q)
        remaining = 0
        for s in bits(q):
            remaining |= masks[s]
        started = seen & remaining

        def score(s: int) -> tuple[int, int]:
            a = masks[s]
            return (
                problem.durations[s] * cost_of(started & ~a),
                cost_of(a & ~seen),
            )

        for s in sorted(candidates, key=score):
            tail = step(q ^ (1 << s), seen | masks[s])
            if tail is not None:
                return [s, *tail]
        return None

    q = full
    seen = 0
    for s in prefix:
        q ^= 1 << s
        seen |= masks[s]
    for s in suffix:
        q ^= 1 << s
    rest = step(q, seen)
    return None if rest is None else [*prefix, *rest, *suffix]


def local_search(
    problem: Reduced,
    start: Sequence[int],
    deadline: float,
    feasible: Feasible | None = None,
    seed: int = 0,
    kicks: int | None = None,
) -> tuple[list[int], int]:
    """Iterated local search: first-improvement insertion moves, kicked by segment reversals.

    Stops at the deadline, or after `kicks` perturbations when given (0: a single descent).
    """
    idle = IdleCost(problem)
    rng = random.Random(seed)

    def ok(order: Sequence[int]) -> bool:
        return feasible is None or feasible(order)

    masks = problem.masks
    durations = problem.durations
    costs = problem.costs
    cast = [bits(m) for m in masks]
    own_total = sum(d * sum(costs[a] for a in c) for d, c in zip(durations, cast, strict=True))

    def descend(order: list[int], value: int) -> tuple[list[int], int]:
        # move each scene to its best place; repeat passes until none improves. Each actor is paid
        # from its first day to its last, so every place for a scene is priced from the spans in
        # the order without it, in O(cast size) per place
        n = len(order)
        improved = True
        while improved and time.monotonic() < deadline:
            improved = False
            for s in list(order):
                if time.monotonic() >= deadline:
                    break
                i = order.index(s)
                rest = order[:i] + order[i + 1 :]
                starts = [0] * n  # start day of each place in rest, and the end day
                first: dict[int, int] = {}
                last: dict[int, int] = {}
                day = 0
                for k, r in enumerate(rest):
                    starts[k] = day
                    for a in cast[r]:
                        if a not in first:
                            first[a] = k
                        last[a] = k
                    day += durations[r]
                starts[n - 1] = day
                d = durations[s]
                mask = masks[s]
                # scene s inserted at place j lengthens by d the span of an actor not in s whose
                # first place is before j and last place at or after j
                inside = [0] * (n + 1)
                spans = 0
                for a, f in first.items():
                    lst = last[a]
                    spans += costs[a] * (starts[lst + 1] - starts[f])
                    if not mask >> a & 1:
                        inside[f + 1] += costs[a]
                        inside[lst + 1] -= costs[a]
                mine = []
                alone = 0
                for a in cast[s]:
                    if a in first:
                        f, lst = first[a], last[a]
                        mine.append((costs[a], f, lst, starts[f], starts[lst + 1]))
                    else:
                        alone += costs[a] * d
                base = spans + alone - own_total
                best_cand, best_v = order, value
                crossing = 0
                for j in range(n):
                    crossing += inside[j]
                    if j == i:
                        continue
                    at = starts[j]
                    v = base + d * crossing
                    for c, f, lst, begin, end in mine:
                        # the span moves to start at s if s comes first, to end at s if s is last
                        v += c * (
                            (at + d if j > lst else end + d)
                            - (at if j <= f else begin)
                            - end
                            + begin
                        )
                    if v < best_v:
                        cand = [*rest[:j], s, *rest[j:]]
                        if ok(cand):
                            best_cand, best_v = cand, v
                if best_v < value:
                    order, value, improved = best_cand, idle(best_cand), True
        return order, value

    best = list(start)
    best_value = idle(best)
    best, best_value = descend(best, best_value)
    current, current_value = best, best_value
    n = len(best)
    while n > 2 and time.monotonic() < deadline and (kicks is None or kicks > 0):
        if kicks is not None:
            kicks -= 1
        i, j = sorted(rng.sample(range(n), 2))
        cand = current[:i] + current[i : j + 1][::-1] + current[j + 1 :]
        if not ok(cand):
            continue
        cand, value = descend(cand, idle(cand))
        if value <= current_value:
            current, current_value = cand, value
            if value < best_value:
                best, best_value = cand, value
        elif rng.random() < 0.05:
            current, current_value = best, best_value
    return best, best_value
