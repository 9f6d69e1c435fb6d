"""Time the stripboard optimiser on seeded random instances, against the plain subset DP.

Usage: .venv/bin/python bench/stripboard_random.py [--sizes 18 19 20 21] [--seeds 10]
           [--runs 1] [--dp-up-to 21] [--against REV] [--markdown] [--json]

Instances are `random_instance(seed, n)` (scheduling/domain/stripboard/generate.py): 1-4 day
scenes needing 1 to half of 8-14 actors at 1-100 a day. For each one, in the same process and
one after the other, `solve` (the path of `slate schedule stripboard`, default time limit) and
`subset_dp` (exact, every subset: the oracle) are timed; their costs must agree and the
optimiser must prove its order optimal. CPU time of the process is reported beside wall time,
since the machine is shared; each optimiser figure is the median of --runs runs. With
--against REV, the optimiser of that commit is also timed on each instance, once, in a worker
process (see bench/stripboard.py), with the default 30 s limit.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from scheduling.domain.stripboard import solve, talent_cost
from scheduling.domain.stripboard.dp import subset_dp
from scheduling.domain.stripboard.generate import random_instance

# bench/stripboard.py, for its worker processes that time another commit's optimiser
_spec = importlib.util.spec_from_file_location(
    "stripboard_bench", Path(__file__).resolve().with_name("stripboard.py")
)
assert _spec is not None
assert _spec.loader is not None
film_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(film_bench)

T = TypeVar("T")


@dataclass
class Row:
    n: int
    seed: int
    actors: int
    cost: int
    optimal: bool
    expanded: int
    wall: float
    cpu: float
    dp_cost: int | None
    dp_wall: float | None
    dp_cpu: float | None
    base_optimal: bool | None = None
    base_wall: float | None = None
    base_cpu: float | None = None


def timed(fn: Callable[..., T], *args: object) -> tuple[T, float, float]:
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w, time.process_time() - c


def run(n: int, seed: int, runs: int, with_dp: bool, base: Any) -> Row:
    instance = random_instance(seed, n)
    walls, cpus = [], []
    result = None
    for _ in range(runs):
        result, wall, cpu = timed(solve, instance)
        walls.append(wall)
        cpus.append(cpu)
    assert result is not None
    assert talent_cost(instance, result.order) == result.cost
    dp_cost = dp_wall = dp_cpu = None
    if with_dp:
        (order, dp_cost), dp_wall, dp_cpu = timed(subset_dp, instance)
        assert talent_cost(instance, order) == dp_cost
        assert dp_cost == result.cost, (n, seed, dp_cost, result.cost)
    row = Row(
        n,
        seed,
        len(instance.actor_costs),
        result.cost,
        result.optimal,
        result.expanded,
        statistics.median(walls),
        statistics.median(cpus),
        dp_cost,
        dp_wall,
        dp_cpu,
    )
    if base is not None:
        data = {
            "scenes": [{"duration": s.duration, "actors": list(s.actors)} for s in instance.scenes],
            "actor_costs": list(instance.actor_costs),
        }
        old = film_bench.ask(base, data)
        assert old["cost"] >= result.cost
        assert not old["optimal"] or old["cost"] == result.cost
        row.base_optimal, row.base_wall, row.base_cpu = old["optimal"], old["wall"], old["cpu"]
    return row


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} / {max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[18, 19, 20, 21])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--dp-up-to", type=int, default=21, help="largest size also run by the DP")
    parser.add_argument("--against", metavar="REV", help="also time this commit's optimiser")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", action="store_true", help="one JSON line per instance")
    args = parser.parse_args()
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(film_bench.worker_at(args.against)) if args.against else None
        for n in args.sizes:
            for seed in range(args.seeds):
                row = run(n, seed, args.runs, n <= args.dp_up_to, base)
                rows.append(row)
                if args.json:
                    print(json.dumps(row.__dict__), flush=True)
    head = (
        "| scenes | instances | proved optimal | optimiser CPU s (median / max) "
        "| optimiser wall s | plain DP CPU s (median / max) | plain DP wall s "
        "| DP ÷ optimiser (CPU, median / min) |"
    )
    if args.against:
        head += f" {args.against} proved in 30 s | {args.against} CPU s (median / max) |"
    if args.markdown:
        print(head)
        print("|---" * head.count(" | ") + "|---|")
    for n in args.sizes:
        part = [r for r in rows if r.n == n]
        proved = sum(r.optimal for r in part)
        dp = [r for r in part if r.dp_cpu is not None]
        if dp:
            ratios = [r.dp_cpu / r.cpu for r in dp if r.dp_cpu is not None and r.cpu > 0]
            dp_cpu = fmt([r.dp_cpu for r in dp if r.dp_cpu is not None])
            dp_wall = fmt([r.dp_wall for r in dp if r.dp_wall is not None])
            ratio = f"{statistics.median(ratios):.0f}× / {min(ratios):.0f}×"
        else:
            dp_cpu = dp_wall = ratio = "—"
        cells = [
            str(n),
            str(len(part)),
            f"{proved}/{len(part)}",
            fmt([r.cpu for r in part]),
            fmt([r.wall for r in part]),
            dp_cpu,
            dp_wall,
            ratio,
        ]
        if args.against:
            cells.append(f"{sum(bool(r.base_optimal) for r in part)}/{len(part)}")
            cells.append(fmt([r.base_cpu for r in part if r.base_cpu is not None]))
        if args.markdown:
            print("| " + " | ".join(cells) + " |")
        elif not args.json:
            print("  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
