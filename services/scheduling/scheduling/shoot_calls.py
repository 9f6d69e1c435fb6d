"""Use cases of a shoot day's calls: call times and wrap, the conflicts of everyone called
(turnaround, a minor's hours, a double booking across the organisation's productions), and the
call sheet as a document (the PDF).

A mixin of `Scheduling` (usecases.py): the methods share its store and audit log. Conflicts are
computed when read, never stored, so a moved day or changed call shows its conflicts at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import UserError, ValidationErrors, field_errors

from scheduling.callsheet_pdf import (
    CallSheetDocument,
    SheetCall,
    SheetCrew,
    SheetLocation,
    SheetScene,
    render_call_sheet,
)
from scheduling.domain.calendar import CalendarEntry
from scheduling.domain.days import (
    CastCall,
    Conditions,
    CrewCallDraft,
    ShootDay,
    crew_by_department,
)
from scheduling.domain.shoot import Scene
from scheduling.domain.turnaround import PersonDay, ScheduleConflict, conflicts_of_day
from scheduling.store import SchedulingStore

# The production's staff: who may read a crew member's phone or email. Talent (and viewers)
# see the crew calls without them.
STAFF = ("producer", "casting", "accounting", "legal", "crew")

PERMISSIONS: dict[str, tuple[str, ...]] = {
    "setCallTimes": ("producer",),
    "setCrewCalls": ("producer",),
    "moveScene": ("producer",),
    "CrewCall.contact": STAFF,
}


def sees_crew_contacts(principal: Principal | None) -> bool:
    return principal is not None and principal.has_any(*PERMISSIONS["CrewCall.contact"])


class ShootCalls:
    _store: SchedulingStore
    _audit: AuditLog

    async def set_call_times(
        self,
        principal: Principal,
        *,
        shoot_day_id: str,
        general_call: str | None = None,
        wrap_time: str | None = None,
        calls: Mapping[str, str] | None = None,
        notes: str | None = None,
        conditions: Conditions | None = None,
    ) -> ShootDay:
        """Set the day's general call, estimated wrap, per-talent calls and notes (HH:MM in the
        production's zone), and the weather and sunrise/sunset when entered. A talent whose call
        changes must confirm the sheet again."""
        authz.require(principal, PERMISSIONS["setCallTimes"], "setCallTimes")
        day = await self._store.day(principal.org, shoot_day_id)
        if day is None:
            raise UserError(f"no shoot day {shoot_day_id!r}", field="shootDayId", code="NOT_FOUND")
        with field_errors():
            day.set_call(general_call, dict(calls or {}), notes, wrap_time, conditions)
        saved = await self._store.save_day(day)
        await self._audit.record(principal, "setCallTimes", saved.id)
        return saved

    async def set_crew_calls(
        self, principal: Principal, *, shoot_day_id: str, crew: Sequence[CrewCallDraft]
    ) -> ShootDay:
        """Replace the day's crew calls (an empty list clears them). Every bad field is named as
        `crew[i].field`; nothing is written unless all are good."""
        authz.require(principal, PERMISSIONS["setCrewCalls"], "setCrewCalls")
        day = await self._store.day(principal.org, shoot_day_id)
        if day is None:
            raise UserError(f"no shoot day {shoot_day_id!r}", field="shootDayId", code="NOT_FOUND")
        with field_errors():
            day.set_crew(list(crew))
        saved = await self._store.save_day(day)
        # The count only: crew names and contacts are personal data, kept out of the audit log.
        await self._audit.record(principal, "setCrewCalls", saved.id, {"crew": len(saved.crew)})
        return saved

    async def move_scene(
        self,
        principal: Principal,
        *,
        scene_id: str,
        shoot_day_id: str,
        position: int | None = None,
    ) -> list[ShootDay]:
        """Move a one-day scene from its shoot day to another of the production's days (at
        `position` in its order, else last). Both days' calls follow their scenes: talent no
        longer needed leave the day, newly needed talent are called at the general call, unless
        they are committed elsewhere that date (a CONFLICT; nothing written). Returns the two
        days; their conflicts are re-checked when read."""
        authz.require(principal, PERMISSIONS["moveScene"], "moveScene")
        org = principal.org
        scene = (await self._store.scenes_by_id(org, [scene_id])).get(scene_id)
        if scene is None:
            raise UserError(f"no scene {scene_id!r}", field="sceneId", code="NOT_FOUND")
        target = await self._store.day(org, shoot_day_id)
        if target is None or target.cancelled or target.production_id != scene.production_id:
            raise UserError(
                f"no shoot day {shoot_day_id!r} of the scene's production",
                field="shootDayId",
                code="NOT_FOUND",
            )
        days = await self._store.days_of(org, scene.production_id)
        holding = [d for d in days if scene_id in d.scene_ids]
        if len(holding) != 1:
            raise UserError(
                "a scene shot over several days (or not scheduled) moves with its days",
                field="sceneId",
                code="CONFLICT",
            )
        source = holding[0]
        if source.id == target.id:
            order = [s for s in target.scene_ids if s != scene_id]
        else:
            order = list(target.scene_ids)
        at = len(order) if position is None else max(0, min(position, len(order)))
        order.insert(at, scene_id)
        remaining = [s for s in source.scene_ids if s != scene_id]
        scenes = await self._store.scenes_by_id(org, [*order, *remaining])
        booked = await self._store.booked_people(org, scene.production_id)
        new_cast = _calls_for(target, [scenes[s] for s in order if s in scenes], booked)
        busy = {
            c.talent_id
            for c in new_cast
            if c.talent_id not in target.talent_ids
            and any(
                d.production_id != target.production_id and d.date == target.date
                for d in await self._store.days_of_talent(org, c.talent_id)
            )
        }
        if busy:
            raise ValidationErrors(
                UserError(
                    f"talent {t} is on a shoot day of another production on {target.date}",
                    field="shootDayId",
                    code="CONFLICT",
                )
                for t in sorted(busy)
            )
        with field_errors():
            target.set_scenes(order, new_cast, scenes[order[0]].location_id)
            if source.id != target.id:
                kept = [scenes[s] for s in remaining if s in scenes]
                source.set_scenes(
                    remaining,
                    _calls_for(source, kept, booked),
                    kept[0].location_id if kept else source.location_id,
                )
        saved = [await self._store.save_day(target)]
        if source.id != target.id:
            saved.append(await self._store.save_day(source))
        await self._audit.record(principal, "moveScene", scene_id, {"to": target.id})
        return saved

    async def day_conflicts(self, org_id: str, day: ShootDay) -> list[ScheduleConflict]:
        """The conflicts of everyone the day calls, against all their shoot days in the
        organisation (any production)."""
        people: list[PersonDay] = []
        seen: set[tuple[str, str]] = set()
        for talent in day.talent_ids:
            for other in await self._store.days_of_talent(org_id, talent):
                if (other.id, talent) not in seen:
                    seen.add((other.id, talent))
                    people.extend(_person_days(other, talent))
        zones = await self._zones(org_id, {p.production_id for p in people} | {day.production_id})
        people = [
            PersonDay(
                p.talent_id,
                p.day_id,
                p.production_id,
                p.date,
                p.call_time,
                p.wrap_time,
                zones.get(p.production_id, "UTC"),
            )
            for p in people
        ]
        booked = await self._store.booked_people(org_id, day.production_id)
        minors = frozenset(b.talent_id for b in booked if b.is_minor)
        return conflicts_of_day(day.id, people, minors)

    async def call_sheet_pdf(self, principal: Principal | None, day: ShootDay) -> bytes | None:
        """The day's call sheet as a PDF for a member of its organisation (None otherwise)."""
        if principal is None or principal.org != day.org_id:
            return None
        document = await self.call_sheet_document(day, contacts=sees_crew_contacts(principal))
        return render_call_sheet(document)

    async def call_sheet_document(
        self, day: ShootDay, *, contacts: bool = False
    ) -> CallSheetDocument:
        """The sheet as printed; crew phone numbers and emails only when `contacts` (staff)."""
        org = day.org_id
        production = await self._store.production(org, day.production_id)
        days = await self._store.days_of(org, day.production_id)
        scenes = await self._store.scenes_by_id(org, day.scene_ids)
        locations = await self._store.locations_by_id(
            org, [day.location_id, *(s.location_id for s in scenes.values())]
        )
        roles = await self._store.roles_of(org, day.production_id)
        names = {b.talent_id: b for b in await self._store.booked_people(org, day.production_id)}
        conflicts = await self.day_conflicts(org, day)
        location = locations.get(day.location_id)
        ids = [d.id for d in days]
        return CallSheetDocument(
            production=production.title if production else day.production_id,
            client=production.client if production else "",
            timezone=production.timezone if production else "UTC",
            date=day.date,
            day_number=ids.index(day.id) + 1 if day.id in ids else 0,
            day_count=len(days),
            general_call=day.general_call,
            wrap_time=day.wrap_time,
            published=day.call_sheet_published,
            location=SheetLocation(
                location.name,
                location.address,
                location.parking,
                location.hospital,
                location.contact,
            )
            if location is not None
            else None,
            scenes=tuple(
                SheetScene(
                    s.number,
                    s.description,
                    locations[s.location_id].name if s.location_id in locations else "",
                    s.duration,
                )
                for s in (scenes.get(x) for x in day.scene_ids)
                if s is not None
            ),
            cast=tuple(
                SheetCall(
                    name=names[c.talent_id].talent_name if c.talent_id in names else c.talent_id,
                    roles=", ".join(roles[r].name if r in roles else r for r in c.role_ids),
                    call_time=c.call_time,
                    confirmed_at=c.confirmed_at,
                    minor=c.talent_id in names and names[c.talent_id].is_minor,
                )
                for c in sorted(day.cast, key=lambda c: (c.call_time, c.talent_id))
            ),
            crew=tuple(
                SheetCrew(
                    department=department,
                    name=c.name,
                    position=c.position,
                    call_time=c.call_time,
                    contact=c.contact if contacts else "",
                )
                for department, calls in crew_by_department(day.crew)
                for c in calls
            ),
            notes=day.notes,
            weather=day.weather,
            sunrise=day.sunrise,
            sunset=day.sunset,
            conflicts=tuple(f"{_who(names, c.talent_id)}: {c.message}" for c in conflicts),
        )

    async def _zones(self, org_id: str, production_ids: set[str]) -> dict[str, str]:
        found = await self._store.productions_by_id(org_id, sorted(production_ids))
        return {pid: p.timezone for pid, p in found.items()}


def _calls_for(
    day: ShootDay, scenes: Sequence[Scene], booked: Sequence[CalendarEntry]
) -> list[CastCall]:
    """The day's calls for these scenes: each booked talent of their roles, keeping the call
    (and confirmation) of anyone already called, others at the general call."""
    roles: dict[str, list[str]] = {}
    for scene in scenes:
        for member in booked:
            if member.role_id in scene.role_ids and member.role_id not in roles.get(
                member.talent_id, []
            ):
                roles.setdefault(member.talent_id, []).append(member.role_id)
    current = {c.talent_id: c for c in day.cast}
    return [
        replace(current[t], role_ids=tuple(r))
        if t in current
        else CastCall(t, tuple(r), day.general_call)
        for t, r in sorted(roles.items())
    ]


def _person_days(day: ShootDay, talent: str) -> Sequence[PersonDay]:
    return [
        PersonDay(talent, day.id, day.production_id, day.date, c.call_time, day.wrap_time, "UTC")
        for c in day.cast
        if c.talent_id == talent
    ]


def _who(names: Mapping[str, object], talent_id: str) -> str:
    entry = names.get(talent_id)
    name = getattr(entry, "talent_name", "") if entry is not None else ""
    return str(name) or talent_id
