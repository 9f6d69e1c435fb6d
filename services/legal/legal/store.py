"""Legal's MongoDB collections: contracts and minors' work permits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from slate.mongo import IndexSpec, Repository, WakeRelay, ensure_indexes

Doc = dict[str, Any]


class LegalStore:
    def __init__(self, db: AsyncDatabase[Doc], on_events: WakeRelay | None = None):
        self.db = db
        self.contracts = Repository(db, "contracts", on_events=on_events)
        self.permits = Repository(db, "work_permits", on_events=on_events)

    outbox_collections = ("contracts", "work_permits")

    async def ensure_indexes(self) -> None:
        await ensure_indexes(
            self.db,
            {
                "contracts": [
                    *self.contracts.indexes(),
                    IndexSpec([("org_id", 1), ("booking_id", 1)]),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                ],
                "work_permits": [
                    *self.permits.indexes(),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ],
            },
        )

    async def contracts_by_booking(self, org_id: str, booking_ids: Sequence[str]) -> list[Doc]:
        return await self.contracts.find(
            org_id, {"booking_id": {"$in": list(booking_ids)}}, limit=10_000
        )

    async def contracts_by_production(
        self, org_id: str, production_ids: Sequence[str]
    ) -> list[Doc]:
        return await self.contracts.find(
            org_id, {"production_id": {"$in": list(production_ids)}}, limit=10_000
        )

    async def permits_for(self, org_id: str, talent_id: str) -> list[Doc]:
        return await self.permits.find(org_id, {"talent_id": talent_id}, limit=100)
