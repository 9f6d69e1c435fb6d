"""Every query the repository and the outbox relay send is answered from an index (issue 9).

The queries are not listed by hand: a command listener records every filter the kernel sends while
the repository and relay methods run (with the query shapes the services' stores use: loaders by
`$in`, the hold check, keyset pages, the talent calendar), then the server's own `explain` is asked
about each one. A collection scan fails the test, on MongoDB 7 (COLLSCAN) as on the local FerretDB
(SQLite `SCAN`; the patched build in deploy/local/ferretdb/patches uses indexes).
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from pymongo import AsyncMongoClient, monitoring
from slate import telemetry_names
from slate.config import Settings, project_root
from slate.events import OutboxEvent, OutboxRelay
from slate.mongo import IndexSpec, Repository, ensure_indexes, explain_find, merge_filters
from slate.repository import MongoRepository

pytestmark = pytest.mark.infra

ORGS = ("org_a", "org_b", "org_c")
MONGO_URL = os.environ.get("SLATE_MONGO_URL", Settings.mongo_url)  # as conftest.py


class Recorder(monitoring.CommandListener):
    """The filters (and sorts) of every read and write command, by collection."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
        self.recording = False

    def _add(self, name: str, coll: Any, flt: Any, sort: Any = None) -> None:
        if self.recording and isinstance(coll, str):
            self.queries.append((name, coll, dict(flt or {}), dict(sort or {})))

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        cmd, name = event.command, event.command_name
        coll = cmd.get(name)
        if name == "find":
            self._add(name, coll, cmd.get("filter"), cmd.get("sort"))
        elif name == "findAndModify":
            self._add(name, coll, cmd.get("query"), cmd.get("sort"))
        elif name in ("update", "delete"):
            for op in cmd.get("updates" if name == "update" else "deletes", []):
                self._add(name, coll, op.get("q"))
        elif name in ("count", "distinct"):
            self._add(name, coll, cmd.get("query"))
        elif name == "aggregate":
            stages = cmd.get("pipeline") or [{}]
            self._add(name, coll, stages[0].get("$match", {}))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class FakeProducer:
    """Stands in for Kafka: the relay's database queries are what is under test here."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: Any
    ) -> asyncio.Future[None]:
        self.sent.append((topic, key))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def event(key: str) -> OutboxEvent:
    return OutboxEvent.create(
        topic="slate.test.thing.v1",
        key=key,
        type="slate.test.thing.changed.v1",
        source="slate-test",
        message=StringValue(value=key),
    )


async def _outdated_local_ferretdb() -> str | None:
    """Why the shared local FerretDB cannot pass yet, if it runs a build older than the installed
    (patched) one: `infra.sh start` leaves a running instance alone and says so."""
    if "127.0.0.1:27017" not in MONGO_URL and "localhost:27017" not in MONGO_URL:
        return None  # not the local FerretDB that infra.sh runs
    local = project_root() / ".local"
    running, installed = local / "run" / "ferretdb.build", local / "bin" / "ferretdb.installed"
    if not (local / "run" / "ferretdb.pid").exists() or not installed.exists():
        return None
    if _read(running) == _read(installed):
        return None
    return (
        "the local FerretDB runs an older build than .local/bin/ferretdb (unpatched: no query "
        "uses an index); restart it when nothing uses it: deploy/local/infra.sh restart ferretdb"
    )


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


@pytest.fixture
async def recorded(db):
    """A client on the test database whose commands are recorded, and the recorder."""
    recorder = Recorder()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        MONGO_URL,
        tz_aware=True,
        tzinfo=UTC,
        event_listeners=[recorder],
    )
    try:
        yield client[db.name], recorder
    finally:
        await client.close()


async def test_the_check_tells_a_scan_from_an_index(db):
    await db["probe"].insert_many([{"_id": f"p{i}", "org_id": "org_a", "n": i} for i in range(20)])
    await db["probe"].create_index([("org_id", 1), ("_id", 1)])

    by_id = await explain_find(db, "probe", {"_id": "p3"})
    unindexed = await explain_find(db, "probe", {"n": 3})

    assert not unindexed.index_backed, str(unindexed)
    if not by_id.index_backed:
        reason = await _outdated_local_ferretdb()
        if reason:
            pytest.skip(reason)
    assert by_id.index_backed, str(by_id)
    assert (await explain_find(db, "probe", {"org_id": "org_a"}, sort=[("_id", 1)])).index_backed


def test_merged_filters_keep_keys_top_level_and_colliding_ones_under_and():
    assert merge_filters({"org_id": "a"}, {"role_id": {"$in": ["r"]}}, {}) == {
        "org_id": "a",
        "role_id": {"$in": ["r"]},
    }
    assert merge_filters({"org_id": "a"}, {"_id": "x"}, {"_id": {"$gt": "w"}}) == {
        "org_id": "a",
        "_id": "x",
        "$and": [{"_id": {"$gt": "w"}}],
    }
    assert merge_filters({"$and": [{"a": 1}]}, {"$and": [{"b": 2}]}) == {
        "$and": [{"a": 1}, {"$and": [{"b": 2}]}]
    }
    assert merge_filters({}, {}) == {}


async def test_every_repository_and_relay_query_uses_an_index(db, recorded):
    database, recorder = recorded
    bookings = Repository(database, "bookings")
    talent = Repository(database, "talent", org_scoped=False)
    productions = MongoRepository(database, "productions")
    calendar = MongoRepository(database, "talent_calendar", org_scoped=False)
    # The indexes the services' stores declare for these shapes.
    await ensure_indexes(
        database,
        {
            "bookings": [
                *bookings.indexes(),
                IndexSpec([("org_id", 1), ("role_id", 1)]),
                IndexSpec([("org_id", 1), ("production_id", 1)]),
                IndexSpec([("talent_id", 1)]),
            ],
            "talent": [*talent.indexes(), IndexSpec([("email", 1)])],
            "productions": productions.indexes(),
            "talent_calendar": [IndexSpec([("talent_id", 1)])],
        },
    )
    for i in range(60):
        org = ORGS[i % 3]
        await bookings.insert(
            {
                "_id": f"bkg_{i:03d}",
                "org_id": org,
                "role_id": f"rol_{i // 4:03d}",
                "production_id": f"prd_{i // 20}",
                "talent_id": f"tal_{i % 7}",
                "status": "ON_HOLD",
            },
            [event(f"bkg_{i:03d}")] if i % 10 == 0 else [],
        )
        await talent.insert({"_id": f"tal_{i:03d}", "email": f"t{i}@example.com"})
        await productions.insert({"_id": f"prd_{i:03d}", "org_id": org, "title": f"P{i}"})
        await calendar.put_if_newer(
            f"bkg_{i:03d}",
            {"talent_id": f"tal_{i % 7}", "work_dates": ["2026-03-02", "2026-03-03"]},
            1,
        )

    recorder.recording = True
    # Repository: what every store does.
    assert await bookings.get("org_a", "bkg_000") is not None
    assert await bookings.get("org_b", "bkg_000") is None  # another org's: not returned
    assert await bookings.get("org_a", "nope") is None
    assert len(await bookings.get_many("org_a", ["bkg_000", "bkg_003", "bkg_001"])) == 2
    assert await bookings.find("org_a", {"role_id": {"$in": ["rol_000", "rol_001"]}}, limit=10_000)
    assert await bookings.find("org_a", {"production_id": {"$in": ["prd_0"]}}, limit=10_000)
    assert await bookings.find("org_a", {"role_id": "rol_000", "talent_id": "tal_0"}, limit=100)
    page = await bookings.find(
        "org_a", {"role_id": {"$in": ["rol_000", "rol_003"]}}, sort=[("created_at", -1)], limit=1
    )
    assert await bookings.find(
        "org_a",
        {"role_id": {"$in": ["rol_000", "rol_003"]}},
        sort=[("created_at", -1)],
        limit=1,
        after=page[-1]["_id"],
    )
    first = await productions.find("org_a", {}, sort=[("_id", 1)], limit=2)
    assert await productions.find("org_a", {}, sort=[("_id", 1)], limit=2, after=first[-1]["_id"])
    saved = await bookings.update("org_a", "bkg_003", 1, {"status": "BOOKED"}, [event("bkg_003")])
    with pytest.raises(Exception, match="version"):
        await bookings.update("org_a", "bkg_003", 1, {"status": "RELEASED"})
    with pytest.raises(LookupError):
        await bookings.update("org_b", "bkg_003", saved["version"], {"status": "RELEASED"})
    assert await talent.get("", "tal_001") is not None
    assert len(await talent.get_many("", ["tal_001", "tal_002"])) == 2
    await productions.upsert("org_a", "prd_x", {"title": "From an event"})
    assert await productions.raw("prd_x") is not None
    assert await calendar.put_if_newer("bkg_000", {"talent_id": "tal_0"}, 2)
    assert not await calendar.put_if_newer("bkg_000", {"talent_id": "tal_0"}, 2)
    busy = {"talent_id": "tal_0", "work_dates": {"$in": ["2026-03-02"]}}
    entries = await calendar.find("", busy, sort=[("_id", 1)], limit=3)
    assert await calendar.find("", busy, sort=[("_id", 1)], limit=3, after=entries[-1]["_id"])

    # The relay: its pass over pending documents, a woken document, the clears, its metrics.
    producer = FakeProducer()
    relay = OutboxRelay(
        database,
        ["bookings", "talent"],
        producer_factory=lambda: producer,  # type: ignore[arg-type, return-value]
        batch_size=2,
        metrics=telemetry_names.metrics("explain-test"),
    )
    assert await relay.drain_once() == 7
    await bookings.update("org_a", "bkg_003", saved["version"], {"status": "X"}, [event("bkg_003")])
    relay.wake("bookings", "bkg_003")
    assert await relay.drain_hinted() == 1
    recorder.recording = False

    queries = {(c, repr(f), repr(s)): (n, c, f, s) for n, c, f, s in recorder.queries}
    assert {n for n, *_ in queries.values()} >= {"find", "findAndModify", "update"}
    plans = [
        (name, await explain_find(db, coll, flt, sort=sort))
        for name, coll, flt, sort in queries.values()
    ]
    scans = [f"{name}: {plan}" for name, plan in plans if not plan.index_backed]
    if scans and len(scans) == len(plans):
        reason = await _outdated_local_ferretdb()
        if reason:
            pytest.skip(reason)
    assert not scans, "queries that read the whole collection:\n" + "\n".join(scans)


def _equal(stored: Any, wanted: Any) -> bool:
    """MongoDB equality for the strings and booleans used below (True is not 1 here)."""
    return type(stored) is type(wanted) and stored == wanted


def _matches(doc: dict[str, Any], flt: dict[str, Any]) -> bool:
    for field, cond in flt.items():
        options = cond["$in"] if isinstance(cond, dict) else [cond]
        value = doc.get(field, _MISSING)
        candidates = value if isinstance(value, list) else [value]
        if not any(_equal(c, o) for c in candidates for o in options):
            return False
    return True


_MISSING = object()


async def test_indexed_equality_keeps_mongodb_semantics(db):
    """The patched FerretDB answers these from indexes; the answers must stay MongoDB's: a
    field holding an array matches a value it contains; strings match byte for byte."""
    values: list[Any] = ["x", ["x", "y"], ["y"], "y", None, 1, {"a": "x"}, True, "<x&é>", "[x", []]
    docs = []
    for i, f in enumerate(values):
        for j, g in enumerate(["a", ["a", "b"], "b"]):
            doc: dict[str, Any] = {"_id": f"d{i}_{j}", "g": g}
            if i != 4:
                doc["f"] = f
            docs.append(doc)
    await db["sem"].insert_many([dict(d) for d in docs])
    await db["sem"].create_index([("f", 1)])
    await db["sem"].create_index([("g", 1), ("f", 1)])
    filters: list[dict[str, Any]] = [
        {"f": "x"},
        {"f": "y"},
        {"f": True},
        {"f": "<x&é>"},
        {"f": "[x"},
        {"f": {"$in": ["x", True]}},
        {"g": "a", "f": "x"},
        {"g": {"$in": ["a", "b"]}, "f": "y"},
        {"g": "b"},
        {"_id": {"$in": ["d0_0", "d1_1", "d3_2", "nope"]}, "f": "x"},
    ]
    uses_indexes = (await explain_find(db, "sem", {"_id": "d0_0"})).index_backed
    for flt in filters:
        found = sorted([d["_id"] async for d in db["sem"].find(flt)])
        expected = sorted(d["_id"] for d in docs if _matches(d, flt))
        assert found == expected, flt
        if uses_indexes:  # so the answers above came from the index path
            plan = await explain_find(db, "sem", flt)
            assert plan.index_backed, str(plan)


class CannedExplain:
    """A database whose `explain` answers with a stored document (servers we cannot run here)."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.commands: list[Any] = []

    async def command(self, name: str, command: Any, **kwargs: Any) -> dict[str, Any]:
        self.commands.append((name, command, kwargs))
        return self.answer


