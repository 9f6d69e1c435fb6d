"""MongoDB layer: the client, an org-scoped optimistic-concurrency repository, index bootstrap.

Every write that causes events stores them in the document's `_outbox` in the same
single-document write (no multi-document transactions: FerretDB and the design forbid them);
`slate.events.OutboxRelay` publishes and then removes them. `_pending` mirrors "outbox not
empty" as a plain indexed boolean so the relay's query is cheap on MongoDB and works on FerretDB.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from slate._doclock import document_lock
from slate.config import Settings
from slate.events.model import OUTBOX_FIELD, PENDING_FIELD, OutboxEvent
from slate.mongo_tracing import CommandTracer

Doc = dict[str, Any]

OUTBOX = OUTBOX_FIELD
PENDING = PENDING_FIELD
RESERVED = frozenset({"_id", "org_id", "version", "created_at", "updated_at", OUTBOX, PENDING})
_PRIVATE = (OUTBOX, PENDING)


# Called with (collection, document id) after a write that carried events, so the relay can
# publish that document at once instead of waiting for its next scan.
# (collection, document id, the document as just written or None): wakes the outbox relay.
WakeRelay = Callable[[str, Any, Doc | None], None]


class ConcurrencyConflict(Exception):
    """The document changed since it was read (its version moved on); reload and retry."""


class DuplicateKey(ConcurrencyConflict):
    """A document with this `_id` (or unique key) already exists."""


class NotFound(LookupError):
    """No document with this id exists in this org."""


def utcnow() -> datetime:
    """Now in UTC, truncated to the millisecond BSON stores, so written and read values agree."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def create_client(settings: Settings) -> AsyncMongoClient[Doc]:
    """An async client returning aware UTC datetimes; the caller's lifespan closes it."""
    return AsyncMongoClient(
        settings.mongo_url,
        tz_aware=True,
        tzinfo=UTC,
        appname=f"slate-{settings.service}",
        event_listeners=[CommandTracer()],
    )


def as_public(doc: Mapping[str, Any]) -> Doc:
    """The document without its private outbox fields (what callers and APIs may see)."""
    return {k: v for k, v in doc.items() if k not in _PRIVATE}


@dataclass(frozen=True)
class IndexSpec:
    """One index: ordered keys (field, 1 | -1), optionally unique. FerretDB: no TTL/partial/text."""

    keys: Sequence[tuple[str, int]]
    unique: bool = False
    name: str | None = None


async def ensure_indexes(db: AsyncDatabase[Doc], specs: Mapping[str, Sequence[IndexSpec]]) -> None:
    """Create each collection's indexes if missing (idempotent; safe at every start)."""
    for collection, indexes in specs.items():
        for spec in indexes:
            keys = [(f, ASCENDING if d >= 0 else DESCENDING) for f, d in spec.keys]
            name = spec.name or "_".join(f"{f}_{d}" for f, d in keys)
            await db[collection].create_index(keys, unique=spec.unique, name=name)


