"""Scheduling's MongoDB collections: productions and the talent calendar fed by booking events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from slate.mongo import IndexSpec, Repository, WakeRelay, ensure_indexes

Doc = dict[str, Any]


class SchedulingStore:
    def __init__(self, db: AsyncDatabase[Doc], on_events: WakeRelay | None = None):
        self.db = db
        self.productions = Repository(db, "productions", on_events=on_events)
        # Availability spans organisations (a talent booked by one is busy for all), so the
        # calendar is not org-scoped; reads never return another org's identifiers.
        self.calendar = db["talent_calendar"]

    outbox_collections = ("productions",)

    async def ensure_indexes(self) -> None:
        await ensure_indexes(
            self.db,
            {
                "productions": [
                    *self.productions.indexes(),
                    IndexSpec([("org_id", 1), ("created_at", -1)]),
                ],
                "talent_calendar": [IndexSpec([("talent_id", 1)])],
            },
        )

    async def apply_booking(self, snapshot: Doc) -> bool:
        """Upsert a booking's dates if this snapshot is newer than the one held (ordering-safe)."""
        try:
            await self.calendar.update_one(
                {"_id": snapshot["booking_id"], "version": {"$lt": snapshot["version"]}},
                {"$set": snapshot},
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # a newer snapshot is already there
        return True

    async def calendar_for(self, talent_id: str) -> list[Doc]:
        return [doc async for doc in self.calendar.find({"talent_id": talent_id})]
