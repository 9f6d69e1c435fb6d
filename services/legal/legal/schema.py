"""Legal's subgraph: contracts and work permits; adds `contract` to Booking and `contracts` to
Production."""

from __future__ import annotations

import strawberry
from slate.graphql import (
    ExtendedEntity,
    GraphQLContext,
    SubgraphSchema,
    UserError,
    attempt,
    authorize,
    org_loader,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from legal.domain import compliance
from legal.usecases import PERMISSIONS, Legal

Ctx = Info[GraphQLContext[Legal], None]


# The domain's enum is the GraphQL enum (strawberry marks the class; nothing else changes).
strawberry.enum(compliance.ContractStatus, name="ContractStatus")


@strawberry.type(description="A performer's contract or deal memo for one booking.")
class Contract:
    id: strawberry.ID
    status: compliance.ContractStatus
    template: str
    booking_id: strawberry.ID
    role_name: str

    @classmethod
    def from_model(cls, c: compliance.Contract) -> Contract:
        return cls(
            id=strawberry.ID(c.id),
            status=c.status,
            template=c.template,
            booking_id=strawberry.ID(c.booking_id),
            role_name=c.role_name,
        )


@strawberry.type(description="A minor's Entertainment Work Permit.")
class WorkPermit:
    id: strawberry.ID
    talent_id: strawberry.ID
    number: str
    expires_on: str

    @classmethod
    def from_model(cls, p: compliance.WorkPermit) -> WorkPermit:
        return cls(
            id=strawberry.ID(p.id),
            talent_id=strawberry.ID(p.talent_id),
            number=p.number,
            expires_on=p.expires_on.isoformat(),
        )


def contract_of_booking(info: Ctx) -> DataLoader[str, compliance.Contract | None]:
    return org_loader(info, PERMISSIONS["contract"], lambda legal: legal.contract_by_booking)


def contracts_of_production(info: Ctx) -> DataLoader[str, list[compliance.Contract] | None]:
    return org_loader(info, PERMISSIONS["contracts"], lambda legal: legal.contracts_by_production)


@strawberry.federation.type(keys=["id"])
class Booking(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(description="The booking's contract (legal); null until drafted.")
    async def contract(self, info: Ctx) -> Contract | None:
        found = await contract_of_booking(info).load(str(self.id))
        return Contract.from_model(found) if found else None


@strawberry.federation.type(keys=["id"])
class Production(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(description="Contracts of this production (legal).")
    async def contracts(self, info: Ctx) -> list[Contract]:
        found = await contracts_of_production(info).load(str(self.id))
        return [Contract.from_model(c) for c in found or ()]


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
        org = authorize(info, *PERMISSIONS["contract"]).org
        found = await info.context.services.contract(org, str(id))
        return Contract.from_model(found) if found else None


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def record_work_permit(
        self, info: Ctx, input: RecordWorkPermitInput
    ) -> RecordWorkPermitPayload:
        permit, errors = await attempt(
            info.context.services.record_work_permit(
                authorize(info),
                talent_id=str(input.talent_id),
                number=input.number,
                expires_on=input.expires_on,
            )
        )
        return RecordWorkPermitPayload(
            work_permit=WorkPermit.from_model(permit) if permit else None, user_errors=errors
        )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[Booking, Production])
