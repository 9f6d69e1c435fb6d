"""Legal's subgraph: contracts and work permits; adds `contract` to Booking."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import strawberry
from slate.graphql import (
    AuthenticationRequired,
    GraphQLContext,
    UserError,
    attempt,
    authorize,
    group_loader,
)
from strawberry.types import Info

from legal.usecases import Legal

Ctx = Info[GraphQLContext, Any]
Doc = Mapping[str, Any]
READERS = ("producer", "legal", "casting", "accounting")


def legal(info: Ctx) -> Legal:
    services: Legal = info.context.services
    return services


@strawberry.enum
class ContractStatus(Enum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    SIGNED = "SIGNED"
    VOID = "VOID"


@strawberry.type(description="A performer's contract or deal memo for one booking.")
class Contract:
    id: strawberry.ID
    status: ContractStatus
    template: str
    booking_id: strawberry.ID
    role_name: str

    @classmethod
    def from_doc(cls, doc: Doc) -> Contract:
        return cls(
            id=strawberry.ID(doc["_id"]),
            status=ContractStatus(doc["status"]),
            template=doc["template"],
            booking_id=strawberry.ID(doc["booking_id"]),
            role_name=doc["role_name"],
        )


@strawberry.type(description="A minor's Entertainment Work Permit.")
class WorkPermit:
    id: strawberry.ID
    talent_id: strawberry.ID
    number: str
    expires_on: str


def contracts_by_booking(info: Ctx) -> Any:
    org = authorize(info, *READERS).org
    return info.context.loader(
        "contracts_by_booking",
        lambda: group_loader(
            lambda ids: legal(info).store.contracts_by_booking(org, ids), "booking_id"
        ),
    )


def contracts_by_production(info: Ctx) -> Any:
    org = authorize(info, *READERS).org
    return info.context.loader(
        "contracts_by_production",
        lambda: group_loader(
            lambda ids: legal(info).store.contracts_by_production(org, ids), "production_id"
        ),
    )


@strawberry.federation.type(keys=["id"])
class Booking:
    id: strawberry.ID

    @strawberry.field(description="The booking's contract (legal); null until drafted.")
    async def contract(self, info: Ctx) -> Contract | None:
        docs = await contracts_by_booking(info).load(str(self.id))
        return Contract.from_doc(docs[0]) if docs else None

    @classmethod
    def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Booking:
        authorize(info)
        return cls(id=id)


@strawberry.federation.type(keys=["id"])
class Production:
    id: strawberry.ID

    @strawberry.field(description="Contracts of this production (legal).")
    async def contracts(self, info: Ctx) -> list[Contract]:
        docs = await contracts_by_production(info).load(str(self.id))
        return [Contract.from_doc(d) for d in docs]

    @classmethod
    def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Production:
        authorize(info)
        return cls(id=id)


@strawberry.input
class RecordWorkPermitInput:
    talent_id: strawberry.ID
    number: str
    expires_on: str


@strawberry.type
class RecordWorkPermitPayload:
    work_permit: WorkPermit | None
    user_errors: list[UserError]


@strawberry.type
class Query:
    @strawberry.field
    async def contract(self, info: Ctx, id: strawberry.ID) -> Contract | None:
        principal = authorize(info, *READERS)
        doc = await legal(info).store.contracts.get(principal.org, str(id))
        return Contract.from_doc(doc) if doc else None


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def record_work_permit(
        self, info: Ctx, input: RecordWorkPermitInput
    ) -> RecordWorkPermitPayload:
        principal = authorize(info)
        doc, errors = await attempt(
            legal(info).record_work_permit(
                principal,
                talent_id=str(input.talent_id),
                number=input.number,
                expires_on=input.expires_on,
            )
        )
        permit = (
            WorkPermit(
                id=strawberry.ID(doc["_id"]),
                talent_id=strawberry.ID(doc["talent_id"]),
                number=doc["number"],
                expires_on=doc["expires_on"],
            )
            if doc
            else None
        )
        return RecordWorkPermitPayload(work_permit=permit, user_errors=errors)


schema = strawberry.federation.Schema(
    query=Query,
    mutation=Mutation,
    types=[Booking, Production],
    extensions=[AuthenticationRequired],
    federation_version="2.9",
)
