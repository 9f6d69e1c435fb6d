"""Casting's aggregates and rules: roles, talent, bookings and the productions casting knows of.

Aggregates are plain dataclasses. Each knows the version it was loaded at (0: never stored) and
keeps the domain events its transitions recorded until the store writes them with its state.
Inputs are validated into drafts first (every problem at once, by field); factories build an
aggregate from a draft and what the command looked up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slate_domain import Aggregate, age_bands, required_text
from slate_domain import Invalid as Invalid
from slate_domain import Problem as Problem
from slate_domain import Rate as Rate


class RateUnit(StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    FLAT = "FLAT"


class Union(StrEnum):
    NONE = "NONE"
    SAG_AFTRA = "SAG_AFTRA"


class UnionStatus(StrEnum):
    MEMBER = "MEMBER"
    ELIGIBLE = "ELIGIBLE"  # e.g. SAG-AFTRA eligible (must-join)
    NON_UNION = "NON_UNION"


class MediaKind(StrEnum):
    HEADSHOT = "HEADSHOT"
    REEL = "REEL"
    SELF_TAPE = "SELF_TAPE"


class RoleStatus(StrEnum):
    DRAFT = "DRAFT"  # being written: only its organisation sees it
    PUBLISHED = "PUBLISHED"  # a breakdown talent and agents see network-wide and submit to
    CLOSED = "CLOSED"  # no more submissions


class BookingStatus(StrEnum):
    ON_HOLD = "ON_HOLD"
    BOOKED = "BOOKED"
    RELEASED = "RELEASED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"  # a hold whose time ran out before it was confirmed


ACTIVE_STATUSES = frozenset({BookingStatus.ON_HOLD, BookingStatus.BOOKED})
CURRENCIES = frozenset({"USD", "CAD", "GBP", "EUR", "AUD"})
MAX_AMOUNT = Decimal("10000000")
ADULT_AGE = 18

# Bounds on every input, checked before anything parses it (issue 8, findings 1 and 2). With
# them the largest booking event stays a few kilobytes, far below the broker's message limit.
MAX_ID = 64  # ids are `prefix_` + 24 hex digits
MAX_NAME = 200
MAX_EMAIL = 254  # RFC 5321's longest forward path, less the angle brackets
MAX_REASON = 500
MAX_WORK_DATES = 366  # a year of work days, leap day included
MAX_AMOUNT_TEXT = 32
ISO_DATE_LENGTH = 10  # YYYY-MM-DD
MAX_INSTANT_TEXT = 40  # 2027-03-01T18:00:00.000000+05:30 and a little room
MAX_RANK = 99  # holds ranked on one role (first, second, … refusal)
MAX_QUANTITY = 500  # places of one role (a crowd of extras at most)
MAX_HOLD_DAYS = 366  # a hold expires within a year
MAX_DESCRIPTION = 5000
MAX_TAG = 50  # a skill, a language, a medium
MAX_TAGS = 30
MAX_TERM = 200  # a territory, a usage term
MAX_AGE = 120
MAX_BIO = 4000
MAX_URL = 2000
MAX_MEDIA = 30
MAX_SHORT = 100  # pronouns, home base, eye colour, agency name, …
MAX_PHONE = 32
MAX_PRIVATE_NOTE = 2000
MAX_HEIGHT_CM = 272
_SHOWN = 40  # characters of a refused input quoted back in its message


@dataclass(frozen=True)
class Requirements:
    """Whom the role is for: a playing age range, skills, and the union status of the job
    (None: any)."""

    age_min: int | None = None
    age_max: int | None = None
    skills: tuple[str, ...] = ()
    union: Union | None = None


@dataclass(frozen=True)
class Usage:
    """What the talent grants: the media, the territory and the term (e.g. 24 months)."""

    media: tuple[str, ...] = ()
    territory: str = ""
    term: str = ""


@dataclass(frozen=True)
class Breakdown:
    """What a published role tells talent and agents beyond its name, rate and dates."""

    description: str = ""
    requirements: Requirements = Requirements()
    usage: Usage = Usage()
    submission_deadline: datetime | None = None


@dataclass(frozen=True)
class MediaItem:
    """A headshot, reel or self-tape as a link, with its caption and place in the list."""

    url: str
    kind: MediaKind
    caption: str = ""
    order: int = 0


@dataclass(frozen=True)
class Physical:
    height_cm: int | None = None
    eyes: str = ""
    hair: str = ""


@dataclass(frozen=True)
class Representation:
    """The talent's agency and agent (business contact details: shown to staff only)."""

    agency: str = ""
    agent_name: str = ""
    agent_email: str = ""
    agent_phone: str = ""


@dataclass(frozen=True)
class Profile:
    """What a talent tells the network about themselves (network-wide, edited by the talent)."""

    pronouns: str = ""
    home_base: str = ""
    union_status: UnionStatus | None = None
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    physical: Physical = Physical()
    bio: str = ""
    media: tuple[MediaItem, ...] = ()
    representation: Representation = Representation()


@dataclass(frozen=True)
class RoleDraft:
    """A role's validated terms, before it belongs to a production."""

    name: str
    rate: Rate
    work_dates: tuple[date, ...]
    quantity: int = 1
    cancellation_fee: Decimal | None = None  # None: one unit of the rate
    breakdown: Breakdown = Breakdown()


