"""Throughput of the payroll wage engine in timecard-days per second, on one core.

    .venv/bin/python bench/payroll_engine.py [--requests 2000] [--runs 7] [--profile]

Builds a fixed, seeded mix of realistic requests (1–14 days, meals, overnight shifts, day and
hourly rates, both locations, both agreements), then times:
  engine:     calculate(parsed request)            -- the rules alone
  end-to-end: parse + calculate + render to a dict -- what `slate payroll calc` does minus JSON I/O
and reports the median of several runs.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

from payroll.domain import calculate, load_rulebook, parse_request, render

START = date(2026, 3, 2)


def make_request(rng: random.Random) -> dict[str, Any]:
    days = []
    first = START + timedelta(days=rng.randrange(0, 90))
    for i in range(rng.choice([1, 1, 2, 3, 5, 5, 5, 6, 7, 10, 14])):
        call_h = rng.choice([5, 6, 7, 7, 8, 9, 14, 18, 20])
        length = rng.randrange(4 * 60, 15 * 60, 6)
        call = call_h * 60 + rng.choice([0, 30])
        meals = []
        if length > 6 * 60 and rng.random() < 0.9:
            start = call + rng.randrange(4 * 60, 7 * 60, 6)
            end = start + rng.choice([30, 30, 45, 60])
            if end + 30 < call + length:
                meals.append((start, end))
            if meals and length > 12 * 60 and rng.random() < 0.7:
                second = meals[0][1] + rng.randrange(5 * 60, 7 * 60, 6)
                if second + 30 < call + length:
                    meals.append((second, second + 30))

        def clock(m: int) -> str:
            return f"{(m // 60) % 24:02d}:{m % 60:02d}"

        days.append(
            {
                "date": (first + timedelta(days=i)).isoformat(),
                "call": clock(call),
                "wrap": clock(call + length),
                "meals": [{"start": clock(s), "end": clock(e)} for s, e in meals],
            }
        )
        if call + length >= 24 * 60 and i + 1 < 14:
            first += timedelta(days=1)  # leave the next morning free after an overnight
    unit = rng.choice(["hour", "hour", "day"])
    cents = rng.randrange(1800, 9000)
    return {
        "work_location": rng.choice(["US-CA", "US-CA-LOS-ANGELES-CITY"]),
        "agreement": rng.choice(["none", "none", "sag-aftra-commercials"]),
        "rate": {
            "unit": unit,
            "amount": f"{cents * (8 if unit == 'day' else 1) / 100:.2f}",
        },
        "workweek_start": (START - timedelta(days=rng.randrange(0, 7))).isoformat(),
        "days": days,
        "agent_fee_percent": rng.choice(["0", "10"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--profile", action="store_true", help="print the top functions by own time"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    book = load_rulebook()
    rng = random.Random(args.seed)
    raw = [make_request(rng) for _ in range(args.requests)]
    kw = {"jurisdictions": book.jurisdictions(), "agreements": book.agreements()}
    parsed = [parse_request(r, **kw) for r in raw]
    n_days = sum(len(p.days) for p in parsed)

    def engine() -> None:
        for p in parsed:
            calculate(p, book)

    def end_to_end() -> None:
        for r in raw:
            render(calculate(parse_request(r, **kw), book))

    engine()  # warm the rule caches once, as a running service would be
    print(f"{args.requests} requests, {n_days} timecard-days, {args.runs} runs, one core")
    print("days/s per CPU-second of this process (wall-clock in brackets: other load skews it)")
    for name, fn in (("engine", engine), ("end-to-end", end_to_end)):
        cpu, wall = [], []
        for _ in range(args.runs):
            c0, w0 = time.process_time(), time.perf_counter()
            fn()
            cpu.append(n_days / (time.process_time() - c0))
            wall.append(n_days / (time.perf_counter() - w0))
        print(
            f"{name:>11}: median {statistics.median(cpu):>9,.0f} days/s "
            f"(min {min(cpu):,.0f}, max {max(cpu):,.0f}) "
            f"[wall median {statistics.median(wall):,.0f}]"
        )
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(engine)
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
