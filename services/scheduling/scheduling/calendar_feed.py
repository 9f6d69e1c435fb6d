"""Calendar feeds (RFC 5545, written with `icalendar`): a production's shoot days and a talent's
calls across the organisation's productions, at an unguessable URL per subscriber that a calendar
app polls and the subscriber can revoke.

A mixin of `Scheduling` (usecases.py), sharing its store and audit log. Each event's UID is the
shoot day's id (and the talent's, in a talent feed), so a calendar app updates the event it
already shows when a day moves instead of adding a second one; SEQUENCE is the day's version.
Times are written with the production's TZID and that zone's VTIMEZONE.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import UserError

from scheduling.domain.days import ShootDay
from scheduling.domain.feeds import CalendarFeed, FeedKind
from scheduling.domain.productions import Production
from scheduling.domain.shoot import Location, Scene
from scheduling.store import SchedulingStore

if TYPE_CHECKING:  # imported where used: it costs 0.5-2 s to import
    from icalendar import Calendar, Event

STAFF = ("producer", "casting", "accounting", "legal", "viewer")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Production.calendarUrl: the caller's own feed of the production's shoot days.
    "Production.calendarUrl": STAFF,
    # Talent.calendarUrl: a talent their own calls; staff who book them, any talent's.
    "Talent.calendarUrl": ("talent", "producer", "casting"),
    "revokeCalendarFeed": ("talent", *STAFF),
}
PRODID = "-//Slate//Scheduling//EN"
# The token is the only credential a feed URL carries: 256 random bits.
TOKEN_BYTES = 32


class CalendarFeeds:
    _store: SchedulingStore
    _audit: AuditLog
    _feed_base_url: str

    async def calendar_url(
        self, principal: Principal | None, kind: FeedKind, subject_id: str
    ) -> str | None:
        """The caller's feed URL for the production or talent, issued on first request (None
        for a production of another organisation, or a talent asking for someone else's)."""
        op = f"{kind.value.title()}.calendarUrl"
        caller = authz.require(principal, PERMISSIONS[op], op)
        if kind is FeedKind.PRODUCTION:
            if await self._store.production(caller.org, subject_id) is None:
                return None
        elif not caller.has_any("producer", "casting") and not caller.is_talent(subject_id):
            return None
        feed = await self._store.active_feed(caller.org, caller.sub, kind, subject_id)
        if feed is None:
            feed = CalendarFeed(
                token=secrets.token_urlsafe(TOKEN_BYTES),
                org_id=caller.org,
                kind=kind,
                subject_id=subject_id,
                subscriber=caller.sub,
                created_at=_now().isoformat(timespec="seconds").replace("+00:00", "Z"),
            )
            await self._store.add_feed(feed)
            await self._audit.record(caller, "issueCalendarFeed", subject_id, {"kind": kind.value})
        return f"{self._feed_base_url.rstrip('/')}/calendar/{feed.token}.ics"

    async def revoke_calendar_feed(
        self,
        principal: Principal | None,
        *,
        production_id: str | None = None,
        talent_id: str | None = None,
    ) -> None:
        """Revoke the caller's feed of the production or the talent (one of them): its URL
        answers 404 from now on, and the next calendarUrl is a new one."""
        caller = authz.require(principal, PERMISSIONS["revokeCalendarFeed"], "revokeCalendarFeed")
        if (production_id is None) == (talent_id is None):
            raise UserError("give either productionId or talentId", field="productionId")
        kind, subject_id, field = (
            (FeedKind.PRODUCTION, production_id, "productionId")
            if production_id is not None
            else (FeedKind.TALENT, str(talent_id), "talentId")
        )
        feed = await self._store.active_feed(caller.org, caller.sub, kind, subject_id)
        if feed is None:
            raise UserError(
                f"no calendar feed of yours for {subject_id!r}", field=field, code="NOT_FOUND"
            )
        await self._store.revoke_feed(feed.token, _now().isoformat(timespec="seconds"))
        await self._audit.record(caller, "revokeCalendarFeed", subject_id, {"kind": kind.value})

    async def calendar_feed(self, token: str) -> bytes | None:
        """The iCalendar document behind a feed token; None for an unknown or revoked one."""
        feed = await self._store.feed(token)
        if feed is None or not feed.active:
            return None
        if feed.kind is FeedKind.PRODUCTION:
            production = await self._store.production(feed.org_id, feed.subject_id)
            if production is None:
                return None
            days = await self._store.days_of(feed.org_id, production.id)
            return await self._production_calendar(feed.org_id, production, days)
        return await self._talent_calendar(feed.org_id, feed.subject_id)

    async def _production_calendar(
        self, org_id: str, production: Production, days: Sequence[ShootDay]
    ) -> bytes:
        scenes = await self._store.scenes_by_id(org_id, [s for d in days for s in d.scene_ids])
        locations = await self._store.locations_by_id(org_id, [d.location_id for d in days])
        names = {
            b.talent_id: b.talent_name
            for b in await self._store.booked_people(org_id, production.id)
        }
        cal = _calendar(f"{production.title}: shoot days")
        for n, day in enumerate(days, start=1):
            calls = ", ".join(
                f"{names.get(c.talent_id) or c.talent_id} {c.call_time}"
                for c in sorted(day.cast, key=lambda c: c.call_time)
            )
            cal.add_component(
                _event(
                    uid=f"{day.id}@slate-scheduling",
                    day=day,
                    start=day.general_call,
                    zone=production.timezone,
                    summary=f"{production.title}: shoot day {n} of {len(days)}",
                    location=locations.get(day.location_id),
                    description=[
                        f"General call {day.general_call}, estimated wrap {day.wrap_time}",
                        *_scene_lines(day, scenes),
                        f"Cast calls: {calls}" if calls else "No cast called",
                    ],
                )
            )
        return _finish(cal)

    async def _talent_calendar(self, org_id: str, talent_id: str) -> bytes:
        days = await self._store.days_of_talent(org_id, talent_id)
        productions = await self._store.productions_by_id(
            org_id, sorted({d.production_id for d in days})
        )
        locations = await self._store.locations_by_id(org_id, [d.location_id for d in days])
        cal = _calendar("My calls")
        for day in days:
            production = productions.get(day.production_id)
            call = next((c for c in day.cast if c.talent_id == talent_id), None)
            if production is None or call is None:
                continue
            cal.add_component(
                _event(
                    uid=f"{day.id}.{talent_id}@slate-scheduling",
                    day=day,
                    start=call.call_time,
                    zone=production.timezone,
                    summary=f"Call {call.call_time}: {production.title}",
                    location=locations.get(day.location_id),
                    description=[
                        f"Your call {call.call_time}; general call {day.general_call}, "
                        f"estimated wrap {day.wrap_time}",
                        "Call sheet published"
                        if day.call_sheet_published
                        else "Call sheet not yet published",
                    ],
                )
            )
        return _finish(cal)


