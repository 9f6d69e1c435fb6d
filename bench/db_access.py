"""Database access patterns side by side: each repository query's cost at 1,000 and 10,000 docs.

    .venv/bin/python bench/db_access.py --server NAME=MONGO_URL [--server NAME=URL ...]
        [--sizes 1000,10000] [--reps 15] [--budget 4] [--only SUBSTRING ...]

Seeds one `bookings` collection per size in a scratch database on every server (booking-like
documents of ~1 KB, 20 organisations, the indexes casting's store creates), then times each
access pattern with one client, round-robin over the servers so that they share the machine's
noise, and prints the median (ms) per pattern, server and size, with the 10k/1k ratio (1.0 means
the cost does not grow with the collection) and each server's ratio to the first one.

Patterns (what the repository and the stores do today, and the alternatives of issue 9):
  get.scoped            find_one({_id, org_id})                      Repository.get today
  get.by_id             find_one({_id}), org checked in the process  option (b)
  update.cas            find_one_and_update({_id, org_id, version})  Repository.update today
  update.by_id          find_one({_id}) + update_one({_id})          option (b), under the doc lock
  get_many.in           find({_id: {$in: 50}, org_id})               Repository.get_many today
  get_many.by_id        50 concurrent find_one({_id})                option (b)
  relay.pending         find({_pending: true})                       the relay's full pass
  relay.clear           update_one({_id, version}, $set outbox)      the relay's clear today
  hold.find             find({org_id, role_id, talent_id})           casting holdTalent's check
  hold.derived_id       find_one({_id: "<role>:<talent>"})           option (b): a derived id
  by_role.find          find({org_id, role_id: {$in: 5}})            DataLoader bookings_by_role
  by_role.read_model    find_one({_id: role}) + get_many.by_id       option (c): ids kept by role
  calendar.find         find({talent_id})                            scheduling's CheckConflicts
  calendar.read_model   find_one({_id: talent})                      option (c): one doc per talent
  repo.get / repo.get_many / repo.update / repo.find_by_role
                        slate.mongo.Repository itself (what the services run)
  relay.idle_pass       OutboxRelay.drain_once() with nothing pending (the periodic poll; run
                        last: it marks the seeded pending documents published)

With --at-rest SECONDS (and --cpu NAME=PID[,PID|user:NAME...] per server), it then measures the
database's CPU while --relays idle OutboxRelays (1 s poll, nothing pending) watch the largest
collection: the "database CPU at rest" of issue 9 (four services, one to three outbox
collections each). `user:postgres` sums every process of that user (a PostgreSQL backend).

Nothing is written outside the scratch databases `slate_bench_*`, which are dropped at the end.
Use servers of your own (other ports), not the shared 27017.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from slate.events import OutboxRelay
from slate.mongo import Repository, explain_find

Doc = dict[str, Any]
ORGS = 20
BOOKINGS_PER_ROLE = 8
BATCH = 50


@dataclass
class Fixture:
    """One seeded collection and what the patterns pick from."""

    db: AsyncDatabase[Doc]
    size: int
    docs: list[Doc]
    versions: dict[str, int] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    by_org: dict[str, list[str]] = field(default_factory=dict)
    relay: OutboxRelay | None = None

    @property
    def repo(self) -> Repository:
        return Repository(self.db, "bookings")

    @property
    def bookings(self) -> AsyncCollection[Doc]:
        return self.db["bookings"]

    def pick(self) -> Doc:
        return self.docs[self.rng.randrange(len(self.docs))]


def booking(i: int, now: datetime) -> Doc:
    org = f"org_{i % ORGS:02d}"
    role = f"rol_{i // BOOKINGS_PER_ROLE:06d}"
    return {
        "_id": f"bkg_{i:06d}",
        "org_id": org,
        "production_id": f"prd_{i // 200:05d}",
        "production_timezone": "America/Los_Angeles",
        "role_id": role,
        "role_name": f"Role {i // BOOKINGS_PER_ROLE}",
        "talent_id": f"tal_{(i * 7919) % 5000:05d}",
        "talent_name": f"Talent number {i}",
        "union": "SAG_AFTRA",
        "rate": {"amount": "1200.00", "currency": "USD", "unit": "DAY"},
        "work_dates": [(now.date() + timedelta(days=d)).isoformat() for d in range(3)],
        "is_minor": i % 17 == 0,
        "status": "ON_HOLD" if i % 3 else "BOOKED",
        "notes": "x" * 400,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "_outbox": [],
        "_pending": i % 100 == 0,
    }


INDEXES: list[list[tuple[str, int]]] = [
    [("_pending", 1)],
    [("org_id", 1), ("_id", 1)],
    [("org_id", 1), ("role_id", 1)],
    [("org_id", 1), ("production_id", 1)],
    [("talent_id", 1)],
]


async def seed(client: AsyncMongoClient[Doc], size: int) -> Fixture:
    db = client[f"slate_bench_{size}"]
    await client.drop_database(db.name)
    now = datetime.now(UTC).replace(microsecond=0)
    docs = [booking(i, now) for i in range(size)]
    for start in range(0, size, 1000):
        await db["bookings"].insert_many([dict(d) for d in docs[start : start + 1000]])
    for keys in INDEXES:
        await db["bookings"].create_index(keys)
    # Read models of options (b) and (c), written as a store would keep them.
    await db["booking_keys"].insert_many(
        [{"_id": f"{d['role_id']}:{d['talent_id']}", "booking_id": d["_id"]} for d in docs]
    )
    by_role: dict[str, list[str]] = {}
    by_talent: dict[str, list[Doc]] = {}
    for d in docs:
        by_role.setdefault(d["role_id"], []).append(d["_id"])
        by_talent.setdefault(d["talent_id"], []).append(
            {"booking_id": d["_id"], "dates": d["work_dates"], "status": d["status"]}
        )
    await db["role_bookings"].insert_many(
        [{"_id": r, "booking_ids": ids} for r, ids in by_role.items()]
    )
    await db["talent_calendar_docs"].insert_many(
        [{"_id": t, "entries": e} for t, e in by_talent.items()]
    )
    by_org: dict[str, list[str]] = {}
    for d in docs:
        by_org.setdefault(d["org_id"], []).append(d["_id"])
    return Fixture(db=db, size=size, docs=docs, versions={d["_id"]: 1 for d in docs}, by_org=by_org)


# ---------------------------------------------------------------- the patterns


async def get_scoped(f: Fixture) -> None:
    d = f.pick()
    assert await f.bookings.find_one({"_id": d["_id"], "org_id": d["org_id"]}) is not None


async def get_by_id(f: Fixture) -> None:
    d = f.pick()
    doc = await f.bookings.find_one({"_id": d["_id"]})
    assert doc is not None
    assert doc["org_id"] == d["org_id"]


async def update_cas(f: Fixture) -> None:
    d = f.pick()
    v = f.versions[d["_id"]]
    after = await f.bookings.find_one_and_update(
        {"_id": d["_id"], "org_id": d["org_id"], "version": v},
        {"$set": {"status": "BOOKED"}, "$inc": {"version": 1}},
        return_document=ReturnDocument.AFTER,
    )
    assert after is not None
    f.versions[d["_id"]] = v + 1


async def update_by_id(f: Fixture) -> None:
    d = f.pick()
    v = f.versions[d["_id"]]
    current = await f.bookings.find_one({"_id": d["_id"]})
    assert current is not None
    assert (current["version"], current["org_id"]) == (v, d["org_id"])
    result = await f.bookings.update_one(
        {"_id": d["_id"]}, {"$set": {"status": "BOOKED", "version": v + 1}}
    )
    assert result.modified_count == 1
    f.versions[d["_id"]] = v + 1


def _batch(f: Fixture) -> tuple[str, list[str]]:
    org = f.pick()["org_id"]
    ids = f.by_org[org]
    return org, f.rng.sample(ids, min(BATCH, len(ids)))


async def get_many_in(f: Fixture) -> None:
    org, ids = _batch(f)
    found = [d async for d in f.bookings.find({"_id": {"$in": ids}, "org_id": org})]
    assert len(found) == len(ids)


async def get_many_by_id(f: Fixture) -> None:
    org, ids = _batch(f)
    found = await asyncio.gather(*(f.bookings.find_one({"_id": i}) for i in ids))
    assert all(d is not None for d in found)
    assert {d["org_id"] for d in found if d is not None} == {org}


async def relay_pending(f: Fixture) -> None:
    found = await f.bookings.find({"_pending": True}).limit(100).to_list()
    assert found


async def relay_clear(f: Fixture) -> None:
    d = f.pick()
    result = await f.bookings.update_one(
        {"_id": d["_id"], "version": f.versions[d["_id"]]},
        {"$set": {"_outbox": [], "_pending": False}},
    )
    assert result.matched_count == 1


async def hold_find(f: Fixture) -> None:
    d = f.pick()
    q = {"org_id": d["org_id"], "role_id": d["role_id"], "talent_id": d["talent_id"]}
    assert await f.bookings.find(q).limit(100).to_list()


async def hold_derived_id(f: Fixture) -> None:
    d = f.pick()
    assert await f.db["booking_keys"].find_one({"_id": f"{d['role_id']}:{d['talent_id']}"})


async def by_role_find(f: Fixture) -> None:
    d = f.pick()
    base = int(d["role_id"][4:])
    roles = [f"rol_{max(0, base - k):06d}" for k in range(5)]
    q = {"org_id": d["org_id"], "role_id": {"$in": roles}}
    assert await f.bookings.find(q).sort("_id", 1).limit(10_000).to_list()


async def by_role_read_model(f: Fixture) -> None:
    d = f.pick()
    model = await f.db["role_bookings"].find_one({"_id": d["role_id"]})
    assert model is not None
    found = await asyncio.gather(*(f.bookings.find_one({"_id": i}) for i in model["booking_ids"]))
    assert all(x is not None for x in found)


async def calendar_find(f: Fixture) -> None:
    d = f.pick()
    assert await f.bookings.find({"talent_id": d["talent_id"]}).to_list()


async def calendar_read_model(f: Fixture) -> None:
    d = f.pick()
    assert await f.db["talent_calendar_docs"].find_one({"_id": d["talent_id"]})


async def repo_get(f: Fixture) -> None:
    d = f.pick()
    assert await f.repo.get(d["org_id"], d["_id"]) is not None


async def repo_get_many(f: Fixture) -> None:
    org, ids = _batch(f)
    assert len(await f.repo.get_many(org, ids)) == len(ids)


async def repo_update(f: Fixture) -> None:
    d = f.pick()
    v = f.versions[d["_id"]]
    await f.repo.update(d["org_id"], d["_id"], v, {"status": "BOOKED"})
    f.versions[d["_id"]] = v + 1


async def repo_find_by_role(f: Fixture) -> None:
    d = f.pick()
    base = int(d["role_id"][4:])
    roles = [f"rol_{max(0, base - k):06d}" for k in range(5)]
    assert await f.repo.find(d["org_id"], {"role_id": {"$in": roles}}, limit=10_000)


class _Acked:
    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(self, topic: str, value: bytes, key: bytes, headers: Any) -> Any:
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def relay_idle_pass(f: Fixture) -> None:
    if f.relay is None:
        f.relay = OutboxRelay(f.db, ["bookings"], producer_factory=_Acked)
        await f.bookings.update_many({"_pending": True}, {"$set": {"_pending": False}})
    assert await f.relay.drain_once() == 0


PATTERNS: dict[str, Callable[[Fixture], Awaitable[None]]] = {
    "get.scoped": get_scoped,
    "get.by_id": get_by_id,
    "update.cas": update_cas,
    "update.by_id": update_by_id,
    "get_many.in": get_many_in,
    "get_many.by_id": get_many_by_id,
    "relay.pending": relay_pending,
    "relay.clear": relay_clear,
    "hold.find": hold_find,
    "hold.derived_id": hold_derived_id,
    "by_role.find": by_role_find,
    "by_role.read_model": by_role_read_model,
    "calendar.find": calendar_find,
    "calendar.read_model": calendar_read_model,
    "repo.get": repo_get,
    "repo.get_many": repo_get_many,
    "repo.update": repo_update,
    "repo.find_by_role": repo_find_by_role,
    "relay.idle_pass": relay_idle_pass,
}


async def explain_plan(f: Fixture, flt: Doc) -> str:
    """'index' or 'scan': the server's plan for find(flt) on bookings (explain_find)."""
    return "index" if (await explain_find(f.db, "bookings", flt)).index_backed else "scan"


