"""Per-document write locks inside one process.

FerretDB v1 (SQLite backend) runs an update as "query, then write the new document" without
isolation (FerretDB issue #3040): two concurrent `update`s filtered on the same `version` can
both match, and concurrent `$inc`s lose increments. MongoDB applies a filtered single-document
update atomically. Serializing writes to one document within the process makes the repository's
compare-and-set hold on both for a service (one process per service, relay included); across
processes only MongoDB gives that guarantee.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from weakref import WeakValueDictionary

_locks: WeakValueDictionary[tuple[Hashable, ...], asyncio.Lock] = WeakValueDictionary()


def document_lock(database: str, collection: str, doc_id: Hashable) -> asyncio.Lock:
    """The process-wide lock for writes to one document (held only while someone uses it)."""
    key = (database, collection, doc_id)
    lock = _locks.get(key)
    if lock is None:
        lock = asyncio.Lock()
        _locks[key] = lock
    return lock
