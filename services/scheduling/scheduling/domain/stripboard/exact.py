"""Best-first (A*) search over the scenes still to shoot, with an admissible idle-cost bound.

Shooting scene s next, with the scenes Q left, costs beyond the cast's own days
d(s) × c(L(Q) \\ a(s)), where L(Q) = a(shot) ∩ a(Q) is the set of actors started and not yet
finished (Garcia de la Banda, Stuckey & Chu 2011). Every actor's own days are a constant, so
the search minimises idle cost only.

`astar_both_ends` (no side constraints) fills the schedule from both ends; see its docstring.
`astar` fills it from the front only, so that the side-constraint filter can see the day and
position reached; it is used when the instance has pins, groups or unavailable days. Without side
constraints, instances of 10 to 24 scenes after reduction go to the bounded subset DP of
middle.py instead, which is much faster on them (on random instances with large casts this
search expands a hundred thousand states at a millisecond each); see solver.py.

Refinements:
- a scene whose cast is exactly the started actors is shot next without branching (moving it
  to the front of any completion never lengthens a span);
- h relaxes the order in which started actors finish: whoever finishes later is idle during
  the others' scenes that it is not in. The minimum over finishing orders is a subset DP,
  memoised, capped at the heaviest `exact_limit` actors (dropping actors only lowers it);
- states whose f reaches the incumbent (from the heuristic) are not stored.

At any moment the minimum f over the open list is a valid lower bound, so a timeout still
reports one.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass

from scheduling.domain.stripboard.reduce import Reduced
from scheduling.domain.stripboard.tables import bits, sum_over, union_over

INF = float("inf")
FeasibleChildren = Callable[[int], list[int]]
QUICK_LIMIT = 4  # actors in the cheap bound computed for every generated state


@dataclass(frozen=True)
class SearchResult:
    order: tuple[int, ...] | None  # reduced scene order, None if the incumbent stands
    idle: int | None
    lower_bound: int
    optimal: bool
    expanded: int
    # on a timeout: the scenes fixed at the start and at the end of the most promising open state
    partial: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())


class IdleBound:
    """Lower bound on the idle cost still to pay from state Q."""

    def __init__(self, problem: Reduced, exact_limit: int = 7) -> None:
        self.costs = problem.costs
        n_actors = len(problem.costs)
        self.scene_sets = [0] * n_actors
        for s, mask in enumerate(problem.masks):
            for a in bits(mask):
                self.scene_sets[a] |= 1 << s
        # scene sets again with one bit per shooting day, so a duration is a popcount
        blocks = []
        offset = 0
        for d in problem.durations:
            blocks.append(((1 << d) - 1) << offset)
            offset += d
        self.days_in = union_over(blocks)
        self.day_sets = [self.days_in(m) for m in self.scene_sets]
        self.scenes_of = union_over(self.scene_sets)
        self.cast_of = union_over(problem.masks)
        self.exact_limit = exact_limit
        self.memo: dict[tuple[tuple[int, int], ...], int] = {}
        self.quick: dict[tuple[int, int], int] = {}
        self.crossing: dict[tuple[int, int, int], int] = {}
        self.members: dict[int, list[tuple[int, int]]] = {}  # started -> (day set, cost) each
        self.complete = True  # set by both_ends

    def __call__(self, q: int, started: int) -> int:
        return self._side(q, started, self.scenes_of(started)) >> 1

    def _side(self, q: int, started: int, scenes: int) -> int:
        """The bound for one side, times 2, plus 1 if actors were left out of the subset DP.

        `scenes` is every scene of a started actor (`scenes_of(started)`).
        """
        if started & (started - 1) == 0:
            return 0
        quick = (started, q & scenes)
        found = self.quick.get(quick)
        if found is not None:
            return found
        members = self.members.get(started)
        if members is None:
            members = [(self.day_sets[a], self.costs[a]) for a in bits(started)]
            self.members[started] = members
        merged: dict[int, int] = {}
        days = self.days_in(q)
        for day_set, cost in members:
            s = day_set & days
            if s in merged:
                merged[s] += cost
            else:
                merged[s] = cost
        value = 0
        if len(merged) >= 2:
            if len(merged) > self.exact_limit:
                # leaving actors out only lowers the relaxation: keep the heaviest few
                heavy = sorted([(c * s.bit_count(), s, c) for s, c in merged.items()], reverse=True)
                key = tuple(sorted([(s, c) for _, s, c in heavy[: self.exact_limit]]))
                value = 1
            else:
                key = tuple(sorted(merged.items()))
            found = self.memo.get(key)
            if found is None:
                found = self._bound([x for x, _ in key], [c for _, c in key])
                self.memo[key] = found
            value |= found << 1
        self.quick[quick] = value
        return value

    def both_ends(self, q: int, front: int, back: int) -> int:
        """Bound for actors started at the front only, at the back only, and where they cross.

        An actor called from the front and one called from the back that share a remaining scene
        overlap, so every remaining day lies in one of their spans. On a day whose scene has no
        started actor, neither relaxation above charges anyone, and one of the two is idle; a
        set of disjoint crossing pairs therefore adds the lighter of each pair per such day.
        """
        front_scenes = self.scenes_of(front)
        back_scenes = self.scenes_of(back)
        at_front = self._side(q, front, front_scenes)
        at_back = self._side(q, back, back_scenes)
        # whether both sides' subset DPs used every started actor (an IdleBound with a higher
        # exact_limit would then find the same value: the crossing term does not depend on it)
        self.complete = (at_front | at_back) & 1 == 0
        value = (at_front >> 1) + (at_back >> 1)
        if not front or not back:
            return value
        free = q & ~(front_scenes | back_scenes)
        if not free:
            return value
        shared = q & front_scenes & back_scenes
        if not shared:
            return value
        key = (shared, front, back)
        pairs = self.crossing.get(key)
        if pairs is None:
            pairs = self._crossing(shared, front, back)
            self.crossing[key] = pairs
        if pairs:
            value += pairs * self.days_in(free).bit_count()
        return value

    def _crossing(self, shared: int, front: int, back: int) -> int:
        edges = []
        costs = self.costs
        for j in bits(front):
            for k in bits(self.cast_of(self.scene_sets[j] & shared) & back):
                edges.append((min(costs[j], costs[k]), j, k))
        edges.sort(reverse=True)
        used = 0
        total = 0
        for w, j, k in edges:
            if not used >> j & 1 and not used >> k & 1:
                used |= 1 << j | 1 << k
                total += w
        return total

    @staticmethod
    def _bound(sets: list[int], costs: list[int]) -> int:
        """Cheapest finishing order of actors whose remaining days are `sets` (subset DP)."""
        # an actor whose days cover everyone else's finishes last for free
        covered = 0
        for x in sets:
            covered |= x
        if covered in sets:
            kept = [i for i, x in enumerate(sets) if x != covered]
            if len(kept) < 2:
                return 0
            sets = [sets[i] for i in kept]
            costs = [costs[i] for i in kept]
        if len(sets) == 2:
            # neither covers the other: whoever finishes last is idle on the other's days
            first, second = sets
            return min(
                costs[0] * (second & ~first).bit_count(), costs[1] * (first & ~second).bit_count()
            )
        # an actor whose days lie within another's can finish just before it at no loss (moving
        # it there shrinks its own union and adds nothing to anyone else's), so only subsets
        # closed under "finishes before" are needed; the sets are distinct (merged by the caller)
        needs = []
        bit = 1
        for sj in sets:
            need = 0
            b = 1
            for si in sets:
                if si & ~sj == 0:
                    need |= b
                b <<= 1
            needs.append(need ^ bit)
            bit <<= 1
        key = tuple(needs)
        plan = _PLANS.get(key)
        if plan is None:
            plan = _plan(needs)
            _PLANS[key] = plan
        steps, unions = plan
        size = 1 << len(sets)
        union = [0] * size
        for t2, t, i in unions:
            union[t2] = union[t] | sets[i]
        outside = [~x for x in sets]
        best = [_UNSET] * size
        best[0] = 0
        for t, i, t2 in steps:
            cand = best[t] + costs[i] * (union[t] & outside[i]).bit_count()
            if cand < best[t2]:
                best[t2] = cand
        return best[size - 1]


_UNSET = 1 << 62
Plan = tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]
# the subset DP's steps depend only on the "finishes before" relation: shared by every IdleBound
_PLANS: dict[tuple[int, ...], Plan] = {}


def _plan(needs: list[int]) -> Plan:
    """Steps (t, i, t | 1 << i) between closed subsets in increasing order of t, and for each
    closed subset t2 one step (t2, t, i) that builds it, to compute unions of day sets."""
    k = len(needs)
    full = (1 << k) - 1
    reached = [False] * (full + 1)
    reached[0] = True
    steps: list[tuple[int, int, int]] = []
    unions: list[tuple[int, int, int]] = []
    for t in range(full):
        if not reached[t]:
            continue
        for i in range(k):
            bit = 1 << i
            if t & bit or needs[i] & ~t:
                continue
            t2 = t | bit
            steps.append((t, i, t2))
            if not reached[t2]:
                reached[t2] = True
                unions.append((t2, t, i))
    return steps, unions


def astar(
    problem: Reduced,
    deadline: float,
    incumbent: int | None,
    children_of: FeasibleChildren | None = None,
    use_dominance: bool = True,
) -> SearchResult:
    """Search for an order with idle cost below `incumbent`; prove optimality if it finishes."""
    n = len(problem.masks)
    full = (1 << n) - 1
    masks = problem.masks
    durations = problem.durations
    cost_of = sum_over(problem.costs)
    cast_of = union_over(masks)
    bound = IdleBound(problem)
    limit = INF if incumbent is None else incumbent

    def started_actors(q: int) -> int:
        return cast_of(full ^ q) & cast_of(q)

    root_h = bound(full, 0)
    best_g: dict[int, int] = {full: 0}
    parent: dict[int, tuple[int, int]] = {}
    heap: list[tuple[int, int, int]] = [(root_h, 0, full)]
    expanded = 0
    while heap:
        f, g, q = heapq.heappop(heap)
        if g != best_g.get(q):
            continue
        if q == 0:
            return SearchResult(_path(parent, q, full), g, g, True, expanded)
        expanded += 1
        if expanded & 15 == 0 and time.monotonic() > deadline:
            heapq.heappush(heap, (f, g, q))
            lower = int(min(heap[0][0], limit))
            head = _path(parent, q, full)
            return SearchResult(None, None, lower, False, expanded, (head, ()))
        started = started_actors(q)
        candidates = bits(q) if children_of is None else children_of(q)
        if use_dominance:
            for s in candidates:
                if masks[s] == started:
                    candidates = [s]
                    break
        for s in candidates:
            g2 = g + durations[s] * cost_of(started & ~masks[s])
            if g2 >= limit:
                continue
            q2 = q ^ (1 << s)
            old = best_g.get(q2)
            if old is not None and old <= g2:
                continue
            f2 = g2 + bound(q2, started_actors(q2))
            if f2 >= limit:
                continue
            best_g[q2] = g2
            parent[q2] = (q, s)
            heapq.heappush(heap, (f2, g2, q2))
    # exhausted: nothing beats the incumbent
    return SearchResult(None, None, int(limit) if incumbent is not None else 0, True, expanded)


def astar_both_ends(problem: Reduced, deadline: float, incumbent: int | None) -> SearchResult:
    """A* that alternately fixes the first and the last scene of the remaining middle.

    A state is (Q, F, E): the scenes left, and which actors of a(Q) have already been called from
    the front (F) and from the back (E). An actor in both is on location for every remaining day,
    so its idle cost is added once, when it joins both; the rest of the cost depends on the state
    alone. Scheduling from both ends halves the symmetric search and gives the bound started actors
    at both ends.
    """
    n = len(problem.masks)
    full = (1 << n) - 1
    masks = problem.masks
    durations = problem.durations
    costs = problem.costs
    cost_of = sum_over(costs)
    cast_of = union_over(masks)
    days_of = sum_over(durations)
    bound = IdleBound(problem)
    quick_bound = IdleBound(problem, exact_limit=QUICK_LIMIT)
    scene_sets = bound.scene_sets
    limit = INF if incumbent is None else incumbent
    bits_of: dict[int, list[int]] = {}

    Key = tuple[int, int, int]
    start: Key = (full, 0, 0)
    best_g: dict[Key, int] = {start: 0}
    # parent: previous state, scene, whether it went to the front of that state's frame, and
    # whether this state is stored mirrored relative to that frame
    parent: dict[Key, tuple[Key, int, bool, bool]] = {}
    # entries (f, -g, bounded, state): a child is pushed with its parent's f (admissible, since
    # h(parent) <= step + h(child)) and bounded only when it reaches the top of the heap
    heap: list[tuple[int, int, bool, Key]] = [(0, 0, False, start)]
    expanded = 0
    while heap:
        f, minus_g, bounded, key = heapq.heappop(heap)
        g = -minus_g
        if g != best_g.get(key):
            continue
        q, front, back = key
        if q == 0:
            head, tail = _unwind(parent, key, start)
            return SearchResult(head + tail, g, g, True, expanded)
        if not bounded:
            exact_f = g + bound.both_ends(q, front & ~back, back & ~front)
            if exact_f >= limit:
                continue
            if exact_f > f:
                heapq.heappush(heap, (exact_f, minus_g, True, key))
                continue
        expanded += 1
        if expanded & 15 == 0 and time.monotonic() > deadline:
            heapq.heappush(heap, (f, minus_g, bounded, key))
            lower = int(min(heap[0][0], limit))
            return SearchResult(None, None, lower, False, expanded, _unwind(parent, key, start))
        at_front = (n - q.bit_count()) % 2 == 0
        near, far = (front, back) if at_front else (back, front)
        pure_near = near & ~far
        pure_far = far & ~near
        candidates = bits(q)
        for s in candidates:
            a = masks[s]
            if a & ~near == 0 and pure_near & ~a == 0:
                candidates = [s]
                break
        days_q = days_of(q)
        for s in candidates:
            a = masks[s]
            q2 = q ^ (1 << s)
            g2 = g + durations[s] * cost_of(pure_near & ~a)
            joined = a & pure_far
            if joined:
                days = days_q - durations[s]
                actors = bits_of.get(joined)
                if actors is None:
                    actors = bits_of[joined] = bits(joined)
                for j in actors:
                    g2 += costs[j] * (days - days_of(scene_sets[j] & q2))
            if g2 >= limit:
                continue
            rest = cast_of(q2)
            near2 = (near | a) & rest
            far2 = far & rest
            front2, back2 = (near2, far2) if at_front else (far2, near2)
            # a middle and its mirror image cost the same: store one of the two
            mirrored = back2 < front2
            key2 = (q2, back2, front2) if mirrored else (q2, front2, back2)
            old = best_g.get(key2)
            if old is not None and old <= g2:
                continue
            f2 = g2 + quick_bound.both_ends(q2, near2 & ~far2, far2 & ~near2)
            if f2 >= limit:
                continue
            best_g[key2] = g2
            parent[key2] = (key, s, at_front, mirrored)
            # when the cheap bound left no actor out, it equals the full one: no second look
            heapq.heappush(heap, (max(f, f2), -g2, quick_bound.complete, key2))
    return SearchResult(None, None, int(limit) if incumbent is not None else 0, True, expanded)


def _unwind(
    parent: dict[tuple[int, int, int], tuple[tuple[int, int, int], int, bool, bool]],
    goal: tuple[int, int, int],
    start: tuple[int, int, int],
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The scenes fixed at the start and (in shooting order) at the end on the way to `goal`."""
    steps: list[tuple[int, bool, bool]] = []
    key = goal
    while key != start:
        key, s, at_front, mirrored = parent[key]
        steps.append((s, at_front, mirrored))
    head: list[int] = []
    tail: list[int] = []
    flipped = False
    for s, at_front, mirrored in reversed(steps):
        if at_front != flipped:
            head.append(s)
        else:
            tail.append(s)
        flipped ^= mirrored
    return tuple(head), tuple(tail[::-1])


def _path(parent: dict[int, tuple[int, int]], q: int, full: int) -> tuple[int, ...]:
    order: list[int] = []
    while q != full:
        q, s = parent[q]
        order.append(s)
    order.reverse()
    return tuple(order)
