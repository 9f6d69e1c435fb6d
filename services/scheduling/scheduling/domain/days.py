"""Shoot days: a date of the production's schedule with its scenes in order, its general call,
each booked talent's call, and the day's call sheet (published, then confirmed per person)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from slate_domain import Aggregate, Invalid, Problem

DEFAULT_CALL = "07:00"
# A 12-hour day from the default call until the producer enters the estimated wrap.
DEFAULT_WRAP = "19:00"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# The departments of a call sheet, in the order crews list them; others (VFX, Stunts,
# Catering, ...) are accepted as entered, since no fixed list covers every production.
DEPARTMENTS = (
    "Production",
    "Camera",
    "Grip",
    "Electric",
    "Sound",
    "Art",
    "Hair & Make-up",
    "Wardrobe",
    "Locations",
    "Transport",
)
_CANONICAL = {d.casefold(): d for d in DEPARTMENTS}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]*$")
MAX_CREW = 500


@dataclass(frozen=True)
class CastCall:
    """A talent called on the day, for these roles, at `call_time` (HH:MM, production time)."""

    talent_id: str
    role_ids: tuple[str, ...]
    call_time: str
    confirmed_at: str | None = None  # RFC 3339 UTC, when they confirmed the call sheet


@dataclass(frozen=True)
class CrewCall:
    """A crew member called on the day (HH:MM, production time). The contact (a phone number or
    an email) is personal data: the schema shows it to the production's staff only."""

    name: str
    department: str
    position: str
    call_time: str
    contact: str = ""


@dataclass(frozen=True)
class CrewCallDraft:
    """A crew call as the producer entered it, before validation."""

    name: str
    department: str
    position: str
    call_time: str
    contact: str | None = None


def validate_crew(crew: list[CrewCallDraft]) -> tuple[CrewCall, ...]:
    """The crew calls in call order (departments grouped as entered within a time), or Invalid
    naming each bad field as `crew[i].field`."""
    problems: list[Problem] = []
    if len(crew) > MAX_CREW:
        problems.append(Problem("crew", f"at most {MAX_CREW} crew calls a day"))
    calls: list[CrewCall] = []
    for i, c in enumerate(crew):
        at = f"crew[{i}]"
        name, department, position = c.name.strip(), c.department.strip(), c.position.strip()
        contact = (c.contact or "").strip()
        if not name:
            problems.append(Problem(f"{at}.name", "required"))
        elif len(name) > 120:
            problems.append(Problem(f"{at}.name", "at most 120 characters"))
        if not department:
            problems.append(Problem(f"{at}.department", "required (e.g. Camera, Grip, Sound)"))
        elif len(department) > 60:
            problems.append(Problem(f"{at}.department", "at most 60 characters"))
        if not position:
            problems.append(Problem(f"{at}.position", "required (e.g. 1st AC, Gaffer)"))
        elif len(position) > 80:
            problems.append(Problem(f"{at}.position", "at most 80 characters"))
        if not _TIME.match(c.call_time):
            problems.append(Problem(f"{at}.callTime", f"{c.call_time!r}: HH:MM (24-hour)"))
        if contact and not _is_contact(contact):
            problems.append(Problem(f"{at}.contact", "a phone number or an email address"))
        calls.append(
            CrewCall(
                name,
                _CANONICAL.get(department.casefold(), department),
                position,
                c.call_time,
                contact,
            )
        )
    if problems:
        raise Invalid(problems)
    return tuple(sorted(calls, key=lambda c: c.call_time))


def _is_contact(value: str) -> bool:
    if len(value) > 120:
        return False
    if "@" in value:
        return bool(_EMAIL.match(value))
    digits = sum(ch.isdigit() for ch in value)
    return bool(_PHONE.match(value)) and 6 <= digits <= 15


def crew_by_department(crew: tuple[CrewCall, ...]) -> list[tuple[str, list[CrewCall]]]:
    """The crew grouped by department, departments in the order of their first call (the usual
    order of departments breaks ties), each in call order."""
    groups: dict[str, list[CrewCall]] = {}
    for call in sorted(crew, key=lambda c: (c.call_time, c.name.casefold())):
        groups.setdefault(call.department, []).append(call)

    def rank(department: str) -> tuple[str, int, str]:
        usual = DEPARTMENTS.index(department) if department in DEPARTMENTS else len(DEPARTMENTS)
        return (groups[department][0].call_time, usual, department.casefold())

    return [(d, groups[d]) for d in sorted(groups, key=rank)]


@dataclass(frozen=True)
class Conditions:
    """The day's weather and sunrise/sunset as the production entered them (None: unchanged)."""

    weather: str | None = None
    sunrise: str | None = None
    sunset: str | None = None


@dataclass(frozen=True)
class ShootDayScheduled:
    day: ShootDay


@dataclass(frozen=True)
class ShootDayMoved:
    day: ShootDay
    from_date: str


@dataclass(frozen=True)
class ShootDayCancelled:
    day: ShootDay


@dataclass(frozen=True)
class CallSheetPublished:
    day: ShootDay
    by: str


@dataclass(frozen=True)
class CallSheetConfirmed:
    day: ShootDay
    talent_id: str


DayEvent = (
    ShootDayScheduled | ShootDayMoved | ShootDayCancelled | CallSheetPublished | CallSheetConfirmed
)


