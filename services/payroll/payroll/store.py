"""Payroll's MongoDB collections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from slate.mongo import IndexSpec, Repository, WakeRelay, ensure_indexes

Doc = dict[str, Any]


class PayrollStore:
    def __init__(self, db: AsyncDatabase[Doc], on_events: WakeRelay | None = None):
        self.db = db
        self.engagements = Repository(db, "engagements", on_events=on_events)

    outbox_collections = ("engagements",)

    async def ensure_indexes(self) -> None:
        await ensure_indexes(
            self.db,
            {
                "engagements": [
                    *self.engagements.indexes(),
                    IndexSpec([("org_id", 1), ("booking_id", 1)]),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ]
            },
        )

    async def engagements_by_booking(self, org_id: str, booking_ids: Sequence[str]) -> list[Doc]:
        return await self.engagements.find(
            org_id, {"booking_id": {"$in": list(booking_ids)}}, limit=10_000
        )
