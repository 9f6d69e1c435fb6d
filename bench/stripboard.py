"""Time the stripboard optimiser on the public talent-scheduling instances.

Usage: .venv/bin/python bench/stripboard.py [--runs N] [--only NAME ...] [--markdown]
                                            [--against REV]

Each instance goes through the same path as `slate schedule stripboard` (parse_instance, then
solve with the default time limit), in process, so interpreter start-up is not counted. Reports
the median wall time over N runs beside the published 2011 dynamic-programming time.

With --against REV (a commit, e.g. HEAD), the optimiser of that commit is timed side by side
with the working tree's in the same run: each side runs in its own worker process (the old one
from `git archive REV`), and the runs alternate between them instance by instance, so a busy
shared machine slows both alike. Reports the medians of each side and their ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "bench/data/talent/instances.jsonl"
PACKAGE = "services/scheduling/scheduling/domain"


def load(only: list[str] | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in INSTANCES.read_text(encoding="utf-8").splitlines()]
    return [d for d in rows if not only or d["name"] in only]


def time_once(data: dict[str, Any]) -> dict[str, Any]:
    """Solve one instance with whichever `scheduling` package is first on sys.path."""
    from scheduling.domain.stripboard import parse_instance, solve, talent_cost

    instance, limit = parse_instance({"scenes": data["scenes"], "actor_costs": data["actor_costs"]})
    t0 = time.perf_counter()
    c0 = time.process_time()
    result = solve(instance, limit)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    assert talent_cost(instance, result.order) == result.cost
    return {
        "source": str(Path(sys.modules["scheduling"].__file__ or "").parent),
        "cost": result.cost,
        "optimal": result.optimal,
        "lower_bound": result.lower_bound,
        "expanded": result.expanded,
        "wall": wall,
        "cpu": cpu,
    }


def worker(source: str) -> None:
    """Answer one JSON instance per line on stdin with one timing per line on stdout."""
    sys.path.insert(0, source)
    for line in sys.stdin:
        print(json.dumps(time_once(json.loads(line))), flush=True)


def in_process(args: argparse.Namespace) -> None:
    rows: list[dict[str, Any]] = []
    for data in load(args.only):
        runs = [time_once(data) for _ in range(args.runs)]
        result = runs[-1]
        paper = (data.get("paper_runtimes") or {}).get("dp_garcia_de_la_banda_2011_s")
        median = statistics.median(r["wall"] for r in runs)
        rows.append(
            {
                "name": data["name"],
                "n": data["n_scenes"],
                "m": data["n_actors"],
                "cost": result["cost"],
                "published": data["optimum_total_cost"],
                "optimal": result["optimal"],
                "lower_bound": result["lower_bound"],
                "expanded": result["expanded"],
                "median_s": median,
                "cpu_s": statistics.median(r["cpu"] for r in runs),
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


def spawn(source: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", str(source)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def ask(proc: subprocess.Popen[str], data: dict[str, Any]) -> dict[str, Any]:
    stdin: IO[str] | None = proc.stdin
    stdout: IO[str] | None = proc.stdout
    assert stdin is not None
    assert stdout is not None
    stdin.write(json.dumps(data) + "\n")
    stdin.flush()
    answer: dict[str, Any] = json.loads(stdout.readline())
    return answer


@contextlib.contextmanager
def worker_at(rev: str) -> Iterator[subprocess.Popen[str]]:
    """A worker process timing the optimiser of commit `rev` (extracted with git archive)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "archive", rev, PACKAGE], cwd=ROOT, check=True, capture_output=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        (Path(tmp) / "services/scheduling/scheduling/__init__.py").write_text("")
        proc = spawn(Path(tmp) / "services/scheduling")
        try:
            yield proc
        finally:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()


def against(args: argparse.Namespace) -> None:
    with worker_at(args.against) as base_worker:
        sides = {"base": base_worker, "new": spawn(ROOT / "services/scheduling")}
        if args.markdown:
            print(
                f"| instance | scenes × actors | cost | optimal ({args.against} / new) "
                f"| {args.against} median wall s | new median wall s "
                f"| {args.against} median CPU s | new median CPU s | new ÷ {args.against} (CPU) |"
            )
            print("|---|---|---|---|---|---|---|---|---|")
        try:
            for data in load(args.only):
                runs: dict[str, list[dict[str, Any]]] = {"base": [], "new": []}
                for r in range(args.runs):
                    order = ("base", "new") if r % 2 == 0 else ("new", "base")
                    for side in order:
                        runs[side].append(ask(sides[side], data))
                base, new = runs["base"], runs["new"]
                assert base[-1]["cost"] == new[-1]["cost"] == data["optimum_total_cost"]
                row = {
                    "name": data["name"],
                    "n": data["n_scenes"],
                    "m": data["n_actors"],
                    "cost": new[-1]["cost"],
                    "optimal": (base[-1]["optimal"], new[-1]["optimal"]),
                    "base_wall": statistics.median(x["wall"] for x in base),
                    "new_wall": statistics.median(x["wall"] for x in new),
                    "base_cpu": statistics.median(x["cpu"] for x in base),
                    "new_cpu": statistics.median(x["cpu"] for x in new),
                }
                ratio = row["new_cpu"] / row["base_cpu"] if row["base_cpu"] else float("nan")
                if args.markdown:
                    print(
                        f"| {row['name']} | {row['n']} × {row['m']} | {row['cost']} "
                        f"| {str(base[-1]['optimal']).lower()} / {str(new[-1]['optimal']).lower()} "
                        f"| {row['base_wall']:.3f} | {row['new_wall']:.3f} "
                        f"| {row['base_cpu']:.3f} | {row['new_cpu']:.3f} | {ratio:.2f} |",
                        flush=True,
                    )
                else:
                    sources = {"base_source": base[-1]["source"], "new_source": new[-1]["source"]}
                    print(json.dumps({**row, "ratio_cpu": ratio, **sources}), flush=True)
        finally:
            worker = sides["new"]
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--against", metavar="REV", help="time this commit's optimiser beside")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
    elif args.against:
        against(args)
    else:
        in_process(args)


if __name__ == "__main__":
    main()
