"""Scheduling's collections: productions (aggregates saved with their outbox) and the talent
calendar (a read model kept from casting's booking snapshots)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from slate.events import OutboxEvent
from slate.mongo import IndexSpec
from slate.repository import Aggregates, Database
from slate_domain import Rate

from scheduling.domain.calendar import BOOKED, CalendarEntry
from scheduling.domain.days import DEFAULT_WRAP, CastCall, CrewCall, ShootDay
from scheduling.domain.feeds import CalendarFeed, FeedKind
from scheduling.domain.productions import Production, ProductionKind, Stage
from scheduling.domain.shoot import CastMember, Location, RoleInfo, Scene
from scheduling.lifecycle_store import LifecycleStore

# Maps a domain event (of any scheduling aggregate) to the outbox entry that publishes it.
Outbox = Callable[[Any], OutboxEvent | None]

PRODUCTIONS = "productions"
CALENDAR = "talent_calendar"
LOCATIONS = "locations"
SCENES = "scenes"
SHOOT_DAYS = "shoot_days"
ROLES = "roles"
FEEDS = "calendar_feeds"
CALENDAR_PAGE = 500


class SchedulingStore:
    """Productions scoped by organisation; the calendar across organisations (see below)."""

    outbox_collections = (
        PRODUCTIONS,
        LOCATIONS,
        SCENES,
        SHOOT_DAYS,
        *LifecycleStore.outbox_collections,
    )

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._productions = Aggregates(
            database.repository(PRODUCTIONS), outbox, _production_doc, _production
        )
        # Availability spans organisations (a talent booked by one is busy for all), so the
        # calendar is not org-scoped; use cases never return another org's identifiers from it.
        self._calendar = database.repository(CALENDAR, org_scoped=False)
        self._locations = Aggregates(
            database.repository(LOCATIONS), outbox, _location_doc, _location
        )
        self._scenes = Aggregates(database.repository(SCENES), outbox, _scene_doc, _scene)
        self._days = Aggregates(database.repository(SHOOT_DAYS), outbox, _day_doc, _day)
        # Roles as casting announced them (role snapshots, by role version).
        self._roles = database.repository(ROLES)
        # Calendar feeds are found by the token in their URL alone (a calendar app sends
        # nothing else), so not by organisation; the feed names the org whose data it shows.
        self._feeds = database.repository(FEEDS, org_scoped=False)
        # Workbooks, budgets, deliverables and templates (the production lifecycle).
        self.lifecycle = LifecycleStore(database, outbox)

    async def ensure_indexes(self) -> None:
        await self.lifecycle.ensure_indexes()
        await self._database.ensure_indexes(
            {
                PRODUCTIONS: self._productions.repo.indexes(),
                CALENDAR: [IndexSpec([("talent_id", 1)]), IndexSpec([("production_id", 1)])],
                LOCATIONS: [IndexSpec([("org_id", 1), ("production_id", 1)])],
                SCENES: [IndexSpec([("org_id", 1), ("production_id", 1)])],
                ROLES: [IndexSpec([("org_id", 1), ("production_id", 1)])],
                FEEDS: [IndexSpec([("org_id", 1), ("subscriber", 1), ("subject_id", 1)])],
                SHOOT_DAYS: [
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                    IndexSpec([("org_id", 1), ("talent_ids", 1)]),
                ],
            }
        )

    # ----------------------------------------------------------------- productions

    async def add(self, production: Production) -> Production:
        """Insert a new production (version 1) with its pending events in the same write."""
        return await self._productions.add(production)

    async def save(self, production: Production) -> Production:
        """Write a changed production (its stage) with its events at the version loaded."""
        return await self._productions.save(production)

    async def production(self, org_id: str, production_id: str) -> Production | None:
        return await self._productions.get(org_id, production_id)

    async def productions_by_id(
        self, org_id: str, production_ids: Sequence[str]
    ) -> dict[str, Production]:
        return await self._productions.get_many(org_id, production_ids)

    async def productions(self, org_id: str, *, first: int, after: str | None) -> list[Production]:
        """A page of the organisation's productions in id order, after the id `after`."""
        return await self._productions.find(org_id, {}, sort=[("_id", 1)], limit=first, after=after)

    # ----------------------------------------------------------------- locations and scenes

    async def add_location(self, location: Location) -> Location:
        return await self._locations.add(location)

    async def location(self, org_id: str, location_id: str) -> Location | None:
        return await self._locations.get(org_id, location_id)

    async def locations_by_id(self, org_id: str, ids: Sequence[str]) -> dict[str, Location]:
        return await self._locations.get_many(org_id, ids)

    async def locations_of(self, org_id: str, production_id: str) -> list[Location]:
        return await self._locations.find(
            org_id, {"production_id": production_id}, sort=[("_id", 1)]
        )

    async def add_scene(self, scene: Scene) -> Scene:
        return await self._scenes.add(scene)

    async def scenes_by_id(self, org_id: str, ids: Sequence[str]) -> dict[str, Scene]:
        return await self._scenes.get_many(org_id, ids)

    async def scenes_of(self, org_id: str, production_id: str) -> list[Scene]:
        """The production's scenes in script order of their numbers (2 < 10 < 10A < 11)."""
        found = await self._scenes.find(org_id, {"production_id": production_id})
        return sorted(found, key=lambda s: _number_key(s.number))

    # ----------------------------------------------------------------- shoot days

    async def add_day(self, day: ShootDay) -> ShootDay:
        return await self._days.add(day)

    async def save_day(self, day: ShootDay) -> ShootDay:
        return await self._days.save(day)

    async def day(self, org_id: str, day_id: str) -> ShootDay | None:
        return await self._days.get(org_id, day_id)

    async def days_by_id(self, org_id: str, ids: Sequence[str]) -> dict[str, ShootDay]:
        return await self._days.get_many(org_id, ids)

    async def days_of(self, org_id: str, production_id: str) -> list[ShootDay]:
        """The production's shoot days in date order (replaced ones left out)."""
        found = await self._days.find(org_id, {"production_id": production_id, "cancelled": False})
        return sorted(found, key=lambda d: d.date)

    async def days_of_talent(self, org_id: str, talent_id: str) -> list[ShootDay]:
        """The organisation's shoot days (not replaced) that call this talent, by date."""
        found = await self._days.find(org_id, {"talent_ids": talent_id, "cancelled": False})
        return sorted(found, key=lambda d: d.date)

    # ----------------------------------------------------------------- roles and cast

    async def put_role(self, role: RoleInfo, version: int) -> bool:
        """Keep the role snapshot unless one of its version or newer is held."""
        return await self._roles.put_if_newer(role.role_id, _role_doc(role), version)

    async def roles_of(self, org_id: str, production_id: str) -> dict[str, RoleInfo]:
        """The production's roles as announced, with those seen only on bookings (their rate
        from the booking)."""
        roles, _ = await self.roles_and_bookings(org_id, production_id)
        return roles

    async def roles_and_bookings(
        self, org_id: str, production_id: str
    ) -> tuple[dict[str, RoleInfo], list[CalendarEntry]]:
        """`roles_of` and `bookings_of` with one read of each collection (the dashboard)."""
        roles = {
            doc["_id"]: _role(doc)
            for doc in await self._roles.find(
                org_id, {"production_id": production_id}, limit=10_000
            )
        }
        bookings = await self._production_bookings(org_id, production_id)
        for entry in bookings:
            if entry.role_id and entry.role_id not in roles:
                roles[entry.role_id] = RoleInfo(
                    role_id=entry.role_id,
                    org_id=entry.org_id,
                    production_id=entry.production_id,
                    name=entry.role_name,
                    rate=_entry_rate(entry),
                    status="BOOKED",
                )
        return roles, bookings

    async def cast_of(self, org_id: str, production_id: str) -> list[CastMember]:
        """The talent booked (confirmed) on the production's roles, with their booking's rate."""
        return [
            CastMember(talent_id=e.talent_id, role_id=e.role_id, rate=_entry_rate(e))
            for e in await self._production_bookings(org_id, production_id)
            if e.status == BOOKED
        ]

    async def booked_people(self, org_id: str, production_id: str) -> list[CalendarEntry]:
        """The production's confirmed bookings (who is called, their names and minor flags)."""
        return [
            e for e in await self._production_bookings(org_id, production_id) if e.status == BOOKED
        ]

    async def bookings_of(self, org_id: str, production_id: str) -> list[CalendarEntry]:
        """Every booking of the production as casting last announced it (any status)."""
        return await self._production_bookings(org_id, production_id)

    async def _production_bookings(self, org_id: str, production_id: str) -> list[CalendarEntry]:
        docs = await self._calendar.find(
            "", {"production_id": production_id, "org_id": org_id}, sort=[("_id", 1)], limit=10_000
        )
        return [_calendar_entry(d) for d in docs]

    # ----------------------------------------------------------------- calendar feeds

    async def add_feed(self, feed: CalendarFeed) -> None:
        await self._feeds.insert(
            {
                "_id": feed.token,
                "org_id": feed.org_id,
                "kind": feed.kind.value,
                "subject_id": feed.subject_id,
                "subscriber": feed.subscriber,
                "created_at_utc": feed.created_at,
                "revoked": False,
            }
        )

    async def feed(self, token: str) -> CalendarFeed | None:
        doc = await self._feeds.get("", token)
        return _feed(doc) if doc is not None else None

    async def active_feed(
        self, org_id: str, subscriber: str, kind: FeedKind, subject_id: str
    ) -> CalendarFeed | None:
        query = {
            "org_id": org_id,
            "subscriber": subscriber,
            "kind": kind.value,
            "subject_id": subject_id,
            "revoked": False,
        }
        found = await self._feeds.find("", query, limit=1)
        return _feed(found[0]) if found else None

    async def revoke_feed(self, token: str, at: str) -> None:
        doc = await self._feeds.get("", token)
        if doc is not None and not doc["revoked"]:
            await self._feeds.update("", token, doc["version"], {"revoked": True, "revoked_at": at})

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
        "role_id": entry.role_id,
        "role_name": entry.role_name,
        "talent_name": entry.talent_name,
        "is_minor": entry.is_minor,
        "rate": {
            "amount": entry.rate_amount,
            "currency": entry.rate_currency,
            "unit": entry.rate_unit,
        },
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
        role_id=doc.get("role_id", ""),
        role_name=doc.get("role_name", ""),
        rate_amount=doc.get("rate", {}).get("amount", "0"),
        rate_currency=doc.get("rate", {}).get("currency", "USD"),
        rate_unit=doc.get("rate", {}).get("unit", "DAY"),
        talent_name=doc.get("talent_name", ""),
        is_minor=bool(doc.get("is_minor", False)),
    )