async def measure(
    fixtures: dict[str, Fixture],
    pattern: Callable[[Fixture], Awaitable[None]],
    reps: int,
    budget: float,
) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in fixtures}
    for f in fixtures.values():  # warm-up (connections, caches)
        await pattern(f)
        await pattern(f)
    deadline = time.perf_counter() + budget
    for i in range(reps):
        for name, f in fixtures.items():
            t0 = time.perf_counter()
            await pattern(f)
            samples[name].append((time.perf_counter() - t0) * 1000)
        if i >= 2 and time.perf_counter() > deadline:
            break
    return {name: statistics.median(s) for name, s in samples.items()}


def _cpu_seconds(spec: str) -> float:
    """utime + stime of the processes named by spec: pids, or user:NAME for all of a user's."""
    import os
    import pwd

    pids: list[str] = []
    for part in spec.split(","):
        if part.startswith("user:"):
            uid = pwd.getpwnam(part[5:]).pw_uid
            pids += [p for p in os.listdir("/proc") if p.isdigit() and _uid(p) == uid]
        else:
            pids.append(part)
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _uid(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


async def at_rest(
    fixtures: dict[str, Fixture], cpu: dict[str, str], seconds: float, n: int
) -> None:
    """Each server's CPU share while n idle relays poll its collection every second."""
    for f in fixtures.values():
        await f.bookings.update_many({"_pending": True}, {"$set": {"_pending": False}})
    relays = [
        OutboxRelay(f.db, ["bookings"], producer_factory=_Acked, poll_interval_s=1.0)
        for f in fixtures.values()
        for _ in range(n)
    ]
    for relay in relays:
        await relay.start()
    try:
        await asyncio.sleep(2)  # the start-up passes are over
        before = {name: _cpu_seconds(spec) for name, spec in cpu.items()}
        await asyncio.sleep(seconds)
        after = {name: _cpu_seconds(spec) for name, spec in cpu.items()}
    finally:
        for relay in relays:
            await relay.stop()
    print()
    print(f"At rest: {n} idle relays per server, {seconds:.0f} s, database CPU (% of one core):")
    for name in cpu:
        print(f"  {name}: {100 * (after[name] - before[name]) / seconds:.1f} %")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--server", action="append", required=True, help="NAME=MONGO_URL")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per pattern and size")
    parser.add_argument("--only", action="append", default=[], help="run patterns containing this")
    parser.add_argument("--at-rest", type=float, default=0, help="seconds of idle-relay CPU")
    parser.add_argument("--relays", type=int, default=8, help="idle relays for --at-rest")
    parser.add_argument("--cpu", action="append", default=[], help="NAME=PID[,PID|user:NAME]")
    args = parser.parse_args()
    cpu = dict(c.split("=", 1) for c in args.cpu)

    servers = dict(s.split("=", 1) for s in args.server)
    sizes = [int(s) for s in args.sizes.split(",")]
    patterns = {
        k: v for k, v in PATTERNS.items() if not args.only or any(o in k for o in args.only)
    }
    clients: dict[str, AsyncMongoClient[Doc]] = {
        n: AsyncMongoClient(u, tz_aware=True) for n, u in servers.items()
    }
    results: dict[tuple[str, str, int], float] = {}
    plans: dict[tuple[str, str], str] = {}
    try:
        for size in sizes:
            t0 = time.perf_counter()
            fixtures = {n: await seed(c, size) for n, c in clients.items()}
            took = time.perf_counter() - t0
            print(f"# seeded {size} bookings on {', '.join(servers)} in {took:.1f}s")
            for pname, pattern in patterns.items():
                medians = await measure(fixtures, pattern, args.reps, args.budget)
                for n, m in medians.items():
                    results[(pname, n, size)] = m
                print(f"  {pname:<20} " + "  ".join(f"{n}={m:8.2f}ms" for n, m in medians.items()))
            if size == sizes[-1] and args.at_rest:
                await at_rest({n: fixtures[n] for n in cpu}, cpu, args.at_rest, args.relays)
            if size == sizes[-1]:
                sample = fixtures[next(iter(fixtures))].docs[size // 2]
                shapes = {
                    "get.scoped": {"_id": sample["_id"], "org_id": sample["org_id"]},
                    "get.by_id": {"_id": sample["_id"]},
                    "get_many.in": {"_id": {"$in": [sample["_id"]]}, "org_id": sample["org_id"]},
                    "update.cas": {"_id": sample["_id"], "org_id": sample["org_id"], "version": 1},
                    "relay.pending": {"_pending": True},
                    "hold.find": {
                        "org_id": sample["org_id"],
                        "role_id": sample["role_id"],
                        "talent_id": sample["talent_id"],
                    },
                    "by_role.find": {
                        "org_id": sample["org_id"],
                        "role_id": {"$in": [sample["role_id"]]},
                    },
                    "calendar.find": {"talent_id": sample["talent_id"]},
                }
                for n, f in fixtures.items():
                    for pname, flt in shapes.items():
                        plans[(pname, n)] = await explain_plan(f, flt)
    finally:
        for c in clients.values():
            for size in sizes:
                await c.drop_database(f"slate_bench_{size}")
            await c.close()

    names = list(servers)
    first = names[0]
    big, small = sizes[-1], sizes[0]
    print()
    head = (
        "| pattern | "
        + " | ".join(f"{n} {s:,}" for n in names for s in sizes)
        + " | "
        + " | ".join(f"{n} {big:,}/{small:,}" for n in names)
    )
    if len(names) > 1:
        head += " | " + " | ".join(f"{n}/{first} at {big:,}" for n in names[1:])
    head += " | plan (" + ", ".join(names) + ") |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for pname in patterns:
        cells = [f"{results[(pname, n, s)]:.2f}" for n in names for s in sizes]
        cells += [f"{results[(pname, n, big)] / results[(pname, n, small)]:.1f}×" for n in names]
        if len(names) > 1:
            cells += [
                f"{results[(pname, n, big)] / results[(pname, first, big)]:.2f}×" for n in names[1:]
            ]
        cells.append(", ".join(plans.get((pname, n), "-") for n in names))
        print(f"| {pname} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    asyncio.run(main())
