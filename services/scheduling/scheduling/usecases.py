"""Scheduling use cases: productions, the talent calendar kept from bookings, conflict checks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import UserError, ValidationErrors, field_errors
from slate.events.snapshots import BookingSnapshot
from slate.ids import new_id
from slate_domain import Invalid, Problem

from scheduling.calendar_feed import PERMISSIONS as FEED_PERMISSIONS
from scheduling.calendar_feed import CalendarFeeds
from scheduling.domain.board import ShootingCalendar, build_board, schedule_days
from scheduling.domain.calendar import CalendarEntry, Conflict, find_conflicts
from scheduling.domain.days import CastCall, ShootDay
from scheduling.domain.dood import day_out_of_days, to_csv
from scheduling.domain.productions import Production
from scheduling.domain.shoot import Location, RoleInfo, Scene, parse_date
from scheduling.domain.stripboard import InfeasibleError, parse_instance, solve
from scheduling.lifecycle import PERMISSIONS as LIFECYCLE_PERMISSIONS
from scheduling.lifecycle import Compliance, LegalNotConfigured, ProductionLifecycle
from scheduling.shoot_calls import PERMISSIONS as CALL_PERMISSIONS
from scheduling.shoot_calls import ShootCalls
from scheduling.store import SchedulingStore

# Reading productions asks only for membership of the organisation (any role).
ANY_MEMBER: tuple[str, ...] = ()
# The roles that may read a production's bookings elsewhere in the graph (casting's readers).
PRODUCTION_READERS = ("producer", "casting", "accounting", "legal", "viewer")

# Who may do what: GraphQL fields, and RPCs under the roles of the GraphQL operations they serve.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "createProduction": ("producer",),
    "production": ANY_MEMBER,
    "productions": ANY_MEMBER,
    # Read through by casting for a production it has not heard of yet.
    "GetProduction": PRODUCTION_READERS,
    # Asked by casting's holdTalent and confirmBooking.
    "CheckConflicts": ("producer", "casting"),
    "createLocation": ("producer",),
    "createScene": ("producer",),
    "proposeStripboard": ("producer",),
    "applyStripboard": ("producer",),
    "moveShootDay": ("producer",),
    "shootDay": ANY_MEMBER,
    "dayOutOfDays": ("producer", "casting", "accounting"),
    "publishCallSheet": ("producer",),
    "confirmCallSheet": ("talent",),
    **CALL_PERMISSIONS,
    **FEED_PERMISSIONS,
    **LIFECYCLE_PERMISSIONS,
}


@dataclass(frozen=True)
class DayOutOfDays:
    dates: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    csv: str


@dataclass(frozen=True)
class Proposal:
    """The optimiser's order of a production's scenes: its talent cost (minor units of
    `currency`), whether it is proved optimal, the lower bound, and the instance it solved
    (the JSON `slate schedule stripboard` reads, to check the cost against)."""

    scene_ids: tuple[str, ...]
    cost: int
    optimal: bool
    lower_bound: int
    currency: str
    instance: dict[str, object]
    start_date: str | None


class Scheduling(ShootCalls, CalendarFeeds, ProductionLifecycle):
    """Scheduling's commands and the queries its GraphQL and gRPC entry points need."""

    def __init__(
        self,
        store: SchedulingStore,
        audit: AuditLog,
        compliance: Compliance | None = None,
        *,
        feed_base_url: str = "http://127.0.0.1:4003",
    ) -> None:
        self._store = store
        self._audit = audit
        # Where calendar apps reach this service's /calendar/<token>.ics (calendar_feed.py).
        self._feed_base_url = feed_base_url
        # Legal's blockers for the gate into production (none wired: the gate refuses).
        self._compliance = compliance or LegalNotConfigured()

    # ----------------------------------------------------------------- commands

    async def create_production(
        self,
        principal: Principal,
        *,
        title: str,
        client: str,
        kind: str,
        timezone: str,
        template_id: str | None = None,
    ) -> Production:
        """A production of the caller's organisation, announced as production.created; from
        an SOP template, with its tasks, checklists (lessons included), deliverables and budget."""
        authz.require(principal, PERMISSIONS["createProduction"], "createProduction")
        template = await self.template(principal.org, template_id) if template_id else None
        with field_errors():
            production = Production.create(
                id=new_id("prd"),
                org_id=principal.org,
                title=title,
                client=client,
                kind=kind,
                timezone=timezone,
                by=principal.sub,
            )
        if template is not None:
            await self.start_from_template(template, production)
        saved = await self._store.add(production)
        await self._audit.record(principal, "createProduction", saved.id)
        return saved

    async def create_location(
        self,
        principal: Principal,
        *,
        production_id: str,
        name: str,
        address: str,
        parking: str = "",
        hospital: str = "",
        contact: str = "",
        keep_together: bool = False,
    ) -> Location:
        """A location of one of the organisation's productions."""
        authz.require(principal, PERMISSIONS["createLocation"], "createLocation")
        await self._own_production(principal.org, production_id)
        with field_errors():
            location = Location.create(
                id=new_id("loc"),
                org_id=principal.org,
                production_id=production_id,
                name=name,
                address=address,
                parking=parking,
                hospital=hospital,
                contact=contact,
                keep_together=keep_together,
            )
        saved = await self._store.add_location(location)
        await self._audit.record(principal, "createLocation", saved.id)
        return saved

    async def create_scene(
        self,
        principal: Principal,
        *,
        production_id: str,
        number: str,
        location_id: str,
        duration: int,
        role_ids: Sequence[str],
        description: str = "",
        fixed_date: str | None = None,
    ) -> Scene:
        """A scene of the production at one of its locations, needing roles casting announced
        for it (published, or booked)."""
        authz.require(principal, PERMISSIONS["createScene"], "createScene")
        await self._own_production(principal.org, production_id)
        location = await self._store.location(principal.org, location_id)
        roles = await self._store.roles_of(principal.org, production_id)
        taken = {s.number for s in await self._store.scenes_of(principal.org, production_id)}
        with field_errors():
            scene = Scene.create(
                id=new_id("scn"),
                org_id=principal.org,
                production_id=production_id,
                number=number,
                description=description,
                location_id=location_id,
                duration=duration,
                role_ids=list(role_ids),
                fixed_date=fixed_date,
                known_roles=frozenset(roles),
                location_known=location is not None and location.production_id == production_id,
                taken_numbers=frozenset(taken),
            )
        saved = await self._store.add_scene(scene)
        await self._audit.record(principal, "createScene", saved.id)
        return saved

    async def propose_stripboard(
        self,
        principal: Principal,
        *,
        production_id: str,
        start_date: str | None = None,
        non_shooting_dates: Sequence[str] = (),
        skip_weekends: bool = False,
    ) -> Proposal:
        """The cheapest order of the production's scenes for the talent day rates (a role not
        yet booked at its announced rate), meeting fixed dates, keep-together locations and the
        booked talent's commitments elsewhere (from the start date, when given)."""
        authz.require(principal, PERMISSIONS["proposeStripboard"], "proposeStripboard")
        await self._own_production(principal.org, production_id)
        calendar = _calendar(start_date, non_shooting_dates, skip_weekends)
        scenes = await self._store.scenes_of(principal.org, production_id)
        locations = {x.id: x for x in await self._store.locations_of(principal.org, production_id)}
        roles = await self._store.roles_of(principal.org, production_id)
        cast = await self._store.cast_of(principal.org, production_id)
        busy: dict[str, list[date]] = {}
        if calendar is not None and scenes:
            horizon = calendar.dates(sum(s.duration for s in scenes))
            busy = await self._busy_elsewhere(production_id, {m.talent_id for m in cast}, horizon)
        with field_errors():
            board = build_board(
                scenes=scenes,
                locations=locations,
                roles=roles,
                cast=cast,
                calendar=calendar,
                unavailable=busy,
            )
        instance, limit = parse_instance(board.instance)
        try:
            result = await asyncio.to_thread(solve, instance, limit)
        except InfeasibleError as exc:
            message = f"no order meets the fixed dates, locations and availability ({exc})"
            raise ValidationErrors([UserError(message, field="fixedDate")]) from None
        currencies = {r.rate.currency for r in roles.values()} | {m.rate.currency for m in cast}
        await self._audit.record(principal, "proposeStripboard", production_id)
        return Proposal(
            scene_ids=tuple(board.scene_ids[i] for i in result.order),
            cost=result.cost,
            optimal=result.optimal,
            lower_bound=result.lower_bound,
            currency=min(currencies) if currencies else "USD",
            instance=board.instance,
            start_date=calendar.start.isoformat() if calendar is not None else None,
        )

    async def apply_stripboard(
        self,
        principal: Principal,
        *,
        production_id: str,
        scene_ids: Sequence[str],
        start_date: str,
        non_shooting_dates: Sequence[str] = (),
        skip_weekends: bool = False,
    ) -> list[ShootDay]:
        """Shoot days for the scenes in this order from the start date (skipping non-shooting
        dates); they replace the production's earlier days. Every scene once; fixed dates kept;
        a booked talent committed elsewhere on a day is a CONFLICT. Nothing written on refusal."""
        authz.require(principal, PERMISSIONS["applyStripboard"], "applyStripboard")
        await self._own_production(principal.org, production_id)
        calendar = _calendar(start_date, non_shooting_dates, skip_weekends)
        assert calendar is not None
        scenes = {s.id: s for s in await self._store.scenes_of(principal.org, production_id)}
        problems: list[Problem] = []
        for i, sid in enumerate(scene_ids):
            if sid not in scenes:
                problems.append(Problem(f"sceneIds[{i}]", f"no scene {sid!r} in the production"))
            elif list(scene_ids).index(sid) != i:
                problems.append(Problem(f"sceneIds[{i}]", f"scene {sid!r} listed twice"))
        missing = [scenes[s].number for s in scenes if s not in scene_ids]
        if missing:
            problems.append(Problem("sceneIds", f"scenes {', '.join(missing)} are missing"))
        if problems:
            with field_errors():
                raise Invalid(problems)
        with field_errors():
            plan = schedule_days([scenes[s] for s in scene_ids], calendar)
        cast = await self._store.cast_of(principal.org, production_id)
        by_role: dict[str, list[str]] = {}
        for member in cast:
            by_role.setdefault(member.role_id, []).append(member.talent_id)
        busy = await self._busy_elsewhere(
            production_id, {m.talent_id for m in cast}, [d for d, _ in plan]
        )
        busy_days = await self._shoot_days_elsewhere(
            principal.org, production_id, {m.talent_id for m in cast}
        )
        days: list[ShootDay] = []
        for when, day_scenes in plan:
            calls: dict[str, list[str]] = {}
            for scene in day_scenes:
                for role in scene.role_ids:
                    for talent in by_role.get(role, []):
                        calls.setdefault(talent, []).append(role)
            for talent in calls:
                if when in busy.get(talent, []) or when.isoformat() in busy_days.get(talent, set()):
                    problems.append(
                        Problem(
                            "sceneIds",
                            f"talent {talent} is committed elsewhere on {when}",
                            "CONFLICT",
                        )
                    )
            days.append(
                ShootDay.schedule(
                    id=new_id("day"),
                    org_id=principal.org,
                    production_id=production_id,
                    day=when,
                    location_id=day_scenes[0].location_id,
                    scene_ids=[s.id for s in day_scenes],
                    cast=[CastCall(t, tuple(r), "07:00") for t, r in sorted(calls.items())],
                )
            )
        if problems:
            with field_errors():
                raise Invalid(problems)
        for old in await self._store.days_of(principal.org, production_id):
            old.cancel()
            await self._store.save_day(old)
        saved = [await self._store.add_day(d) for d in days]
        await self._audit.record(principal, "applyStripboard", production_id)
        return saved

    async def move_shoot_day(self, principal: Principal, *, shoot_day_id: str, to: str) -> ShootDay:
        """Move a shoot day to another date, re-checking its talent's commitments there."""
        authz.require(principal, PERMISSIONS["moveShootDay"], "moveShootDay")
        day = await self._store.day(principal.org, shoot_day_id)
        if day is None:
            raise UserError(f"no shoot day {shoot_day_id!r}", field="shootDayId", code="NOT_FOUND")
        problems: list[Problem] = []
        target = parse_date("date", to, problems)
        if target is None:
            with field_errors():
                raise Invalid(problems)
        assert target is not None
        taken = {d.date for d in await self._store.days_of(principal.org, day.production_id)}
        talents = set(day.talent_ids)
        busy: dict[str, str] = {}
        for talent, dates in (
            await self._busy_elsewhere(day.production_id, talents, [target])
        ).items():
            if dates:
                busy[talent] = "booked elsewhere"
        for talent, day_dates in (
            await self._shoot_days_elsewhere(principal.org, day.production_id, talents)
        ).items():
            if target.isoformat() in day_dates:
                busy[talent] = "on a shoot day of another production"
        with field_errors():
            day.move(target, taken=frozenset(taken - {day.date}), busy=busy)
        saved = await self._store.save_day(day)
        await self._audit.record(principal, "moveShootDay", saved.id)
        return saved

    async def _shoot_days_elsewhere(
        self, org_id: str, production_id: str, talent_ids: set[str]
    ) -> dict[str, set[str]]:
        """Each talent's shoot-day dates in the organisation's other productions."""
        out: dict[str, set[str]] = {}
        for talent in sorted(talent_ids):
            for d in await self._store.days_of_talent(org_id, talent):
                if d.production_id != production_id:
                    out.setdefault(talent, set()).add(d.date)
        return out

    async def day_out_of_days(self, principal: Principal, production_id: str) -> DayOutOfDays:
        """Each talent called on the production's shoot days, coded per day (SW, W, H, …)."""
        authz.require(principal, PERMISSIONS["dayOutOfDays"], "dayOutOfDays")
        days = await self._store.days_of(principal.org, production_id)
        dates = sorted({date.fromisoformat(d.date) for d in days})
        work: dict[str, set[date]] = {}
        for d in days:
            for talent in d.talent_ids:
                work.setdefault(talent, set()).add(date.fromisoformat(d.date))
        rows = day_out_of_days(dates, work)
        return DayOutOfDays(
            dates=tuple(x.isoformat() for x in dates),
            rows=tuple((t, tuple(c)) for t, c in rows),
            csv=to_csv(dates, rows),
        )

    async def publish_call_sheet(self, principal: Principal, *, shoot_day_id: str) -> ShootDay:
        """Publish the day's call sheet to the talent called (a day with no scenes is refused)."""
        authz.require(principal, PERMISSIONS["publishCallSheet"], "publishCallSheet")
        day = await self._store.day(principal.org, shoot_day_id)
        if day is None:
            raise UserError(f"no shoot day {shoot_day_id!r}", field="shootDayId", code="NOT_FOUND")
        with field_errors():
            day.publish_call_sheet(principal.sub, _now())
        saved = await self._store.save_day(day)
        await self._audit.record(principal, "publishCallSheet", saved.id)
        return saved

    async def confirm_call_sheet(self, principal: Principal, *, call_sheet_id: str) -> ShootDay:
        """The talent called confirms the published call sheet with their own token."""
        authz.require(principal, PERMISSIONS["confirmCallSheet"], "confirmCallSheet")
        day = await self._store.day(principal.org, "day_" + call_sheet_id.removeprefix("cs_"))
        if day is None or principal.talent_id is None:
            raise UserError(
                f"no call sheet {call_sheet_id!r}", field="callSheetId", code="NOT_FOUND"
            )
        with field_errors():
            changed = day.confirm_call_sheet(principal.talent_id, _now())
        if not changed:
            return day
        saved = await self._store.save_day(day)
        await self._audit.record(principal, "confirmCallSheet", saved.id)
        return saved

    async def shoot_day(self, org_id: str, day_id: str) -> ShootDay | None:
        return await self._store.day(org_id, day_id)

    async def shoot_days_by_id(self, org_id: str, ids: Sequence[str]) -> dict[str, ShootDay]:
        return await self._store.days_by_id(org_id, ids)

    async def shoot_days(self, org_id: str, production_id: str) -> list[ShootDay]:
        return await self._store.days_of(org_id, production_id)

    async def _busy_elsewhere(
        self, production_id: str, talent_ids: set[str], dates: Sequence[date]
    ) -> dict[str, list[date]]:
        """Each talent's dates among `dates` committed (booked) to another production, in any
        organisation."""
        wanted = [d.isoformat() for d in dates]
        busy: dict[str, list[date]] = {}
        for talent in sorted(talent_ids):
            for entry in await self._store.calendar_for(talent, wanted):
                if entry.production_id == production_id or entry.status != "BOOKED":
                    continue
                busy.setdefault(talent, []).extend(
                    date.fromisoformat(d) for d in entry.dates if d in wanted
                )
        return busy

    async def _own_production(self, org_id: str, production_id: str) -> Production:
        found = await self._store.production(org_id, production_id)
        if found is None:
            raise UserError(
                f"no production {production_id!r}", field="productionId", code="NOT_FOUND"
            )
        return found

    async def on_role(self, role: RoleInfo, version: int) -> bool:
        """Keep the production's roles as casting announces them (stale snapshots ignored)."""
        return await self._store.put_role(role, version)

    async def on_booking(self, booking: BookingSnapshot) -> bool:
        """Keep the talent calendar in step with casting's bookings: a snapshot no newer than
        the one held (out of order, or replayed) changes nothing; True when it was applied."""
        return await self._store.put_calendar_entry(
            CalendarEntry(
                booking_id=booking.booking_id,
                org_id=booking.org_id,
                production_id=booking.production_id,
                talent_id=booking.talent_id,
                status=booking.status,
                dates=frozenset(booking.work_dates),
                version=booking.version,
                role_id=booking.role_id,
                role_name=booking.role_name,
                rate_amount=str(booking.rate.amount),
                rate_currency=booking.rate.currency,
                rate_unit=booking.rate.unit,
                talent_name=booking.talent_name,
                is_minor=booking.is_minor,
            )
        )

    # ----------------------------------------------------------------- queries

    async def production(self, org_id: str, production_id: str) -> Production | None:
        """The organisation's production with this id (None for another org's)."""
        return await self._store.production(org_id, production_id)

    async def productions_by_id(
        self, org_id: str, production_ids: Sequence[str]
    ) -> dict[str, Production]:
        """The organisation's productions among these ids, by id (one round trip)."""
        return await self._store.productions_by_id(org_id, production_ids)

    async def productions(self, org_id: str, *, first: int, after: str | None) -> list[Production]:
        """A page of the organisation's productions in id order."""
        return await self._store.productions(org_id, first=first, after=after)

    async def locations(self, org_id: str, production_id: str) -> list[Location]:
        return await self._store.locations_of(org_id, production_id)

    async def locations_by_id(self, org_id: str, ids: Sequence[str]) -> dict[str, Location]:
        return await self._store.locations_by_id(org_id, ids)

    async def scenes(self, org_id: str, production_id: str) -> list[Scene]:
        return await self._store.scenes_of(org_id, production_id)

    async def scenes_by_id(self, org_id: str, ids: Sequence[str]) -> dict[str, Scene]:
        return await self._store.scenes_by_id(org_id, ids)

    async def check_conflicts(
        self,
        *,
        org_id: str,
        talent_id: str,
        booking_id: str,
        dates: Sequence[str],
        production_id: str = "",
    ) -> list[Conflict]:
        """Conflicts of a talent on dates, from every organisation's commitments, and the
        talent's shoot days in the organisation's other productions (blocking)."""
        found = find_conflicts(
            org_id=org_id,
            booking_id=booking_id,
            dates=dates,
            calendar=await self._store.calendar_for(talent_id, dates),
        )
        wanted = set(dates)
        for day in await self._store.days_of_talent(org_id, talent_id):
            if day.production_id != production_id and day.date in wanted:
                found.append(
                    Conflict(
                        date=day.date,
                        reason="on a shoot day of another production",
                        booking_id="",
                        production_id=day.production_id,
                        blocking=True,
                    )
                )
        return sorted(found, key=lambda c: (c.date, not c.blocking))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _calendar(
    start_date: str | None, non_shooting_dates: Sequence[str], skip_weekends: bool
) -> ShootingCalendar | None:
    """The shooting calendar the input describes (None without a start date)."""
    problems: list[Problem] = []
    start = parse_date("startDate", start_date, problems) if start_date is not None else None
    skipped = [
        parse_date(f"nonShootingDates[{i}]", d, problems) for i, d in enumerate(non_shooting_dates)
    ]
    if problems:
        with field_errors():
            raise Invalid(problems)
    if start is None:
        return None
    return ShootingCalendar(
        start, frozenset(d for d in skipped if d is not None), skip_weekends=skip_weekends
    )
