"""The repository interface stores are written against, on MongoDB and in memory.

`MongoDatabase` hands out `slate.mongo.Repository` collections (the production path);
`MemoryDatabase` hands out `MemoryRepository` collections with the same rules (org scoping,
optimistic versions, outbox fields, unique indexes, keyset paging) so use cases can be unit-tested
without I/O. `libs/slate/tests/test_repository_contract.py` runs one suite against both, the
MongoDB one against the real server, so the fake cannot drift from it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from slate.events.model import OutboxEvent
from slate.mongo import (
    OUTBOX,
    PENDING,
    RESERVED,
    ConcurrencyConflict,
    Doc,
    DuplicateKey,
    IndexSpec,
    NotFound,
    Repository,
    WakeRelay,
    as_public,
    ensure_indexes,
    utcnow,
)


class Repo(Protocol):
    """One collection of aggregate documents (see `slate.mongo.Repository` for the rules)."""

    name: str
    org_scoped: bool

    def indexes(self) -> list[IndexSpec]: ...

    async def get(self, org_id: str, id: str) -> Doc | None: ...

    async def get_many(self, org_id: str, ids: Sequence[str]) -> dict[str, Doc]: ...

    async def find(
        self,
        org_id: str,
        filter: Mapping[str, Any],
        *,
        sort: list[tuple[str, int]] | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> list[Doc]: ...

    async def insert(self, doc: Mapping[str, Any], events: Sequence[OutboxEvent] = ()) -> Doc: ...

    async def update(
        self,
        org_id: str,
        id: str,
        expected_version: int,
        changes: Mapping[str, Any],
        events: Sequence[OutboxEvent] = (),
        *,
        unset: Sequence[str] = (),
    ) -> Doc: ...

    async def upsert(self, org_id: str, id: str, fields: Mapping[str, Any]) -> None: ...

    async def put_if_newer(self, id: str, doc: Mapping[str, Any], version: int) -> bool: ...

    async def raw(self, id: str) -> Doc | None: ...


class Database(Protocol):
    """Where a store gets its collections and declares their indexes."""

    def repository(self, name: str, *, org_scoped: bool = True) -> Repo: ...

    async def ensure_indexes(self, specs: Mapping[str, Sequence[IndexSpec]]) -> None: ...


class AggregateLike(Protocol):
    """What the store needs of an aggregate (see `slate_domain.Aggregate`)."""

    id: str
    org_id: str
    version: int

    @property
    def events(self) -> list[Any]: ...


A = TypeVar("A", bound=AggregateLike)
Outbox = Callable[[Any], OutboxEvent | None]


class Aggregates(Generic[A]):
    """One collection of aggregates: documents <-> aggregates through the store's mapping;
    `add` inserts at version 1 and `save` writes at the version loaded, each with the
    aggregate's pending events (through `outbox`; None keeps an event internal) in one write."""

    def __init__(
        self,
        repo: Repo,
        outbox: Outbox,
        to_doc: Callable[[A], Doc],
        from_doc: Callable[[Mapping[str, Any]], A],
    ) -> None:
        self.repo = repo
        self._outbox = outbox
        self._to_doc = to_doc
        self._from_doc = from_doc

    def _pending(self, aggregate: A) -> list[OutboxEvent]:
        return [e for e in map(self._outbox, aggregate.events) if e is not None]

    async def add(self, aggregate: A) -> A:
        """Insert a new aggregate with its events (DuplicateKey if its id exists)."""
        if aggregate.version != 0:
            raise ValueError(f"{self.repo.name}: {aggregate.id} is stored already: save it")
        stored = await self.repo.insert(self._to_doc(aggregate), self._pending(aggregate))
        aggregate.events.clear()
        return self._from_doc(stored)

    async def save(self, aggregate: A) -> A:
        """Write its state and events if still at the version it was loaded at
        (ConcurrencyConflict otherwise); the result carries the new version."""
        doc = self._to_doc(aggregate)
        changes = {k: v for k, v in doc.items() if k not in ("_id", "org_id")}
        stored = await self.repo.update(
            aggregate.org_id, aggregate.id, aggregate.version, changes, self._pending(aggregate)
        )
        aggregate.events.clear()
        return self._from_doc(stored)

    async def get(self, org_id: str, id: str) -> A | None:
        doc = await self.repo.get(org_id, id)
        return self._from_doc(doc) if doc is not None else None

    async def get_many(self, org_id: str, ids: Sequence[str]) -> dict[str, A]:
        return {k: self._from_doc(d) for k, d in (await self.repo.get_many(org_id, ids)).items()}

    async def find(
        self,
        org_id: str,
        filter: Mapping[str, Any],
        *,
        sort: list[tuple[str, int]] | None = None,
        limit: int = 10_000,
        after: str | None = None,
    ) -> list[A]:
        docs = await self.repo.find(org_id, filter, sort=sort, limit=limit, after=after)
        return [self._from_doc(d) for d in docs]

    async def find_in(self, org_id: str, field: str, values: Sequence[str]) -> list[A]:
        """The organisation's aggregates whose `field` is one of `values` (e.g. the children
        of a batch of parents, for a DataLoader)."""
        return await self.find(org_id, {field: {"$in": list(values)}})