def _entry_rate(entry: CalendarEntry) -> Rate:
    return Rate(
        amount=Decimal(entry.rate_amount), currency=entry.rate_currency, unit=entry.rate_unit
    )


def _feed(doc: Mapping[str, Any]) -> CalendarFeed:
    return CalendarFeed(
        token=doc["_id"],
        org_id=doc["org_id"],
        kind=FeedKind(doc["kind"]),
        subject_id=doc["subject_id"],
        subscriber=doc["subscriber"],
        created_at=doc["created_at_utc"],
        revoked_at=doc.get("revoked_at"),
    )


def _location_doc(loc: Location) -> dict[str, Any]:
    return {
        "_id": loc.id,
        "org_id": loc.org_id,
        "production_id": loc.production_id,
        "name": loc.name,
        "address": loc.address,
        "parking": loc.parking,
        "hospital": loc.hospital,
        "contact": loc.contact,
        "keep_together": loc.keep_together,
    }


def _location(doc: Mapping[str, Any]) -> Location:
    return Location(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        name=doc["name"],
        address=doc["address"],
        parking=doc.get("parking", ""),
        hospital=doc.get("hospital", ""),
        contact=doc.get("contact", ""),
        keep_together=bool(doc.get("keep_together", False)),
        version=doc["version"],
    )


