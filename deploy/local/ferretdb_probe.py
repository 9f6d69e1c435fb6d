"""Probe what FerretDB (v1.24, SQLite) supports of the operations Slate's outbox/inbox design uses.

    .venv/bin/python deploy/local/ferretdb_probe.py [mongodb://127.0.0.1:27017]

Uses pymongo's async API (AsyncMongoClient) in a throw-away database; prints one line per check
(OK / FAIL with the server's error) and exits 1 if any check failed. Findings: README.md.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
import uuid

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError

URI = "mongodb://127.0.0.1:27017/?directConnection=true&retryWrites=false"

results: list[tuple[str, bool, str]] = []


async def check(name: str, coro) -> None:  # type: ignore[no-untyped-def]
    try:
        detail = await coro
        results.append((name, True, detail or ""))
    except Exception as e:
        msg = f"{type(e).__name__}: {e}"
        if "-v" in sys.argv:
            msg += "\n" + traceback.format_exc()
        results.append((name, False, msg))


async def main() -> int:
    uri = next((a for a in sys.argv[1:] if a.startswith("mongodb://")), URI)
    client: AsyncMongoClient = AsyncMongoClient(uri, serverSelectionTimeoutMS=5000)
    db = client[f"probe_{uuid.uuid4().hex[:8]}"]
    c = db["bookings"]
    try:
        info = await client.admin.command("buildInfo")
        print(
            f"server: version {info.get('version')}, maxWireVersion "
            f"{(await client.admin.command('hello')).get('maxWireVersion')}"
        )

        async def basic():
            r = await c.insert_one(
                {
                    "_id": "b1",
                    "org_id": "o1",
                    "status": "ON_HOLD",
                    "version": 1,
                    "n": 0,
                    "_outbox": [],
                }
            )
            doc = await c.find_one({"_id": r.inserted_id})
            assert doc, doc
            assert doc["status"] == "ON_HOLD", doc
            u = await c.update_one({"_id": "b1"}, {"$set": {"status": "BOOKED"}})
            assert u.matched_count == 1, u.raw_result
            assert u.modified_count == 1, u.raw_result
            return "insert_one / find_one / update_one $set"

        await check("insert/find/update (async)", basic())

        async def push_inc_set():
            ev = {
                "id": "ev1",
                "type": "slate.casting.booking.confirmed.v1",
                "payload": b"\x01\x02",
                "headers": {"ce_id": "ev1"},
            }
            u = await c.update_one(
                {"_id": "b1", "version": 1},
                {"$push": {"_outbox": ev}, "$inc": {"version": 1}, "$set": {"status": "BOOKED2"}},
            )
            assert u.modified_count == 1, u.raw_result
            doc = await c.find_one({"_id": "b1"})
            assert doc["version"] == 2, doc
            assert doc["status"] == "BOOKED2", doc
            assert doc["_outbox"][0]["id"] == "ev1", doc
            assert doc["_outbox"][0]["payload"] == b"\x01\x02", doc
            await c.update_one(
                {"_id": "b1"},
                {"$push": {"_outbox": {"id": "ev2", "type": "t"}}, "$inc": {"version": 1}},
            )
            await c.update_one(
                {"_id": "b1"},
                {"$push": {"_outbox": {"id": "ev3", "type": "t"}}, "$inc": {"version": 1}},
            )
            doc = await c.find_one({"_id": "b1"})
            assert [e["id"] for e in doc["_outbox"]] == ["ev1", "ev2", "ev3"], doc
            return (
                "one update_one with $push (subdocument) + $inc + $set, optimistic version filter"
            )

        await check("$push subdoc + $inc + $set in one update", push_inc_set())

        async def exists_outbox0():
            await c.insert_one({"_id": "b2", "org_id": "o1", "version": 1, "n": 5, "_outbox": []})
            ids = [d["_id"] async for d in c.find({"_outbox.0": {"$exists": True}})]
            assert ids == ["b1"], ids
            return f"matched {ids} (b2 has an empty _outbox)"

        await check('find({"_outbox.0": {"$exists": True}})', exists_outbox0())

        async def pull_in():
            u = await c.update_one(
                {"_id": "b1"}, {"$pull": {"_outbox": {"id": {"$in": ["ev1", "ev3"]}}}}
            )
            assert u.modified_count == 1, u.raw_result
            doc = await c.find_one({"_id": "b1"})
            assert [e["id"] for e in doc["_outbox"]] == ["ev2"], doc["_outbox"]
            return "removed ev1, ev3; ev2 kept"

        await check('$pull {"id": {"$in": [...]}} on array of subdocuments', pull_in())

        async def pull_eq():
            u = await c.update_one({"_id": "b1"}, {"$pull": {"_outbox": {"id": "ev2"}}})
            doc = await c.find_one({"_id": "b1"})
            assert doc["_outbox"] == [], doc["_outbox"]
            return f"modified={u.modified_count}"

        await check('$pull {"id": "x"} (equality) on array of subdocuments', pull_eq())

        async def gt():
            await c.update_one({"_id": "b1"}, {"$set": {"n": 0}})
            ids = sorted([d["_id"] async for d in c.find({"n": {"$gt": 0}})])
            assert ids == ["b2"], ids
            return f"matched {ids}"

        await check('find({"field": {"$gt": 0}})', gt())

        async def unique():
            inbox = db["inbox"]
            await inbox.create_index([("ce_id", ASCENDING)], unique=True, name="ce_id_unique")
            await inbox.insert_one({"ce_id": "x1"})
            try:
                await inbox.insert_one({"ce_id": "x1"})
            except DuplicateKeyError as e:
                return f"DuplicateKeyError code={e.code}"
            raise AssertionError("second insert succeeded: unique index not enforced")

        await check("unique index -> DuplicateKeyError", unique())

        async def unique_upsert():
            inbox = db["inbox"]
            try:
                await inbox.update_one(
                    {"ce_id": "x2"}, {"$setOnInsert": {"ce_id": "x2", "at": 1}}, upsert=True
                )
                await inbox.update_one(
                    {"ce_id": "x2"}, {"$setOnInsert": {"ce_id": "x2", "at": 2}}, upsert=True
                )
            except Exception as e:
                raise AssertionError(f"upsert idempotency failed: {e}") from e
            n = await inbox.count_documents({"ce_id": "x2"})
            assert n == 1, n
            return "upsert + $setOnInsert keeps one document"

        await check("upsert with $setOnInsert", unique_upsert())

        async def fau():
            await c.insert_one({"_id": "seq", "value": 0})
            doc = await c.find_one_and_update(
                {"_id": "seq"}, {"$inc": {"value": 1}}, return_document=ReturnDocument.AFTER
            )
            assert doc["value"] == 1, doc
            doc = await c.find_one_and_update(
                {"_id": "seq2"},
                {"$inc": {"value": 1}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            assert doc["value"] == 1, doc
            return "returns the updated document (also with upsert=True)"

        await check("find_one_and_update return_document=AFTER", fau())

        async def compound():
            name = await c.create_index(
                [("org_id", ASCENDING), ("status", ASCENDING), ("n", DESCENDING)]
            )
            names = [i["name"] async for i in await c.list_indexes()]
            assert name in names, names
            name2 = await c.create_index([("org_id", ASCENDING), ("slug", ASCENDING)], unique=True)
            await c.insert_one({"_id": "u1", "org_id": "o9", "slug": "a"})
            await c.insert_one({"_id": "u2", "org_id": "o8", "slug": "a"})
            try:
                await c.insert_one({"_id": "u3", "org_id": "o9", "slug": "a"})
            except DuplicateKeyError:
                return f"{name}; unique compound {name2} enforced"
            raise AssertionError("compound unique index not enforced")

        await check("create_index compound (+ unique compound)", compound())

        async def push_slice():
            await c.update_one(
                {"_id": "b2"}, {"$push": {"_outbox": {"$each": [{"id": "a"}], "$slice": -100}}}
            )
            return "ok"

        await check("$push with $each/$slice (informational)", push_slice())

        async def sort_limit():
            docs = [
                d["_id"]
                async for d in c.find({"org_id": "o1"})
                .sort([("version", DESCENDING), ("_id", ASCENDING)])
                .limit(5)
            ]
            return f"{docs}"

        await check("find().sort(compound).limit() (informational)", sort_limit())
    finally:
        await client.drop_database(db.name)
        await client.close()

    failed = 0
    for name, ok, detail in results:
        print(f"{'OK  ' if ok else 'FAIL'} {name}: {detail}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