def _calendar(name: str) -> Calendar:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _event(
    *,
    uid: str,
    day: ShootDay,
    start: str,
    zone: str,
    summary: str,
    location: Location | None,
    description: list[str],
) -> Event:
    tz = ZoneInfo(zone)
    on = dt.date.fromisoformat(day.date)
    begins = dt.datetime.combine(on, dt.time.fromisoformat(start), tzinfo=tz)
    ends = dt.datetime.combine(on, dt.time.fromisoformat(day.wrap_time), tzinfo=tz)
    if ends <= begins:  # a wrap at or before the call is after midnight
        ends = dt.datetime.combine(on + dt.timedelta(days=1), ends.time(), tzinfo=tz)
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _now())
    event.add("dtstart", begins)
    event.add("dtend", ends)
    event.add("sequence", day.version)
    event.add("summary", summary)
    event.add("status", "CONFIRMED" if day.call_sheet_published else "TENTATIVE")
    if location is not None:
        event.add("location", f"{location.name}, {location.address}")
    event.add("description", "\n".join(description))
    return event


def _scene_lines(day: ShootDay, scenes: dict[str, Scene]) -> list[str]:
    return [
        f"Sc. {s.number}: {s.description}".rstrip(": ")
        for s in (scenes.get(x) for x in day.scene_ids)
        if s is not None
    ]


def _finish(cal: Calendar) -> bytes:
    from icalendar import Event

    # VTIMEZONE rules only around the events (a year either side), not 1970-2038: a feed is
    # polled every few minutes, so its size counts.
    starts = [_day_of(e.start) for e in cal.walk("VEVENT") if isinstance(e, Event)]
    if starts:
        year = dt.timedelta(days=366)
        cal.add_missing_timezones(first_date=min(starts) - year, last_date=max(starts) + year)
    data: bytes = cal.to_ical()
    return data


def _day_of(when: dt.date) -> dt.date:
    return when.date() if isinstance(when, dt.datetime) else when


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