def _scene_doc(scene: Scene) -> dict[str, Any]:
    return {
        "_id": scene.id,
        "org_id": scene.org_id,
        "production_id": scene.production_id,
        "number": scene.number,
        "description": scene.description,
        "location_id": scene.location_id,
        "duration": scene.duration,
        "role_ids": list(scene.role_ids),
        "fixed_date": scene.fixed_date,
    }


def _scene(doc: Mapping[str, Any]) -> Scene:
    return Scene(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        number=doc["number"],
        description=doc.get("description", ""),
        location_id=doc["location_id"],
        duration=int(doc["duration"]),
        role_ids=tuple(doc["role_ids"]),
        fixed_date=doc.get("fixed_date"),
        version=doc["version"],
    )


def _role_doc(role: RoleInfo) -> dict[str, Any]:
    return {
        "org_id": role.org_id,
        "production_id": role.production_id,
        "name": role.name,
        "status": role.status,
        "rate": {
            "amount": str(role.rate.amount),
            "currency": role.rate.currency,
            "unit": role.rate.unit,
        },
    }


def _role(doc: Mapping[str, Any]) -> RoleInfo:
    return RoleInfo(
        role_id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        name=doc["name"],
        status=doc["status"],
        rate=Rate(
            amount=Decimal(doc["rate"]["amount"]),
            currency=doc["rate"]["currency"],
            unit=doc["rate"]["unit"],
        ),
    )


