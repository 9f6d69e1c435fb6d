"""Scheduling's subgraph: owns Production."""

from __future__ import annotations

from datetime import datetime

import strawberry
from slate.graphql import (
    Edge,
    GraphQLContext,
    PageInfo,
    SubgraphSchema,
    UserError,
    attempt,
    authorize,
    clamp_first,
    decode_cursor,
    encode_cursor,
    org_loader,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from scheduling.domain import productions as model
from scheduling.usecases import PERMISSIONS, Scheduling

Ctx = Info[GraphQLContext[Scheduling], None]


# The domain's enums are the GraphQL enums (strawberry marks the classes; nothing else changes).
strawberry.enum(model.ProductionKind, name="ProductionKind")
strawberry.enum(model.Stage, name="ProductionStage")


def production_loader(info: Ctx) -> DataLoader[str, model.Production | None]:
    """The request's productions by id, in the caller's organisation (batched)."""
    return org_loader(
        info, PERMISSIONS["production"], lambda scheduling: scheduling.productions_by_id
    )


@strawberry.federation.type(keys=["id"], description="A production: a commercial, film, show…")
class Production:
    id: strawberry.ID
    title: str
    client: str
    kind: model.ProductionKind
    stage: model.Stage
    timezone: str
    created_at: datetime

    @classmethod
    def from_model(cls, p: model.Production) -> Production:
        assert p.created_at is not None, "only stored productions reach the API"
        return cls(
            id=strawberry.ID(p.id),
            title=p.title,
            client=p.client,
            kind=p.kind,
            stage=p.stage,
            timezone=p.timezone,
            created_at=p.created_at,
        )

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Production | None:
        found = await production_loader(info).load(str(id))
        return cls.from_model(found) if found is not None else None


@strawberry.type
class ProductionConnection:
    edges: list[Edge[Production]]
    page_info: PageInfo


@strawberry.input
class CreateProductionInput:
    title: str
    client: str = ""
    kind: model.ProductionKind = model.ProductionKind.COMMERCIAL
    timezone: str = "America/Los_Angeles"


@strawberry.type
class CreateProductionPayload:
    production: Production | None
    user_errors: list[UserError]


@strawberry.type
class Query:
    @strawberry.field
    async def production(self, info: Ctx, id: strawberry.ID) -> Production | None:
        found = await production_loader(info).load(str(id))
        return Production.from_model(found) if found is not None else None

    @strawberry.field
    async def productions(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> ProductionConnection:
        org = authorize(info, *PERMISSIONS["productions"]).org
        size = clamp_first(first)
        found = await info.context.services.productions(
            org, first=size + 1, after=decode_cursor(after)
        )
        page = found[:size]
        edges = [Edge(cursor=encode_cursor(p.id), node=Production.from_model(p)) for p in page]
        return ProductionConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size, end_cursor=edges[-1].cursor if edges else None
            ),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_production(
        self, info: Ctx, input: CreateProductionInput
    ) -> CreateProductionPayload:
        created, errors = await attempt(
            info.context.services.create_production(
                authorize(info),
                title=input.title,
                client=input.client,
                kind=input.kind.value,
                timezone=input.timezone,
            )
        )
        return CreateProductionPayload(
            production=Production.from_model(created) if created is not None else None,
            user_errors=errors,
        )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[Production])
