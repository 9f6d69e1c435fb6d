"""Casting's subgraph: talent, roles, bookings; adds `roles` and `bookings` to Production."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from enum import Enum
from typing import Any

import strawberry
from slate.crypto import mask_date
from slate.errors import UserError as DomainUserError
from slate.graphql import (
    AuthenticationRequired,
    GraphQLContext,
    UserError,
    attempt,
    authorize,
    batch_loader,
    graphql_error,
    group_loader,
)
from strawberry.types import Info

from casting.usecases import Casting

Ctx = Info[GraphQLContext, Any]
Doc = Mapping[str, Any]


def casting(info: Ctx) -> Casting:
    services: Casting = info.context.services
    return services


@strawberry.enum
class RateUnit(Enum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"
    FLAT = "FLAT"


@strawberry.enum
class TalentUnion(Enum):
    NONE = "NONE"
    SAG_AFTRA = "SAG_AFTRA"


@strawberry.enum
class BookingStatus(Enum):
    ON_HOLD = "ON_HOLD"
    BOOKED = "BOOKED"
    RELEASED = "RELEASED"
    CANCELLED = "CANCELLED"


@strawberry.type
class Rate:
    amount: str
    currency: str
    unit: RateUnit


# --- loaders (one per request, batched) -----------------------------------------------------


def talent_loader(info: Ctx) -> Any:
    org = authorize(info).org
    return info.context.loader(
        "talent", lambda: batch_loader(lambda ids: casting(info).store.talent.get_many(org, ids))
    )


def role_loader(info: Ctx) -> Any:
    org = authorize(info).org
    return info.context.loader(
        "role", lambda: batch_loader(lambda ids: casting(info).store.roles.get_many(org, ids))
    )


def booking_loader(info: Ctx) -> Any:
    org = authorize(info).org
    return info.context.loader(
        "booking",
        lambda: batch_loader(lambda ids: casting(info).store.bookings.get_many(org, ids)),
    )


def roles_by_production_loader(info: Ctx) -> Any:
    org = authorize(info).org
    return info.context.loader(
        "roles_by_production",
        lambda: group_loader(
            lambda ids: casting(info).store.roles_by_production(org, ids), "production_id"
        ),
    )


def bookings_by_role_loader(info: Ctx) -> Any:
    org = authorize(info).org
    return info.context.loader(
        "bookings_by_role",
        lambda: group_loader(lambda ids: casting(info).store.bookings_by_role(org, ids), "role_id"),
    )


def bookings_by_production_loader(info: Ctx) -> Any:
    org = authorize(info).org
    return info.context.loader(
        "bookings_by_production",
        lambda: group_loader(
            lambda ids: casting(info).store.bookings_by_production(org, ids), "production_id"
        ),
    )


# --- types -------------------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], description="A performer in the casting network.")
class Talent:
    id: strawberry.ID
    name: str
    union: TalentUnion
    doc: strawberry.Private[Doc]

    @classmethod
    def from_doc(cls, doc: Doc) -> Talent:
        return cls(
            id=strawberry.ID(doc["_id"]), name=doc["name"], union=TalentUnion(doc["union"]), doc=doc
        )

    @strawberry.field(description="Contact email: casting staff and the talent themselves only.")
    def email(self, info: Ctx) -> str | None:
        principal = authorize(info)
        if principal.is_talent(self.id) or principal.has_any("producer", "casting"):
            return str(self.doc["email"])
        return None

    @strawberry.field(
        description="Birth date: masked unless the viewer is the talent themselves or legal."
    )
    def date_of_birth(self, info: Ctx) -> str:
        principal = authorize(info)
        dob = casting(info).date_of_birth(self.doc).isoformat()
        if principal.is_talent(self.id) or principal.has_any("legal"):
            return dob
        return mask_date(dob)

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Talent | None:
        doc = await talent_loader(info).load(str(id))
        return cls.from_doc(doc) if doc else None


@strawberry.type(description="A part to cast (a breakdown line) with its rate and work dates.")
class Role:
    id: strawberry.ID
    name: str
    rate: Rate
    work_dates: list[str]
    production_id: strawberry.ID

    @classmethod
    def from_doc(cls, doc: Doc) -> Role:
        rate = doc["rate"]
        return cls(
            id=strawberry.ID(doc["_id"]),
            name=doc["name"],
            rate=Rate(
                amount=rate["amount"], currency=rate["currency"], unit=RateUnit(rate["unit"])
            ),
            work_dates=list(doc["work_dates"]),
            production_id=strawberry.ID(doc["production_id"]),
        )

    @strawberry.field
    async def bookings(self, info: Ctx) -> list[Booking]:
        docs = await bookings_by_role_loader(info).load(str(self.id))
        return [Booking.from_doc(d) for d in docs]

    @strawberry.field
    def production(self) -> Production:
        return Production(id=self.production_id)


@strawberry.federation.type(keys=["id"], description="A talent on hold or booked for a role.")
class Booking:
    id: strawberry.ID
    status: BookingStatus
    work_dates: list[str]
    is_minor: bool
    role_id: strawberry.Private[str]
    talent_id: strawberry.Private[str]
    production_id: strawberry.Private[str]

    @classmethod
    def from_doc(cls, doc: Doc) -> Booking:
        return cls(
            id=strawberry.ID(doc["_id"]),
            status=BookingStatus(doc["status"]),
            work_dates=list(doc["work_dates"]),
            is_minor=bool(doc.get("is_minor")),
            role_id=doc["role_id"],
            talent_id=doc["talent_id"],
            production_id=doc["production_id"],
        )

    @strawberry.field
    async def talent(self, info: Ctx) -> Talent | None:
        doc = await talent_loader(info).load(self.talent_id)
        return Talent.from_doc(doc) if doc else None

    @strawberry.field
    async def role(self, info: Ctx) -> Role | None:
        doc = await role_loader(info).load(self.role_id)
        return Role.from_doc(doc) if doc else None

    @strawberry.field
    def production(self) -> Production:
        return Production(id=strawberry.ID(self.production_id))

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Booking | None:
        doc = await booking_loader(info).load(str(id))
        return cls.from_doc(doc) if doc else None


@strawberry.federation.type(keys=["id"])
class Production:
    id: strawberry.ID

    @strawberry.field(description="Roles of this production (casting).")
    async def roles(self, info: Ctx) -> list[Role]:
        docs = await roles_by_production_loader(info).load(str(self.id))
        return [Role.from_doc(d) for d in docs]

    @strawberry.field(description="Every hold and booking of this production (casting).")
    async def bookings(self, info: Ctx) -> list[Booking]:
        docs = await bookings_by_production_loader(info).load(str(self.id))
        return [Booking.from_doc(d) for d in docs]

    @classmethod
    def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Production:
        authorize(info)
        return cls(id=id)


# --- inputs and payloads -----------------------------------------------------------------------


@strawberry.input
class RateInput:
    amount: str = strawberry.field(description='Decimal string, e.g. "1200.00".')
    currency: str = "USD"
    unit: RateUnit = RateUnit.DAY


@strawberry.input
class CreateRoleInput:
    production_id: strawberry.ID
    name: str
    rate: RateInput
    work_dates: list[str]


@strawberry.type
class CreateRolePayload:
    role: Role | None
    user_errors: list[UserError]


@strawberry.input
class RegisterTalentInput:
    name: str
    email: str
    date_of_birth: str
    union: TalentUnion = TalentUnion.NONE


@strawberry.type
class RegisterTalentPayload:
    talent: Talent | None
    user_errors: list[UserError]


@strawberry.input
class HoldTalentInput:
    role_id: strawberry.ID
    talent_id: strawberry.ID


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


# --- root types --------------------------------------------------------------------------------


@strawberry.type
class Query:
    @strawberry.field
    async def talent(self, info: Ctx, id: strawberry.ID) -> Talent | None:
        doc = await talent_loader(info).load(str(id))
        return Talent.from_doc(doc) if doc else None

    @strawberry.field
    async def role(self, info: Ctx, id: strawberry.ID) -> Role | None:
        doc = await role_loader(info).load(str(id))
        return Role.from_doc(doc) if doc else None

    @strawberry.field
    async def booking(self, info: Ctx, id: strawberry.ID) -> Booking | None:
        doc = await booking_loader(info).load(str(id))
        return Booking.from_doc(doc) if doc else None


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_role(self, info: Ctx, input: CreateRoleInput) -> CreateRolePayload:
        principal = authorize(info)
        doc, errors = await attempt(
            casting(info).create_role(
                principal,
                production_id=str(input.production_id),
                name=input.name,
                amount=input.rate.amount,
                currency=input.rate.currency,
                unit=input.rate.unit.value,
                work_dates=input.work_dates,
                auth=info.context.authorization,
            )
        )
        return CreateRolePayload(role=Role.from_doc(doc) if doc else None, user_errors=errors)

    @strawberry.mutation
    async def register_talent(self, info: Ctx, input: RegisterTalentInput) -> RegisterTalentPayload:
        principal = authorize(info)
        doc, errors = await attempt(
            casting(info).register_talent(
                principal,
                name=input.name,
                email=input.email,
                date_of_birth=input.date_of_birth,
                union=input.union.value,
            )
        )
        return RegisterTalentPayload(
            talent=Talent.from_doc(doc) if doc else None, user_errors=errors
        )

    @strawberry.mutation
    async def hold_talent(self, info: Ctx, input: HoldTalentInput) -> BookingPayload:
        principal = authorize(info)
        doc, errors = await attempt(
            casting(info).hold_talent(
                principal,
                role_id=str(input.role_id),
                talent_id=str(input.talent_id),
                auth=info.context.authorization,
            )
        )
        return BookingPayload(booking=Booking.from_doc(doc) if doc else None, user_errors=errors)

    @strawberry.mutation
    async def confirm_booking(self, info: Ctx, input: ConfirmBookingInput) -> BookingPayload:
        principal = authorize(info)
        doc, errors = await attempt(
            casting(info).confirm_booking(
                principal, booking_id=str(input.booking_id), auth=info.context.authorization
            )
        )
        return BookingPayload(booking=Booking.from_doc(doc) if doc else None, user_errors=errors)

    @strawberry.mutation
    async def release_booking(self, info: Ctx, input: ReleaseBookingInput) -> BookingPayload:
        principal = authorize(info)
        doc, errors = await attempt(
            casting(info).release_booking(
                principal, booking_id=str(input.booking_id), reason=input.reason
            )
        )
        return BookingPayload(booking=Booking.from_doc(doc) if doc else None, user_errors=errors)


@strawberry.enum
class BookingEventKind(Enum):
    HELD = "HELD"
    CONFIRMED = "CONFIRMED"
    RELEASED = "RELEASED"


@strawberry.type(description="A change to a booking, as it happened.")
class BookingEvent:
    kind: BookingEventKind
    booking: Booking


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Holds, confirmations and releases of a production.")
    async def booking_events(
        self, info: Ctx, production_id: strawberry.ID
    ) -> AsyncGenerator[BookingEvent, None]:
        principal = authorize(info)
        try:
            stream = casting(info).booking_events(
                principal, production_id=str(production_id), auth=info.context.authorization
            )
            async for kind, doc in stream:
                yield BookingEvent(kind=BookingEventKind(kind), booking=Booking.from_doc(doc))
        except DomainUserError as exc:
            raise graphql_error(f"{exc.field or 'input'}: {exc.message}", exc.code) from None


schema = strawberry.federation.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[Production, Talent, Booking],
    extensions=[AuthenticationRequired],
    federation_version="2.9",
)