class Repository:
    """Documents of one collection, always filtered by `org_id` unless `org_scoped=False`.

    Documents carry `org_id`, `version`, `created_at`, `updated_at`; writes are single-document
    and carry their events in `_outbox`. Results never expose `_outbox`/`_pending`.
    """

    def __init__(
        self,
        db: AsyncDatabase[Doc],
        collection: str,
        *,
        on_events: WakeRelay | None = None,
        org_scoped: bool = True,
    ) -> None:
        self.db = db
        self.name = collection
        self.collection: AsyncCollection[Doc] = db[collection]
        self.org_scoped = org_scoped
        self._on_events = on_events

    def indexes(self) -> list[IndexSpec]:
        """The indexes every repository needs: org + id lookups and the relay's pending flag."""
        specs = [IndexSpec([(PENDING, 1)])]
        if self.org_scoped:
            specs.append(IndexSpec([("org_id", 1), ("_id", 1)]))
        return specs

    def _scope(self, org_id: str) -> Doc:
        if not self.org_scoped:
            return {}
        if not org_id:
            raise ValueError(f"{self.name}: org_id is required")
        return {"org_id": org_id}

    def _notify(self, events: Sequence[OutboxEvent], doc_id: Any, doc: Doc | None) -> None:
        if events and self._on_events is not None:
            self._on_events(self.name, doc_id, doc)

    async def get(self, org_id: str, id: str) -> Doc | None:
        """The document with this id in this org, or None."""
        doc = await self.collection.find_one({"_id": id, **self._scope(org_id)})
        return as_public(doc) if doc is not None else None

    async def get_many(self, org_id: str, ids: Sequence[str]) -> dict[str, Doc]:
        """The documents with these ids in this org, by id (missing ids are absent): one query."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        cursor = self.collection.find({"_id": {"$in": wanted}, **self._scope(org_id)})
        return {doc["_id"]: as_public(doc) async for doc in cursor}

    async def find(
        self,
        org_id: str,
        filter: Mapping[str, Any],
        *,
        sort: list[tuple[str, int]] | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> list[Doc]:
        """Up to `limit` matching documents in this org, after the document with id `after`.

        Order is `sort` then `_id` (the tie-breaker that makes keyset paging stable).
        """
        if limit <= 0:
            return []
        order = [(f, 1 if d >= 0 else -1) for f, d in (sort or []) if f != "_id"]
        id_dir = next((1 if d >= 0 else -1 for f, d in (sort or []) if f == "_id"), 1)
        order.append(("_id", id_dir))
        clauses: list[Mapping[str, Any]] = [self._scope(org_id), filter]
        if after is not None:
            clauses.append(await self._keyset(org_id, order, after))
        cursor = self.collection.find(merge_filters(*clauses)).sort(order).limit(limit)
        return [as_public(doc) async for doc in cursor]

    async def _keyset(self, org_id: str, order: list[tuple[str, int]], after: str) -> Doc:
        if len(order) == 1:
            return {"_id": {"$gt" if order[0][1] > 0 else "$lt": after}}
        anchor = await self.collection.find_one({"_id": after, **self._scope(org_id)})
        if anchor is None:
            raise ValueError(f"{self.name}: unknown cursor {after!r}")
        ors: list[Doc] = []
        for i, (field_name, direction) in enumerate(order):
            clause: Doc = {f: _dig(anchor, f) for f, _ in order[:i]}
            clause[field_name] = {"$gt" if direction > 0 else "$lt": _dig(anchor, field_name)}
            ors.append(clause)
        return {"$or": ors}

    async def insert(self, doc: Mapping[str, Any], events: Sequence[OutboxEvent] = ()) -> Doc:
        """Insert a new document at version 1 with its events; DuplicateKey if the id exists."""
        if "_id" not in doc:
            raise ValueError(f"{self.name}: documents need an _id")
        if self.org_scoped and not doc.get("org_id"):
            raise ValueError(f"{self.name}: documents need an org_id")
        now = utcnow()
        stored: Doc = {
            **{k: v for k, v in doc.items() if k not in RESERVED or k in ("_id", "org_id")},
            "version": 1,
            "created_at": now,
            "updated_at": now,
            OUTBOX: [e.to_doc() for e in events],
            PENDING: bool(events),
        }
        try:
            await self.collection.insert_one(stored)
        except DuplicateKeyError as exc:
            raise DuplicateKey(f"{self.name}: {doc['_id']!r} already exists") from exc
        self._notify(events, stored["_id"], stored)
        return as_public(stored)

    async def update(
        self,
        org_id: str,
        id: str,
        expected_version: int,
        changes: Mapping[str, Any],
        events: Sequence[OutboxEvent] = (),
        *,
        unset: Sequence[str] = (),
    ) -> Doc:
        """Apply changes and append events in one write, only if still at `expected_version`.

        Raises ConcurrencyConflict if the document moved on, NotFound if it does not exist.
        """
        touched = set(changes) | set(unset)
        bad = {k for k in touched if k.split(".")[0] in RESERVED}
        if bad:
            raise ValueError(f"{self.name}: cannot change reserved field(s) {sorted(bad)}")
        update: Doc = {
            "$set": {**changes, "updated_at": utcnow()},
            "$inc": {"version": 1},
        }
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        if events:
            update["$set"][PENDING] = True
            update["$push"] = {OUTBOX: {"$each": [e.to_doc() for e in events]}}
        scope = {"_id": id, **self._scope(org_id)}
        async with document_lock(self.db.name, self.name, id):
            # No projection here: FerretDB rejects projection on find_one_and_*.
            after = await self.collection.find_one_and_update(
                {**scope, "version": expected_version},
                update,
                return_document=ReturnDocument.AFTER,
            )
            current = await self.collection.find_one(scope) if after is None else None
        if after is None:
            if current is None:
                raise NotFound(f"{self.name}: {id!r} not found")
            raise ConcurrencyConflict(
                f"{self.name}: {id!r} is at version {current.get('version')}, "
                f"not {expected_version}"
            )
        self._notify(events, id, after)
        return as_public(after)


def merge_filters(*clauses: Mapping[str, Any]) -> Doc:
    """One filter matching what every clause matches, with the clauses' keys side by side.

    `{"$and": [{org_id}, {role_id}]}` means the same as `{org_id, role_id}`, but servers plan them
    differently: FerretDB (even patched, see deploy/local/ferretdb/patches) only uses an index for
    top-level keys, so a wrapped `$and` read the whole collection. Keys are merged in order; a
    clause with a key already taken goes under `$and` instead.
    """
    merged: Doc = {}
    rest: list[Mapping[str, Any]] = []
    for clause in clauses:
        if not clause:
            continue
        if any(key in merged for key in clause):
            rest.append(clause)
        else:
            merged.update(clause)
    if rest:
        merged["$and"] = [*merged.get("$and", []), *rest]
    return merged


@dataclass(frozen=True)
class QueryPlan:
    """The server's plan for one query: whether an index answers it (`explain_find`)."""

    collection: str
    filter: Doc
    sort: Doc
    index_backed: bool
    planner: Any  # the server's `queryPlanner` (MongoDB, or FerretDB's SQL plan)

    def __str__(self) -> str:
        how = "index" if self.index_backed else "COLLECTION SCAN"
        return f"{self.collection} find {self.filter!r} sort {self.sort!r}: {how}; {self.planner!r}"


