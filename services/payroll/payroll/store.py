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
from payroll.domain.timecards import MealBreak, Timecard, TimecardEvent, TimecardStatus

# Maps a domain event to the outbox entry that publishes it (None: not published).
Outbox = Callable[[EngagementEvent | TimecardEvent], OutboxEvent | None]

ENGAGEMENTS = "engagements"
TIMECARDS = "timecards"


def _rate_doc(rate: Rate) -> dict[str, str]:
    return {"amount": str(rate.amount), "currency": rate.currency, "unit": rate.unit}


def _rate(doc: Mapping[str, Any]) -> Rate:
    return Rate(Decimal(doc["amount"] or "0"), doc["currency"], doc["unit"])


def _timecard_doc(t: Timecard) -> dict[str, Any]:
    return {
        "_id": t.id,
        "org_id": t.org_id,
        "engagement_id": t.engagement_id,
        "booking_id": t.booking_id,
        "production_id": t.production_id,
        "talent_id": t.talent_id,
        "date": t.date,
        "call": t.call,
        "wrap": t.wrap,
        "meals": [{"start": m.start, "end": m.end} for m in t.meals],
        "notes": t.notes,
        "rate": _rate_doc(t.rate),
        "agreement": t.agreement,
        "is_minor": t.is_minor,
        "status": t.status.value,
        "submitted_by": t.submitted_by,
        "approved_by": t.approved_by,
        "pay_run_id": t.pay_run_id,
    }


def _timecard(doc: Mapping[str, Any]) -> Timecard:
    return Timecard(
        id=doc["_id"],
        org_id=doc["org_id"],
        engagement_id=doc["engagement_id"],
        booking_id=doc["booking_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        date=doc["date"],
        call=doc["call"],
        wrap=doc["wrap"],
        meals=tuple(MealBreak(m["start"], m["end"]) for m in doc["meals"]),
        notes=doc["notes"],
        rate=_rate(doc["rate"]),
        agreement=doc["agreement"],
        is_minor=bool(doc["is_minor"]),
        status=TimecardStatus(doc["status"]),
        submitted_by=doc["submitted_by"],
        approved_by=doc["approved_by"],
        pay_run_id=doc["pay_run_id"],
        version=int(doc["version"]),
    )


def _to_doc(e: Engagement) -> dict[str, Any]:
    return {
        "_id": e.id,
        "org_id": e.org_id,
        "booking_id": e.booking_id,
        "production_id": e.production_id,
        "talent_id": e.talent_id,
        "role_name": e.role_name,
        "rate": _rate_doc(e.rate),
        "work_dates": list(e.work_dates),
        "agreement": e.agreement,
        "is_minor": e.is_minor,
        "status": e.status.value,
    }


def _from_doc(doc: Mapping[str, Any]) -> Engagement:
    return Engagement(
        id=doc["_id"],
        org_id=doc["org_id"],
        booking_id=doc["booking_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        role_name=doc["role_name"],
        rate=_rate(doc["rate"]),
        work_dates=tuple(doc["work_dates"]),
        agreement=doc["agreement"],
        is_minor=bool(doc["is_minor"]),
        status=EngagementStatus(doc["status"]),
        version=int(doc["version"]),
    )


class PayrollStore:
    """Engagements (one per booking, id derived from the booking's), per organisation."""

    outbox_collections = (ENGAGEMENTS, TIMECARDS)

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._engagements = Aggregates(database.repository(ENGAGEMENTS), outbox, _to_doc, _from_doc)
        self._timecards = Aggregates(
            database.repository(TIMECARDS), outbox, _timecard_doc, _timecard
        )

    async def ensure_indexes(self) -> None:
        await self._database.ensure_indexes(
            {
                ENGAGEMENTS: [
                    *self._engagements.repo.indexes(),
                    IndexSpec([("org_id", 1), ("booking_id", 1)]),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ],
                TIMECARDS: [
                    *self._timecards.repo.indexes(),
                    IndexSpec([("org_id", 1), ("engagement_id", 1)]),
                    IndexSpec([("org_id", 1), ("production_id", 1), ("status", 1)]),
                    IndexSpec([("talent_id", 1)]),
                ],
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

    # ------------------------------------------------------------------ timecards

    async def add_timecard(self, timecard: Timecard) -> Timecard:
        """Insert a new timecard (DuplicateKey if that engagement's day has one)."""
        return await self._timecards.add(timecard)

    async def save_timecard(self, timecard: Timecard) -> Timecard:
        return await self._timecards.save(timecard)

    async def timecard(self, org_id: str, timecard_id: str) -> Timecard | None:
        return await self._timecards.get(org_id, timecard_id)

    async def timecards_of_engagements(
        self, org_id: str, engagement_ids: Sequence[str]
    ) -> list[Timecard]:
        return await self._timecards.find(
            org_id, {"engagement_id": {"$in": list(engagement_ids)}}, sort=[("date", 1)]
        )

    async def approved_timecards(
        self, org_id: str, production_id: str, period_start: str, period_end: str
    ) -> list[Timecard]:
        """The production's approved, unpaid timecards dated within the period (inclusive)."""
        return await self._timecards.find(
            org_id,
            {
                "production_id": production_id,
                "status": TimecardStatus.APPROVED.value,
                "date": {"$gte": period_start, "$lte": period_end},
            },
            sort=[("date", 1)],
        )
