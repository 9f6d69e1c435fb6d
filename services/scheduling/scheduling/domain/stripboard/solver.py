"""Stripboard optimiser: the scene order that minimises talent cost, proved optimal if possible.

Reduce (reduce.py), find a good order (greedy, then a short local search: heuristic.py), then
prove it optimal or improve on it with an exact search below its cost: the subset DP meeting in
the middle (middle.py) or A* (exact.py). Out of time, the best order found and the search's lower
bound are returned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from scheduling.domain.stripboard.cost import fixed_cost, talent_cost, violations
from scheduling.domain.stripboard.exact import astar, astar_both_ends
from scheduling.domain.stripboard.heuristic import IdleCost, greedy, local_search
from scheduling.domain.stripboard.middle import MAX_ACTORS, MAX_SCENES, meet_in_middle
from scheduling.domain.stripboard.model import DEFAULT_TIME_LIMIT_S, InfeasibleError, Instance
from scheduling.domain.stripboard.reduce import reduce_instance
from scheduling.domain.stripboard.rules import Rules

# Without side constraints the bounded subset DP (middle.py) proves instances of MIDDLE_FROM to
# MAX_SCENES reduced scenes: below, the A* search is as fast; above, the DP's layers would not
# fit, and A* still returns a good order and a lower bound within the time limit. With side
# constraints, the one-ended A* with its filter (rules.py).
MIDDLE_FROM = 10


@dataclass(frozen=True)
class Stripboard:
    order: tuple[int, ...]
    cost: int
    optimal: bool
    lower_bound: int
    fixed_cost: int
    expanded: int


def solve(
    instance: Instance,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
) -> Stripboard:
    """Best scene order found within the time limit; `optimal` only when the search proved it."""
    started = time.monotonic()
    deadline = started + time_limit_s
    problem = reduce_instance(instance)
    fixed = fixed_cost(instance)
    constrained = not instance.constraints.empty
    rules = Rules(instance, problem) if constrained else None
    children = rules.children if rules else None
    feasible = rules.feasible if rules else None

    idle_of = IdleCost(problem)
    incumbent: list[int] | None = greedy(problem, children)
    incumbent_idle = None if incumbent is None else idle_of(incumbent)
    search_deadline = started + 0.9 * time_limit_s
    middle = (
        not constrained
        and MIDDLE_FROM <= len(problem.masks) <= MAX_SCENES
        and len(problem.costs) <= MAX_ACTORS
    )
    if middle and incumbent is not None:
        # one descent, then the subset DP; it asks for the longer local search below only once
        # its layers grow, since it keeps every state below the incumbent (for a film instance
        # the kicks take 0.05-0.1 s, several times the search)
        best = local_search(problem, incumbent, deadline, kicks=0)

        def improve() -> int:
            nonlocal best
            cap = min(time.monotonic() + min(1.0, 0.05 * time_limit_s), deadline)
            found = local_search(problem, best[0], cap, kicks=3 * len(best[0]))
            if found[1] < best[1]:
                best = found
            return best[1]

        result = meet_in_middle(problem, search_deadline, best[1], improve)
        incumbent, incumbent_idle = best
    else:
        if incumbent is not None:
            # a short local search: the exact search expands every state whose bound is below
            # the optimum anyway, but a tight incumbent keeps it from storing the states above it
            incumbent, incumbent_idle = local_search(
                problem,
                incumbent,
                min(time.monotonic() + min(0.1, 0.02 * time_limit_s), deadline),
                feasible,
                kicks=3 * len(incumbent),
            )
        if constrained:
            result = astar(problem, search_deadline, incumbent_idle, children, use_dominance=False)
        else:
            result = astar_both_ends(problem, search_deadline, incumbent_idle)
    if result.order is not None:
        incumbent, incumbent_idle = list(result.order), result.idle
    elif not result.optimal:
        head, tail = result.partial
        completed = greedy(problem, children, prefix=head, suffix=tail)
        if completed is not None and (feasible is None or feasible(completed)):
            value = idle_of(completed)
            if incumbent_idle is None or value < incumbent_idle:
                incumbent, incumbent_idle = completed, value
        if incumbent is not None:
            incumbent, incumbent_idle = local_search(problem, incumbent, deadline, feasible, seed=1)
    if incumbent is None or incumbent_idle is None:
        if result.optimal:
            raise InfeasibleError("no order of the scenes meets the side constraints")
        raise InfeasibleError("no order meeting the side constraints was found in the time limit")
    order = tuple(s for r in incumbent for s in problem.members[r])
    cost = talent_cost(instance, order)
    if cost != fixed + idle_of(incumbent) or violations(instance, order):
        raise AssertionError("stripboard search produced an inconsistent order")
    lower = cost if result.optimal else min(cost, fixed + result.lower_bound)
    return Stripboard(order, cost, result.optimal, lower, fixed, result.expanded)
