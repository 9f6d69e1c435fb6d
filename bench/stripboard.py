"""Time the stripboard optimiser on the public talent-scheduling instances.

Usage: .venv/bin/python bench/stripboard.py [--runs N] [--only NAME ...] [--markdown]

Each instance goes through the same path as `slate schedule stripboard` (parse_instance, then
solve with the default time limit), in process, so interpreter start-up is not counted. Reports
the median wall time over N runs beside the published 2011 dynamic-programming time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from scheduling.domain.stripboard import parse_instance, solve, talent_cost

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "bench/data/talent/instances.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for line in INSTANCES.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        if args.only and data["name"] not in args.only:
            continue
        instance, limit = parse_instance(
            {"scenes": data["scenes"], "actor_costs": data["actor_costs"]}
        )
        times = []
        cpu = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            c0 = time.process_time()
            result = solve(instance, limit)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert talent_cost(instance, result.order) == result.cost
        paper = (data.get("paper_runtimes") or {}).get("dp_garcia_de_la_banda_2011_s")
        median = statistics.median(times)
        rows.append(
            {
                "name": data["name"],
                "n": data["n_scenes"],
                "m": data["n_actors"],
                "cost": result.cost,
                "published": data["optimum_total_cost"],
                "optimal": result.optimal,
                "lower_bound": result.lower_bound,
                "expanded": result.expanded,
                "median_s": median,
                "cpu_s": statistics.median(cpu),
                "paper_s": paper,
                "ratio": median / paper if paper else None,
            }
        )
        if not args.markdown:
            print(json.dumps(rows[-1]), flush=True)
    if args.markdown:
        print(
            "| instance | scenes × actors | cost (published) | optimal | expanded "
            "| median wall s | median CPU s | 2011 DP s | ratio (wall) |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            paper = f"{r['paper_s']:.2f}" if r["paper_s"] else "—"
            ratio = f"{r['ratio']:.0f}×" if r["ratio"] else "—"
            print(
                f"| {r['name']} | {r['n']} × {r['m']} | {r['cost']} ({r['published']}) "
                f"| {str(r['optimal']).lower()} | {r['expanded']} | {r['median_s']:.3f} "
                f"| {r['cpu_s']:.3f} "
                f"| {paper} | {ratio} |"
            )


if __name__ == "__main__":
    main()
