"""Casting's subgraph: talent, roles, bookings; adds `roles` and `bookings` to Production.

Resolvers only call `Casting`'s commands and reads, through request-scoped typed DataLoaders.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import strawberry
from slate.auth import Principal
from slate.errors import UserError as DomainUserError
from slate.errors import ValidationErrors
from slate.events.snapshots import BookingSnapshot
from slate.graphql import (
    Edge,
    ExtendedEntity,
    GraphQLContext,
    Money,
    PageInfo,
    SubgraphSchema,
    UserError,
    attempt,
    authorize,
    batch_loader,
    clamp_first,
    decode_cursor,
    encode_cursor,
    graphql_error,
    group_loader,
    org_loader,
    until_expiry,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from casting.domain import auditions, model
from casting.usecases import PERMISSIONS, BookingEventKind, BreakdownInput, Casting, HoldTerms

Ctx = Info[GraphQLContext[Casting], None]

# The domain's enums are the GraphQL enums (strawberry marks the classes; nothing else changes).
strawberry.enum(model.RateUnit, name="RateUnit")
strawberry.enum(model.Union, name="TalentUnion")
strawberry.enum(model.BookingStatus, name="BookingStatus")
strawberry.enum(model.RoleStatus, name="RoleStatus")
strawberry.enum(model.SubmissionStatus, name="SubmissionStatus")
strawberry.enum(model.UnionStatus, name="UnionStatus")
strawberry.enum(model.MediaKind, name="MediaKind")
strawberry.enum(auditions.SessionKind, name="AuditionKind")
strawberry.enum(auditions.InvitationStatus, name="InvitationStatus")
strawberry.enum(auditions.SelfTapeStatus, name="SelfTapeStatus")
strawberry.enum(BookingEventKind, name="BookingEventKind")


# --- loaders (one per request, batched) -----------------------------------------------------


T = TypeVar("T")
V = TypeVar("V")
ById = Callable[[Principal, list[str]], Awaitable[Mapping[str, T]]]
Children = Callable[[Principal, list[str]], Awaitable[Sequence[V]]]


def _caller(info: Ctx) -> tuple[Casting, Principal]:
    return info.context.services, authorize(info)


def _by_id(info: Ctx, query: Callable[[Casting], ById[T]]) -> DataLoader[str, T | None]:
    """The request's loader of what the caller may see by id, through one read of `Casting`
    (`lambda c: c.roles`): one round trip per batch, one loader per read per request."""
    casting, principal = _caller(info)
    load = query(casting)
    name = getattr(load, "__name__", repr(load))
    return info.context.loader(name, lambda: batch_loader(lambda ids: load(principal, ids)))


def _children(
    info: Ctx, query: Callable[[Casting], Children[V]], parent: Callable[[V], str]
) -> DataLoader[str, list[V]]:
    """The request's loader of the children of many parents at once, grouped by `parent`."""
    casting, principal = _caller(info)
    load = query(casting)
    name = getattr(load, "__name__", repr(load))
    return info.context.loader(name, lambda: group_loader(lambda ids: load(principal, ids), parent))


def talent_loader(info: Ctx) -> DataLoader[str, model.Talent | None]:
    return _by_id(info, lambda c: c.talents)


def relationship_loader(info: Ctx) -> DataLoader[str, model.Relationship | None]:
    """The caller's organisation's ties to talent, asked together for every talent of the
    request whose personal fields need them."""
    return _by_id(info, lambda c: c.relationships)


def note_loader(info: Ctx) -> DataLoader[str, model.TalentNote | None]:
    """The caller's organisation's private notes, by talent id."""
    return _by_id(info, lambda c: c.talent_notes)


def role_loader(info: Ctx) -> DataLoader[str, model.Role | None]:
    return _by_id(info, lambda c: c.roles)


def booking_loader(info: Ctx) -> DataLoader[str, model.Booking | None]:
    return _by_id(info, lambda c: c.bookings)


def submission_loader(info: Ctx) -> DataLoader[str, model.Submission | None]:
    return _by_id(info, lambda c: c.submissions)


def session_loader(info: Ctx) -> DataLoader[str, auditions.AuditionSession | None]:
    return org_loader(info, PERMISSIONS["auditionSession"], lambda c: c.audition_sessions)


def roles_by_production_loader(info: Ctx) -> DataLoader[str, list[model.Role]]:
    return _children(info, lambda c: c.roles_of_productions, lambda r: r.production_id)


def bookings_by_role_loader(info: Ctx) -> DataLoader[str, list[model.Booking]]:
    return _children(info, lambda c: c.bookings_of_roles, lambda b: b.role_id)


def submissions_by_role_loader(info: Ctx) -> DataLoader[str, list[model.Submission]]:
    return _children(info, lambda c: c.submissions_of_roles, lambda s: s.role_id)


def invitations_by_session_loader(
    info: Ctx,
) -> DataLoader[str, list[auditions.AuditionInvitation]]:
    return _children(info, lambda c: c.invitations_of_sessions, lambda i: i.session_id)


def invitations_by_submission_loader(
    info: Ctx,
) -> DataLoader[str, list[auditions.AuditionInvitation]]:
    return _children(info, lambda c: c.invitations_of_submissions, lambda i: i.submission_id)


