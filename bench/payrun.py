"""Issue 12's pay-run benchmark: one production's pay run of N engagements x 5 days, end to end
on the real database, and the stub PDF's render time.
With `--memory` the same on `MemoryDatabase`: what the use cases cost without the database.

Seeding (not timed), in this process on `MongoDatabase` over FerretDB (`SLATE_MONGO_URL`, a fresh
database dropped at the end): one production's engagements opened by payroll's own
`on_booking_confirmed` from confirmed `BookingSnapshot`s (as casting's event would), then, per
engagement and week, five timecards built by the domain (`Timecard.submit`, then `approve`) and
inserted through `PayrollStore.add_timecard` with their outbox events, many at once. The store
has no bulk insert and the use cases' per-card authorisation and audit would only make the seed
slower; the documents are the ones the use cases write.

Timed, per run (a fresh week each, so every run pays the same number of cards): what the
`createPayRun`, `approvePayRun` and `issuePayRun` mutations do minus HTTP and GraphQL:
`Payroll.create_pay_run` (reads, wage engine, taxes, the run with its stubs and outbox written),
`approve_pay_run`, `issue_pay_run` (payments, timecards marked paid, issued stubs kept). Wall
and this process's CPU time per step; FerretDB's CPU too when `--ferretdb-pid` is given.

    eval "$(deploy/local/isolated.sh env 22000)"
    .venv/bin/python bench/payrun.py --engagements 10000 --runs 1 [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta
from typing import Any

from payroll.app import SERVICE
from payroll.domain.payruns import PayRun
from payroll.domain.timecards import MealBreak, Timecard
from payroll.store import PayrollStore
from payroll.stubpdf import render_stub
from payroll.usecases import Payroll, timecard_id_for
from pymongo.errors import DocumentTooLarge
from slate.audit import AuditLog
from slate.config import Settings
from slate.mongo import create_client
from slate.repository import Database, MemoryDatabase, MongoDatabase
from slate.testing import cipher, confirmed_booking, principal

ORG = "org_bench"
PRODUCTION = "prd_bench"
FIRST_MONDAY = date(2027, 3, 1)
FIRST_WEEK: date | None = None  # --first-monday
ACCOUNTING = principal(ORG, "accounting", sub="bench-accounting")
PRODUCER = principal(ORG, "producer", sub="bench-producer")
# (call, wrap, meals): an 8.5-hour day, a 10-hour day, a 13-hour day with a late meal.
SHIFTS = (
    ("08:00", "16:30", (("12:00", "12:30"),)),
    ("08:00", "18:30", (("12:00", "12:30"),)),
    ("07:00", "20:30", (("14:00", "14:30"),)),
)


def week(run: int) -> list[str]:
    monday = FIRST_MONDAY + timedelta(weeks=run)
    if FIRST_WEEK is not None:
        monday = FIRST_WEEK + timedelta(weeks=run)
    return [(monday + timedelta(days=d)).isoformat() for d in range(5)]


async def gather_limited(
    job: Callable[[Any], Awaitable[Any]], items: Sequence[Any], limit: int
) -> None:
    """`job(item)` for every item, `limit` at a time."""
    queue = list(reversed(items))

    async def worker() -> None:
        while queue:
            await job(queue.pop())

    await asyncio.gather(*(worker() for _ in range(limit)))


async def seed(payroll: Payroll, store: PayrollStore, engagements: int, runs: int) -> None:
    dates = [d for r in range(runs) for d in week(r)]
    bookings = [
        confirmed_booking(
            booking_id=f"bkg_{i}",
            org_id=ORG,
            production_id=PRODUCTION,
            talent_id=f"tal_{i}",
            talent_name=f"Talent {i}",
            union="SAG_AFTRA" if i % 2 else "NONE",
            work_dates=tuple(dates),
        )
        for i in range(engagements)
    ]
    started = time.perf_counter()
    await gather_limited(payroll.on_booking_confirmed, bookings, 16)
    print(f"seed: {engagements} engagements in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    opened = await store.engagements_by_booking(ORG, [b.booking_id for b in bookings])
    assert len(opened) == engagements
    for r in range(runs):
        cards = []
        for i, engagement in enumerate(sorted(opened, key=lambda e: e.booking_id)):
            eng_id = engagement.id
            for d, day in enumerate(week(r)):
                call, wrap, meals = SHIFTS[(i + d) % len(SHIFTS)]
                card = Timecard.submit(
                    timecard_id_for(eng_id, day),
                    engagement,
                    day=day,
                    call=call,
                    wrap=wrap,
                    meals=[MealBreak(s, e) for s, e in meals],
                    by=PRODUCER.sub,
                )
                card.approve(ACCOUNTING.sub)
                cards.append(card)
        await gather_limited(store.add_timecard, cards, 16)
        print(
            f"seed: week {r + 1}: {len(cards)} approved timecards"
            f" ({time.perf_counter() - started:.1f} s so far)",
            flush=True,
        )


def ferretdb_cpu(pid: int | None) -> float:
    """User + system CPU seconds of the FerretDB process so far (0 without a pid)."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def timed(
    label: str, step: Awaitable[PayRun], pid: int | None, out: dict[str, list[float]]
) -> PayRun:
    wall, cpu, db_cpu = time.perf_counter(), time.process_time(), ferretdb_cpu(pid)
    result = await step
    out.setdefault(f"{label} wall", []).append(time.perf_counter() - wall)
    out.setdefault(f"{label} cpu", []).append(time.process_time() - cpu)
    if pid is not None:
        out.setdefault(f"{label} ferretdb cpu", []).append(ferretdb_cpu(pid) - db_cpu)
    return result


