"""Bounded subset DP that meets in the middle, for instances without side constraints.

All costs here are idle costs (the reduced problem of reduce.py). The plain DP (dp.py) gives the
least cost g(D) of shooting the set of scenes D first: shooting s after D costs
d(s) × c(a(D) ∩ a(rest after s) \\ a(s)), which depends on D only as a set. Reversing an order
keeps its cost, so g(D) is also the least cost of the scenes D when they are shot *last*, after
everything else. An order whose first ⌈n/2⌉ scenes are the set D costs (its first part) +
(its last part) ≥ g(D) + g(rest), with equality for the best order of each part, so the optimum
is the least g(D) + g(rest) over the sets D of that size, and only the subsets of at most half
the scenes are needed (for odd n the scene in the middle is priced when the halves meet). The
layers of subsets are built breadth-first, one scene more at a time, keeping a set D only if
g(D) plus a lower bound on the rest stays below the incumbent; every prefix and every suffix of
an order cheaper than the incumbent passes, so the meeting finds it, or proves the incumbent
optimal.

The bound on the rest R after D comes from a split of the scenes into two fixed halves A and B:
each actor's paid span in a full order covers, disjointly, their span in the order restricted
to A and their span in the order restricted to B (dropping scenes never lengthens a span), so
the least cost of R ∩ A shot after D ∩ A, plus the same for B, is a lower bound. Each half has
exact subset tables computed by the same DP (2^(n/2) entries). A table may also take actors
already started by the other half's scenes in D as on location from the start, which raises
the bound a great deal in the middle layers; a table per such set would cost one DP each, so
only the most frequent ones are built, and each state uses the heaviest one its started set
contains. Scenes are renumbered so that A is the low bits of a set of scenes and B the high
bits: the bound of a state is then four list lookups.

Start cheap: the best of a few random splits (by their bound on the whole instance), tables
without started actors. Once the layers still to come are projected beyond GROW_AT states, the
split is chosen again among more random ones, by how many states of the current layer it keeps
(the stored layers are renumbered), and the tables with started actors are added. Film
instances stay in the cheap mode; random ones with large casts need the second.

Out of time or memory, the least g + bound over the last complete layer is a lower bound on the
optimum: every order passes through that layer.
"""

from __future__ import annotations

import operator
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import combinations
from math import comb
from typing import Protocol

from scheduling.domain.stripboard.exact import SearchResult
from scheduling.domain.stripboard.reduce import Reduced
from scheduling.domain.stripboard.tables import union_over

MAX_SCENES = 24  # layers of C(n, n/2) states at worst: beyond this the A* search is used
MAX_ACTORS = 32  # the cost of a set of actors is read from a table of 2^m entries, or two
ONE_TABLE = 18  # of 2^(m/2) beyond this
MAX_STATES = 3_000_000  # stored states (a few hundred MB) beyond which the search gives up
SPLITS = 4  # random splits tried for the bound at the start
IMPROVE_AT = 250  # states in a layer beyond which the caller is asked for a better incumbent
# once the states still to come are projected beyond GROW_AT, the split is chosen again among
# RESPLITS more (scored on a sample of the last layer) and CONTEXTS tables with actors started by
# the other half are added; twice as many of each beyond GROW_MORE × GROW_AT
GROW_AT = 100_000
GROW_MORE = 3
RESPLITS = 16
SAMPLE = 500
CONTEXTS = 32

_UNSET = 1 << 62
Table = list[int]


def _cast_table(masks: Sequence[int]) -> list[int]:
    size = 1 << len(masks)
    cast = [0] * size
    for d in range(1, size):
        low = d & -d
        cast[d] = cast[d ^ low] | masks[low.bit_length() - 1]
    return cast


