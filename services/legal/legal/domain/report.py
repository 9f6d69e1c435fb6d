"""The compliance report of a production, per shoot day: each rule an item with a code, a
severity, a message and its source, evaluated from legal's own data (contracts drafted from
casting's bookings, film permits, certificates of insurance)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from legal.domain import minors
from legal.domain.compliance import Contract
from legal.domain.freelance import SOURCE as SB988
from legal.domain.freelance import FreelanceContract
from legal.domain.permits import MIN_GENERAL_LIABILITY, FilmPermit, InsuranceCertificate

BLOCKING = "BLOCKING"
WARNING = "WARNING"


@dataclass(frozen=True)
class Item:
    code: str
    severity: str
    message: str
    source: str
    date: date | None = None


def shoot_days(contracts: Sequence[Contract], permits: Sequence[FilmPermit]) -> list[date]:
    """Every day someone is booked to work or a location is permitted."""
    days = {date.fromisoformat(d) for c in contracts if not c.voided for d in c.work_dates}
    days |= {d for p in permits for d in p.dates}
    return sorted(days)


def film_permit_rule(day: date, permits: Sequence[FilmPermit]) -> list[Item]:
    """Filming on location needs a permit ready for the day: LA Admin. Code §22.350 (FilmLA,
    https://info.filmla.com/area-requirements/area-requirements-city-of-los-angeles)."""
    if any(p.covers(None, day) for p in permits):
        return []
    return [
        Item(
            "FILM_PERMIT_MISSING",
            BLOCKING,
            "no film permit is ready for this shoot day",
            "LA Admin. Code §22.350; FilmLA area requirements",
            day,
        )
    ]


def insurance_rule(day: date, certificates: Sequence[InsuranceCertificate]) -> list[Item]:
    """A certificate of insurance valid on the day, $1,000,000 general liability for motion
    pictures, naming FilmL.A. Inc. as additional insured (FilmLA insurance requirements,
    research A.4)."""
    source = "FilmLA certificate of insurance requirements"
    valid = [c for c in certificates if c.valid_on(day)]
    if not valid:
        return [Item("COI_NOT_VALID", BLOCKING, "no certificate of insurance valid", source, day)]
    items: list[Item] = []
    if all(c.general_liability_limit < MIN_GENERAL_LIABILITY for c in valid):
        message = "general liability below $1,000,000 (motion picture minimum)"
        items.append(Item("COI_LIMIT_LOW", WARNING, message, source, day))
    if not any(c.names_filmla for c in valid):
        message = "FilmL.A., Inc. is not named as an additional insured"
        items.append(Item("COI_ADDITIONAL_INSURED_MISSING", WARNING, message, source, day))
    return items


def contracts_signed_rule(day: date, contracts: Sequence[Contract]) -> list[Item]:
    """Every performer working on the day has signed their contract before the first shoot
    day (SB 988-style written contracts; UETA Civ. Code §1633.7 makes the e-signature count)."""
    return [
        Item(
            "CONTRACT_NOT_SIGNED",
            BLOCKING,
            f"the contract of booking {c.booking_id} ({c.role_name}) is {c.status.value}",
            "Cal. Civ. Code §1633.7; production policy: signed before the first shoot day",
            day,
        )
        for c in contracts
        if not c.voided and day.isoformat() in c.work_dates and not c.signed
    ]


def minors_on_call(day: date, contracts: Sequence[Contract], bands: Mapping[str, str]) -> list[str]:
    """The age band of each minor working on the day; a minor whose band legal was never
    told counts as under 16 (the stricter rules)."""
    return [
        bands.get(c.booking_id) or UNKNOWN_MINOR
        for c in contracts
        if not c.voided and c.is_minor and day.isoformat() in c.work_dates
    ]


# A minor of unknown band counts like one under 16 (any band below P16Y has the same rules
# for the teacher count).
UNKNOWN_MINOR = "P9Y/P16Y"


def studio_teacher_rule(
    day: date,
    contracts: Sequence[Contract],
    teachers: int,
    bands: Mapping[str, str] | None = None,
) -> list[Item]:
    """Minors on call need a studio teacher: one per 10 minors, one per 20 on non-school days
    (8 CCR §11755.2, https://www.dir.ca.gov/dlse/Studio_teachers.htm); minors of 16 and 17
    count on school days only (8 CCR §11760: they are schooled then). `teachers`: the
    studio teachers recorded for the day."""
    on_call = minors_on_call(day, contracts, bands or {})
    needed = minors.teachers_needed(on_call, day)
    if teachers >= needed:
        return []
    return [
        Item(
            "STUDIO_TEACHER_NOT_SCHEDULED",
            BLOCKING,
            f"{len(on_call)} minor(s) on call need {needed} studio teacher(s); "
            f"{teachers} scheduled",
            "8 CCR §11755.2",
            day,
        )
    ]


def infant_nurse_rule(
    day: date, contracts: Sequence[Contract], bands: Mapping[str, str] | None = None
) -> list[Item]:
    """Infants need a nurse and a studio teacher: one each per 3 infants from 15 days to six
    weeks, per 10 from six weeks to six months (8 CCR §11764 as secondary sources state it:
    unconfirmed, so a warning)."""
    per_3, per_10 = minors.nurses_needed(minors_on_call(day, contracts, bands or {}))
    if not per_3 + per_10:
        return []
    rule = minors.NURSE_PER_3 if per_3 else minors.NURSE_PER_10
    return [
        Item(
            "INFANT_NURSE_REQUIRED",
            WARNING,
            f"the infants on call need {per_3 + per_10} nurse(s) and as many studio teachers "
            "(unconfirmed: secondary sources only)",
            rule.reference,
            day,
        )
    ]


def freelance_rule(
    contracts: Sequence[FreelanceContract],
    earlier: Sequence[FreelanceContract],
    today: date,
) -> list[Item]:
    """SB 988 (Bus. & Prof. Code §18100 ff.): an engagement of $250 or more (with the same
    freelancer's prior 120 days) needs a written contract with the required terms (blocking
    while any is missing), and is paid by its date or 30 days after completion (overdue:
    raised as a warning until payment is recorded)."""
    items: list[Item] = []
    for c in contracts:
        if not c.covered(earlier):
            continue
        missing = c.missing_terms()
        if missing:
            items.append(
                Item(
                    "FREELANCE_CONTRACT_INCOMPLETE",
                    BLOCKING,
                    f"the engagement of {c.freelancer_name} ({c.total} USD) lacks "
                    + "; ".join(missing),
                    SB988,
                )
            )
        if c.overdue(today):
            items.append(
                Item(
                    "FREELANCE_PAYMENT_OVERDUE",
                    WARNING,
                    f"{c.freelancer_name} was due {c.total} USD by "
                    f"{c.payment_deadline()} and no payment is recorded (damages: twice the "
                    "unpaid compensation)",
                    SB988,
                )
            )
    return items


def report(
    contracts: Sequence[Contract],
    permits: Sequence[FilmPermit],
    certificates: Sequence[InsuranceCertificate],
    day: date | None = None,
    bands: Mapping[str, str] | None = None,
    teachers: Mapping[date, int] | None = None,
) -> list[Item]:
    """Every rule for one shoot day, or for every shoot day of the production. `bands`: the
    age band of each minor's booking; `teachers`: the studio teachers recorded per day."""
    days = [day] if day is not None else shoot_days(contracts, permits)
    items: list[Item] = []
    for d in days:
        items += film_permit_rule(d, permits)
        items += insurance_rule(d, certificates)
        items += contracts_signed_rule(d, contracts)
        items += studio_teacher_rule(d, contracts, (teachers or {}).get(d, 0), bands)
        items += infant_nurse_rule(d, contracts, bands)
    return items
