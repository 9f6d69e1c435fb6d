"""Load through the gateway (issue 9): the spine's writes, confirm-to-visible and the dashboard
against the running stack (`make run`), with the database at a given size.

Usage: .venv/bin/python bench/load_gateway.py [--bookings 10000] [--runs 3] [--traces]
       (--seed-only: just bring the database to --bookings; --json FILE: every figure)

1. Seed: if slate_casting holds fewer than --bookings bookings, add blocks of 100 (one production
   through the gateway, 5 one-day roles x 20 talent in process through casting's use cases, 60 %
   confirmed; bench/load_seed.py) across 20 organisations, then wait until the running relay
   has published their events and payroll, legal and scheduling have consumed them.
2. Per invocation: a dashboard production with 50 confirmed bookings (5 roles x 10 talent).
   Per run: a production with 2 one-day roles per client and fresh talent for the holds, and
   100 bookings on hold (10 roles x 10 talent) for the confirm-to-visible samples; in process.
3. Measured, each run, all through HTTP on loopback:
   - dashboard: the query through the gateway and the same plan against the subgraphs directly
     (scheduling, then casting's _entities, then payroll and legal side by side), interleaved;
   - confirm -> visible: confirmBooking through the gateway, then `booking { engagement contract }`
     through the gateway every 5 ms until both are there; the latency is from the confirm's answer
     to the arrival of the first answer showing both (and, as tests/e2e/test_spine.py counts,
     to the sending of that query), one confirmer, then 8 at once;
   - holdTalent with 16 clients in a closed loop (--ops holds, at most --duration s; each client
     owns two roles, since concurrent holds on one role conflict by design), then
     confirmBooking of those holds with the same 16 clients;
   - after the burst: how long until every event is published and consumed, then FerretDB's CPU
     time over 10 s with no requests (/proc/<pid>/stat), in 1 s slices.
Every loop is bounded (counts and deadlines); the script stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import load_seed
import load_stack
import load_traces
from load_seed import FIRST_DAY, Kit, seed_blocks
from load_stack import (
    CONFIRM,
    DASHBOARD,
    HOLD,
    VISIBLE,
    Backlogs,
    Client,
    Failed,
    quantile,
    token,
)
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

T = TypeVar("T")
WRITERS = ("producer", "casting")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- measuring


@dataclass
class Loop:
    """A closed loop of requests: latencies of every attempt, failures by code."""

    clients: int
    elapsed_s: float = 0.0
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    lane_results: list[list[Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s else 0.0


async def closed_loop(
    lanes: Sequence[Sequence[T]], duration_s: float, op: Callable[[T], Awaitable[Any]]
) -> Loop:
    """One client per lane, each sending its lane's next item as soon as its last answer came,
    until its lane runs out or `duration_s` has passed (requests in flight then are awaited).

    Lanes keep apart what must not run at once: a client owns its roles, since two holds on
    one role at the same moment are a CONFLICT by design (a hold claims a rank on its role)."""
    loop = Loop(len(lanes), lane_results=[[] for _ in lanes])
    start = time.perf_counter()
    deadline = start + duration_s

    async def client(lane: Sequence[T], results: list[Any]) -> None:
        for item in lane:
            if time.perf_counter() >= deadline:
                return
            t0 = time.perf_counter()
            try:
                result = await op(item)
            except Failed as exc:
                loop.failures[exc.code] += 1
            except httpx.TimeoutException:
                loop.failures["TIMEOUT"] += 1
            except httpx.HTTPError as exc:
                loop.failures[type(exc).__name__] += 1
            else:
                loop.ok += 1
                results.append(result)
            loop.latencies.append(time.perf_counter() - t0)

    await asyncio.gather(
        *(client(lane, out) for lane, out in zip(lanes, loop.lane_results, strict=True))
    )
    loop.elapsed_s = time.perf_counter() - start
    return loop


@dataclass
class Visible:
    """One confirm -> visible sample, in seconds from the confirm's answer.

    `*_s`: when the first answer showing it arrived (what a user polling sees; conservative).
    `sent_s`: when the query that first showed both was sent (as tests/e2e/test_spine.py
    counts; optimistic when that query itself is slow, since it may have read the state late).
    """

    confirm_s: float
    engagement_s: float | None = None
    contract_s: float | None = None
    sent_s: float | None = None
    error: str | None = None
    polls: int = 0

    @property
    def both_s(self) -> float | None:
        if self.engagement_s is None or self.contract_s is None:
            return None
        return max(self.engagement_s, self.contract_s)


async def confirm_then_watch(
    client: Client, bearer: str, booking_id: str, timeout_s: float, poll_s: float
) -> Visible:
    t0 = time.perf_counter()
    try:
        await client.mutate(CONFIRM, "confirmBooking", {"bookingId": booking_id}, bearer)
    except (Failed, httpx.HTTPError) as exc:
        return Visible(time.perf_counter() - t0, error=getattr(exc, "code", type(exc).__name__))
    answered = time.perf_counter()
    sample = Visible(answered - t0)
    while sample.both_s is None:
        sent = time.perf_counter()
        if sent - answered > timeout_s:
            sample.error = "NOT_VISIBLE"
            break
        try:
            booking = (await client.gateway(VISIBLE, {"id": booking_id}, bearer))["booking"]
        except (Failed, httpx.HTTPError) as exc:
            sample.error = getattr(exc, "code", type(exc).__name__)
            break
        received = time.perf_counter()
        sample.polls += 1
        if booking["engagement"] and sample.engagement_s is None:
            sample.engagement_s = received - answered
        if booking["contract"] and sample.contract_s is None:
            sample.contract_s = received - answered
        if sample.both_s is None:
            await asyncio.sleep(poll_s)
        else:
            sample.sent_s = sent - answered
    return sample


async def visibility(
    client: Client,
    bearer: str,
    bookings: Sequence[str],
    confirmers: int,
    timeout_s: float,
    poll_s: float,
) -> list[Visible]:
    """Each confirmer confirms its share of the bookings one after another, watching each."""
    shares = [bookings[i::confirmers] for i in range(confirmers)]
    samples: list[Visible] = []

    async def confirmer(share: Sequence[str]) -> None:
        for booking_id in share:
            samples.append(await confirm_then_watch(client, bearer, booking_id, timeout_s, poll_s))

    await asyncio.gather(*(confirmer(s) for s in shares))
    return samples


def complete(dashboard: dict[str, Any]) -> tuple[int, int]:
    """(bookings, bookings with both an engagement and a contract) in a dashboard answer."""
    production = dashboard.get("production") or {}
    bookings = [b for r in production.get("roles") or [] for b in r["bookings"]]
    return len(bookings), sum(1 for b in bookings if b.get("engagement") and b.get("contract"))


async def dashboard_timings(
    client: Client, bearer: str, production_id: str, queries: int, warmup: int
) -> tuple[list[float], list[float]]:
    """The dashboard through the gateway and directly, alternating which goes first."""
    gateway: list[float] = []
    direct: list[float] = []

    async def via_gateway() -> None:
        t0 = time.perf_counter()
        await client.gateway(DASHBOARD, {"id": production_id}, bearer)
        gateway.append(time.perf_counter() - t0)

    async def via_subgraphs() -> None:
        t0 = time.perf_counter()
        await client.direct_dashboard(production_id, bearer)
        direct.append(time.perf_counter() - t0)

    for i in range(warmup + queries):
        pair = (via_gateway, via_subgraphs) if i % 2 == 0 else (via_subgraphs, via_gateway)
        for step in pair:
            await step()
    return gateway[warmup:], direct[warmup:]


# --------------------------------------------------------------------------- a run


@dataclass
class Window:
    """Wall-clock span of a phase (for reading its traces)."""

    name: str
    start_ns: int
    end_ns: int


@dataclass
class RunResult:
    run: int
    bookings_at_start: int
    load_1min: float
    hold: dict[str, Any]
    confirm: dict[str, Any]
    visible_sequential: dict[str, Any]
    visible_concurrent: dict[str, Any]
    dashboard: dict[str, Any]
    settle_after_burst_s: float
    cpu_at_rest: dict[str, float]
    cpu_ms_per_request: dict[str, dict[str, float]]  # phase -> process -> CPU ms per request
    cpu_pct_at_rest: dict[str, float]  # process -> % of a core with no requests
    windows: list[Window]


def per_request(delta: dict[str, float], requests: int) -> dict[str, float]:
    return {k: 1000 * v / requests for k, v in delta.items()} if requests else {}


def loop_figures(loop: Loop) -> dict[str, Any]:
    return {
        "per_s": loop.rate,
        "ok": loop.ok,
        "failures": dict(loop.failures),
        "p50_ms": 1000 * quantile(loop.latencies, 0.5),
        "p99_ms": 1000 * quantile(loop.latencies, 0.99),
        "elapsed_s": loop.elapsed_s,
    }


def visible_figures(samples: Sequence[Visible]) -> dict[str, Any]:
    seen = [s for s in samples if s.both_s is not None]
    return {
        "n": len(samples),
        "visible": len(seen),
        "errors": dict(Counter(s.error for s in samples if s.error)),
        "p50_ms": 1000 * quantile([s.both_s for s in seen if s.both_s is not None], 0.5),
        "p99_ms": 1000 * quantile([s.both_s for s in seen if s.both_s is not None], 0.99),
        "engagement_p50_ms": 1000 * quantile([s.engagement_s or 0.0 for s in seen], 0.5),
        "contract_p50_ms": 1000 * quantile([s.contract_s or 0.0 for s in seen], 0.5),
        "confirm_p50_ms": 1000 * quantile([s.confirm_s for s in samples], 0.5),
        "traced_p50_ms": float("nan"),  # filled from the traces (answer -> both written)
        "traced_p99_ms": float("nan"),
        "sent_p50_ms": 1000 * quantile([s.sent_s or 0.0 for s in seen], 0.5),
        "sent_p99_ms": 1000 * quantile([s.sent_s or 0.0 for s in seen], 0.99),
        "polls_per_sample": statistics.mean(s.polls for s in samples) if samples else 0,
    }


@dataclass
class Setup:
    org: str
    bearer: str
    dashboard_production: str


async def set_up_dashboard(kit: Kit, client: Client, org: str, bearer: str) -> str:
    """A production with 5 roles x 10 talent = 50 confirmed bookings."""
    production_id = await client.create_production(bearer, "Bench dashboard")
    kit.peers.know(org, production_id, "Bench dashboard")
    days = [FIRST_DAY + timedelta(days=700 + i) for i in range(5)]
    roles = await kit.roles(org, production_id, days, "Dashboard role", places=10)
    talents = await kit.talents(org, 10, "Dashboard Talent")
    holds = [(org, r, t) for r in roles for t in talents]
    await kit.hold_then_confirm(holds, [True] * len(holds), concurrency=8)
    return production_id


async def one_run(
    n: int,
    args: argparse.Namespace,
    kit: Kit,
    client: Client,
    backlogs: Backlogs,
    mongo: AsyncMongoClient[dict[str, Any]],
    setup: Setup,
) -> RunResult:
    org, bearer = setup.org, setup.bearer
    windows: list[Window] = []

    def window(name: str, start_ns: int) -> None:
        windows.append(Window(name, start_ns, time.time_ns()))

    # --- fixtures of this run (in process, not measured)
    production_id = await client.create_production(bearer, f"Bench run {n}")
    kit.peers.know(org, production_id, f"Bench run {n}")
    # Each client owns two roles and alternates between them; each role has one hold per
    # talent and a place for each, so every hold can be confirmed.
    per_role = math.ceil(args.ops / (2 * args.clients))
    hold_roles = await kit.roles(
        org,
        production_id,
        [FIRST_DAY + timedelta(days=800 + i) for i in range(2 * args.clients)],
        f"Run {n} hold role",
        places=per_role,
    )
    hold_talent = await kit.talents(org, per_role, f"Run {n} Talent")
    lanes = [
        [(hold_roles[c + k * args.clients], t) for t in hold_talent for k in (0, 1)]
        for c in range(args.clients)
    ]
    visible_count = args.visible_sequential + args.visible_concurrent
    side = math.ceil(math.sqrt(visible_count))
    vis_roles = await kit.roles(
        org,
        production_id,
        [FIRST_DAY + timedelta(days=900 + i) for i in range(side)],
        f"Run {n} watch role",
        places=side,
    )
    vis_talent = await kit.talents(org, side, f"Run {n} Watched")
    # Talent-major: consecutive samples (and the 8 confirmers' first ones) are on different roles.
    held = await kit.hold_many([(org, r, t) for t in vis_talent for r in vis_roles], 8)
    held = held[:visible_count]
    if not await kit.published(held, args.settle_timeout):
        say("  warning: the holds to confirm are not all published yet")
    settled = await backlogs.settle(args.settle_timeout, say=say)
    if settled < 0:
        say("  warning: measuring with a backlog of events (see above)")
    bookings_at_start = await mongo["slate_casting"]["bookings"].count_documents({})
    load_1min = load_stack.load_average()[0]
    say(f"run {n}: {bookings_at_start} bookings in the database, load average {load_1min:.1f}")

    # --- dashboard (50 bookings), through the gateway and directly
    t = time.time_ns()
    gw, direct = await dashboard_timings(
        client, bearer, setup.dashboard_production, args.dashboard_queries, warmup=3
    )
    window("dashboard", t)
    dashboard = {
        "gateway_p50_ms": 1000 * quantile(gw, 0.5),
        "gateway_p99_ms": 1000 * quantile(gw, 0.99),
        "direct_p50_ms": 1000 * quantile(direct, 0.5),
        "direct_p99_ms": 1000 * quantile(direct, 0.99),
        "ratio_p50": quantile(gw, 0.5) / quantile(direct, 0.5),
        "n": len(gw),
    }
    say(
        f"  dashboard: gateway p50 {dashboard['gateway_p50_ms']:.0f} ms, "
        f"direct p50 {dashboard['direct_p50_ms']:.0f} ms"
    )

    # --- confirm -> visible, one confirmer, then several
    t = time.time_ns()
    seq = await visibility(
        client, bearer, held[: args.visible_sequential], 1, args.visible_timeout, 0.005
    )
    window("visible_sequential", t)
    visible_sequential = visible_figures(seq)
    say(f"  confirm->visible, 1 confirmer: p50 {visible_sequential['p50_ms']:.0f} ms")
    await backlogs.settle(args.settle_timeout, say=say)
    t = time.time_ns()
    conc = await visibility(
        client,
        bearer,
        held[args.visible_sequential :],
        args.confirmers,
        args.visible_timeout,
        0.005,
    )
    window("visible_concurrent", t)
    visible_concurrent = visible_figures(conc)
    say(
        f"  confirm->visible, {args.confirmers} confirmers: "
        f"p50 {visible_concurrent['p50_ms']:.0f} ms"
    )
    await backlogs.settle(args.settle_timeout, say=say)

    # --- holdTalent, then confirmBooking of those holds, 16 clients each
    async def hold(pair: tuple[str, str]) -> str:
        role_id, talent_id = pair
        payload = await client.mutate(
            HOLD, "holdTalent", {"roleId": role_id, "talentId": talent_id}, bearer
        )
        return str(payload["booking"]["id"])

    async def confirm(booking_id: str) -> None:
        await client.mutate(CONFIRM, "confirmBooking", {"bookingId": booking_id}, bearer)

    t, cpu0 = time.time_ns(), load_stack.stack_cpu()
    holds = await closed_loop(lanes, args.duration, hold)
    window("hold", t)
    cpu1 = load_stack.stack_cpu()
    say(f"  holdTalent: {holds.rate:.1f}/s, p50 {1000 * quantile(holds.latencies, 0.5):.0f} ms")
    t = time.time_ns()
    confirms = await closed_loop(holds.lane_results, args.duration, confirm)
    window("confirm", t)
    cpu2 = load_stack.stack_cpu()
    cpu_ms = {
        "holdTalent": per_request(load_stack.cpu_delta(cpu0, cpu1), len(holds.latencies)),
        "confirmBooking": per_request(load_stack.cpu_delta(cpu1, cpu2), len(confirms.latencies)),
    }
    say(
        f"  confirmBooking: {confirms.rate:.1f}/s, "
        f"p50 {1000 * quantile(confirms.latencies, 0.5):.0f} ms"
    )

    # --- after the burst: drain, then the database at rest
    settle_s = await backlogs.settle(args.settle_timeout, say=say)
    await asyncio.sleep(2.0)
    t, rest0 = time.time_ns(), load_stack.stack_cpu()
    cpu = await load_stack.cpu_at_rest(load_stack.ferretdb_pid(), args.cpu_seconds)
    window("rest", t)
    rest = load_stack.cpu_delta(rest0, load_stack.stack_cpu())
    rest_pct = {k: 100 * v / cpu.seconds for k, v in rest.items()}
    say(f"  FerretDB at rest: {cpu.median_pct:.1f} % (median 1 s slice), {cpu.mean_pct:.1f} % mean")
    return RunResult(
        run=n,
        bookings_at_start=bookings_at_start,
        load_1min=load_1min,
        hold=loop_figures(holds),
        confirm=loop_figures(confirms),
        visible_sequential=visible_sequential,
        visible_concurrent=visible_concurrent,
        dashboard=dashboard,
        settle_after_burst_s=settle_s,
        cpu_at_rest=asdict(cpu),
        cpu_ms_per_request=cpu_ms,
        cpu_pct_at_rest=rest_pct,
        windows=windows,
    )


# --------------------------------------------------------------------------- report


def fmt_ms(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def fmt_pair(values: Sequence[float]) -> str:
    return " / ".join(fmt_ms(v) for v in values)


def _n(fmt: str) -> Callable[[Sequence[float]], str]:
    return lambda values: " / ".join(format(v, fmt) for v in values)


def _settle(values: Sequence[float]) -> str:
    return " / ".join(f"{v:.1f}" if v >= 0 else "timeout" for v in values)


Row = tuple[str, str, Callable[[RunResult], Sequence[float]], Callable[[Sequence[float]], str]]
ROWS: list[Row] = [
    ("bookings in the database", "", lambda r: [r.bookings_at_start], _n(",.0f")),
    (
        "holdTalent, 16 clients: /s (failures)",
        "≥ 100 (0)",
        lambda r: [r.hold["per_s"], sum(r.hold["failures"].values())],
        lambda v: f"{v[0]:.1f} ({v[1]:.0f})",
    ),
    (
        "holdTalent p50 / p99 ms",
        "p99 < 500",
        lambda r: [r.hold["p50_ms"], r.hold["p99_ms"]],
        fmt_pair,
    ),
    (
        "confirmBooking, 16 clients: /s (failures)",
        "≥ 100 (0)",
        lambda r: [r.confirm["per_s"], sum(r.confirm["failures"].values())],
        lambda v: f"{v[0]:.1f} ({v[1]:.0f})",
    ),
    (
        "confirmBooking p50 / p99 ms",
        "p99 < 500",
        lambda r: [r.confirm["p50_ms"], r.confirm["p99_ms"]],
        fmt_pair,
    ),
    (
        "confirm → visible, 1 confirmer: p50 / p99 ms",
        "p99 < 100",
        lambda r: [r.visible_sequential["p50_ms"], r.visible_sequential["p99_ms"]],
        fmt_pair,
    ),
    (
        "  same, to the sending of the query that saw both",
        "",
        lambda r: [r.visible_sequential["sent_p50_ms"], r.visible_sequential["sent_p99_ms"]],
        fmt_pair,
    ),
    (
        "  same, from traces: answer → engagement and contract written",
        "",
        lambda r: [r.visible_sequential["traced_p50_ms"], r.visible_sequential["traced_p99_ms"]],
        fmt_pair,
    ),
    (
        "confirm → visible, 8 confirmers: p50 / p99 ms",
        "p99 < 500",
        lambda r: [r.visible_concurrent["p50_ms"], r.visible_concurrent["p99_ms"]],
        fmt_pair,
    ),
    (
        "  same, to the sending of the query that saw both",
        "",
        lambda r: [r.visible_concurrent["sent_p50_ms"], r.visible_concurrent["sent_p99_ms"]],
        fmt_pair,
    ),
    (
        "  same, from traces: answer → engagement and contract written",
        "",
        lambda r: [r.visible_concurrent["traced_p50_ms"], r.visible_concurrent["traced_p99_ms"]],
        fmt_pair,
    ),
    (
        "  the confirm itself, 1 / 8 confirmers: p50 ms",
        "",
        lambda r: [
            r.visible_sequential["confirm_p50_ms"],
            r.visible_concurrent["confirm_p50_ms"],
        ],
        fmt_pair,
    ),
    (
        "dashboard (50 bookings) via gateway: p50 / p99 ms",
        "p50 < 50",
        lambda r: [r.dashboard["gateway_p50_ms"], r.dashboard["gateway_p99_ms"]],
        fmt_pair,
    ),
    (
        "dashboard, subgraphs directly: p50 / p99 ms",
        "",
        lambda r: [r.dashboard["direct_p50_ms"], r.dashboard["direct_p99_ms"]],
        fmt_pair,
    ),
    ("gateway / direct (p50)", "≤ 1.3", lambda r: [r.dashboard["ratio_p50"]], _n(".2f")),
    (
        "events all consumed after the hold+confirm burst, s",
        "",
        lambda r: [r.settle_after_burst_s],
        _settle,
    ),
    (
        "FerretDB CPU at rest, % of a core: median 1 s / 10 s mean",
        "< 5",
        lambda r: [r.cpu_at_rest["median_pct"], r.cpu_at_rest["mean_pct"]],
        _n(".1f"),
    ),
    ("load average (1 min) at the start", "", lambda r: [r.load_1min], _n(".1f")),
]


def table(results: Sequence[RunResult]) -> str:
    runs = " | ".join(f"run {r.run}" for r in results)
    lines = [
        f"| measured | target | {runs} | median of runs |",
        "|---|---|" + "---|" * len(results) + "---|",
    ]
    for label, target, get, show in ROWS:
        values = [list(get(r)) for r in results]
        medians = []
        for column in zip(*values, strict=True):
            finite = [v for v in column if not math.isnan(v)]
            medians.append(statistics.median(finite) if finite else float("nan"))
        cells = " | ".join(show(v) for v in values)
        lines.append(f"| {label} | {target} | {cells} | **{show(medians)}** |")
    notes = []
    for r in results:
        failed = [
            f"{what} {code} ×{n}"
            for what, figures in (
                ("holdTalent", r.hold["failures"]),
                ("confirmBooking", r.confirm["failures"]),
                ("confirm→visible (1)", r.visible_sequential["errors"]),
                ("confirm→visible (8)", r.visible_concurrent["errors"]),
            )
            for code, n in figures.items()
        ]
        if failed:
            notes.append(f"run {r.run}: " + ", ".join(failed))
    if notes:
        lines += ["", "Failures: " + "; ".join(notes) + "."]
    return "\n".join(lines)


def cpu_table(results: Sequence[RunResult]) -> str:
    """CPU time each process spent per request (median of runs), and at rest."""
    names = [*load_stack.STACK, "bench"]
    lines = [
        "| CPU, median of runs | " + " | ".join(names) + " | all |",
        "|---|" + "---|" * (len(names) + 1),
    ]

    def row(label: str, per_run: list[dict[str, float]], fmt: str) -> None:
        cells = []
        for name in names:
            values = [r[name] for r in per_run if name in r]
            cells.append(format(statistics.median(values), fmt) if values else "—")
        totals = [sum(v for k, v in r.items() if k in names) for r in per_run if r]
        total = format(statistics.median(totals), fmt) if totals else "—"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {total} |")

    for phase in ("holdTalent", "confirmBooking"):
        row(
            f"{phase}, ms per request",
            [r.cpu_ms_per_request.get(phase, {}) for r in results],
            ".1f",
        )
    row("at rest, % of a core", [r.cpu_pct_at_rest for r in results], ".1f")
    return "\n".join(lines)


def head_commit() -> str:
    return subprocess.run(
        ["git", "-C", str(load_stack.ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def read_traces(windows: Sequence[Window]) -> load_traces.Traces | None:
    try:
        return load_traces.Traces(windows)
    except (OSError, ValueError) as exc:
        say(f"traces not read ({type(exc).__name__}: {exc})")
        return None


def save_json(path: Path, results: Sequence[RunResult]) -> None:
    path.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")


# --------------------------------------------------------------------------- main


async def seed(
    args: argparse.Namespace, kit: Kit, client: Client, backlogs: Backlogs, mongo: Any
) -> None:
    have = await mongo["slate_casting"]["bookings"].count_documents({})
    missing = args.bookings - have
    if missing <= 0:
        say(f"seed: {have} bookings already (≥ {args.bookings}); nothing to add")
        return
    blocks = math.ceil(missing / (load_seed.ROLES_PER_BLOCK * load_seed.TALENTS_PER_BLOCK))
    first = await mongo["slate_casting"]["productions"].count_documents({})  # distinct titles
    say(f"seed: {have} bookings; adding {blocks} blocks of 100 (in process, casting's use cases)")
    tokens = {}

    async def create_production(org: str, title: str) -> str:
        if org not in tokens:
            tokens[org] = token(org, *WRITERS)
        return await client.create_production(tokens[org], title)

    report = await seed_blocks(
        kit,
        create_production,
        first_block=first,
        blocks=blocks,
        concurrency=args.seed_concurrency,
        say=say,
    )
    for failure in report.failures[:5]:
        say(f"  {failure}")
    say(
        f"seed: {report.bookings} bookings ({report.confirmed} confirmed) written in "
        f"{report.seconds:.0f} s; waiting for the relay and the consumers"
    )
    waited = await backlogs.settle(args.seed_timeout, say=say, every_s=30)
    if waited < 0:
        raise SystemExit("seed: events still not consumed; re-run to measure once they are")
    say(f"seed: every event published and consumed {waited:.0f} s after the last write")
    if kit.relayed_here:
        say(f"seed: {kit.relayed_here} events were published from this process (see load_seed)")


async def main_async(args: argparse.Namespace) -> int:
    client = Client()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(load_stack.MONGO)
    backlogs = Backlogs(mongo)
    kit = Kit()
    try:
        down = await load_stack.stack_ready(client)
        if down:
            say(f"not ready: {', '.join(down)} (start the stack with `make run`)")
            return 2
        ours = load_stack.started_at()
        missing = [p for p in ("gateway", "casting", "ferretdb") if p not in ours]
        if missing and not args.any_stack:
            say(
                f"the stack answering on loopback is not this checkout's ({', '.join(missing)} "
                f"not running per {load_stack.RUN}/*.pid); --any-stack measures it anyway"
            )
            return 2
        await backlogs.start()
        await seed(args, kit, client, backlogs, mongo)
        if args.seed_only:
            return 0
        stamp = time.strftime("%Y%m%d%H%M%S")
        org = f"bench_{stamp}"
        bearer = token(org, *WRITERS)
        dashboard_production = await set_up_dashboard(kit, client, org, bearer)
        await backlogs.settle(args.settle_timeout, say=say)
        deadline = time.monotonic() + args.visible_timeout
        while True:
            total, done = complete(
                await client.gateway(DASHBOARD, {"id": dashboard_production}, bearer)
            )
            if (total, done) == (50, 50):
                break
            if time.monotonic() > deadline:
                say(f"dashboard: {done} of {total} bookings have engagement and contract")
                return 1
            await asyncio.sleep(0.5)
        setup = Setup(org, bearer, dashboard_production)
        results = []
        for n in range(1, args.runs + 1):
            try:
                results.append(await one_run(n, args, kit, client, backlogs, mongo, setup))
            except (httpx.HTTPError, Failed, ConnectionError, PyMongoError) as exc:
                down = await load_stack.stack_ready(client)
                say(
                    f"run {n} stopped: {type(exc).__name__}: {exc}; not answering now: "
                    f"{', '.join(down) or 'nothing'} (the stack restarted? wait and re-run)"
                )
                break
        if not results:
            return 3
        await asyncio.sleep(2.0)  # the services export spans in batches
        traces = read_traces([w for r in results for w in r.windows])
        if traces is not None:
            for r in results:
                for w in r.windows:
                    figures = {
                        "visible_sequential": r.visible_sequential,
                        "visible_concurrent": r.visible_concurrent,
                    }.get(w.name)
                    if figures is not None:
                        values = traces.visible_ms(w)
                        figures["traced_p50_ms"] = quantile(values, 0.5)
                        figures["traced_p99_ms"] = quantile(values, 0.99)
                        figures["traced_n"] = len(values)
        commit = head_commit()
        started = ", ".join(f"{k} {v}" for k, v in load_stack.started_at().items())
        print(f"{time.strftime('%Y-%m-%d %H:%M')}, HEAD {commit}; processes started: {started}")
        print()
        print(table(results))
        print()
        print(cpu_table(results))
        if args.json:
            save_json(Path(args.json), results)
        if args.traces and traces is not None:
            print()
            print(traces.report())
        return 0 if len(results) == args.runs else 3
    finally:
        await backlogs.close()
        await kit.close()
        await client.close()
        await mongo.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=10_000, help="database size to reach")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--confirmers", type=int, default=8)
    parser.add_argument("--ops", type=int, default=320, help="holds (then confirms) per run")
    parser.add_argument("--duration", type=float, default=30.0, help="cap of each loop, s")
    parser.add_argument("--visible-sequential", type=int, default=20)
    parser.add_argument("--visible-concurrent", type=int, default=80)
    parser.add_argument("--visible-timeout", type=float, default=30.0)
    parser.add_argument("--dashboard-queries", type=int, default=30)
    parser.add_argument("--cpu-seconds", type=float, default=10.0)
    parser.add_argument("--settle-timeout", type=float, default=120.0)
    parser.add_argument("--seed-timeout", type=float, default=1800.0)
    parser.add_argument("--seed-concurrency", type=int, default=8)
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument(
        "--any-stack", action="store_true", help="measure a stack started by another checkout"
    )
    parser.add_argument("--traces", action="store_true", help="where the time goes, per phase")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