def tapes_by_submission_loader(info: Ctx) -> DataLoader[str, list[auditions.SelfTapeRequest]]:
    return _children(info, lambda c: c.self_tapes_of_submissions, lambda r: r.submission_id)


def bookings_by_production_loader(info: Ctx) -> DataLoader[str, list[model.Booking]]:
    return _children(info, lambda c: c.bookings_of_productions, lambda b: b.production_id)


def _offset(cursor: str | None) -> int:
    """A search cursor is the position after its edge ("o:<n>")."""
    if cursor is None:
        return 0
    kind, _, n = cursor.partition(":")
    if kind != "o" or not n.isdigit() or len(n) > 7:
        raise graphql_error("after: not a valid cursor", "INVALID")
    return int(n)


# --- types -------------------------------------------------------------------------------------


@strawberry.type
class Rate:
    amount: str
    currency: str
    unit: model.RateUnit

    @classmethod
    def from_model(cls, rate: model.Rate) -> Rate:
        return cls(amount=str(rate.amount), currency=rate.currency, unit=model.RateUnit(rate.unit))


@strawberry.type
class Physical:
    height_cm: int | None
    eyes: str
    hair: str


@strawberry.type(description="A headshot, reel or self-tape, as a link.")
class Media:
    url: str
    kind: model.MediaKind
    caption: str
    order: int


@strawberry.type
class Representation:
    agency: str
    agent_name: str
    agent_email: str | None = strawberry.field(description="Staff and the talent only.")
    agent_phone: str | None = strawberry.field(description="Staff and the talent only.")


@strawberry.type(description="The caller's organisation's private note: no other sees it.")
class PrivateNote:
    note: str
    rating: int | None


@strawberry.federation.type(keys=["id"], description="A performer in the casting network.")
class Talent:
    id: strawberry.ID
    name: str
    union: model.Union
    profile: strawberry.Private[model.Talent]

    @classmethod
    def from_model(cls, talent: model.Talent) -> Talent:
        return cls(
            id=strawberry.ID(talent.id), name=talent.name, union=talent.union, profile=talent
        )

    @strawberry.field(
        description="Contact email: the talent themselves, and casting staff of an organisation"
        " that holds or books them (or registered them); null for everyone else."
    )
    async def email(self, info: Ctx) -> str | None:
        casting, principal = _caller(info)
        return await casting.email_of(principal, self.profile, self._relationship(info))

    @strawberry.field(
        description="Birth date: masked unless the viewer is the talent themselves, or legal of"
        " an organisation that books them."
    )
    async def date_of_birth(self, info: Ctx) -> str:
        casting, principal = _caller(info)
        return await casting.date_of_birth_of(principal, self.profile, self._relationship(info))

    @strawberry.field
    def pronouns(self) -> str:
        return self.profile.profile.pronouns

    @strawberry.field
    def home_base(self) -> str:
        return self.profile.profile.home_base

    @strawberry.field
    def union_status(self) -> model.UnionStatus | None:
        return self.profile.profile.union_status

    @strawberry.field
    def skills(self) -> list[str]:
        return list(self.profile.profile.skills)

    @strawberry.field
    def languages(self) -> list[str]:
        return list(self.profile.profile.languages)

    @strawberry.field
    def physical(self) -> Physical:
        p = self.profile.profile.physical
        return Physical(height_cm=p.height_cm, eyes=p.eyes, hair=p.hair)

    @strawberry.field
    def bio(self) -> str:
        return self.profile.profile.bio

    @strawberry.field
    def media(self) -> list[Media]:
        return [
            Media(url=m.url, kind=m.kind, caption=m.caption, order=m.order)
            for m in self.profile.profile.media
        ]

    @strawberry.field
    def representation(self, info: Ctx) -> Representation:
        casting, principal = _caller(info)
        rep = self.profile.profile.representation
        contact = casting.sees_agent_contact(principal, self.profile)
        return Representation(
            agency=rep.agency,
            agent_name=rep.agent_name,
            agent_email=rep.agent_email if contact else None,
            agent_phone=rep.agent_phone if contact else None,
        )

    @strawberry.field(
        description="Age today, from the sealed birth date (never shown): staff and the talent"
        " only, null for everyone else."
    )
    def age(self, info: Ctx) -> int | None:
        casting, principal = _caller(info)
        return casting.age_of(principal, self.profile)

    @strawberry.field(description="Under 18 today: staff and the talent only.")
    def is_minor(self, info: Ctx) -> bool | None:
        casting, principal = _caller(info)
        age = casting.age_of(principal, self.profile)
        return None if age is None else age < model.ADULT_AGE

    @strawberry.field(description="The caller's organisation's private note and rating.")
    async def private_note(self, info: Ctx) -> PrivateNote | None:
        note = await note_loader(info).load(self.profile.id)
        return PrivateNote(note=note.note, rating=note.rating) if note else None

    def _relationship(self, info: Ctx) -> Callable[[], Awaitable[model.Relationship]]:
        async def relationship() -> model.Relationship:
            found = await relationship_loader(info).load(self.profile.id)
            return found or model.NO_RELATIONSHIP

        return relationship

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Talent | None:
        authorize(info, *PERMISSIONS["_entities"])
        return await cls.load(info, str(id))

    @classmethod
    async def load(cls, info: Ctx, id: str) -> Talent | None:
        talent = await talent_loader(info).load(id)
        return cls.from_model(talent) if talent else None