def _bits(mask: int) -> list[tuple[int, int]]:
    """(bit, index) of each set bit, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append((low, low.bit_length() - 1))
        mask ^= low
    return out


def _cost_table(costs: Sequence[int]) -> list[int]:
    """The daily cost of every set of actors."""
    size = 1 << len(costs)
    table = [0] * size
    for a in range(1, size):
        low = a & -a
        table[a] = table[a ^ low] + costs[low.bit_length() - 1]
    return table


class _Costs(Protocol):
    def __getitem__(self, actors: int, /) -> int: ...


class _TwoTables:
    """The daily cost of a set of more actors than one table holds: a table for each half."""

    def __init__(self, costs: Sequence[int]) -> None:
        self.shift = len(costs) // 2
        self.mask = (1 << self.shift) - 1
        self.low = _cost_table(costs[: self.shift])
        self.high = _cost_table(costs[self.shift :])

    def __getitem__(self, actors: int, /) -> int:
        return self.low[actors & self.mask] + self.high[actors >> self.shift]


def _costs(costs: Sequence[int]) -> _Costs:
    return _cost_table(costs) if len(costs) <= ONE_TABLE else _TwoTables(costs)


class _Half:
    """Exact least idle cost of the rest of one half, for every set of its scenes done.

    `table(extra)[done]` bounds the cost of shooting the half's other scenes, in any order, after
    the scenes `done` of the half and with the actors `extra` also started elsewhere.
    """

    def __init__(self, masks: Sequence[int], durations: Sequence[int], cost: _Costs):
        self.size = len(masks)
        full = (1 << self.size) - 1
        self.cast = _cast_table(masks)
        self.actors = self.cast[full]
        # the scenes of each set: (bit, duration, ~cast), built from the set without its low bit
        scenes = [(1 << s, durations[s], ~masks[s]) for s in range(self.size)]
        self.steps: list[list[tuple[int, int, int]]] = [[]]
        for r in range(1, full + 1):
            low = r & -r
            self.steps.append([scenes[low.bit_length() - 1], *self.steps[r ^ low]])
        self.cost = cost
        self.tables: dict[int, Table] = {}

    def table(self, extra: int) -> Table:
        extra &= self.actors
        found = self.tables.get(extra)
        if found is None:
            found = self._build(extra)
            self.tables[extra] = found
        return found

    def _build(self, extra: int) -> Table:
        # g[D]: least cost of shooting D first with everyone else in the half, and the actors
        # `extra`, still to come; reversing orders, g[D] is the least cost of shooting D last
        # after the rest and `extra`, so g read backwards is indexed by the scenes done
        size = 1 << self.size
        cast = self.cast
        cost = self.cost
        g = [_UNSET] * size
        g[0] = 0
        full = size - 1
        for d in range(full):
            value = g[d]
            shot = cast[d]
            rest = full ^ d
            for low, duration, outside in self.steps[rest]:
                c = value + duration * cost[shot & (cast[rest ^ low] | extra) & outside]
                if c < g[d | low]:
                    g[d | low] = c
        g.reverse()
        return g

    def build(self, family: Sequence[int]) -> None:
        """The tables for several extra started sets at once (one pass, a list per set of scenes).

        An actor in `extra` changes a step only if started, not in the scene and not needed later
        in the half: the step is the plain one plus that actor's cost, so each step is computed
        once and added to every table's value.
        """
        family = [e & self.actors for e in family]
        family = [e for e in dict.fromkeys(family) if e not in self.tables]
        if not family:
            return
        size = 1 << self.size
        cast = self.cast
        cost = self.cost
        union = 0
        for e in family:
            union |= e
        rows: list[list[int]] = [[]] * size
        rows[0] = [0] * len(family)
        started = [False] * size
        started[0] = True
        full = size - 1
        # the cost of the extra actors of a step, for each table: shared by the steps alike
        extras: dict[tuple[int, int], list[int]] = {}
        for d in range(full):
            values = rows[d]
            shot = cast[d]
            rest = full ^ d
            for low, duration, outside in self.steps[rest]:
                later = cast[rest ^ low]
                base = duration * cost[shot & later & outside]
                extra = shot & outside & ~later & union
                if extra:
                    add = extras.get((extra, duration))
                    if add is None:
                        add = [duration * cost[extra & e] for e in family]
                        extras[extra, duration] = add
                    new = list(map(operator.add, values, add))
                    if base:
                        new = list(map(base.__add__, new))
                else:
                    new = list(map(base.__add__, values))
                d2 = d | low
                if started[d2]:
                    rows[d2] = list(map(min, rows[d2], new))
                else:
                    rows[d2] = new
                    started[d2] = True
        for e, column in zip(family, zip(*rows, strict=True), strict=True):
            table = list(column)
            table.reverse()
            self.tables[e] = table


class _Split:
    """Two halves of the reduced scenes, A and B, with their tables."""

    def __init__(self, problem: Reduced, cost: _Costs, a: list[int], b: list[int]):
        self.a = a
        self.b = b
        masks = problem.masks
        durations = problem.durations
        self.half_a = _Half([masks[s] for s in a], [durations[s] for s in a], cost)
        self.half_b = _Half([masks[s] for s in b], [durations[s] for s in b], cost)
        self.root = self.half_a.table(0)[0] + self.half_b.table(0)[0]


def _random_splits(n: int, count: int, rng: random.Random) -> list[tuple[list[int], list[int]]]:
    out = []
    for _ in range(count):
        scenes = list(range(n))
        rng.shuffle(scenes)
        out.append((sorted(scenes[: n // 2]), sorted(scenes[n // 2 :])))
    return out


def _contexts(half: _Half, other_cast: Sequence[int], other_size: int, count: int) -> list[Table]:
    """For each set of the other half's scenes done, the table for the actors it started.

    Tables for every started set would cost one DP each; the `count` sets met most often when
    up to half of the other half is done are built, and each state uses the heaviest of them
    (by daily cost) contained in its own started set.
    """
    seen: Counter[int] = Counter()
    scenes = range(other_size)
    for k in range(1, other_size // 2 + 1):
        for combo in combinations(scenes, k):
            done = 0
            for s in combo:
                done |= 1 << s
            seen[other_cast[done] & half.actors] += 1
    family = [0, *(extra for extra, _ in seen.most_common(count))]
    half.build(family)
    weight = {extra: half.cost[extra] for extra in family}
    choice: dict[int, Table] = {}
    out = []
    for started in other_cast:
        started &= half.actors
        table = choice.get(started)
        if table is None:
            extra = max((e for e in family if e & ~started == 0), key=weight.__getitem__)
            table = choice[started] = half.table(extra)
        out.append(table)
    return out


class _Search:
    """The layers of the bounded DP over one renumbered instance, and the joins at the middle."""

    def __init__(self, problem: Reduced, limit: int, cost: _Costs, split: _Split) -> None:
        n = len(problem.masks)
        self.n = n
        self.limit = limit
        self.cost = cost
        self.split = split
        half_a = split.half_a
        half_b = split.half_b
        a = split.a
        self.perm = a + split.b  # renumbered scene -> reduced scene
        self.masks = masks = [problem.masks[s] for s in self.perm]
        self.durations = durations = [problem.durations[s] for s in self.perm]
        self.half_a = half_a
        self.half_b = half_b
        self.size_a = size_a = len(a)
        self.low_mask = low_mask = (1 << size_a) - 1
        self.high_mask = high_mask = (1 << (n - size_a)) - 1
        self.full = (1 << n) - 1
        # by the other half's scenes done: this half's table, indexed by its own scenes done
        self.ctx_a: list[Table] = [half_a.table(0)] * (high_mask + 1)
        self.ctx_b: list[Table] = [half_b.table(0)] * (low_mask + 1)
        self.steps_a = [
            [(low, durations[i], ~masks[i]) for low, i in _bits(q)] for q in range(low_mask + 1)
        ]
        self.steps_b = [
            [(low, low << size_a, durations[i + size_a], ~masks[i + size_a]) for low, i in _bits(q)]
            for q in range(high_mask + 1)
        ]
        self.grown = False

    def root_bound(self) -> int:
        return self.ctx_a[0][0] + self.ctx_b[0][0]

    def bound(self, x: int) -> int:
        xa = x & self.low_mask
        xb = x >> self.size_a
        return self.ctx_a[xb][xa] + self.ctx_b[xa][xb]

    def grow(self, count: int) -> None:
        """Build `count` tables per half with actors started by the other half (_contexts)."""
        self.grown = True
        self.ctx_a = _contexts(self.half_a, self.half_b.cast, self.n - self.size_a, count)
        self.ctx_b = _contexts(self.half_b, self.half_a.cast, self.size_a, count)

    def cast(self, x: int) -> int:
        return self.half_a.cast[x & self.low_mask] | self.half_b.cast[x >> self.size_a]

    def step(self, x: int, s: int) -> int:
        """Idle cost of shooting scene s right after the scenes x."""
        after = self.full ^ x ^ (1 << s)
        return self.durations[s] * self.cost[self.cast(x) & self.cast(after) & ~self.masks[s]]

    def expand(
        self, layer: dict[int, int], deadline: float, join: bool = False
    ) -> tuple[dict[int, int], int, int] | None:
        """The next layer and the least g + bound in it; None at the deadline.

        With `join`, the children are not stored but met with the stored layer of their
        complements (the middle scene of an odd number): the result is then {first half: first
        half and middle scene} for the best whole order below the limit, if any, and its cost.
        """
        cost = self.cost
        cast_a = self.half_a.cast
        cast_b = self.half_b.cast
        ctx_a = self.ctx_a
        ctx_b = self.ctx_b
        steps_a = self.steps_a
        steps_b = self.steps_b
        size_a = self.size_a
        low_mask = self.low_mask
        high_mask = self.high_mask
        full = self.full
        limit = self.limit
        nxt: dict[int, int] = {}
        get = nxt.get
        other = layer.get
        floor = limit
        best = limit  # with join: the best whole order so far
        expanded = 0
        for x, g in layer.items():
            expanded += 1
            if expanded & 255 == 0 and time.monotonic() > deadline:
                return None
            xa = x & low_mask
            xb = x >> size_a
            qa = low_mask ^ xa
            qb = high_mask ^ xb
            room = (best if join else limit) - g
            started = cast_a[xa] | cast_b[xb]
            row_a = ctx_a[xb]
            rest_b = cast_b[qb]
            for low, duration, outside in steps_a[qa]:
                xa2 = xa | low
                bound = row_a[xa2] + ctx_b[xa2][xb]
                if bound >= room:
                    continue
                step = duration * cost[started & (cast_a[qa ^ low] | rest_b) & outside]
                if step + bound >= room:
                    continue
                x2 = x | low
                g2 = g + step
                if join:
                    tail = other(full ^ x2)
                    if tail is not None and g2 + tail < best:
                        best = g2 + tail
                        room = best - g
                        nxt = {x: x2}
                elif g2 < get(x2, limit):
                    nxt[x2] = g2
                    if g2 + bound < floor:
                        floor = g2 + bound
            row_b = ctx_b[xa]
            rest_a = cast_a[qa]
            for low, low_x, duration, outside in steps_b[qb]:
                xb2 = xb | low
                bound = ctx_a[xb2][xa] + row_b[xb2]
                if bound >= room:
                    continue
                step = duration * cost[started & (rest_a | cast_b[qb ^ low]) & outside]
                if step + bound >= room:
                    continue
                x2 = x | low_x
                g2 = g + step
                if join:
                    tail = other(full ^ x2)
                    if tail is not None and g2 + tail < best:
                        best = g2 + tail
                        room = best - g
                        nxt = {x: x2}
                elif g2 < get(x2, limit):
                    nxt[x2] = g2
                    if g2 + bound < floor:
                        floor = g2 + bound
        return nxt, best if join else floor, expanded

    def path(self, layers: list[dict[int, int]], x: int) -> list[int]:
        """An order of the scenes x whose cost when shot first is the stored least cost."""
        order: list[int] = []
        k = x.bit_count()
        g = layers[k][x]
        while k:
            previous = layers[k - 1]
            for low, s in _bits(x):
                before = previous.get(x ^ low)
                if before is not None and before + self.step(x ^ low, s) == g:
                    order.append(s)
                    x ^= low
                    g = before
                    k -= 1
                    break
            else:
                raise AssertionError("meet_in_middle: a stored cost has no predecessor")
        order.reverse()
        return order


def _rescore(
    search: _Search, layer: dict[int, int], candidates: list[_Split], limit: int
) -> _Split:
    """The split whose plain tables keep fewest states of a sample of `layer` below the limit."""
    step = max(1, len(layer) // SAMPLE)
    sample = list(layer.items())[::step]
    best = search.split
    best_key: tuple[int, int] | None = None
    for split in candidates:
        code = {s: 1 << i for i, s in enumerate(split.a)}
        code.update({s: 1 << (i + 16) for i, s in enumerate(split.b)})
        pack = union_over([code[s] for s in search.perm])  # a state in split's halves
        table_a = split.half_a.table(0)
        table_b = split.half_b.table(0)
        kept = 0
        for x, g in sample:
            both = pack(x)
            if g + table_a[both & 0xFFFF] + table_b[both >> 16] < limit:
                kept += 1
        key = (kept, -split.root)
        if best_key is None or key < best_key:
            best, best_key = split, key
    return best


def _projected(layers: list[dict[int, int]], n: int, half: int) -> float:
    """States still to come up to the middle, extrapolated from the last two layers.

    The share of the C(n, k) sets of a layer that survive the bound falls by a ratio per layer
    that itself shrinks slowly (by about 5% a layer in these searches); the first layers, where
    nearly everything survives, say too little and are not extrapolated from.
    """
    k = len(layers) - 1
    if k < 4 or k >= half:
        return 0.0
    share = len(layers[k]) / comb(n, k)
    ratio = share / (len(layers[k - 1]) / comb(n, k - 1))
    total = 0.0
    for j in range(k + 1, half + 1):
        ratio *= 0.95
        share *= ratio
        total += share * comb(n, j)
    return total


def meet_in_middle(
    problem: Reduced,
    deadline: float,
    incumbent: int | None,
    improve: Callable[[], int] | None = None,
) -> SearchResult:
    """Least idle cost below `incumbent`, proved optimal if it finishes by the deadline.

    `improve`, if given, is called once, when a layer first exceeds IMPROVE_AT states, for a
    better incumbent (the caller's local search): every state kept is below the incumbent, so
    a cheap one is enough for a small search and a good one is worth its time for a large one.
    """
    n = len(problem.masks)
    if n == 0:
        return SearchResult((), 0, 0, True, 0)
    limit = _UNSET if incumbent is None else incumbent
    cost = _costs(problem.costs)
    rng = random.Random(0)
    splits = [_Split(problem, cost, a, b) for a, b in _random_splits(n, SPLITS, rng)]
    search = _Search(problem, limit, cost, max(splits, key=lambda split: split.root))
    half = n // 2
    layers: list[dict[int, int]] = [{0: 0}]
    floor = min(limit, search.root_bound())  # least g + bound over the last layer
    expanded = 0
    stored = 0
    for _ in range(half):
        if improve is not None and len(layers[-1]) > IMPROVE_AT:
            limit = min(limit, improve())
            improve = None
            search.limit = limit
            bound = search.bound
            layers[-1] = {x: g for x, g in layers[-1].items() if g + bound(x) < limit}
            floor = min(floor, limit)
        projected = 0.0 if search.grown else _projected(layers, n, half)
        if projected > GROW_AT:
            # a large search: choose the split again, on how much of this layer it prunes,
            # then add the tables with actors started by the other half
            effort = 2 if projected > GROW_MORE * GROW_AT else 1
            candidates = [
                _Split(problem, cost, a, b) for a, b in _random_splits(n, effort * RESPLITS, rng)
            ]
            split = _rescore(search, layers[-1], [search.split, *candidates], limit)
            if split is not search.split:
                old_perm = search.perm
                search = _Search(problem, limit, cost, split)
                position = {s: i for i, s in enumerate(search.perm)}
                move = union_over([1 << position[s] for s in old_perm])
                layers = [{move(x): g for x, g in layer.items()} for layer in layers]
            search.grow(effort * CONTEXTS)
            bound = search.bound
            layers[-1] = {x: g for x, g in layers[-1].items() if g + bound(x) < limit}
        layer = layers[-1]
        result = search.expand(layer, deadline)
        if result is None:
            return SearchResult(None, None, floor, False, expanded)
        nxt, next_floor, count = result
        expanded += count
        if not nxt:
            return SearchResult(None, None, limit, True, expanded)
        floor = next_floor
        stored += len(nxt)
        if stored > MAX_STATES:
            return SearchResult(None, None, floor, False, expanded)
        layers.append(nxt)
    middle = layers[half]
    best = limit
    join: tuple[int, list[int], int] | None = None
    if n % 2 == 0:
        full = search.full
        for x, g in middle.items():
            tail = middle.get(full ^ x)
            if tail is not None and g + tail < best:
                best = g + tail
                join = (x, [], full ^ x)
    else:
        result = search.expand(middle, deadline, join=True)
        if result is None:
            return SearchResult(None, None, floor, False, expanded)
        found, total, count = result
        expanded += count
        for head, x2 in found.items():
            best = total
            join = (head, [(x2 ^ head).bit_length() - 1], search.full ^ x2)
    if join is None:
        return SearchResult(None, None, limit, True, expanded)
    head, middle_scenes, tail = join
    order = search.path(layers, head) + middle_scenes + search.path(layers, tail)[::-1]
    return SearchResult(tuple(search.perm[s] for s in order), best, best, True, expanded)