class MongoRepository(Repository):
    """`slate.mongo.Repository` plus the read-model writes stores need."""

    async def upsert(self, org_id: str, id: str, fields: Mapping[str, Any]) -> None:
        """Set `fields` on the document, creating it at version 1 (a copy kept from events)."""
        scope = {"_id": id, **self._scope(org_id)}
        try:
            await self.collection.update_one(
                scope,
                {"$set": {**fields, **self._scope(org_id)}, "$setOnInsert": {"version": 1}},
                upsert=True,
            )
        except DuplicateKeyError:
            # Two writers inserted the same document at once; both carry the same state.
            return

    async def put_if_newer(self, id: str, doc: Mapping[str, Any], version: int) -> bool:
        """Store `doc` as the document `id` unless a version >= `version` is already there
        (event-fed read models that must ignore stale or replayed snapshots)."""
        try:
            await self.collection.update_one(
                {"_id": id, "version": {"$lt": version}},
                {"$set": {**doc, "version": version}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # a newer snapshot is already there
        return True

    async def raw(self, id: str) -> Doc | None:
        """The stored document, private outbox fields included (tests and tools)."""
        return await self.collection.find_one({"_id": id})


class MongoDatabase:
    """Repositories on a MongoDB database; writes that carry events wake the relay."""

    def __init__(self, db: AsyncDatabase[Doc], on_events: WakeRelay | None = None) -> None:
        self.db = db
        self._on_events = on_events

    def repository(self, name: str, *, org_scoped: bool = True) -> MongoRepository:
        return MongoRepository(self.db, name, on_events=self._on_events, org_scoped=org_scoped)

    async def ensure_indexes(self, specs: Mapping[str, Sequence[IndexSpec]]) -> None:
        await ensure_indexes(self.db, specs)


# --------------------------------------------------------------------------- in memory


class MemoryDatabase:
    """Collections in a dict: the same rules as MongoDB, for use-case unit tests."""

    def __init__(self, on_events: WakeRelay | None = None) -> None:
        self.collections: dict[str, dict[str, Doc]] = {}
        self.unique: dict[str, list[Sequence[str]]] = {}
        self.on_events = on_events

    def repository(self, name: str, *, org_scoped: bool = True) -> MemoryRepository:
        return MemoryRepository(self, name, org_scoped=org_scoped)

    async def ensure_indexes(self, specs: Mapping[str, Sequence[IndexSpec]]) -> None:
        for collection, indexes in specs.items():
            for spec in indexes:
                keys = [f for f, _ in spec.keys]
                if spec.unique and keys not in self.unique.setdefault(collection, []):
                    self.unique[collection].append(keys)


class MemoryRepository:
    """`slate.mongo.Repository`'s contract over a dict (documents are deep-copied in and out)."""

    def __init__(self, database: MemoryDatabase, name: str, *, org_scoped: bool = True) -> None:
        self.database = database
        self.name = name
        self.org_scoped = org_scoped
        self._docs = database.collections.setdefault(name, {})

    def indexes(self) -> list[IndexSpec]:
        """The same index declarations as the MongoDB repository (unique ones are enforced)."""
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

    def _visible(self, org_id: str, doc: Doc | None) -> bool:
        scope = self._scope(org_id)
        return doc is not None and all(doc.get(k) == v for k, v in scope.items())

    def _check_unique(self, candidate: Doc) -> None:
        for keys in self.database.unique.get(self.name, []):
            value = [_dig(candidate, k) for k in keys]
            for other in self._docs.values():
                if other["_id"] != candidate["_id"] and [_dig(other, k) for k in keys] == value:
                    raise DuplicateKey(
                        f"{self.name}: duplicate {dict(zip(keys, value, strict=True))!r}"
                    )

    async def get(self, org_id: str, id: str) -> Doc | None:
        doc = self._docs.get(id)
        return _public_copy(doc) if self._visible(org_id, doc) else None

    async def get_many(self, org_id: str, ids: Sequence[str]) -> dict[str, Doc]:
        self._scope(org_id)
        found: dict[str, Doc] = {}
        for id in dict.fromkeys(ids):
            doc = self._docs.get(id)
            if doc is not None and self._visible(org_id, doc):
                found[id] = _public_copy(doc)
        return found

    async def find(
        self,
        org_id: str,
        filter: Mapping[str, Any],
        *,
        sort: list[tuple[str, int]] | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> list[Doc]:
        if limit <= 0:
            return []
        self._scope(org_id)
        order = [(f, 1 if d >= 0 else -1) for f, d in (sort or []) if f != "_id"]
        id_dir = next((1 if d >= 0 else -1 for f, d in (sort or []) if f == "_id"), 1)
        order.append(("_id", id_dir))
        matching = [
            d for d in self._docs.values() if self._visible(org_id, d) and _matches(d, filter)
        ]
        for field_name, direction in reversed(order):

            def by_field(doc: Doc, f: str = field_name) -> tuple[int, Any]:
                return _sort_key(_dig(doc, f))

            matching.sort(key=by_field, reverse=direction < 0)
        if after is not None:
            anchor = self._docs.get(after)
            if anchor is None or not self._visible(org_id, anchor):
                if len(order) > 1:
                    raise ValueError(f"{self.name}: unknown cursor {after!r}")
                matching = [
                    d for d in matching if (d["_id"] > after if id_dir > 0 else d["_id"] < after)
                ]
            else:
                key = _order_key(anchor, order)
                matching = [d for d in matching if _order_key(d, order) > key]
        return [_public_copy(d) for d in matching[:limit]]

    async def insert(self, doc: Mapping[str, Any], events: Sequence[OutboxEvent] = ()) -> Doc:
        if "_id" not in doc:
            raise ValueError(f"{self.name}: documents need an _id")
        if self.org_scoped and not doc.get("org_id"):
            raise ValueError(f"{self.name}: documents need an org_id")
        if doc["_id"] in self._docs:
            raise DuplicateKey(f"{self.name}: {doc['_id']!r} already exists")
        now = utcnow()
        stored: Doc = {
            **copy.deepcopy(
                {k: v for k, v in doc.items() if k not in RESERVED or k in ("_id", "org_id")}
            ),
            "version": 1,
            "created_at": now,
            "updated_at": now,
            OUTBOX: [e.to_doc() for e in events],
            PENDING: bool(events),
        }
        self._check_unique(stored)
        self._docs[stored["_id"]] = stored
        self._notify(events, stored["_id"])
        return _public_copy(stored)

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
        touched = set(changes) | set(unset)
        bad = {k for k in touched if k.split(".")[0] in RESERVED}
        if bad:
            raise ValueError(f"{self.name}: cannot change reserved field(s) {sorted(bad)}")
        current = self._docs.get(id)
        if current is None or not self._visible(org_id, current):
            raise NotFound(f"{self.name}: {id!r} not found")
        if current.get("version") != expected_version:
            raise ConcurrencyConflict(
                f"{self.name}: {id!r} is at version {current.get('version')}, "
                f"not {expected_version}"
            )
        updated = copy.deepcopy(current)
        for path, value in changes.items():
            _set(updated, path, copy.deepcopy(value))
        for path in unset:
            _unset(updated, path)
        updated["version"] = expected_version + 1
        updated["updated_at"] = utcnow()
        if events:
            updated[OUTBOX] = [*updated.get(OUTBOX, []), *(e.to_doc() for e in events)]
            updated[PENDING] = True
        self._check_unique(updated)
        self._docs[id] = updated
        self._notify(events, id)
        return _public_copy(updated)

    async def upsert(self, org_id: str, id: str, fields: Mapping[str, Any]) -> None:
        scope = self._scope(org_id)
        doc = self._docs.get(id)
        if doc is None:
            self._docs[id] = {"_id": id, "version": 1, **copy.deepcopy(dict(fields)), **scope}
        else:
            doc.update(copy.deepcopy(dict(fields)))
            doc.update(scope)

    async def put_if_newer(self, id: str, doc: Mapping[str, Any], version: int) -> bool:
        current = self._docs.get(id)
        if current is not None and current.get("version", 0) >= version:
            return False
        self._docs[id] = {**(current or {}), **copy.deepcopy(dict(doc)), "_id": id}
        self._docs[id]["version"] = version
        return True

    async def raw(self, id: str) -> Doc | None:
        doc = self._docs.get(id)
        return copy.deepcopy(doc) if doc is not None else None

    def _notify(self, events: Sequence[OutboxEvent], doc_id: Any) -> None:
        if events and self.database.on_events is not None:
            self.database.on_events(self.name, doc_id, None)


def _public_copy(doc: Doc | None) -> Doc:
    assert doc is not None
    return copy.deepcopy(as_public(doc))


def _dig(doc: Mapping[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _set(doc: Doc, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = doc
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _unset(doc: Doc, path: str) -> None:
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)


def _sort_key(value: Any) -> tuple[int, Any]:
    # MongoDB orders missing/null before numbers before strings; enough for our field types.
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (4, value)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, str(value))


class _Desc:
    """Wraps a sort key so that a descending field compares reversed inside a tuple."""

    def __init__(self, key: tuple[int, Any]) -> None:
        self.key = key

    def __lt__(self, other: _Desc) -> bool:
        return bool(self.key > other.key)

    def __gt__(self, other: _Desc) -> bool:
        return bool(self.key < other.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


def _order_key(doc: Doc, order: list[tuple[str, int]]) -> tuple[Any, ...]:
    return tuple(
        _sort_key(_dig(doc, f)) if d > 0 else _Desc(_sort_key(_dig(doc, f))) for f, d in order
    )


def _matches(doc: Mapping[str, Any], filter: Mapping[str, Any]) -> bool:
    """The subset of MongoDB's query language the stores use: equality (also on array
    elements), $in, $nin, $ne, $gt, $gte, $lt, $lte, $exists, $and, $or."""
    for key, condition in filter.items():
        if key == "$and":
            if not all(_matches(doc, c) for c in condition):
                return False
            continue
        if key == "$or":
            if not any(_matches(doc, c) for c in condition):
                return False
            continue
        value = _dig(doc, key)
        if isinstance(condition, Mapping) and any(str(k).startswith("$") for k in condition):
            if not all(_operator(value, op, arg) for op, arg in condition.items()):
                return False
        elif not _equals(value, condition):
            return False
    return True


def _equals(value: Any, wanted: Any) -> bool:
    if isinstance(value, list) and not isinstance(wanted, list):
        return wanted in value
    return bool(value == wanted)


def _operator(value: Any, op: str, arg: Any) -> bool:
    if op == "$in":
        return any(_equals(value, a) for a in arg)
    if op == "$nin":
        return not any(_equals(value, a) for a in arg)
    if op == "$ne":
        return not _equals(value, arg)
    if op == "$exists":
        return (value is not None) == bool(arg)
    if value is None:
        return False
    if op == "$gt":
        return bool(value > arg)
    if op == "$gte":
        return bool(value >= arg)
    if op == "$lt":
        return bool(value < arg)
    if op == "$lte":
        return bool(value <= arg)
    raise ValueError(f"the in-memory repository does not support {op}")