def _money(value: model.Money | None) -> Money | None:
    return Money(amount=str(value.amount), currency=value.currency) if value else None


def _instant(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at is not None else None


@strawberry.type(description="Whom a role is for (null: no requirement).")
class Requirements:
    age_min: int | None
    age_max: int | None
    skills: list[str]
    union: model.Union | None


@strawberry.type(description="What the talent grants: media, territory, term.")
class Usage:
    media: list[str]
    territory: str
    term: str


@strawberry.type(description="A part to cast (a breakdown line) with its rate and work dates.")
class Role:
    id: strawberry.ID
    name: str
    rate: Rate
    work_dates: list[str]
    production_id: strawberry.ID
    quantity: int = strawberry.field(description="How many talent the role books.")
    cancellation_fee: Money = strawberry.field(
        description="Owed by a booking of this role released after its confirmation."
    )
    status: model.RoleStatus = strawberry.field(
        description="DRAFT (its organisation only), PUBLISHED (network-wide, takes"
        " submissions), CLOSED."
    )
    description: str
    requirements: Requirements
    usage: Usage
    submission_deadline: str | None

    @classmethod
    def from_model(cls, role: model.Role) -> Role:
        req, usage = role.breakdown.requirements, role.breakdown.usage
        return cls(
            id=strawberry.ID(role.id),
            name=role.name,
            rate=Rate.from_model(role.rate),
            work_dates=[d.isoformat() for d in role.work_dates],
            production_id=strawberry.ID(role.production_id),
            quantity=role.quantity,
            cancellation_fee=Money(amount=str(role.cancellation_fee), currency=role.rate.currency),
            status=role.status,
            description=role.breakdown.description,
            requirements=Requirements(
                age_min=req.age_min, age_max=req.age_max, skills=list(req.skills), union=req.union
            ),
            usage=Usage(media=list(usage.media), territory=usage.territory, term=usage.term),
            submission_deadline=_instant(role.breakdown.submission_deadline),
        )

    @strawberry.field
    async def bookings(self, info: Ctx) -> list[Booking]:
        bookings = await bookings_by_role_loader(info).load(str(self.id))
        return [Booking.from_model(b) for b in bookings]

    @strawberry.field(
        description="Talent put forward for the role: every one for its organisation, the"
        " ones it made for an agency."
    )
    async def submissions(self, info: Ctx) -> list[Submission]:
        found = await submissions_by_role_loader(info).load(str(self.id))
        return [Submission.from_model(s) for s in found]

    @strawberry.field
    def production(self) -> Production:
        return Production(id=self.production_id)


@strawberry.type(description="A talent put forward for a published role.")
class Submission:
    id: strawberry.ID
    status: model.SubmissionStatus
    note: str
    shortlist_rank: int | None = strawberry.field(description="1-6 once shortlisted.")
    self_submitted: bool
    submitted_at: str
    talent_id: strawberry.Private[str]
    role_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, s: model.Submission) -> Submission:
        return cls(
            id=strawberry.ID(s.id),
            status=s.status,
            note=s.note,
            shortlist_rank=s.shortlist_rank,
            self_submitted=s.self_submitted,
            submitted_at=_instant(s.submitted_at) or "",
            talent_id=s.talent_id,
            role_id=s.role_id,
        )

    @strawberry.field
    async def talent(self, info: Ctx) -> Talent | None:
        return await Talent.load(info, self.talent_id)

    @strawberry.field
    async def role(self, info: Ctx) -> Role | None:
        role = await role_loader(info).load(self.role_id)
        return Role.from_model(role) if role else None

    @strawberry.field(description="Audition and callback invitations of this submission.")
    async def auditions(self, info: Ctx) -> list[AuditionInvitation]:
        found = await invitations_by_submission_loader(info).load(str(self.id))
        return [AuditionInvitation.from_model(i) for i in found]

    @strawberry.field
    async def self_tapes(self, info: Ctx) -> list[SelfTape]:
        found = await tapes_by_submission_loader(info).load(str(self.id))
        return [SelfTape.from_model(r) for r in found]


@strawberry.type(description="A dated audition or callback block, cut into slots per room.")
class AuditionSession:
    id: strawberry.ID
    kind: auditions.SessionKind
    date: str
    timezone: str
    start: str
    end: str
    slot_minutes: int
    rooms: list[str]
    production_id: strawberry.ID

    @classmethod
    def from_model(cls, s: auditions.AuditionSession) -> AuditionSession:
        return cls(
            id=strawberry.ID(s.id),
            kind=s.kind,
            date=s.day.isoformat(),
            timezone=s.timezone,
            start=s.start.strftime("%H:%M"),
            end=s.end.strftime("%H:%M"),
            slot_minutes=s.slot_minutes,
            rooms=list(s.rooms),
            production_id=strawberry.ID(s.production_id),
        )

    @strawberry.field
    async def invitations(self, info: Ctx) -> list[AuditionInvitation]:
        found = await invitations_by_session_loader(info).load(str(self.id))
        return [AuditionInvitation.from_model(i) for i in sorted(found, key=_slot_order)]


