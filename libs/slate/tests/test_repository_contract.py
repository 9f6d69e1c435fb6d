"""The repository contract, run against the real database and the in-memory repository alike:
org scoping, optimistic versions, outbox fields, unique indexes, keyset paging. The in-memory
repository serves use-case unit tests only because it passes exactly these tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from slate.events import OutboxEvent
from slate.mongo import ConcurrencyConflict, DuplicateKey, IndexSpec, NotFound
from slate.repository import Database, MemoryDatabase, MongoDatabase


@pytest.fixture(params=["memory", pytest.param("mongo", marks=pytest.mark.infra)])
def make_db(request: pytest.FixtureRequest) -> Callable[..., Database]:
    """A factory of databases of one kind: `make_db(on_events=None)`."""
    if request.param == "memory":
        return lambda on_events=None: MemoryDatabase(on_events)
    db = request.getfixturevalue("db")
    return lambda on_events=None: MongoDatabase(db, on_events)


def event(key: str) -> OutboxEvent:
    return OutboxEvent.create(
        topic="slate.test.thing.v1",
        key=key,
        type="slate.test.thing.changed.v1",
        source="slate-test",
        message=StringValue(value=key),
    )


async def test_second_of_two_concurrent_writers_gets_a_conflict(make_db):
    repo = make_db().repository("things")
    await repo.insert({"_id": "thg_1", "org_id": "org_a", "name": "one"})
    first = await repo.get("org_a", "thg_1")
    second = await repo.get("org_a", "thg_1")
    assert first is not None
    assert second is not None
    assert first["version"] == second["version"] == 1

    results = await asyncio.gather(
        repo.update("org_a", "thg_1", first["version"], {"name": "by writer A"}, [event("thg_1")]),
        repo.update("org_a", "thg_1", second["version"], {"name": "by writer B"}, [event("thg_1")]),
        return_exceptions=True,
    )

    wins = [r for r in results if isinstance(r, dict)]
    conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
    assert len(wins) == 1
    assert len(conflicts) == 1
    stored = await repo.get("org_a", "thg_1")
    assert stored is not None
    assert stored["version"] == 2
    assert stored["name"] == wins[0]["name"]
    raw = await repo.raw("thg_1")
    assert len(raw["_outbox"]) == 1  # the loser's event was not written either
    assert raw["_pending"] is True


async def test_update_writes_state_and_events_in_one_document(make_db):
    woken: list[int] = []
    repo = make_db(lambda *_: woken.append(1)).repository("things")
    ev1, ev2 = event("thg_1"), event("thg_1")
    created = await repo.insert({"_id": "thg_1", "org_id": "org_a", "n": 0}, [ev1])
    assert woken == [1]
    assert "_outbox" not in created
    assert "_pending" not in created
    assert created["created_at"] == created["updated_at"]
    assert created["created_at"].tzinfo is not None

    updated = await repo.update("org_a", "thg_1", 1, {"n": 1, "nested.a": "x"}, [ev2])
    assert woken == [1, 1]
    assert updated["version"] == 2
    assert updated["n"] == 1
    assert updated["nested"] == {"a": "x"}
    assert "_outbox" not in updated
    await repo.update("org_a", "thg_1", 2, {"n": 2})
    assert woken == [1, 1]  # no events, no wake-up

    raw = await repo.raw("thg_1")
    assert [OutboxEvent.from_doc(d) for d in raw["_outbox"]] == [ev1, ev2]


async def test_update_of_a_missing_document_is_not_found_and_not_a_conflict(make_db):
    repo = make_db().repository("things")
    with pytest.raises(NotFound):
        await repo.update("org_a", "nope", 1, {"n": 1})
    await repo.insert({"_id": "thg_1", "org_id": "org_a"})
    with pytest.raises(NotFound):  # another org's document does not exist for this org
        await repo.update("org_b", "thg_1", 1, {"n": 1})
    with pytest.raises(ConcurrencyConflict):
        await repo.update("org_a", "thg_1", 7, {"n": 1})


async def test_reserved_fields_cannot_be_changed(make_db):
    repo = make_db().repository("things")
    await repo.insert({"_id": "thg_1", "org_id": "org_a"})
    for field in ("version", "org_id", "_outbox", "_pending", "_id", "created_at"):
        with pytest.raises(ValueError, match="reserved"):
            await repo.update("org_a", "thg_1", 1, {field: 1})


async def test_duplicate_id_is_refused(make_db):
    repo = make_db().repository("things")
    await repo.insert({"_id": "thg_1", "org_id": "org_a"})
    with pytest.raises(DuplicateKey):
        await repo.insert({"_id": "thg_1", "org_id": "org_a"})


async def test_reads_never_cross_orgs(make_db):
    repo = make_db().repository("things")
    await repo.insert({"_id": "a1", "org_id": "org_a", "k": 1})
    await repo.insert({"_id": "b1", "org_id": "org_b", "k": 1})
    assert await repo.get("org_b", "a1") is None
    assert set(await repo.get_many("org_a", ["a1", "b1", "zz"])) == {"a1"}
    assert [d["_id"] for d in await repo.find("org_b", {"k": 1})] == ["b1"]
    with pytest.raises(ValueError, match="org_id"):
        await repo.get("", "a1")
    with pytest.raises(ValueError, match="org_id"):
        await repo.insert({"_id": "c1", "k": 1})


async def test_network_wide_collections_ignore_org(make_db):
    talent = make_db().repository("talent", org_scoped=False)
    await talent.insert({"_id": "tal_1", "name": "Ada"})
    assert (await talent.get("any-org", "tal_1"))["name"] == "Ada"
    assert (await talent.get("", "tal_1"))["name"] == "Ada"
    updated = await talent.update("", "tal_1", 1, {"name": "Ada L."})
    assert updated["version"] == 2
    assert [d["_id"] for d in await talent.find("other", {})] == ["tal_1"]


async def test_find_pages_by_keyset_in_sort_order(make_db):
    repo = make_db().repository("things")
    scores = [5, 3, 5, 1, 3, 5, 2]
    for i, score in enumerate(scores):
        await repo.insert({"_id": f"t{i}", "org_id": "org_a", "score": score})
    await repo.insert({"_id": "x0", "org_id": "org_b", "score": 4})

    def ids(docs):
        return [d["_id"] for d in docs]

    everything = ids(await repo.find("org_a", {}, limit=100))
    assert everything == sorted(everything)
    pages, after = [], None
    while True:
        page = await repo.find("org_a", {}, sort=[("score", -1)], limit=3, after=after)
        if not page:
            break
        pages.append(ids(page))
        after = page[-1]["_id"]
    expected = [d for _, d in sorted(((-s, f"t{i}") for i, s in enumerate(scores)))]
    assert [i for page in pages for i in page] == expected
    assert [len(p) for p in pages] == [3, 3, 1]

    by_id = ids(await repo.find("org_a", {"score": {"$gte": 3}}, limit=2, after="t0"))
    assert by_id == ["t1", "t2"]
    assert all("_outbox" not in d for d in await repo.find("org_a", {}))


async def test_ensure_indexes_is_idempotent_and_unique_holds(make_db):
    specs = {"things": [IndexSpec([("org_id", 1), ("code", 1)], unique=True)]}
    database = make_db()
    await database.ensure_indexes(specs)
    await database.ensure_indexes(specs)
    repo = database.repository("things")
    await repo.insert({"_id": "t1", "org_id": "org_a", "code": "X"})
    await repo.insert({"_id": "t2", "org_id": "org_b", "code": "X"})
    with pytest.raises(DuplicateKey):
        await repo.insert({"_id": "t3", "org_id": "org_a", "code": "X"})


async def test_upsert_creates_then_updates_in_the_org(make_db):
    repo = make_db().repository("copies")
    await repo.upsert("org_a", "prd_1", {"title": "One"})
    await repo.upsert("org_a", "prd_1", {"title": "One, renamed"})
    found = await repo.get("org_a", "prd_1")
    assert found is not None
    assert found["title"] == "One, renamed"
    assert found["version"] == 1
    assert await repo.get("org_b", "prd_1") is None


async def test_put_if_newer_keeps_the_newest_snapshot(make_db):
    repo = make_db().repository("calendar", org_scoped=False)
    assert await repo.put_if_newer("bkg_1", {"status": "ON_HOLD"}, 1)
    assert await repo.put_if_newer("bkg_1", {"status": "BOOKED"}, 3)
    assert not await repo.put_if_newer("bkg_1", {"status": "ON_HOLD"}, 2)  # stale replay
    assert not await repo.put_if_newer("bkg_1", {"status": "BOOKED"}, 3)  # duplicate
    found = await repo.get("", "bkg_1")
    assert found is not None
    assert (found["status"], found["version"]) == ("BOOKED", 3)


async def test_find_matches_equality_in_and_array_elements(make_db):
    repo = make_db().repository("things")
    await repo.insert({"_id": "a", "org_id": "o", "k": "x", "tags": ["red", "blue"]})
    await repo.insert({"_id": "b", "org_id": "o", "k": "y", "tags": ["green"]})
    await repo.insert({"_id": "c", "org_id": "o", "k": "z"})
    assert [d["_id"] for d in await repo.find("o", {"k": {"$in": ["x", "z"]}})] == ["a", "c"]
    assert [d["_id"] for d in await repo.find("o", {"tags": "blue"})] == ["a"]
    assert [d["_id"] for d in await repo.find("o", {"k": "y", "tags": "green"})] == ["b"]
    assert [d["_id"] for d in await repo.find("o", {"k": {"$ne": "x"}})] == ["b", "c"]