@dataclass(frozen=True)
class TalentDraft:
    """A talent profile's validated fields; the birth date is still in the clear here."""

    name: str
    email: str
    date_of_birth: date
    union: Union


def shown(raw: str) -> str:
    """An input quoted in a message, cut short: a message never carries a long input back."""
    return repr(raw) if len(raw) <= _SHOWN else f"{raw[:_SHOWN]!r}…"


def check_ids(ids: Mapping[str, str]) -> None:
    """Ids by field name; one longer than any id can be is refused before anything looks it up."""
    problems = [
        Problem(field, f"at most {MAX_ID} characters")
        for field, raw in ids.items()
        if len(raw) > MAX_ID
    ]
    if problems:
        raise Invalid(problems)


def is_email(address: str) -> bool:
    """One `@` with something before it, no whitespace, and a domain with a dot that is neither
    its first nor its last character. One pass over the text (a backtracking pattern took time
    growing with the square of the length: issue 8, finding 1)."""
    local, at, domain = address.partition("@")
    return (
        bool(at)
        and bool(local)
        and "@" not in domain
        and "." in domain[1:-1]
        and address.split() == [address]  # no whitespace (str.isspace's), in C
    )


def parse_decimal(raw: str, field: str, problems: list[Problem]) -> Decimal | None:
    """A finite decimal with at most two places, else a problem on `field`."""
    if len(raw) > MAX_AMOUNT_TEXT:
        problems.append(Problem(field, f"at most {MAX_AMOUNT_TEXT} characters"))
        return None
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        problems.append(Problem(field, f"not a decimal amount: {shown(raw)}"))
        return None
    if not value.is_finite():
        problems.append(Problem(field, f"not a decimal amount: {shown(raw)}"))
        return None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        problems.append(Problem(field, "at most two decimal places"))
        return None
    return value


def parse_date(raw: str, field: str, problems: list[Problem]) -> date | None:
    try:
        if len(raw) > ISO_DATE_LENGTH:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except (ValueError, TypeError):
        problems.append(Problem(field, f"not an ISO date (YYYY-MM-DD): {shown(raw)}"))
        return None


def parse_instant(raw: str, field: str, problems: list[Problem]) -> datetime | None:
    """An ISO 8601 date and time with its UTC offset (e.g. 2027-03-01T18:00:00Z), in UTC."""
    try:
        if len(raw) > MAX_INSTANT_TEXT:
            raise ValueError(raw)
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is not None:
            parsed.astimezone(UTC)  # years 1 and 9999 can fall off the calendar in UTC
    except (ValueError, TypeError, OverflowError):
        problems.append(Problem(field, f"not an ISO date and time with offset: {shown(raw)}"))
        return None
    if parsed.tzinfo is None:
        problems.append(Problem(field, "needs a UTC offset, e.g. 2027-03-01T18:00:00Z"))
        return None
    return parsed.astimezone(UTC)


def clean_tags(raw: Sequence[str], field: str, problems: list[Problem]) -> tuple[str, ...]:
    """Short labels (skills, languages, media): trimmed, case kept, duplicates (ignoring case)
    dropped, at most MAX_TAGS of at most MAX_TAG characters each."""
    if len(raw) > MAX_TAGS:
        problems.append(Problem(field, f"at most {MAX_TAGS} entries"))
        return ()
    seen: dict[str, str] = {}
    for i, tag in enumerate(raw):
        clean = tag.strip()
        if not clean:
            problems.append(Problem(f"{field}[{i}]", "must not be empty"))
        elif len(clean) > MAX_TAG:
            problems.append(Problem(f"{field}[{i}]", f"at most {MAX_TAG} characters"))
        else:
            seen.setdefault(clean.casefold(), clean)
    return tuple(seen.values())


def bounded_text(raw: str, field: str, limit: int, problems: list[Problem]) -> str:
    """Optional free text, trimmed, at most `limit` characters."""
    if len(raw) > limit:
        problems.append(Problem(field, f"at most {limit} characters"))
        return ""
    return raw.strip()


def is_url(raw: str) -> bool:
    """An absolute http(s) link without whitespace (media are links, never uploads here)."""
    scheme, sep, rest = raw.partition("://")
    return scheme in ("http", "https") and bool(sep) and bool(rest) and raw.split() == [raw]


@dataclass(frozen=True)
class MediaInput:
    url: str
    kind: str
    caption: str = ""
    order: int = 0


@dataclass(frozen=True)
class ProfileChanges:
    """The fields an update sets; None leaves a field as it is."""

    pronouns: str | None = None
    home_base: str | None = None
    union_status: str | None = None
    skills: Sequence[str] | None = None
    languages: Sequence[str] | None = None
    height_cm: int | None = None
    eyes: str | None = None
    hair: str | None = None
    bio: str | None = None
    media: Sequence[MediaInput] | None = None
    agency: str | None = None
    agent_name: str | None = None
    agent_email: str | None = None
    agent_phone: str | None = None


