"""Scheduling's subgraph: owns Production."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from slate.graphql import (
    AuthenticationRequired,
    Edge,
    GraphQLContext,
    PageInfo,
    UserError,
    attempt,
    authorize,
    batch_loader,
    clamp_first,
    decode_cursor,
    encode_cursor,
)
from strawberry.types import Info

from scheduling.usecases import Scheduling

Ctx = Info[GraphQLContext, Any]
Doc = Mapping[str, Any]


def scheduling(info: Ctx) -> Scheduling:
    services: Scheduling = info.context.services
    return services


@strawberry.enum
class ProductionKind(Enum):
    COMMERCIAL = "COMMERCIAL"
    FILM = "FILM"
    TV = "TV"
    MUSIC_VIDEO = "MUSIC_VIDEO"
    LIVE_EVENT = "LIVE_EVENT"


@strawberry.enum
class ProductionStage(Enum):
    DEVELOPMENT = "DEVELOPMENT"
    PRE_PRODUCTION = "PRE_PRODUCTION"
    PRODUCTION = "PRODUCTION"
    POST_PRODUCTION = "POST_PRODUCTION"
    DELIVERED = "DELIVERED"


def production_loader(info: Ctx) -> Any:
    org = authorize(info).org
    return info.context.loader(
        "production",
        lambda: batch_loader(lambda ids: scheduling(info).store.productions.get_many(org, ids)),
    )


@strawberry.federation.type(keys=["id"], description="A production: a commercial, film, show…")
class Production:
    id: strawberry.ID
    title: str
    client: str
    kind: ProductionKind
    stage: ProductionStage
    timezone: str
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: Doc) -> Production:
        return cls(
            id=strawberry.ID(doc["_id"]),
            title=doc["title"],
            client=doc["client"],
            kind=ProductionKind(doc["kind"]),
            stage=ProductionStage(doc["stage"]),
            timezone=doc["timezone"],
            created_at=doc["created_at"],
        )

    @classmethod
    async def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Production | None:
        doc = await production_loader(info).load(str(id))
        return cls.from_doc(doc) if doc else None


@strawberry.type
class ProductionConnection:
    edges: list[Edge[Production]]
    page_info: PageInfo


@strawberry.input
class CreateProductionInput:
    title: str
    client: str = ""
    kind: ProductionKind = ProductionKind.COMMERCIAL
    timezone: str = "America/Los_Angeles"


@strawberry.type
class CreateProductionPayload:
    production: Production | None
    user_errors: list[UserError]


@strawberry.type
class Query:
    @strawberry.field
    async def production(self, info: Ctx, id: strawberry.ID) -> Production | None:
        doc = await production_loader(info).load(str(id))
        return Production.from_doc(doc) if doc else None

    @strawberry.field
    async def productions(
        self, info: Ctx, first: int | None = None, after: str | None = None
    ) -> ProductionConnection:
        principal = authorize(info)
        size = clamp_first(first)
        docs = await scheduling(info).productions(
            principal, first=size + 1, after=decode_cursor(after)
        )
        page = docs[:size]
        edges = [Edge(cursor=encode_cursor(d["_id"]), node=Production.from_doc(d)) for d in page]
        return ProductionConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(docs) > size, end_cursor=edges[-1].cursor if edges else None
            ),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_production(
        self, info: Ctx, input: CreateProductionInput
    ) -> CreateProductionPayload:
        principal = authorize(info)
        doc, errors = await attempt(
            scheduling(info).create_production(
                principal,
                title=input.title,
                client=input.client,
                kind=input.kind.value,
                timezone=input.timezone,
            )
        )
        return CreateProductionPayload(
            production=Production.from_doc(doc) if doc else None, user_errors=errors
        )


schema = strawberry.federation.Schema(
    query=Query,
    mutation=Mutation,
    types=[Production],
    extensions=[AuthenticationRequired],
    federation_version="2.9",
)
