"""Legal's use cases on the in-memory database: no server, fast."""

from __future__ import annotations

from datetime import date

import pytest
from legal import events
from legal.store import LegalStore
from legal.usecases import Legal
from slate.audit import AuditLog
from slate.repository import MemoryDatabase

TODAY = date(2027, 1, 15)


@pytest.fixture
def database() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
async def store(database: MemoryDatabase) -> LegalStore:
    store = LegalStore(database, events.to_outbox)
    await store.ensure_indexes()
    return store


@pytest.fixture
def legal(store: LegalStore, database: MemoryDatabase) -> Legal:
    return Legal(store, AuditLog(database), today=lambda: TODAY)
