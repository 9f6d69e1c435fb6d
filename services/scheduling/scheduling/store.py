"""Scheduling's collections: productions (aggregates saved with their outbox) and the talent
calendar (a read model kept from casting's booking snapshots)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from slate.events import OutboxEvent
from slate.mongo import IndexSpec
from slate.repository import Aggregates, Database

from scheduling.domain.calendar import CalendarEntry
from scheduling.domain.productions import DomainEvent, Production, ProductionKind, Stage

# Maps a domain event to the outbox entry that publishes it.
Outbox = Callable[[DomainEvent], OutboxEvent | None]

PRODUCTIONS = "productions"
CALENDAR = "talent_calendar"
CALENDAR_PAGE = 500


class SchedulingStore:
    """Productions scoped by organisation; the calendar across organisations (see below)."""

    outbox_collections = (PRODUCTIONS,)

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._productions = Aggregates(
            database.repository(PRODUCTIONS), outbox, _production_doc, _production
        )
        # Availability spans organisations (a talent booked by one is busy for all), so the
        # calendar is not org-scoped; use cases never return another org's identifiers from it.
        self._calendar = database.repository(CALENDAR, org_scoped=False)

    async def ensure_indexes(self) -> None:
        await self._database.ensure_indexes(
            {
                PRODUCTIONS: self._productions.repo.indexes(),
                CALENDAR: [IndexSpec([("talent_id", 1)])],
            }
        )

    # ----------------------------------------------------------------- productions

    async def add(self, production: Production) -> Production:
        """Insert a new production (version 1) with its pending events in the same write."""
        return await self._productions.add(production)

    async def production(self, org_id: str, production_id: str) -> Production | None:
        return await self._productions.get(org_id, production_id)

    async def productions_by_id(
        self, org_id: str, production_ids: Sequence[str]
    ) -> dict[str, Production]:
        return await self._productions.get_many(org_id, production_ids)

    async def productions(self, org_id: str, *, first: int, after: str | None) -> list[Production]:
        """A page of the organisation's productions in id order, after the id `after`."""
        return await self._productions.find(org_id, {}, sort=[("_id", 1)], limit=first, after=after)

    # ----------------------------------------------------------------- talent calendar

    async def put_calendar_entry(self, entry: CalendarEntry) -> bool:
        """Keep the entry unless one of its version or newer is held (stale or replayed
        snapshots change nothing); True when it was stored."""
        return await self._calendar.put_if_newer(
            entry.booking_id, _calendar_doc(entry), entry.version
        )

    async def calendar_for(self, talent_id: str, dates: Iterable[str]) -> list[CalendarEntry]:
        """Every organisation's entries for the talent that touch one of `dates`."""
        query = {"talent_id": talent_id, "work_dates": {"$in": sorted(set(dates))}}
        entries: list[CalendarEntry] = []
        after: str | None = None
        while True:
            page = await self._calendar.find(
                "", query, sort=[("_id", 1)], limit=CALENDAR_PAGE, after=after
            )
            entries.extend(_calendar_entry(doc) for doc in page)
            if len(page) < CALENDAR_PAGE:
                return entries
            after = page[-1]["_id"]


def _production_doc(p: Production) -> dict[str, Any]:
    return {
        "_id": p.id,
        "org_id": p.org_id,
        "title": p.title,
        "client": p.client,
        "kind": p.kind.value,
        "timezone": p.timezone,
        "stage": p.stage.value,
        "created_by": p.created_by,
    }


def _production(doc: Mapping[str, Any]) -> Production:
    return Production(
        id=doc["_id"],
        org_id=doc["org_id"],
        title=doc["title"],
        client=doc["client"],
        kind=ProductionKind(doc["kind"]),
        timezone=doc["timezone"],
        stage=Stage(doc["stage"]),
        created_by=doc["created_by"],
        version=doc["version"],
        created_at=doc["created_at"],
    )


def _calendar_doc(entry: CalendarEntry) -> dict[str, Any]:
    return {
        "org_id": entry.org_id,
        "production_id": entry.production_id,
        "talent_id": entry.talent_id,
        "status": entry.status,
        "work_dates": sorted(entry.dates),
    }


def _calendar_entry(doc: Mapping[str, Any]) -> CalendarEntry:
    return CalendarEntry(
        booking_id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        status=doc["status"],
        dates=frozenset(doc["work_dates"]),
        version=doc["version"],
    )
