"""Payroll's collections: engagement documents <-> `Engagement` aggregates, indexes, reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from slate.events import OutboxEvent
from slate.mongo import IndexSpec
from slate.repository import Aggregates, Database
from slate_domain import Rate

from payroll.domain.engagements import Engagement, EngagementEvent, EngagementStatus

# Maps a domain event to the outbox entry that publishes it (None: not published).
Outbox = Callable[[EngagementEvent], OutboxEvent | None]

ENGAGEMENTS = "engagements"


def _to_doc(e: Engagement) -> dict[str, Any]:
    return {
        "_id": e.id,
        "org_id": e.org_id,
        "booking_id": e.booking_id,
        "production_id": e.production_id,
        "talent_id": e.talent_id,
        "role_name": e.role_name,
        "rate": {"amount": str(e.rate.amount), "currency": e.rate.currency, "unit": e.rate.unit},
        "work_dates": list(e.work_dates),
        "agreement": e.agreement,
        "is_minor": e.is_minor,
        "status": e.status.value,
    }


def _from_doc(doc: Mapping[str, Any]) -> Engagement:
    rate = doc["rate"]
    return Engagement(
        id=doc["_id"],
        org_id=doc["org_id"],
        booking_id=doc["booking_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        role_name=doc["role_name"],
        rate=Rate(Decimal(rate["amount"] or "0"), rate["currency"], rate["unit"]),
        work_dates=tuple(doc["work_dates"]),
        agreement=doc["agreement"],
        is_minor=bool(doc["is_minor"]),
        status=EngagementStatus(doc["status"]),
        version=int(doc["version"]),
    )


class PayrollStore:
    """Engagements (one per booking, id derived from the booking's), per organisation."""

    outbox_collections = (ENGAGEMENTS,)

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._engagements = Aggregates(database.repository(ENGAGEMENTS), outbox, _to_doc, _from_doc)

    async def ensure_indexes(self) -> None:
        await self._database.ensure_indexes(
            {
                ENGAGEMENTS: [
                    *self._engagements.repo.indexes(),
                    IndexSpec([("org_id", 1), ("booking_id", 1)]),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ]
            }
        )

    async def add(self, engagement: Engagement) -> Engagement:
        """Insert a new engagement at version 1 with its events (DuplicateKey if it exists)."""
        return await self._engagements.add(engagement)

    async def save(self, engagement: Engagement) -> Engagement:
        """Write its state and events at the version it was loaded at (ConcurrencyConflict if
        it moved on); the result carries the new version."""
        return await self._engagements.save(engagement)

    async def engagement(self, org_id: str, engagement_id: str) -> Engagement | None:
        return await self._engagements.get(org_id, engagement_id)

    async def engagements_by_booking(
        self, org_id: str, booking_ids: Sequence[str]
    ) -> list[Engagement]:
        return await self._engagements.find_in(org_id, "booking_id", booking_ids)