def _slot_order(i: auditions.AuditionInvitation) -> tuple[datetime, str]:
    return i.starts_at, i.room


@strawberry.type(description="A talent invited to one slot of a session.")
class AuditionInvitation:
    id: strawberry.ID
    kind: auditions.SessionKind
    room: str
    starts_at: str
    ends_at: str
    status: auditions.InvitationStatus
    session_id: strawberry.ID
    submission_id: strawberry.ID
    talent_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, i: auditions.AuditionInvitation) -> AuditionInvitation:
        return cls(
            id=strawberry.ID(i.id),
            kind=i.kind,
            room=i.room,
            starts_at=_instant(i.starts_at) or "",
            ends_at=_instant(i.ends_at) or "",
            status=i.status,
            session_id=strawberry.ID(i.session_id),
            submission_id=strawberry.ID(i.submission_id),
            talent_id=i.talent_id,
        )

    @strawberry.field
    async def talent(self, info: Ctx) -> Talent | None:
        return await Talent.load(info, self.talent_id)


@strawberry.type(description="A self-tape casting asked for, and the tape once delivered.")
class SelfTape:
    id: strawberry.ID
    instructions: str
    due_at: str
    status: auditions.SelfTapeStatus
    media_url: str | None
    delivered_at: str | None
    late: bool

    @classmethod
    def from_model(cls, r: auditions.SelfTapeRequest) -> SelfTape:
        return cls(
            id=strawberry.ID(r.id),
            instructions=r.instructions,
            due_at=_instant(r.due_at) or "",
            status=r.status,
            media_url=r.media_url or None,
            delivered_at=_instant(r.delivered_at),
            late=r.late,
        )


@strawberry.federation.type(keys=["id"], description="A talent on hold or booked for a role.")
class Booking:
    id: strawberry.ID
    status: model.BookingStatus
    work_dates: list[str]
    is_minor: bool
    rank: int = strawberry.field(
        description="The hold's rank on its role: 1 = first hold (first refusal), 2 = second, …"
    )
    expires_at: str | None = strawberry.field(
        description="When the hold lapses unless confirmed (RFC 3339, UTC)."
    )
    cancellation_fee: Money | None = strawberry.field(
        description="Owed because the booking was released after its confirmation; null otherwise."
    )
    role_id: strawberry.Private[str]
    talent_id: strawberry.Private[str]
    production_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, booking: model.Booking) -> Booking:
        return cls(
            id=strawberry.ID(booking.id),
            status=booking.status,
            work_dates=[d.isoformat() for d in booking.work_dates],
            is_minor=booking.is_minor,
            rank=booking.rank,
            expires_at=_instant(booking.expires_at),
            cancellation_fee=_money(booking.cancellation_fee),
            role_id=booking.role_id,
            talent_id=booking.talent_id,
            production_id=booking.production_id,
        )

    @classmethod
    def from_snapshot(cls, booking: BookingSnapshot, terms: HoldTerms) -> Booking:
        """The booking as a live event announced it."""
        return cls(
            id=strawberry.ID(booking.booking_id),
            status=model.BookingStatus(booking.status),
            work_dates=list(booking.work_dates),
            is_minor=booking.is_minor,
            rank=terms.rank,
            expires_at=_instant(terms.expires_at),
            cancellation_fee=_money(terms.cancellation_fee),
            role_id=booking.role_id,
            talent_id=booking.talent_id,
            production_id=booking.production_id,
        )

    @strawberry.field
    async def talent(self, info: Ctx) -> Talent | None:
        return await Talent.load(info, self.talent_id)

    @strawberry.field
    async def role(self, info: Ctx) -> Role | None:
        role = await role_loader(info).load(self.role_id)
        return Role.from_model(role) if role else None

    @strawberry.field
    def production(self) -> Production:
        return Production(id=strawberry.ID(self.production_id))

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Booking | None:
        authorize(info, *PERMISSIONS["_entities"])
        return await cls.load(info, str(id))

    @classmethod
    async def load(cls, info: Ctx, id: str) -> Booking | None:
        booking = await booking_loader(info).load(id)
        return cls.from_model(booking) if booking else None


