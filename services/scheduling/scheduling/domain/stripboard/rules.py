"""Side constraints as a filter on the next scene to shoot, over reduced scenes.

A constrained scene is never merged (see reduce.py), so each pin, group member and blocked cast is
one reduced scene. Given the scenes left, the day and position reached are fixed, so every rule is
a local check on the next scene.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduling.domain.stripboard.model import Instance
from scheduling.domain.stripboard.reduce import Reduced
from scheduling.domain.stripboard.tables import bits, sum_over


class Rules:
    def __init__(self, instance: Instance, problem: Reduced) -> None:
        self.problem = problem
        n = len(problem.masks)
        self.full = (1 << n) - 1
        reduced_of = {m[0]: r for r, m in enumerate(problem.members) if len(m) == 1}
        c = instance.constraints
        self.position_pin: dict[int, int] = {}
        self.day_pin: dict[int, int] = {}
        for pin in c.pins:
            r = reduced_of[pin.scene]
            if pin.position is not None:
                self.position_pin[r] = pin.position
            if pin.day is not None:
                self.day_pin[r] = pin.day
        self.groups = [sum(1 << reduced_of[s] for s in g) for g in c.together]
        self.blocked: dict[int, frozenset[int]] = {}
        for r, m in enumerate(problem.members):
            days: set[int] = set()
            for s in m:
                for a in instance.scenes[s].actors:
                    days |= c.unavailable.get(a, frozenset())
            if days:
                self.blocked[r] = frozenset(days)
        self.days_of = sum_over(problem.durations)
        self.count_of = sum_over([len(m) for m in problem.members])

    def children(self, q: int) -> list[int]:
        """Reduced scenes that may be shot next when the scenes in q are left."""
        done = self.full ^ q
        day = self.days_of(done)
        position = self.count_of(done)
        durations = self.problem.durations
        sizes = self.problem.members
        for r, p in self.position_pin.items():
            if q >> r & 1 and p < position:
                return []
        for r, d in self.day_pin.items():
            if q >> r & 1 and d < day:
                return []
        candidates = q
        for g in self.groups:
            if g & done and g & q:
                candidates &= g
        out: list[int] = []
        for r in bits(candidates):
            end_day = day + durations[r]
            end_position = position + len(sizes[r])
            pin_p = self.position_pin.get(r)
            if pin_p is not None and pin_p != position:
                continue
            pin_d = self.day_pin.get(r)
            if pin_d is not None and pin_d != day:
                continue
            if any(
                o != r and q >> o & 1 and position <= p < end_position
                for o, p in self.position_pin.items()
            ):
                continue
            if any(o != r and q >> o & 1 and day <= d < end_day for o, d in self.day_pin.items()):
                continue
            blocked = self.blocked.get(r)
            if blocked and any(t in blocked for t in range(day, end_day)):
                continue
            out.append(r)
        return out

    def feasible(self, order: Sequence[int]) -> bool:
        q = self.full
        for r in order:
            if r not in self.children(q):
                return False
            q ^= 1 << r
        return True