def validate_profile(current: Profile, changes: ProfileChanges) -> Profile:
    """`current` with `changes` applied, every problem at once by field."""
    problems: list[Problem] = []
    c = changes

    def text(value: str | None, field: str, limit: int, now: str) -> str:
        return now if value is None else bounded_text(value, field, limit, problems)

    union_status = current.union_status
    if c.union_status is not None:
        if c.union_status in UnionStatus.__members__:
            union_status = UnionStatus(c.union_status)
        else:
            problems.append(Problem("unionStatus", f"unknown union status {shown(c.union_status)}"))
    skills = current.skills if c.skills is None else clean_tags(c.skills, "skills", problems)
    languages = (
        current.languages if c.languages is None else clean_tags(c.languages, "languages", problems)
    )
    height = current.physical.height_cm
    if c.height_cm is not None:
        if not 30 <= c.height_cm <= MAX_HEIGHT_CM:
            problems.append(Problem("physical.heightCm", f"must be between 30 and {MAX_HEIGHT_CM}"))
        height = c.height_cm
    media = current.media
    if c.media is not None:
        if len(c.media) > MAX_MEDIA:
            problems.append(Problem("media", f"at most {MAX_MEDIA} items"))
        else:
            items = []
            for i, m in enumerate(c.media):
                if len(m.url) > MAX_URL:
                    problems.append(Problem(f"media[{i}].url", f"at most {MAX_URL} characters"))
                elif not is_url(m.url):
                    problems.append(
                        Problem(f"media[{i}].url", f"not an http(s) link: {shown(m.url)}")
                    )
                if m.kind not in MediaKind.__members__:
                    problems.append(Problem(f"media[{i}].kind", f"unknown kind {shown(m.kind)}"))
                caption = bounded_text(m.caption, f"media[{i}].caption", MAX_SHORT, problems)
                if not 0 <= m.order <= 1000:
                    problems.append(Problem(f"media[{i}].order", "must be between 0 and 1000"))
                if m.kind in MediaKind.__members__:
                    items.append(MediaItem(m.url, MediaKind(m.kind), caption, m.order))
            media = tuple(sorted(items, key=lambda m: m.order))
    rep = current.representation
    agent_email = rep.agent_email
    if c.agent_email is not None:
        if len(c.agent_email) > MAX_EMAIL:
            problems.append(Problem("representation.agentEmail", f"at most {MAX_EMAIL} characters"))
        elif c.agent_email.strip() and not is_email(c.agent_email.strip().lower()):
            problems.append(
                Problem(
                    "representation.agentEmail", f"not an email address: {shown(c.agent_email)}"
                )
            )
        else:
            agent_email = c.agent_email.strip().lower()
    profile = Profile(
        pronouns=text(c.pronouns, "pronouns", MAX_SHORT, current.pronouns),
        home_base=text(c.home_base, "homeBase", MAX_SHORT, current.home_base),
        union_status=union_status,
        skills=skills,
        languages=languages,
        physical=Physical(
            height_cm=height,
            eyes=text(c.eyes, "physical.eyes", MAX_SHORT, current.physical.eyes),
            hair=text(c.hair, "physical.hair", MAX_SHORT, current.physical.hair),
        ),
        bio=text(c.bio, "bio", MAX_BIO, current.bio),
        media=media,
        representation=Representation(
            agency=text(c.agency, "representation.agency", MAX_SHORT, rep.agency),
            agent_name=text(c.agent_name, "representation.agentName", MAX_SHORT, rep.agent_name),
            agent_email=agent_email,
            agent_phone=text(
                c.agent_phone, "representation.agentPhone", MAX_PHONE, rep.agent_phone
            ),
        ),
    )
    if problems:
        raise Invalid(problems)
    return profile


def validate_private_note(note: str, rating: int | None) -> str:
    problems: list[Problem] = []
    clean = bounded_text(note, "note", MAX_PRIVATE_NOTE, problems)
    if rating is not None and not 1 <= rating <= 5:
        problems.append(Problem("rating", "must be between 1 and 5"))
    if problems:
        raise Invalid(problems)
    return clean


def validate_breakdown(
    *,
    description: str = "",
    age_min: int | None = None,
    age_max: int | None = None,
    skills: Sequence[str] = (),
    union: str | None = None,
    media: Sequence[str] = (),
    territory: str = "",
    term: str = "",
    submission_deadline: str | None = None,
    now: datetime,
) -> Breakdown:
    """A breakdown's fields, every problem at once by field (as the API nests them)."""
    problems: list[Problem] = []
    clean_description = bounded_text(description, "description", MAX_DESCRIPTION, problems)
    for name, age in (("requirements.ageMin", age_min), ("requirements.ageMax", age_max)):
        if age is not None and not 0 <= age <= MAX_AGE:
            problems.append(Problem(name, f"must be between 0 and {MAX_AGE}"))
    if age_min is not None and age_max is not None and age_min > age_max:
        problems.append(Problem("requirements.ageMax", "must not be below ageMin"))
    clean_skills = clean_tags(skills, "requirements.skills", problems)
    if union is not None and union not in Union.__members__:
        problems.append(Problem("requirements.union", f"unknown union {shown(union)}"))
    clean_media = clean_tags(media, "usage.media", problems)
    clean_territory = bounded_text(territory, "usage.territory", MAX_TERM, problems)
    clean_term = bounded_text(term, "usage.term", MAX_TERM, problems)
    deadline = None
    if submission_deadline is not None:
        deadline = parse_instant(submission_deadline, "submissionDeadline", problems)
        if deadline is not None and deadline <= now:
            problems.append(Problem("submissionDeadline", "must be in the future"))
    if problems:
        raise Invalid(problems)
    return Breakdown(
        description=clean_description,
        requirements=Requirements(
            age_min=age_min,
            age_max=age_max,
            skills=clean_skills,
            union=Union(union) if union is not None else None,
        ),
        usage=Usage(media=clean_media, territory=clean_territory, term=clean_term),
        submission_deadline=deadline,
    )