async def explain_find(
    db: AsyncDatabase[Doc],
    collection: str,
    filter: Mapping[str, Any],
    *,
    sort: Mapping[str, int] | Sequence[tuple[str, int]] | None = None,
) -> QueryPlan:
    """Ask the server how it would run `find(filter).sort(sort)`, and whether that reads every
    document of the collection: MongoDB's `COLLSCAN`; with FerretDB, SQLite's `SCAN` or
    PostgreSQL's `Seq Scan` (FerretDB answers `explain` with its SQL's plan). No plan at all (an
    unknown collection on FerretDB) counts as a scan."""
    order: Doc = dict(sort.items() if isinstance(sort, Mapping) else sort or [])
    command: Doc = {"find": collection, "filter": dict(filter)}
    if order:
        command["sort"] = order
    answer = await db.command("explain", command, verbosity="queryPlanner")
    planner = answer.get("queryPlanner") or {}
    # MongoDB: only the winning plan counts (rejected plans may well be collection scans).
    plan = planner.get("winningPlan", planner) if isinstance(planner, Mapping) else planner
    return QueryPlan(
        collection=collection,
        filter=dict(filter),
        sort=order,
        index_backed=bool(plan) and not _scans(plan),
        planner=planner,
    )


def _scans(plan: Any) -> bool:
    if isinstance(plan, Mapping):
        if plan.get("stage") == "COLLSCAN" or plan.get("Node Type") == "Seq Scan":
            return True
        return any(_scans(v) for k, v in plan.items() if k != "rejectedPlans")
    if isinstance(plan, list | tuple):
        return any(_scans(v) for v in plan)
    # FerretDB/SQLite: "id=2 parent=0 notused=0 detail=SCAN t_1234" (vs "SEARCH … USING INDEX").
    return isinstance(plan, str) and "detail=SCAN " in plan


def _dig(doc: Mapping[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