@dataclass(kw_only=True)
class ShootDay(Aggregate[DayEvent]):
    production_id: str
    date: str
    location_id: str
    scene_ids: tuple[str, ...]
    cast: tuple[CastCall, ...]
    general_call: str = DEFAULT_CALL
    # Estimated wrap (HH:MM); one at or before the general call is after midnight.
    wrap_time: str = DEFAULT_WRAP
    cancelled: bool = False
    call_sheet_published: bool = False
    call_sheet_published_at: str | None = None
    notes: str = ""
    weather: str = ""
    sunrise: str = ""
    sunset: str = ""
    crew: tuple[CrewCall, ...] = ()

    @property
    def talent_ids(self) -> tuple[str, ...]:
        return tuple(c.talent_id for c in self.cast)

    @property
    def call_sheet_id(self) -> str:
        return "cs_" + self.id.removeprefix("day_")

    @classmethod
    def schedule(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        day: dt.date,
        location_id: str,
        scene_ids: list[str],
        cast: list[CastCall],
    ) -> ShootDay:
        shoot_day = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            date=day.isoformat(),
            location_id=location_id,
            scene_ids=tuple(scene_ids),
            cast=tuple(cast),
        )
        shoot_day.record(ShootDayScheduled(shoot_day))
        return shoot_day

    def _active(self, field_name: str) -> None:
        if self.cancelled:
            raise Invalid([Problem(field_name, "the shoot day was replaced", "CONFLICT")])

    def move(self, to: dt.date, *, taken: frozenset[str], busy: dict[str, str]) -> None:
        """Move the day to another date: not one the production already shoots on, nor one a
        talent of the day is committed elsewhere (`busy`: talent -> why)."""
        self._active("shootDayId")
        problems = []
        if to.isoformat() in taken:
            problems.append(Problem("date", f"the production already shoots on {to}", "CONFLICT"))
        for talent, why in sorted(busy.items()):
            problems.append(Problem("date", f"talent {talent} is {why} on {to}", "CONFLICT"))
        if problems:
            raise Invalid(problems)
        before = self.date
        self.date = to.isoformat()
        self.call_sheet_published = False
        self.cast = tuple(replace(c, confirmed_at=None) for c in self.cast)
        self.record(ShootDayMoved(self, before))

    def set_scenes(self, scene_ids: list[str], cast: list[CastCall], location_id: str) -> None:
        self._active("shootDayId")
        self.scene_ids = tuple(scene_ids)
        self.cast = tuple(cast)
        self.location_id = location_id

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self.record(ShootDayCancelled(self))

    def set_call(
        self,
        general_call: str | None,
        calls: dict[str, str],
        notes: str | None = None,
        wrap_time: str | None = None,
        conditions: Conditions | None = None,
    ) -> None:
        """Calls, notes and, when the production enters them, the day's weather and sunrise and
        sunset (never guessed: a call sheet shows them only once entered; "" clears one)."""
        self._active("shootDayId")
        problems = []
        if general_call is not None and not _TIME.match(general_call):
            problems.append(Problem("generalCall", "HH:MM (24-hour)"))
        if wrap_time is not None and not _TIME.match(wrap_time):
            problems.append(Problem("wrapTime", "HH:MM (24-hour)"))
        if conditions is not None:
            if conditions.weather is not None and len(conditions.weather.strip()) > 200:
                problems.append(Problem("weather", "at most 200 characters"))
            for name, value in (("sunrise", conditions.sunrise), ("sunset", conditions.sunset)):
                if value and not _TIME.match(value):
                    problems.append(Problem(name, "HH:MM (24-hour)"))
        known = set(self.talent_ids)
        for talent, time in calls.items():
            if talent not in known:
                problems.append(Problem("calls", f"talent {talent} is not called on this day"))
            elif not _TIME.match(time):
                problems.append(Problem("calls", f"{time!r}: HH:MM (24-hour)"))
        if problems:
            raise Invalid(problems)
        # Whoever confirmed a call that has since changed must confirm the new one.
        everyone = general_call is not None and general_call != self.general_call
        if general_call is not None:
            self.general_call = general_call
        if wrap_time is not None:
            self.wrap_time = wrap_time
        self.cast = tuple(
            replace(c, call_time=calls.get(c.talent_id, c.call_time), confirmed_at=None)
            if everyone or calls.get(c.talent_id, c.call_time) != c.call_time
            else c
            for c in self.cast
        )
        if notes is not None:
            self.notes = notes.strip()
        if conditions is not None:
            if conditions.weather is not None:
                self.weather = conditions.weather.strip()
            if conditions.sunrise is not None:
                self.sunrise = conditions.sunrise
            if conditions.sunset is not None:
                self.sunset = conditions.sunset

    def set_crew(self, crew: list[CrewCallDraft]) -> None:
        """Replace the day's crew calls. Confirmations are the talent's and follow their own
        calls (see `set_call`), which a crew change leaves as they were: none is cleared."""
        self._active("shootDayId")
        self.crew = validate_crew(crew)

    def publish_call_sheet(self, by: str, now: str) -> None:
        """Publish the day's call sheet: a day with no scenes has nothing to call anyone to."""
        self._active("shootDayId")
        if not self.scene_ids:
            raise Invalid([Problem("shootDayId", "the shoot day has no scenes")])
        self.call_sheet_published = True
        self.call_sheet_published_at = now
        self.record(CallSheetPublished(self, by))

    def confirm_call_sheet(self, talent_id: str, now: str) -> bool:
        """The talent confirms the published call sheet (once; a repeat changes nothing)."""
        self._active("callSheetId")
        if not self.call_sheet_published:
            raise Invalid([Problem("callSheetId", "the call sheet is not published", "CONFLICT")])
        calls = {c.talent_id: c for c in self.cast}
        if talent_id not in calls:
            raise Invalid([Problem("callSheetId", "you are not called on this day", "FORBIDDEN")])
        if calls[talent_id].confirmed_at is not None:
            return False
        self.cast = tuple(
            replace(c, confirmed_at=now) if c.talent_id == talent_id else c for c in self.cast
        )
        self.record(CallSheetConfirmed(self, talent_id))
        return True