def validate_role(
    name: str,
    amount: str,
    currency: str,
    unit: str,
    work_dates: Sequence[str],
    *,
    quantity: int = 1,
    cancellation_fee: str | None = None,
    breakdown: Breakdown = Breakdown(),
) -> RoleDraft:
    """A role needs a name, a positive rate in a known currency and unit, and valid work dates;
    it has 1 to MAX_QUANTITY places and a cancellation fee (0 or more, in the rate's currency)
    owed when a booking of it is cancelled after confirmation."""
    problems: list[Problem] = []
    clean_name = required_text("name", name, MAX_NAME, problems)
    value = parse_decimal(amount, "rate.amount", problems)
    if value is not None and value <= 0:
        problems.append(Problem("rate.amount", "must be greater than zero"))
    elif value is not None and value > MAX_AMOUNT:
        problems.append(Problem("rate.amount", f"must not exceed {MAX_AMOUNT}"))
    if currency not in CURRENCIES:
        problems.append(Problem("rate.currency", f"unknown currency {shown(currency)}"))
    if unit not in RateUnit.__members__:
        problems.append(Problem("rate.unit", f"unknown unit {shown(unit)}"))
    dates: list[date] = []
    if len(work_dates) > MAX_WORK_DATES:
        problems.append(Problem("workDates", f"at most {MAX_WORK_DATES} work dates"))
    else:
        for i, raw in enumerate(work_dates):
            parsed = parse_date(raw, f"workDates[{i}]", problems)
            if parsed is not None:
                dates.append(parsed)
    if not work_dates:
        problems.append(Problem("workDates", "at least one work date is required"))
    if not 1 <= quantity <= MAX_QUANTITY:
        problems.append(Problem("quantity", f"must be between 1 and {MAX_QUANTITY}"))
    fee: Decimal | None = None
    if cancellation_fee is not None:
        fee = parse_decimal(cancellation_fee, "cancellationFee", problems)
        if fee is not None and not Decimal(0) <= fee <= MAX_AMOUNT:
            problems.append(Problem("cancellationFee", f"must be between 0 and {MAX_AMOUNT}"))
    if problems:
        raise Invalid(problems)
    assert value is not None
    return RoleDraft(
        name=clean_name,
        rate=Rate(amount=value.quantize(Decimal("0.01")), currency=currency, unit=RateUnit(unit)),
        work_dates=tuple(sorted(set(dates))),
        quantity=quantity,
        cancellation_fee=fee.quantize(Decimal("0.01")) if fee is not None else None,
        breakdown=breakdown,
    )


