"""The shoot: locations, scenes (what the stripboard orders), and the roles scenes need as
scheduling learns them from casting (role snapshots and booking snapshots)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from slate_domain import Aggregate, Invalid, Problem, Rate, required_text

TEXT_MAX = 200
NOTE_MAX = 2000
MAX_SCENE_DAYS = 60


@dataclass(frozen=True)
class LocationCreated:
    location: Location


@dataclass(frozen=True)
class SceneCreated:
    scene: Scene


def _optional_text(field: str, value: str, limit: int, problems: list[Problem]) -> str:
    clean = value.strip()
    if len(clean) > limit:
        problems.append(Problem(field, f"at most {limit} characters"))
    return clean


def parse_date(field: str, value: str, problems: list[Problem]) -> date | None:
    """An ISO date (YYYY-MM-DD), or a problem on `field`."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(Problem(field, f"not an ISO date (YYYY-MM-DD): {value!r}"))
        return None


@dataclass(kw_only=True)
class Location(Aggregate[LocationCreated]):
    """Where scenes are shot; `keep_together` asks the stripboard to shoot its scenes in one run."""

    production_id: str
    name: str
    address: str
    parking: str = ""
    hospital: str = ""
    contact: str = ""
    keep_together: bool = False

    @classmethod
    def create(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        name: str,
        address: str,
        parking: str = "",
        hospital: str = "",
        contact: str = "",
        keep_together: bool = False,
    ) -> Location:
        problems: list[Problem] = []
        clean_name = required_text("name", name, TEXT_MAX, problems)
        clean_address = required_text("address", address, TEXT_MAX, problems)
        clean_parking = _optional_text("parking", parking, TEXT_MAX, problems)
        clean_hospital = _optional_text("hospital", hospital, TEXT_MAX, problems)
        clean_contact = _optional_text("contact", contact, TEXT_MAX, problems)
        if problems:
            raise Invalid(problems)
        location = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            name=clean_name,
            address=clean_address,
            parking=clean_parking,
            hospital=clean_hospital,
            contact=clean_contact,
            keep_together=keep_together,
        )
        location.record(LocationCreated(location))
        return location


@dataclass(kw_only=True)
class Scene(Aggregate[SceneCreated]):
    """A scene (or setup): shot at one location over `duration` whole shoot days by the talent
    of `role_ids`; `fixed_date` pins it to start on that date."""

    production_id: str
    number: str
    description: str
    location_id: str
    duration: int
    role_ids: tuple[str, ...]
    fixed_date: str | None = None

    @classmethod
    def create(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        number: str,
        description: str,
        location_id: str,
        duration: int,
        role_ids: list[str],
        fixed_date: str | None,
        known_roles: frozenset[str],
        location_known: bool,
        taken_numbers: frozenset[str],
    ) -> Scene:
        """A scene needs a number unique in the production, a known location of the production,
        a duration of 1..60 whole days, and roles the production has (each once)."""
        problems: list[Problem] = []
        clean_number = required_text("number", number, 20, problems)
        if clean_number and clean_number in taken_numbers:
            problems.append(Problem("number", f"scene {clean_number} exists", "CONFLICT"))
        clean_description = _optional_text("description", description, NOTE_MAX, problems)
        if not location_known:
            problems.append(Problem("locationId", f"no location {location_id!r} in the production"))
        if not 1 <= duration <= MAX_SCENE_DAYS:
            problems.append(Problem("duration", f"whole shoot days in 1..{MAX_SCENE_DAYS}"))
        seen: set[str] = set()
        for i, role_id in enumerate(role_ids):
            if role_id in seen:
                problems.append(Problem(f"roleIds[{i}]", f"role {role_id!r} listed twice"))
            elif role_id not in known_roles:
                problems.append(Problem(f"roleIds[{i}]", f"no role {role_id!r} in the production"))
            seen.add(role_id)
        if fixed_date is not None:
            parse_date("fixedDate", fixed_date, problems)
        if problems:
            raise Invalid(problems)
        scene = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            number=clean_number,
            description=clean_description,
            location_id=location_id,
            duration=duration,
            role_ids=tuple(role_ids),
            fixed_date=fixed_date,
        )
        scene.record(SceneCreated(scene))
        return scene


@dataclass(frozen=True)
class RoleInfo:
    """A role of a production as casting announced it (published/closed, or seen on a booking)."""

    role_id: str
    org_id: str
    production_id: str
    name: str
    rate: Rate
    status: str


@dataclass(frozen=True)
class CastMember:
    """A talent booked (confirmed) on a role of the production."""

    talent_id: str
    role_id: str
    rate: Rate


def day_rate_cents(rate: Rate) -> int:
    """What a day of this rate costs, in the currency's minor unit: a DAY rate as is, an HOUR
    rate as an 8-hour day, a WEEK rate over 5 days; a FLAT fee counts as its amount a day (it
    makes a hold day as dear as a worked one)."""
    amount = rate.amount
    if rate.unit == "HOUR":
        amount *= 8
    elif rate.unit == "WEEK":
        amount /= 5
    return int((amount * 100).to_integral_value()) if amount > 0 else 0


ZERO_RATE = Rate(amount=Decimal(0), currency="USD", unit="DAY")