async def pay_run(payroll: Payroll, r: int, pid: int | None, out: dict[str, list[float]]) -> PayRun:
    days = week(r)
    sunday = (date.fromisoformat(days[0]) + timedelta(days=6)).isoformat()
    pay_date = (date.fromisoformat(days[4]) + timedelta(days=7)).isoformat()
    wall, cpu = time.perf_counter(), time.process_time()
    run = await timed(
        "create",
        payroll.create_pay_run(
            ACCOUNTING,
            production_id=PRODUCTION,
            period_start=days[0],
            period_end=sunday,
            pay_date=pay_date,
        ),
        pid,
        out,
    )
    await timed("approve", payroll.approve_pay_run(PRODUCER, run.id), pid, out)
    issued = await timed("issue", payroll.issue_pay_run(ACCOUNTING, run.id), pid, out)
    out.setdefault("total wall", []).append(time.perf_counter() - wall)
    out.setdefault("total cpu", []).append(time.process_time() - cpu)
    return issued


def pdf_times(run: PayRun, count: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each render."""
    render_stub(run.stubs[0])  # imports fpdf (~2 s), not part of a render
    wall, cpu = [], []
    for stub in run.stubs[:count]:
        started, used = time.perf_counter(), time.process_time()
        render_stub(stub)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    return wall, cpu


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="pay runs, one fresh week each")
    parser.add_argument("--pdfs", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    parser.add_argument("--ferretdb-pid", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--memory", action="store_true", help="MemoryDatabase instead: the cost without I/O"
    )
    parser.add_argument(
        "--first-monday",
        type=date.fromisoformat,
        default=None,
        help=f"first week's Monday (default {FIRST_MONDAY}; dates past the rule data add notes)",
    )
    args = parser.parse_args()
    global FIRST_WEEK
    FIRST_WEEK = args.first_monday

    settings = Settings(
        service="bench-payrun", mongo_url=os.environ.get("SLATE_MONGO_URL", Settings.mongo_url)
    )
    client = create_client(settings)
    name = f"bench_payrun_{uuid.uuid4().hex[:8]}"
    database: Database = MemoryDatabase() if args.memory else MongoDatabase(client[name])
    try:
        store = await SERVICE.open_store(database)
        assert isinstance(store, PayrollStore)
        payroll = Payroll(store, AuditLog(database), cipher())
        await seed(payroll, store, args.engagements, args.runs)
        print(f"load average before: {os.getloadavg()}", flush=True)
        out: dict[str, list[float]] = {}
        last = None
        for r in range(args.runs):
            if args.profile and r == 0:
                profiler = cProfile.Profile()
                profiler.enable()
                last = await pay_run(payroll, r, args.ferretdb_pid, out)
                profiler.disable()
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text)
                stats.sort_stats("cumulative").print_stats(30)
                stats.sort_stats("tottime").print_stats(20)
                print(text.getvalue())
            else:
                try:
                    last = await pay_run(payroll, r, args.ferretdb_pid, out)
                except DocumentTooLarge as exc:
                    # The run's document embeds every stub: over ~16 MiB it cannot be written.
                    print(f"run {r + 1}: createPayRun failed: {exc}")
                    raise SystemExit(1) from None
            print(
                f"run {r + 1}: {len(last.stubs)} stubs, {len(last.timecard_ids)} timecards, "
                + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in out.items()),
                flush=True,
            )
        print(f"load average after: {os.getloadavg()}")
        for key, values in out.items():
            print(f"{key}: median {statistics.median(values):.2f} s over {len(values)} runs")
        assert last is not None
        for what, took in zip(("wall", "cpu"), pdf_times(last, args.pdfs), strict=True):
            print(
                f"stub PDF {what} ({len(took)} stubs): p50 {percentile(took, 50) * 1000:.1f} ms,"
                f" p95 {percentile(took, 95) * 1000:.1f} ms, max {max(took) * 1000:.1f} ms"
            )
        print(f"load average at the end: {os.getloadavg()}")
    finally:
        if not args.keep and not args.memory:
            await client.drop_database(name)
        await client.close()


if __name__ == "__main__":
    asyncio.run(main())
