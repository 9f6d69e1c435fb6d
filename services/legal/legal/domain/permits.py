"""Filming permits with FilmLA lead times, and certificates of insurance.

Sources (see each rule's docstring): FilmLA's "Permit Operations Policy" reminder
(https://www.filmla.com/reminder-permit-operations-policy/): an application is due "no later than
three business days prior to the first date of filming activity (e.g., application submitted on
a Monday for filming on a Thursday)", high-impact activity ("aerial shots, gunfire, or special
FX") needs more; FilmLA's knowledge base "Applying for a Film Permit"
(https://info.filmla.com/general-information/applying-for-a-film-permit): basic permits take
"3-7 business days", applications are due by 10 AM. Insurance minimums: FilmLA's certificate
requirements ($1,000,000 general liability for motion pictures, FilmL.A. Inc. as additional
insured), research A.4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from slate_domain import Aggregate, Invalid, Problem, required_text

# FilmLA: three business days for a standard permit.
STANDARD_LEAD_BUSINESS_DAYS = 3
# FilmLA says high-impact work needs "additional lead time" without a number, and that permits
# take 3-7 business days; the top of that range is used (a secondary source says 4-7 days).
HIGH_IMPACT_LEAD_BUSINESS_DAYS = 7
# Applications are due by 10 a.m.; one submitted later counts from the next business day.
SUBMISSION_CUTOFF = time(10, 0)
# FilmLA's minimum general liability limit for motion pictures (stills: $500,000).
MIN_GENERAL_LIABILITY = Decimal("1000000")
FILMLA_ADDITIONAL_INSURED = "FilmL.A., Inc."


def is_business_day(day: date) -> bool:
    """Monday to Friday (public holidays are not modelled)."""
    return day.weekday() < 5


def business_days_before(day: date, n: int) -> date:
    """The business day `n` business days before `day` (Thursday, 3 -> Monday; Saturday,
    3 -> Wednesday)."""
    while n > 0:
        day -= timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day


def ready_by(submitted_at: datetime, high_impact: bool) -> date:
    """The earliest filming date a permit applied for at `submitted_at` (local time of the
    jurisdiction) can cover: the first day whose deadline (`lead` business days before it) is
    on or after the submission day. FilmLA: "application submitted on a Monday for filming on
    a Thursday"; to film Saturday, Sunday or Monday, submit by the prior Wednesday."""
    lead = HIGH_IMPACT_LEAD_BUSINESS_DAYS if high_impact else STANDARD_LEAD_BUSINESS_DAYS
    submitted = submitted_at.date()
    if submitted_at.time() > SUBMISSION_CUTOFF or not is_business_day(submitted):
        submitted += timedelta(days=1)
        while not is_business_day(submitted):
            submitted += timedelta(days=1)
    day = submitted + timedelta(days=1)
    while business_days_before(day, lead) < submitted:
        day += timedelta(days=1)
    return day


def _dates(field: str, values: Sequence[str], problems: list[Problem]) -> tuple[date, ...]:
    parsed: list[date] = []
    for value in values:
        try:
            parsed.append(date.fromisoformat(value))
        except ValueError:
            problems.append(Problem(field, f"not an ISO date: {value!r}"))
    if not values:
        problems.append(Problem(field, "at least one date"))
    return tuple(sorted(set(parsed)))


@dataclass(frozen=True)
class FilmPermitRequested:
    permit_id: str
    org_id: str
    production_id: str
    ready_by: date
    location_name: str = ""
    dates: tuple[date, ...] = ()
    high_impact: bool = False


@dataclass(frozen=True)
class InsuranceRecorded:
    certificate_id: str
    org_id: str
    production_id: str
    expires_on: date
    insurer: str = ""
    effective_on: date | None = None
    general_liability_limit: Decimal = Decimal(0)


PermitEvent = FilmPermitRequested | InsuranceRecorded


@dataclass(kw_only=True)
class FilmPermit(Aggregate[PermitEvent]):
    """A film permit applied for one location and its dates."""

    production_id: str
    location_name: str
    dates: tuple[date, ...]
    high_impact: bool
    requested_at: datetime
    ready_by: date

    @property
    def ready_in_time(self) -> bool:
        """Whether it can be ready by the first filming date."""
        return self.ready_by <= self.dates[0]

    def covers(self, location_name: str | None, day: date) -> bool:
        same = location_name is None or location_name.casefold() == self.location_name.casefold()
        return same and day in self.dates and self.ready_by <= day

    @classmethod
    def request(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        location_name: str,
        dates: Sequence[str],
        high_impact: bool,
        now: datetime,
    ) -> FilmPermit:
        """An application for a location on some dates; `ready_by` follows FilmLA's lead times
        (three business days; more for high-impact work)."""
        problems: list[Problem] = []
        if not production_id.startswith("prd_"):
            problems.append(Problem("productionId", "not a production id"))
        name = required_text("locationName", location_name, 200, problems)
        days = _dates("dates", dates, problems)
        if days and days[0] < now.date():
            problems.append(Problem("dates", "a permit cannot be requested for past dates"))
        if problems:
            raise Invalid(problems)
        permit = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            location_name=name,
            dates=days,
            high_impact=high_impact,
            requested_at=now,
            ready_by=ready_by(now, high_impact),
        )
        permit.record(
            FilmPermitRequested(id, org_id, production_id, permit.ready_by, name, days, high_impact)
        )
        return permit


@dataclass(kw_only=True)
class InsuranceCertificate(Aggregate[PermitEvent]):
    """A certificate of insurance (ACORD 25) for a production."""

    production_id: str
    insurer: str
    policy_number: str
    general_liability_limit: Decimal
    additional_insureds: tuple[str, ...]
    effective_on: date
    expires_on: date

    def valid_on(self, day: date) -> bool:
        return self.effective_on <= day <= self.expires_on

    @property
    def names_filmla(self) -> bool:
        return any("filml" in name.casefold() for name in self.additional_insureds)

    @classmethod
    def record_certificate(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        insurer: str,
        policy_number: str,
        general_liability_limit: str,
        additional_insureds: Sequence[str],
        effective_on: str,
        expires_on: str,
    ) -> InsuranceCertificate:
        """A certificate with an insurer, a policy number, a positive limit and an effective
        period (the limit's adequacy is a compliance item, not a refusal)."""
        problems: list[Problem] = []
        if not production_id.startswith("prd_"):
            problems.append(Problem("productionId", "not a production id"))
        name = required_text("insurer", insurer, 200, problems)
        policy = required_text("policyNumber", policy_number, 100, problems)
        limit = Decimal(0)
        try:
            limit = Decimal(general_liability_limit)
        except InvalidOperation:
            problems.append(Problem("generalLiabilityLimit", "not a decimal amount"))
        else:
            if not limit.is_finite() or limit <= 0:
                problems.append(Problem("generalLiabilityLimit", "must be a positive amount"))
        [start] = _dates("effectiveOn", [effective_on], problems) or (None,)
        [end] = _dates("expiresOn", [expires_on], problems) or (None,)
        if start is not None and end is not None and end < start:
            problems.append(Problem("expiresOn", "expires before it takes effect"))
        if problems or start is None or end is None:
            raise Invalid(problems)
        certificate = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            insurer=name,
            policy_number=policy,
            general_liability_limit=limit,
            additional_insureds=tuple(a.strip() for a in additional_insureds if a.strip()),
            effective_on=start,
            expires_on=end,
        )
        certificate.record(InsuranceRecorded(id, org_id, production_id, end, name, start, limit))
        return certificate
