"""Throughput of the payroll wage engine in timecard-days per second, on one core.

    .venv/bin/python bench/payroll_engine.py [--requests 2000] [--runs 7] [--profile]
    .venv/bin/python bench/payroll_engine.py --against HEAD~1 [--runs 9]

Builds a fixed, seeded mix of realistic requests (1–14 days, meals, overnight shifts, day and
hourly rates, both locations, both agreements), then times:
  engine:     calculate(parsed request)            -- the rules alone
  end-to-end: parse + calculate + render to a dict -- what `slate payroll calc` does minus JSON I/O
and reports the median of several runs, in timecard-days per CPU-second of the process.

`--repeat N` runs the engine over the workload N times more after the warm-up and exits, for a
load-independent instruction count (valgrind; subtract N=0 from N=2, divide by 2 × days):

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        .venv/bin/python bench/payroll_engine.py --requests 500 --repeat 2

`--against REF` measures side by side: the engine as committed at REF (`git archive` of
services/payroll/payroll into a temporary directory) and the working tree, each in its own
worker process pinned to the same core, the same workload, runs interleaved (REF, tree, REF,
tree, ...) so that other load on the machine falls on both alike. It prints the medians and
their ratios. REF always runs as pure Python; the working tree runs twice, as pure Python and,
when `make setup` has compiled it (`payroll.domain.native`), compiled with mypyc, so one run
gives compiled vs REF and compiled vs pure of the same sources.

Without `--against`, the engine runs as `payroll.domain` loads it: compiled when built for the
current sources, else pure Python (`SLATE_PAYROLL_ENGINE=python` forces Python). The first line
says which, and the load average is printed before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

START = date(2026, 3, 2)
ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "services/payroll/payroll"
MODES = ("engine", "end-to-end")


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


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _engine() -> str:
    """Which engine `payroll.domain` loaded: "compiled" or "python" (older commits: python)."""
    try:
        from payroll.domain import native
    except ImportError:
        return "python"
    return str(native.ENGINE)


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _workload(n_requests: int, seed: int) -> tuple[int, dict[str, Callable[[], None]]]:
    """The seeded requests and one callable per mode, for whichever `payroll` is importable."""
    from payroll.domain import calculate, load_rulebook, parse_request, render

    book = load_rulebook()
    rng = random.Random(seed)
    raw = [make_request(rng) for _ in range(n_requests)]
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
    return n_days, {"engine": engine, "end-to-end": end_to_end}


def _timed(n_days: int, fn: Callable[[], None]) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return n_days / (time.process_time() - c0), n_days / (time.perf_counter() - w0)


def worker(n_requests: int, seed: int) -> None:
    """Serve timed runs over stdin/stdout: a mode name in, 'cpu wall' days/s out."""
    _pin_to_one_core()
    n_days, fns = _workload(n_requests, seed)
    print(f"ready {n_days} {_engine()}", flush=True)
    for line in sys.stdin:
        cpu, wall = _timed(n_days, fns[line.strip()])
        print(f"{cpu} {wall}", flush=True)


def _export(ref: str, into: Path) -> str:
    """Unpack services/payroll/payroll as committed at `ref`; return the commit's short id."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", sha, PACKAGE], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return sha


def _start(
    pythonpath: Path, engine: str, args: argparse.Namespace
) -> tuple[subprocess.Popen[str], int, str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "SLATE_PAYROLL_ENGINE": engine}
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        f"--requests={args.requests}",
        f"--seed={args.seed}",
    ]
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready = proc.stdout.readline().split()
    if not ready or ready[0] != "ready":
        raise SystemExit(f"worker for {pythonpath} did not start")
    return proc, int(ready[1]), ready[2]


def _ask(proc: subprocess.Popen[str], mode: str) -> tuple[float, float]:
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write(mode + "\n")
    proc.stdin.flush()
    cpu, wall = proc.stdout.readline().split()
    return float(cpu), float(wall)


def against(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="payroll-bench-") as tmp:
        sha = _export(args.against, Path(tmp))
        sides = {
            f"{sha} ({args.against})": (Path(tmp) / "services/payroll", "python"),
            "tree, Python": (ROOT / "services/payroll", "python"),
            "tree, compiled": (ROOT / "services/payroll", "compiled"),
        }
        print(_load())
        workers = {}
        for name, (path, engine) in sides.items():
            try:
                proc, n, loaded = _start(path, engine, args)
            except SystemExit as e:  # no compiled build: compare the two Python engines only
                print(f"  {name}: not measured ({e}; `make setup` compiles the engine)")
                continue
            assert loaded == engine, f"{name}: asked for {engine}, loaded {loaded}"
            workers[name] = (proc, n)
        n_days = {n for _, n in workers.values()}
        assert len(n_days) == 1, f"the sides parsed different workloads: {n_days}"
        names = list(workers)
        print(
            f"{args.requests} requests, {n_days.pop()} timecard-days, {args.runs} interleaved runs "
            f"per side, each worker pinned to the same core; days per CPU-second (median, min–max)"
        )
        for mode in MODES:
            cpu: dict[str, list[float]] = {name: [] for name in workers}
            for _ in range(args.runs):
                for name, (proc, _) in workers.items():
                    cpu[name].append(_ask(proc, mode)[0])
            median = {name: statistics.median(v) for name, v in cpu.items()}
            for name, values in cpu.items():
                print(
                    f"  {mode:>10} {name:>24}: {median[name]:>9,.0f} days/s "
                    f"({min(values):,.0f}–{max(values):,.0f})"
                )
            for i, j in ((1, 0), (2, 0), (2, 1)):
                if j < len(names) and i < len(names):
                    ratio = median[names[i]] / median[names[j]]
                    print(f"  {mode:>10} {names[i] + ' / ' + names[j]:>40}: {ratio:.2f}×")
        for proc, _ in workers.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
        print(_load())


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
    parser.add_argument("--against", metavar="REF", help="also measure the engine at git REF")
    parser.add_argument(
        "--repeat", type=int, metavar="N", help="run the engine N more times and exit (valgrind)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.requests, args.seed)
        return
    if args.repeat is not None:
        n_days, fns = _workload(args.requests, args.seed)
        for _ in range(args.repeat):
            fns["engine"]()
        print(f"{n_days} timecard-days, engine run {args.repeat} times after the warm-up")
        return
    if args.against:
        against(args)
        return
    _pin_to_one_core()
    n_days, fns = _workload(args.requests, args.seed)
    print(
        f"{args.requests} requests, {n_days} timecard-days, {args.runs} runs, one core, "
        f"{_engine()} engine, {_load()}"
    )
    print("days/s per CPU-second of this process (wall-clock in brackets: other load skews it)")
    for name, fn in fns.items():
        cpu, wall = [], []
        for _ in range(args.runs):
            c, w = _timed(n_days, fn)
            cpu.append(c)
            wall.append(w)
        print(
            f"{name:>11}: median {statistics.median(cpu):>9,.0f} days/s "
            f"(min {min(cpu):,.0f}, max {max(cpu):,.0f}) "
            f"[wall median {statistics.median(wall):,.0f}]"
        )
    print(_load())
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(fns["engine"])
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