def validate_talent(
    name: str, email: str, date_of_birth: str, union: str, today: date
) -> TalentDraft:
    """Talent need a name, a plausible email, a birth date in the past, and a known union."""
    problems: list[Problem] = []
    clean_name = required_text("name", name, MAX_NAME, problems)
    clean_email = ""
    if len(email) > MAX_EMAIL:  # before anything reads the text
        problems.append(Problem("email", f"at most {MAX_EMAIL} characters"))
    elif not is_email(clean_email := email.strip().lower()):
        problems.append(Problem("email", f"not an email address: {shown(email)}"))
    dob = parse_date(date_of_birth, "dateOfBirth", problems)
    if dob is not None and dob >= today:
        problems.append(Problem("dateOfBirth", "must be in the past"))
    elif dob is not None and dob.year < today.year - 120:
        problems.append(Problem("dateOfBirth", "more than 120 years ago"))
    if union not in Union.__members__:
        problems.append(Problem("union", f"unknown union {shown(union)}"))
    if problems:
        raise Invalid(problems)
    assert dob is not None
    return TalentDraft(name=clean_name, email=clean_email, date_of_birth=dob, union=Union(union))


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on a day (a 29 February birthday counts on 1 March in common years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def _band(date_of_birth: date, work_dates: Sequence[date]) -> str:
    """The age band on the first work date (the youngest the performer works at)."""
    return age_bands.age_band(date_of_birth, min(work_dates)) if work_dates else ""


def is_minor_during(date_of_birth: date, work_dates: Sequence[date]) -> bool:
    """A performer is a minor for the booking if under 18 on any work date."""
    return any(age_on(date_of_birth, d) < ADULT_AGE for d in work_dates)


@dataclass(frozen=True)
class Relationship:
    """What one organisation has to do with a talent, as its bookings show it. Profiles are
    network-wide; personal data is not (issue 8, finding 3): contact details are for an
    organisation that holds or books the talent (or registered them), the birth date for one
    that books them."""

    holds_or_books: bool = False  # an active hold or booking (ON_HOLD or BOOKED)
    books: bool = False  # a BOOKED booking

    @classmethod
    def of_statuses(cls, statuses: Iterable[BookingStatus]) -> Relationship:
        found = set(statuses)
        return cls(
            holds_or_books=not found.isdisjoint(ACTIVE_STATUSES),
            books=BookingStatus.BOOKED in found,
        )


NO_RELATIONSHIP = Relationship()


# --------------------------------------------------------------------------- domain events


@dataclass(frozen=True)
class BookingHeld:
    booking: Booking


@dataclass(frozen=True)
class BookingConfirmed:
    booking: Booking
    by: str


@dataclass(frozen=True)
class BookingReleased:
    """Released by hand (RELEASED, with the cancellation fee owed when it had been confirmed)
    or expired by the sweep (EXPIRED): dependants undo their work either way."""

    booking: Booking
    reason: str


@dataclass(frozen=True)
class BookingPromoted:
    """A hold moved up the role's ranking because a better-ranked one left it."""

    booking: Booking
    from_rank: int


@dataclass(frozen=True)
class RolePublished:
    """A breakdown went out to talent and agents network-wide."""

    role: Role
    by: str


@dataclass(frozen=True)
class RoleClosed:
    """A breakdown takes no more submissions."""

    role: Role
    by: str


@dataclass(frozen=True)
class TalentRegistered:
    talent: Talent


@dataclass(frozen=True)
class TalentProfileUpdated:
    talent: Talent
    by: str


# What the transitions record (each carries the aggregate as the next write stores it).
DomainEvent = (
    BookingHeld
    | BookingConfirmed
    | BookingReleased
    | BookingPromoted
    | RolePublished
    | RoleClosed
    | TalentRegistered
    | TalentProfileUpdated
)


# --------------------------------------------------------------------------- aggregates


@dataclass(kw_only=True)
class Production:
    """Casting's copy of a production scheduling owns (kept from its events and read-through)."""

    id: str
    org_id: str
    title: str = ""
    client: str = ""
    kind: str = ""
    timezone: str = ""
    stage: str = ""
    version: int = 0


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(kw_only=True)
class Role(Aggregate[DomainEvent]):
    """A part to cast in a production: a breakdown line with its rate, work dates, number of
    places and the cancellation fee its bookings owe when cancelled after confirmation."""

    production_id: str
    production_timezone: str
    name: str
    rate: Rate
    work_dates: tuple[date, ...]
    quantity: int = 1
    cancellation_fee: Decimal = Decimal("0.00")
    breakdown: Breakdown = Breakdown()
    status: RoleStatus = RoleStatus.DRAFT

    @classmethod
    def create(cls, *, id: str, production: Production, draft: RoleDraft) -> Role:
        """A role of `production` on validated terms (it announces nothing)."""
        return cls(
            id=id,
            org_id=production.org_id,
            production_id=production.id,
            production_timezone=production.timezone,
            name=draft.name,
            rate=draft.rate,
            work_dates=draft.work_dates,
            quantity=draft.quantity,
            cancellation_fee=(
                draft.cancellation_fee
                if draft.cancellation_fee is not None
                else draft.rate.amount  # one unit of the rate: a day's pay for a day rate
            ),
            breakdown=draft.breakdown,
        )

    def publish(self, by: str, *, at: datetime) -> None:
        """A draft goes out when it says what the part is and its deadline is still ahead."""
        if self.status != RoleStatus.DRAFT:
            raise _conflict("roleId", f"cannot publish a role that is {self.status}")
        problems = []
        if not self.breakdown.description:
            problems.append(Problem("description", "a published role needs a description"))
        deadline = self.breakdown.submission_deadline
        if deadline is not None and deadline <= at:
            problems.append(Problem("submissionDeadline", "the deadline has passed"))
        if problems:
            raise Invalid(problems)
        self.status = RoleStatus.PUBLISHED
        self.record(RolePublished(replace(self, version=self.version + 1, events=[]), by=by))

    def close(self, by: str) -> None:
        """A published role stops taking submissions (holds and bookings go on)."""
        if self.status != RoleStatus.PUBLISHED:
            raise _conflict("roleId", f"cannot close a role that is {self.status}")
        self.status = RoleStatus.CLOSED
        self.record(RoleClosed(replace(self, version=self.version + 1, events=[]), by=by))

    def open_for_submissions(self, at: datetime) -> bool:
        deadline = self.breakdown.submission_deadline
        return self.status == RoleStatus.PUBLISHED and (deadline is None or at < deadline)

    def work_starts(self) -> datetime:
        """The start of the first work date in the production's time zone, in UTC."""
        first = min(self.work_dates)
        local = datetime.combine(first, time(0), tzinfo=_zone(self.production_timezone))
        try:
            return local.astimezone(UTC)
        except OverflowError:  # the first or last day of the calendar
            return datetime.combine(first, time(0), tzinfo=UTC)


@dataclass(kw_only=True)
class Talent(Aggregate[DomainEvent]):
    """A performer in the network-wide casting pool; `org_id` is the organisation that registered
    them. The birth date is held only sealed (encrypted by the caller, bound to the id)."""

    name: str
    email: str
    union: Union
    sealed_date_of_birth: Mapping[str, str] = field(repr=False)
    profile: Profile = Profile()

    @classmethod
    def register(
        cls, *, id: str, org_id: str, draft: TalentDraft, sealed_date_of_birth: Mapping[str, str]
    ) -> Talent:
        """A profile from validated fields; the clear birth date in `draft` is not kept."""
        talent = cls(
            id=id,
            org_id=org_id,
            name=draft.name,
            email=draft.email,
            union=draft.union,
            sealed_date_of_birth=dict(sealed_date_of_birth),
            profile=Profile(
                union_status=(
                    UnionStatus.MEMBER if draft.union != Union.NONE else UnionStatus.NON_UNION
                )
            ),
        )
        talent.record(TalentRegistered(replace(talent, version=1, events=[])))
        return talent

    def update_profile(self, profile: Profile, by: str) -> bool:
        """Take the validated profile; True (and an event) when anything changed."""
        if profile == self.profile:
            return False
        self.profile = profile
        self.record(TalentProfileUpdated(replace(self, version=self.version + 1, events=[]), by))
        return True


@dataclass(kw_only=True)
class TalentNote(Aggregate[DomainEvent]):
    """An organisation's private note and rating of a talent: no other organisation sees it,
    and it announces nothing."""

    talent_id: str
    note: str = ""
    rating: int | None = None

    def set(self, note: str, rating: int | None) -> None:
        self.note = validate_private_note(note, rating)
        self.rating = rating


def _conflict(field: str, message: str) -> Invalid:
    return Invalid([Problem(field, message, "CONFLICT")])


def free_rank(active: Sequence[Booking]) -> int:
    """The rank a new hold takes on a role by default: behind every active one."""
    return max((b.rank for b in active), default=0) + 1


def hold_expiry(
    role: Role, requested: datetime | None, now: datetime, problems: list[Problem]
) -> datetime:
    """When a hold lapses: the time asked for, in the future, within MAX_HOLD_DAYS and not after
    the work starts; by default when the work starts (a hold never outlives its first day)."""
    starts = role.work_starts()
    if requested is None:
        return starts
    if requested <= now:
        problems.append(Problem("expiresAt", "must be in the future"))
    elif requested > now + timedelta(days=MAX_HOLD_DAYS):
        problems.append(Problem("expiresAt", f"at most {MAX_HOLD_DAYS} days ahead"))
    elif requested > starts:
        problems.append(
            Problem("expiresAt", f"must not be after the work starts ({starts.isoformat()})")
        )
    return requested


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(kw_only=True)
class Booking(Aggregate[DomainEvent]):
    """A talent on hold or booked for a role, with the terms and facts copied at the hold.

    Holds are ranked per role (first, second, … refusal): the active bookings of a role hold
    the ranks 1..n, a booked one keeps its rank, and only a booking ranked within the role's
    places can be confirmed. When one leaves (released, expired) the ones behind move up
    (`promote`), each announcing it. A booking released after its confirmation owes the role's
    cancellation fee."""

    production_id: str
    production_timezone: str
    role_id: str
    role_name: str
    talent_id: str
    talent_name: str
    union: Union
    rate: Rate
    work_dates: tuple[date, ...]
    is_minor: bool
    status: BookingStatus
    confirmed_at: datetime | None = None
    rank: int = 1
    expires_at: datetime | None = None
    cancellation_terms: Decimal = Decimal("0.00")  # the role's fee, copied at the hold
    cancellation_fee: Money | None = None  # owed: set when a confirmed booking is released
    # A minor's age band on the first work date (slate_domain.age_bands): what legal's gate
    # is told instead of the birth date; "" for an adult (and bookings held before bands).
    age_band: str = ""
    # Who put the talent on hold (a retried holdTalent of theirs gets this hold back).
    held_by: str = ""

    @classmethod
    def hold(
        cls,
        *,
        id: str,
        role: Role,
        talent: Talent,
        date_of_birth: date,
        existing: Sequence[Booking],
        active: Sequence[Booking] = (),
        rank: int | None = None,
        expires_at: datetime | None = None,
        now: datetime | None = None,
        by: str = "",
    ) -> Booking:
        """Put talent on hold for a role at a rank (by default behind every active hold of the
        role), until `expires_at` (by default when the work starts). A talent holds at most one
        active booking per role; ranks are consecutive and one hold has each."""
        if any(b.status in ACTIVE_STATUSES for b in existing):
            raise _conflict("talentId", "already on hold or booked for this role")
        problems: list[Problem] = []
        at = now or datetime.now(UTC)
        lapses = hold_expiry(role, expires_at, at, problems)
        taken = {b.rank for b in active if b.status in ACTIVE_STATUSES}
        next_free = free_rank([b for b in active if b.status in ACTIVE_STATUSES])
        given = next_free if rank is None else rank
        if not 1 <= given <= MAX_RANK:
            problems.append(Problem("rank", f"must be between 1 and {MAX_RANK}"))
        elif given in taken:
            problems.append(
                Problem(
                    "rank",
                    f"rank {given} is held on this role; the next free rank is {next_free}",
                    "CONFLICT",
                )
            )
        elif given > next_free:
            problems.append(
                Problem("rank", f"ranks are consecutive: the next free rank is {next_free}")
            )
        if problems:
            raise Invalid(problems)
        booking = cls(
            id=id,
            org_id=role.org_id,
            production_id=role.production_id,
            production_timezone=role.production_timezone,
            role_id=role.id,
            role_name=role.name,
            talent_id=talent.id,
            talent_name=talent.name[:MAX_NAME],  # profiles stored before names were bounded
            union=talent.union,
            rate=role.rate,
            work_dates=role.work_dates,
            is_minor=is_minor_during(date_of_birth, role.work_dates),
            age_band=_band(date_of_birth, role.work_dates),
            status=BookingStatus.ON_HOLD,
            rank=given,
            expires_at=lapses,
            cancellation_terms=role.cancellation_fee,
            held_by=by,
        )
        booking.record(BookingHeld(booking._as_changed()))
        return booking

    def same_hold(self, by: str, rank: int | None, expires_at: datetime | None) -> bool:
        """This is the hold `by` asked for with these terms (a retried request): still on hold,
        held by them, at the rank and expiry asked (when they were given)."""
        return (
            self.status == BookingStatus.ON_HOLD
            and bool(by)
            and self.held_by == by
            and rank in (None, self.rank)
            and expires_at in (None, self.expires_at)
        )

    def confirm(self, by: str, *, at: datetime, places: int = 1) -> None:
        """Only a hold that has not lapsed, ranked within the role's `places`, can be confirmed
        (a second hold waits until the first is released and it moves up)."""
        if self.status != BookingStatus.ON_HOLD:
            raise _conflict("bookingId", f"cannot confirm a booking that is {self.status}")
        if self.lapsed(at):
            assert self.expires_at is not None
            raise _conflict("bookingId", f"the hold expired at {self.expires_at.isoformat()}")
        if self.rank > places:
            raise _conflict(
                "bookingId",
                f"the hold is ranked {self.rank} on a role of {places} place(s): a better-ranked"
                " hold must be released first",
            )
        self.status = BookingStatus.BOOKED
        self.confirmed_at = at
        self.record(BookingConfirmed(self._as_changed(), by=by))

    def release(self, reason: str) -> None:
        """Holds and bookings can be released; released or cancelled ones cannot. A booking
        released after its confirmation owes the cancellation fee of the role's terms."""
        if len(reason) > MAX_REASON:
            raise Invalid([Problem("reason", f"at most {MAX_REASON} characters")])
        if self.status not in ACTIVE_STATUSES:
            raise _conflict("bookingId", f"cannot release a booking that is {self.status}")
        if self.status == BookingStatus.BOOKED:
            self.cancellation_fee = Money(self.cancellation_terms, self.rate.currency)
        self.status = BookingStatus.RELEASED
        self.record(BookingReleased(self._as_changed(), reason=reason))

    def lapsed(self, at: datetime) -> bool:
        """A hold whose time is up (whether or not the sweep has expired it yet)."""
        return (
            self.status == BookingStatus.ON_HOLD
            and self.expires_at is not None
            and self.expires_at <= at
        )

    def expire(self, at: datetime) -> None:
        """The sweep ends a hold whose time is up; anything else is refused (so a sweep that
        runs twice, or races another, changes nothing the second time)."""
        if not self.lapsed(at):
            raise _conflict(
                "bookingId",
                f"a {self.status} booking expiring at"
                f" {self.expires_at.isoformat() if self.expires_at else 'no time'}"
                " cannot expire now",
            )
        self.status = BookingStatus.EXPIRED
        self.record(BookingReleased(self._as_changed(), reason="expired"))

    def promote(self, to_rank: int, taken: Iterable[int]) -> None:
        """Move up to a better rank that no active booking of the role holds."""
        if self.status not in ACTIVE_STATUSES:
            raise _conflict("bookingId", f"cannot promote a booking that is {self.status}")
        if not 1 <= to_rank < self.rank:
            raise _conflict(
                "rank", f"rank {to_rank} is not better than the booking's rank {self.rank}"
            )
        if to_rank in set(taken):
            raise _conflict("rank", f"rank {to_rank} is still held on this role")
        from_rank, self.rank = self.rank, to_rank
        self.record(BookingPromoted(self._as_changed(), from_rank=from_rank))

    def _as_changed(self) -> Booking:
        """A copy as the next write will store it: one version past the one loaded."""
        return replace(self, version=self.version + 1, events=[])


def close_ranks(active: Sequence[Booking]) -> list[Booking]:
    """After bookings left a role, the ones behind move up so that the active bookings hold the
    ranks 1..n again in their order: the bookings promoted (each recorded its event). Running it
    again on the result promotes nobody."""
    ranked = sorted(
        (b for b in active if b.status in ACTIVE_STATUSES), key=lambda b: (b.rank, b.id)
    )
    taken = {b.rank for b in ranked}
    promoted: list[Booking] = []
    for position, booking in enumerate(ranked, start=1):
        if booking.rank > position and position not in taken:
            taken.discard(booking.rank)
            booking.promote(position, taken)
            taken.add(position)
            promoted.append(booking)
    return promoted


# --------------------------------------------------------------------------- submissions

MAX_NOTE = 1000
MAX_SHORTLIST_RANK = 6  # Breakdown Express numbers its selects 1-6


class SubmissionStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    VIEWED = "VIEWED"  # casting has looked at it: the submitter can no longer withdraw it
    SHORTLISTED = "SHORTLISTED"
    SELECTED = "SELECTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


# Where casting can still decide (shortlist, select, decline).
UNDECIDED = frozenset(
    {SubmissionStatus.SUBMITTED, SubmissionStatus.VIEWED, SubmissionStatus.SHORTLISTED}
)


class SubmissionChange(StrEnum):
    SUBMITTED = "SUBMITTED"
    VIEWED = "VIEWED"
    SHORTLISTED = "SHORTLISTED"
    SELECTED = "SELECTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


@dataclass(frozen=True)
class SubmissionChanged:
    """One step of a submission's life (the submission as the next write stores it)."""

    submission: Submission
    change: SubmissionChange
    by: str


def validate_note(note: str) -> str:
    problems: list[Problem] = []
    clean = bounded_text(note, "note", MAX_NOTE, problems)
    if problems:
        raise Invalid(problems)
    return clean


@dataclass(kw_only=True)
class Submission(Aggregate[SubmissionChanged]):
    """A talent put forward for a published role, by an agent (staff of an agency) or by the
    talent themselves. `org_id` is the casting organisation that owns the role; the submitter's
    organisation keeps sight of it. One per talent and role."""

    role_id: str
    production_id: str
    talent_id: str
    submitted_by_org: str
    submitted_by: str
    self_submitted: bool
    note: str
    status: SubmissionStatus
    shortlist_rank: int | None = None
    submitted_at: datetime

    @classmethod
    def submit(
        cls,
        *,
        id: str,
        role: Role,
        talent: Talent,
        by_org: str,
        by: str,
        self_submitted: bool,
        note: str,
        at: datetime,
    ) -> Submission:
        """Submit to a role that takes submissions (published, before its deadline)."""
        clean_note = validate_note(note)
        if not role.open_for_submissions(at):
            raise _conflict(
                "roleId",
                "the role is not taking submissions"
                + (" (its deadline has passed)" if role.status == RoleStatus.PUBLISHED else ""),
            )
        submission = cls(
            id=id,
            org_id=role.org_id,
            role_id=role.id,
            production_id=role.production_id,
            talent_id=talent.id,
            submitted_by_org=by_org,
            submitted_by=by,
            self_submitted=self_submitted,
            note=clean_note,
            status=SubmissionStatus.SUBMITTED,
            submitted_at=at,
        )
        submission._changed(SubmissionChange.SUBMITTED, by)
        return submission

    def resubmit(
        self, *, role: Role, by_org: str, by: str, self_submitted: bool, note: str, at: datetime
    ) -> None:
        """A withdrawn submission can be made again; any other is a duplicate."""
        clean_note = validate_note(note)
        if self.status != SubmissionStatus.WITHDRAWN:
            raise _conflict("talentId", "the talent is already submitted to this role")
        if not role.open_for_submissions(at):
            raise _conflict("roleId", "the role is not taking submissions")
        self.submitted_by_org, self.submitted_by = by_org, by
        self.self_submitted, self.note, self.submitted_at = self_submitted, clean_note, at
        self.status, self.shortlist_rank = SubmissionStatus.SUBMITTED, None
        self._changed(SubmissionChange.SUBMITTED, by)

    def view(self, by: str) -> bool:
        """Casting looked at it; True when that changed anything (a second look does not)."""
        if self.status == SubmissionStatus.WITHDRAWN:
            raise _conflict("submissionId", "the submission was withdrawn")
        if self.status != SubmissionStatus.SUBMITTED:
            return False
        self.status = SubmissionStatus.VIEWED
        self._changed(SubmissionChange.VIEWED, by)
        return True

    def shortlist(self, rank: int, by: str) -> None:
        """Into the shortlist (selects) at a rank 1-6, or moved within it."""
        if not 1 <= rank <= MAX_SHORTLIST_RANK:
            raise Invalid([Problem("rank", f"must be between 1 and {MAX_SHORTLIST_RANK}")])
        self._undecided("shortlist")
        self.status, self.shortlist_rank = SubmissionStatus.SHORTLISTED, rank
        self._changed(SubmissionChange.SHORTLISTED, by)

    def select(self, by: str) -> None:
        self._undecided("select")
        self.status = SubmissionStatus.SELECTED
        self._changed(SubmissionChange.SELECTED, by)

    def decline(self, by: str) -> None:
        """Casting says no (the talent is told: no silent rejections)."""
        if self.status not in UNDECIDED | {SubmissionStatus.SELECTED}:
            raise _conflict("submissionId", f"cannot decline a submission that is {self.status}")
        self.status = SubmissionStatus.DECLINED
        self._changed(SubmissionChange.DECLINED, by)

    def withdraw(self, by: str) -> None:
        """The submitter takes it back, only before casting has viewed it."""
        if self.status != SubmissionStatus.SUBMITTED:
            reason = (
                "casting has viewed it"
                if self.status != SubmissionStatus.WITHDRAWN
                else "it is withdrawn already"
            )
            raise _conflict("submissionId", f"cannot withdraw the submission: {reason}")
        self.status, self.shortlist_rank = SubmissionStatus.WITHDRAWN, None
        self._changed(SubmissionChange.WITHDRAWN, by)

    def _undecided(self, action: str) -> None:
        if self.status not in UNDECIDED:
            raise _conflict("submissionId", f"cannot {action} a submission that is {self.status}")

    def _changed(self, change: SubmissionChange, by: str) -> None:
        self.record(
            SubmissionChanged(replace(self, version=self.version + 1, events=[]), change, by)
        )


# Every event casting's aggregates record.
AnyEvent = DomainEvent | SubmissionChanged