@strawberry.federation.type(keys=["id"])
class Production(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(description="Roles of this production (casting).")
    async def roles(self, info: Ctx) -> list[Role]:
        roles = await roles_by_production_loader(info).load(str(self.id))
        return [Role.from_model(r) for r in roles]

    @strawberry.field(description="Every hold and booking of this production (casting).")
    async def bookings(self, info: Ctx) -> list[Booking]:
        bookings = await bookings_by_production_loader(info).load(str(self.id))
        return [Booking.from_model(b) for b in bookings]


# --- inputs and payloads -----------------------------------------------------------------------


@strawberry.input
class RateInput:
    amount: str = strawberry.field(description='Decimal string, e.g. "1200.00".')
    currency: str = "USD"
    unit: model.RateUnit = model.RateUnit.DAY


@strawberry.input
class RequirementsInput:
    age_min: int | None = None
    age_max: int | None = None
    skills: list[str] = strawberry.field(default_factory=list)
    union: model.Union | None = None


@strawberry.input
class UsageInput:
    media: list[str] = strawberry.field(default_factory=list)
    territory: str = ""
    term: str = ""


@strawberry.input
class CreateRoleInput:
    production_id: strawberry.ID
    name: str
    rate: RateInput
    work_dates: list[str]
    quantity: int = strawberry.field(default=1, description="How many talent the role books.")
    cancellation_fee: str | None = strawberry.field(
        default=None,
        description="Decimal amount in the rate's currency owed when a booking is released"
        " after its confirmation; by default one unit of the rate.",
    )
    description: str = ""
    requirements: RequirementsInput | None = None
    usage: UsageInput | None = None
    submission_deadline: str | None = strawberry.field(
        default=None, description="ISO 8601 with offset; submissions close then."
    )

    def breakdown(self) -> BreakdownInput:
        req = self.requirements or RequirementsInput()
        usage = self.usage or UsageInput()
        return BreakdownInput(
            description=self.description,
            age_min=req.age_min,
            age_max=req.age_max,
            skills=req.skills,
            union=req.union.value if req.union is not None else None,
            media=usage.media,
            territory=usage.territory,
            term=usage.term,
            submission_deadline=self.submission_deadline,
        )


@strawberry.input
class RoleInput:
    role_id: strawberry.ID


@strawberry.type
class RolePayload:
    role: Role | None
    user_errors: list[UserError]

    @classmethod
    async def of(cls, work: Awaitable[model.Role]) -> RolePayload:
        role, errors = await attempt(work)
        return cls(role=Role.from_model(role) if role else None, user_errors=errors)


@strawberry.input
class SubmitTalentInput:
    role_id: strawberry.ID
    talent_id: strawberry.ID
    note: str = ""


@strawberry.input
class SubmissionInput:
    submission_id: strawberry.ID


@strawberry.input
class ShortlistSubmissionInput:
    submission_id: strawberry.ID
    rank: int = strawberry.field(description="1-6, as Breakdown Express numbers its selects.")


@strawberry.type
class SubmissionPayload:
    submission: Submission | None
    user_errors: list[UserError]

    @classmethod
    async def of(cls, work: Awaitable[model.Submission]) -> SubmissionPayload:
        found, errors = await attempt(work)
        return cls(submission=Submission.from_model(found) if found else None, user_errors=errors)


@strawberry.input(description="Every filter given must hold.")
class TalentFilter:
    union: model.UnionStatus | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_on: str | None = strawberry.field(
        default=None, description="The date ages are taken on (YYYY-MM-DD); today by default."
    )
    skills: list[str] = strawberry.field(default_factory=list)
    languages: list[str] = strawberry.field(default_factory=list)
    home_base: str | None = None
    available_on: list[str] = strawberry.field(
        default_factory=list,
        description="Dates (YYYY-MM-DD) scheduling must see the talent free on; asked for the"
        " 500 best matches.",
    )


@strawberry.type
class TalentConnection:
    total_count: int
    edges: list[Edge[Talent]]
    page_info: PageInfo


@strawberry.input
class CreateAuditionSessionInput:
    production_id: strawberry.ID
    date: str = strawberry.field(description="YYYY-MM-DD in `timezone`.")
    timezone: str = strawberry.field(description="IANA, e.g. America/Los_Angeles.")
    start: str = strawberry.field(description="HH:MM, local.")
    end: str
    slot_minutes: int
    rooms: list[str]
    kind: auditions.SessionKind = auditions.SessionKind.AUDITION


@strawberry.type
class AuditionSessionPayload:
    session: AuditionSession | None
    user_errors: list[UserError]


@strawberry.input
class InviteToAuditionInput:
    session_id: strawberry.ID
    submission_id: strawberry.ID
    room: str | None = None
    start: str | None = strawberry.field(
        default=None,
        description="A slot's start (ISO 8601 with offset); the first free slot by default.",
    )


@strawberry.input
class RespondToAuditionInput:
    invitation_id: strawberry.ID
    accept: bool


@strawberry.type
class AuditionInvitationPayload:
    invitation: AuditionInvitation | None
    user_errors: list[UserError]

    @classmethod
    async def of(cls, work: Awaitable[auditions.AuditionInvitation]) -> AuditionInvitationPayload:
        found, errors = await attempt(work)
        return cls(
            invitation=AuditionInvitation.from_model(found) if found else None,
            user_errors=errors,
        )


@strawberry.input
class RequestSelfTapeInput:
    submission_id: strawberry.ID
    due_at: str = strawberry.field(description="ISO 8601 with offset.")
    instructions: str = ""


@strawberry.input
class DeliverSelfTapeInput:
    request_id: strawberry.ID
    url: str


@strawberry.type
class SelfTapePayload:
    self_tape: SelfTape | None
    user_errors: list[UserError]

    @classmethod
    async def of(cls, work: Awaitable[auditions.SelfTapeRequest]) -> SelfTapePayload:
        found, errors = await attempt(work)
        return cls(self_tape=SelfTape.from_model(found) if found else None, user_errors=errors)


@strawberry.type
class RoleConnection:
    edges: list[Edge[Role]]
    page_info: PageInfo


@strawberry.type
class CreateRolePayload:
    role: Role | None
    user_errors: list[UserError]


@strawberry.input
class RegisterTalentInput:
    name: str
    email: str
    date_of_birth: str
    union: model.Union = model.Union.NONE


@strawberry.input
class PhysicalInput:
    height_cm: int | None = None
    eyes: str | None = None
    hair: str | None = None


@strawberry.input
class MediaInput:
    url: str
    kind: model.MediaKind
    caption: str = ""
    order: int = 0


@strawberry.input
class RepresentationInput:
    agency: str | None = None
    agent_name: str | None = None
    agent_email: str | None = None
    agent_phone: str | None = None


@strawberry.input(description="Fields left out (null) stay as they are; lists replace.")
class UpdateTalentProfileInput:
    talent_id: strawberry.ID
    pronouns: str | None = None
    home_base: str | None = None
    union_status: model.UnionStatus | None = None
    skills: list[str] | None = None
    languages: list[str] | None = None
    physical: PhysicalInput | None = None
    bio: str | None = None
    media: list[MediaInput] | None = None
    representation: RepresentationInput | None = None

    def changes(self) -> model.ProfileChanges:
        physical = self.physical or PhysicalInput()
        rep = self.representation or RepresentationInput()
        return model.ProfileChanges(
            pronouns=self.pronouns,
            home_base=self.home_base,
            union_status=self.union_status.value if self.union_status else None,
            skills=self.skills,
            languages=self.languages,
            height_cm=physical.height_cm,
            eyes=physical.eyes,
            hair=physical.hair,
            bio=self.bio,
            media=(
                [model.MediaInput(m.url, m.kind.value, m.caption, m.order) for m in self.media]
                if self.media is not None
                else None
            ),
            agency=rep.agency,
            agent_name=rep.agent_name,
            agent_email=rep.agent_email,
            agent_phone=rep.agent_phone,
        )


@strawberry.input
class SetTalentNoteInput:
    talent_id: strawberry.ID
    note: str = ""
    rating: int | None = strawberry.field(default=None, description="1-5.")


@strawberry.type
class TalentNotePayload:
    note: PrivateNote | None
    user_errors: list[UserError]


@strawberry.type
class RegisterTalentPayload:
    talent: Talent | None
    user_errors: list[UserError]


@strawberry.input
class HoldTalentInput:
    role_id: strawberry.ID
    talent_id: strawberry.ID
    rank: int | None = strawberry.field(
        default=None,
        description="1 = first hold (first refusal), 2 = second, …; by default behind the"
        " role's other holds. Ranks are consecutive and each is held by one talent.",
    )
    expires_at: str | None = strawberry.field(
        default=None,
        description="When the hold lapses (ISO 8601 with offset); by default when the work starts.",
    )


@strawberry.type
class ExpireHoldsPayload:
    expired: list[Booking]
    user_errors: list[UserError]


@strawberry.input
class ConfirmBookingInput:
    booking_id: strawberry.ID


@strawberry.input
class ReleaseBookingInput:
    booking_id: strawberry.ID
    reason: str = ""


@strawberry.type
class BookingPayload:
    booking: Booking | None
    user_errors: list[UserError]

    @classmethod
    async def of(cls, work: Awaitable[model.Booking]) -> BookingPayload:
        booking, errors = await attempt(work)
        return cls(booking=Booking.from_model(booking) if booking else None, user_errors=errors)


# --- root types --------------------------------------------------------------------------------


@strawberry.type
class Query:
    @strawberry.field
    async def talent(self, info: Ctx, id: strawberry.ID) -> Talent | None:
        authorize(info, *PERMISSIONS["talent"])
        return await Talent.load(info, str(id))

    @strawberry.field
    async def role(self, info: Ctx, id: strawberry.ID) -> Role | None:
        authorize(info, *PERMISSIONS["role"])
        role = await role_loader(info).load(str(id))
        return Role.from_model(role) if role else None

    @strawberry.field(description="Published roles of every organisation, in id order.")
    async def breakdowns(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> RoleConnection:
        casting, principal = _caller(info)
        size = clamp_first(first)
        roles = await casting.breakdowns(principal, first=size + 1, after=decode_cursor(after))
        page = roles[:size]
        edges = [Edge(cursor=encode_cursor(r.id), node=Role.from_model(r)) for r in page]
        return RoleConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(roles) > size,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(
        description="Talent by relevance to `text` over name, skills and bio, filtered; cursor"
        " pages with the total count."
    )
    async def search_talent(
        self,
        info: Ctx,
        text: str | None = None,
        filter: TalentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> TalentConnection:
        casting = info.context.services
        principal = authorize(info, *PERMISSIONS["searchTalent"])  # before reading the input
        size = clamp_first(first, default=20, maximum=100)
        offset = _offset(decode_cursor(after))
        f = filter or TalentFilter()
        try:
            page = await casting.search_talent(
                principal,
                text=text,
                union_status=f.union.value if f.union is not None else None,
                age_min=f.age_min,
                age_max=f.age_max,
                age_on=f.age_on,
                skills=f.skills,
                languages=f.languages,
                home_base=f.home_base,
                available_on=f.available_on,
                first=size,
                offset=offset,
            )
        except ValidationErrors as exc:
            first_error = exc.errors[0]
            raise graphql_error(
                f"{first_error.field or 'input'}: {first_error.message}", first_error.code
            ) from None
        except DomainUserError as exc:
            raise graphql_error(f"{exc.field or 'input'}: {exc.message}", exc.code) from None
        edges = [
            Edge(cursor=encode_cursor(f"o:{offset + n + 1}"), node=Talent.from_model(t))
            for n, t in enumerate(page.talent)
        ]
        return TalentConnection(
            total_count=page.total,
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.next_offset is not None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field
    async def audition_session(self, info: Ctx, id: strawberry.ID) -> AuditionSession | None:
        authorize(info, *PERMISSIONS["auditionSession"])
        found = await session_loader(info).load(str(id))
        return AuditionSession.from_model(found) if found else None

    @strawberry.field
    async def submission(self, info: Ctx, id: strawberry.ID) -> Submission | None:
        authorize(info, *PERMISSIONS["submission"])
        found = await submission_loader(info).load(str(id))
        return Submission.from_model(found) if found else None

    @strawberry.field
    async def booking(self, info: Ctx, id: strawberry.ID) -> Booking | None:
        authorize(info, *PERMISSIONS["booking"])
        return await Booking.load(info, str(id))


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_role(self, info: Ctx, input: CreateRoleInput) -> CreateRolePayload:
        casting, principal = _caller(info)
        role, errors = await attempt(
            casting.create_role(
                principal,
                production_id=str(input.production_id),
                name=input.name,
                amount=input.rate.amount,
                currency=input.rate.currency,
                unit=input.rate.unit.value,
                work_dates=input.work_dates,
                quantity=input.quantity,
                cancellation_fee=input.cancellation_fee,
                breakdown=input.breakdown(),
            )
        )
        return CreateRolePayload(role=Role.from_model(role) if role else None, user_errors=errors)

    @strawberry.mutation(description="Publish a draft role to talent and agents network-wide.")
    async def publish_role(self, info: Ctx, input: RoleInput) -> RolePayload:
        casting, principal = _caller(info)
        return await RolePayload.of(casting.publish_role(principal, role_id=str(input.role_id)))

    @strawberry.mutation(description="Stop a published role taking submissions.")
    async def close_role(self, info: Ctx, input: RoleInput) -> RolePayload:
        casting, principal = _caller(info)
        return await RolePayload.of(casting.close_role(principal, role_id=str(input.role_id)))

    @strawberry.mutation(
        description="Put a talent forward for a published role (an agent any talent, a talent"
        " themselves); one submission per talent and role."
    )
    async def submit_talent(self, info: Ctx, input: SubmitTalentInput) -> SubmissionPayload:
        casting, principal = _caller(info)
        return await SubmissionPayload.of(
            casting.submit_talent(
                principal,
                role_id=str(input.role_id),
                talent_id=str(input.talent_id),
                note=input.note,
            )
        )

    @strawberry.mutation(description="Casting has looked at it: it can no longer be withdrawn.")
    async def view_submission(self, info: Ctx, input: SubmissionInput) -> SubmissionPayload:
        casting, principal = _caller(info)
        return await SubmissionPayload.of(
            casting.view_submission(principal, submission_id=str(input.submission_id))
        )

    @strawberry.mutation
    async def shortlist_submission(
        self, info: Ctx, input: ShortlistSubmissionInput
    ) -> SubmissionPayload:
        casting, principal = _caller(info)
        return await SubmissionPayload.of(
            casting.shortlist_submission(
                principal, submission_id=str(input.submission_id), rank=input.rank
            )
        )

    @strawberry.mutation
    async def select_submission(self, info: Ctx, input: SubmissionInput) -> SubmissionPayload:
        casting, principal = _caller(info)
        return await SubmissionPayload.of(
            casting.select_submission(principal, submission_id=str(input.submission_id))
        )

    @strawberry.mutation
    async def decline_submission(self, info: Ctx, input: SubmissionInput) -> SubmissionPayload:
        casting, principal = _caller(info)
        return await SubmissionPayload.of(
            casting.decline_submission(principal, submission_id=str(input.submission_id))
        )

    @strawberry.mutation(description="Take a submission back, only before casting viewed it.")
    async def withdraw_submission(self, info: Ctx, input: SubmissionInput) -> SubmissionPayload:
        casting, principal = _caller(info)
        return await SubmissionPayload.of(
            casting.withdraw_submission(principal, submission_id=str(input.submission_id))
        )

    @strawberry.mutation
    async def create_audition_session(
        self, info: Ctx, input: CreateAuditionSessionInput
    ) -> AuditionSessionPayload:
        casting, principal = _caller(info)
        session, errors = await attempt(
            casting.create_audition_session(
                principal,
                production_id=str(input.production_id),
                date=input.date,
                timezone=input.timezone,
                start=input.start,
                end=input.end,
                slot_minutes=input.slot_minutes,
                rooms=input.rooms,
                kind=input.kind.value,
            )
        )
        return AuditionSessionPayload(
            session=AuditionSession.from_model(session) if session else None, user_errors=errors
        )

    @strawberry.mutation(description="Invite a submitted talent to a slot of a session.")
    async def invite_to_audition(
        self, info: Ctx, input: InviteToAuditionInput
    ) -> AuditionInvitationPayload:
        casting, principal = _caller(info)
        return await AuditionInvitationPayload.of(
            casting.invite_to_audition(
                principal,
                session_id=str(input.session_id),
                submission_id=str(input.submission_id),
                room=input.room,
                start=input.start,
            )
        )

    @strawberry.mutation(description="The talent accepts or declines an invitation.")
    async def respond_to_audition(
        self, info: Ctx, input: RespondToAuditionInput
    ) -> AuditionInvitationPayload:
        casting, principal = _caller(info)
        return await AuditionInvitationPayload.of(
            casting.respond_to_audition(
                principal, invitation_id=str(input.invitation_id), accept=input.accept
            )
        )

    @strawberry.mutation
    async def request_self_tape(self, info: Ctx, input: RequestSelfTapeInput) -> SelfTapePayload:
        casting, principal = _caller(info)
        return await SelfTapePayload.of(
            casting.request_self_tape(
                principal,
                submission_id=str(input.submission_id),
                due_at=input.due_at,
                instructions=input.instructions,
            )
        )

    @strawberry.mutation
    async def deliver_self_tape(self, info: Ctx, input: DeliverSelfTapeInput) -> SelfTapePayload:
        casting, principal = _caller(info)
        return await SelfTapePayload.of(
            casting.deliver_self_tape(principal, request_id=str(input.request_id), url=input.url)
        )

    @strawberry.mutation
    async def register_talent(self, info: Ctx, input: RegisterTalentInput) -> RegisterTalentPayload:
        casting, principal = _caller(info)
        talent, errors = await attempt(
            casting.register_talent(
                principal,
                name=input.name,
                email=input.email,
                date_of_birth=input.date_of_birth,
                union=input.union.value,
            )
        )
        return RegisterTalentPayload(
            talent=Talent.from_model(talent) if talent else None, user_errors=errors
        )

    @strawberry.mutation(description="The talent edits their own profile.")
    async def update_talent_profile(
        self, info: Ctx, input: UpdateTalentProfileInput
    ) -> RegisterTalentPayload:
        casting, principal = _caller(info)
        talent, errors = await attempt(
            casting.update_talent_profile(
                principal, talent_id=str(input.talent_id), changes=input.changes()
            )
        )
        return RegisterTalentPayload(
            talent=Talent.from_model(talent) if talent else None, user_errors=errors
        )

    @strawberry.mutation(description="The caller's organisation's private note and rating.")
    async def set_talent_note(self, info: Ctx, input: SetTalentNoteInput) -> TalentNotePayload:
        casting, principal = _caller(info)
        note, errors = await attempt(
            casting.set_talent_note(
                principal, talent_id=str(input.talent_id), note=input.note, rating=input.rating
            )
        )
        return TalentNotePayload(
            note=PrivateNote(note=note.note, rating=note.rating) if note else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def hold_talent(self, info: Ctx, input: HoldTalentInput) -> BookingPayload:
        casting, principal = _caller(info)
        return await BookingPayload.of(
            casting.hold_talent(
                principal,
                role_id=str(input.role_id),
                talent_id=str(input.talent_id),
                rank=input.rank,
                expires_at=input.expires_at,
            )
        )

    @strawberry.mutation
    async def confirm_booking(self, info: Ctx, input: ConfirmBookingInput) -> BookingPayload:
        casting, principal = _caller(info)
        return await BookingPayload.of(
            casting.confirm_booking(principal, booking_id=str(input.booking_id))
        )

    @strawberry.mutation
    async def release_booking(self, info: Ctx, input: ReleaseBookingInput) -> BookingPayload:
        casting, principal = _caller(info)
        return await BookingPayload.of(
            casting.release_booking(
                principal, booking_id=str(input.booking_id), reason=input.reason
            )
        )

    @strawberry.mutation(
        description="Expire the holds whose time is up (the scheduled sweep; idempotent): a"
        " service token sweeps every organisation, staff their own."
    )
    async def expire_holds(self, info: Ctx) -> ExpireHoldsPayload:
        casting, principal = _caller(info)
        expired, errors = await attempt(casting.expire_holds(principal))
        return ExpireHoldsPayload(
            expired=[Booking.from_model(b) for b in expired or []], user_errors=errors
        )


@strawberry.type(description="A change to a booking, as it happened.")
class BookingEvent:
    kind: BookingEventKind
    booking: Booking
    from_rank: int | None = strawberry.field(
        default=None, description="A promotion: the rank the hold had before."
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Holds, confirmations, releases, promotions and expiries of a production,"
        " in the order they happened for each booking."
    )
    async def booking_events(
        self, info: Ctx, production_id: strawberry.ID
    ) -> AsyncGenerator[BookingEvent, None]:
        casting, principal = _caller(info)
        try:
            changes = casting.booking_events(principal, production_id=str(production_id))
            async for change in until_expiry(principal, changes):
                yield BookingEvent(
                    kind=change.kind,
                    booking=Booking.from_snapshot(change.booking, change.terms),
                    from_rank=change.terms.from_rank,
                )
        except DomainUserError as exc:
            raise graphql_error(f"{exc.field or 'input'}: {exc.message}", exc.code) from None


schema = SubgraphSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[Production, Talent, Booking],
)
