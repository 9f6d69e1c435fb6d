"""Casting's MongoDB collections: productions it has heard of, roles, talent, bookings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from slate.mongo import IndexSpec, Repository, WakeRelay, ensure_indexes

Doc = dict[str, Any]


class CastingStore:
    """Repositories of the casting database; every read and write is scoped by org."""

    def __init__(self, db: AsyncDatabase[Doc], on_events: WakeRelay | None = None):
        self.productions = Repository(db, "productions")
        self.roles = Repository(db, "roles", on_events=on_events)
        # Talent profiles are network-wide: the casting network is shared across organisations.
        self.talent = Repository(db, "talent", on_events=on_events, org_scoped=False)
        self.bookings = Repository(db, "bookings", on_events=on_events)

    @property
    def outbox_collections(self) -> list[str]:
        return ["roles", "talent", "bookings"]

    async def ensure_indexes(self) -> None:
        await ensure_indexes(
            self.bookings.db,
            {
                "productions": self.productions.indexes(),
                "roles": [*self.roles.indexes(), IndexSpec([("org_id", 1), ("production_id", 1)])],
                "talent": [*self.talent.indexes(), IndexSpec([("email", 1)])],
                "bookings": [
                    *self.bookings.indexes(),
                    IndexSpec([("org_id", 1), ("role_id", 1)]),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                    IndexSpec([("talent_id", 1)]),
                ],
            },
        )

    async def roles_by_production(self, org_id: str, production_ids: Sequence[str]) -> list[Doc]:
        return await self.roles.find(
            org_id, {"production_id": {"$in": list(production_ids)}}, limit=10_000
        )

    async def bookings_by_role(self, org_id: str, role_ids: Sequence[str]) -> list[Doc]:
        return await self.bookings.find(org_id, {"role_id": {"$in": list(role_ids)}}, limit=10_000)

    async def bookings_by_production(self, org_id: str, production_ids: Sequence[str]) -> list[Doc]:
        return await self.bookings.find(
            org_id, {"production_id": {"$in": list(production_ids)}}, limit=10_000
        )

    async def upsert_production(self, org_id: str, production_id: str, fields: Doc) -> None:
        """Keep the local copy of a production (event-carried state); replays are harmless."""
        try:
            await self.productions.collection.update_one(
                {"_id": production_id, "org_id": org_id},
                {"$set": {**fields, "org_id": org_id}, "$setOnInsert": {"version": 1}},
                upsert=True,
            )
        except DuplicateKeyError:
            # Two writers (the event and a read-through) inserted the same production at once;
            # both carry the same state, so the loser has nothing left to do.
            return