IXSCAN = {"stage": "FETCH", "inputStage": {"stage": "IXSCAN", "indexName": "org_id_1_role_id_1"}}


@pytest.mark.parametrize(
    ("answer", "index_backed"),
    [
        # MongoDB 7, classic engine: the rejected collection scan does not count.
        ({"winningPlan": IXSCAN, "rejectedPlans": [{"stage": "COLLSCAN"}]}, True),
        ({"winningPlan": {"stage": "IDHACK"}}, True),
        ({"winningPlan": {"stage": "EXPRESS_IXSCAN"}}, True),  # MongoDB 8
        ({"winningPlan": {"stage": "SORT", "inputStage": {"stage": "COLLSCAN"}}}, False),
        # MongoDB 7, slot-based engine: the plan is under queryPlan.
        (
            {
                "winningPlan": {
                    "queryPlan": {"stage": "COLLSCAN", "planNodeId": 1},
                    "slotBasedPlan": {"stages": "[1] scan s1 s2 s3"},
                }
            },
            False,
        ),
        ({"winningPlan": {"queryPlan": IXSCAN, "slotBasedPlan": {"stages": "[1] ixseek"}}}, True),
        # Sharded: each shard's winning plan.
        (
            {
                "winningPlan": {
                    "stage": "SINGLE_SHARD",
                    "shards": [{"winningPlan": IXSCAN, "rejectedPlans": [{"stage": "COLLSCAN"}]}],
                }
            },
            True,
        ),
        # FerretDB: SQLite's and PostgreSQL's plans.
        ({"Plan": ["id=3 parent=0 notused=0 detail=SEARCH t USING INDEX t__id_ (<expr>=?)"]}, True),
        ({"Plan": ["id=2 parent=0 notused=0 detail=SCAN t"]}, False),
        ({"Plan": {"Node Type": "Index Scan"}}, True),
        ({"Plan": {"Node Type": "Seq Scan"}}, False),
        ({}, False),  # no plan (FerretDB, unknown collection): not known to use an index
    ],
)
async def test_the_check_reads_each_servers_plan(answer, index_backed):
    db = CannedExplain({"queryPlanner": answer, "ok": 1.0})
    plan = await explain_find(db, "bookings", {"org_id": "a"}, sort=[("_id", 1)])  # type: ignore[arg-type]
    assert plan.index_backed is index_backed, str(plan)
    assert db.commands == [
        (
            "explain",
            {"find": "bookings", "filter": {"org_id": "a"}, "sort": {"_id": 1}},
            {"verbosity": "queryPlanner"},
        )
    ]