def _number_key(number: str) -> tuple[int, str]:
    digits = len(number) - len(number.lstrip("0123456789"))
    return (int(number[:digits]) if digits else 1 << 30, number[digits:])


def _day_doc(d: ShootDay) -> dict[str, Any]:
    return {
        "_id": d.id,
        "org_id": d.org_id,
        "production_id": d.production_id,
        "date": d.date,
        "location_id": d.location_id,
        "scene_ids": list(d.scene_ids),
        "cast": [
            {
                "talent_id": c.talent_id,
                "role_ids": list(c.role_ids),
                "call_time": c.call_time,
                "confirmed_at": c.confirmed_at,
            }
            for c in d.cast
        ],
        "talent_ids": list(d.talent_ids),
        "general_call": d.general_call,
        "wrap_time": d.wrap_time,
        "cancelled": d.cancelled,
        "call_sheet_published": d.call_sheet_published,
        "call_sheet_published_at": d.call_sheet_published_at,
        "notes": d.notes,
        "weather": d.weather,
        "sunrise": d.sunrise,
        "sunset": d.sunset,
        "crew": [
            {
                "name": c.name,
                "department": c.department,
                "position": c.position,
                "call_time": c.call_time,
                "contact": c.contact,
            }
            for c in d.crew
        ],
    }


def _day(doc: Mapping[str, Any]) -> ShootDay:
    return ShootDay(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        date=doc["date"],
        location_id=doc["location_id"],
        scene_ids=tuple(doc["scene_ids"]),
        cast=tuple(
            CastCall(
                talent_id=c["talent_id"],
                role_ids=tuple(c["role_ids"]),
                call_time=c["call_time"],
                confirmed_at=c.get("confirmed_at"),
            )
            for c in doc["cast"]
        ),
        general_call=doc["general_call"],
        wrap_time=doc.get("wrap_time", DEFAULT_WRAP),
        cancelled=doc["cancelled"],
        call_sheet_published=doc["call_sheet_published"],
        call_sheet_published_at=doc.get("call_sheet_published_at"),
        notes=doc.get("notes", ""),
        weather=doc.get("weather", ""),
        sunrise=doc.get("sunrise", ""),
        sunset=doc.get("sunset", ""),
        crew=tuple(
            CrewCall(
                name=c["name"],
                department=c["department"],
                position=c["position"],
                call_time=c["call_time"],
                contact=c.get("contact", ""),
            )
            for c in doc.get("crew", [])
        ),
        version=doc["version"],
    )
