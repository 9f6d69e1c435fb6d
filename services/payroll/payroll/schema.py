"""Payroll's subgraph: adds `engagement` to Booking."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from slate.graphql import (
    AuthenticationRequired,
    GraphQLContext,
    Money,
    authorize,
    graphql_error,
    group_loader,
)
from strawberry.types import Info

from payroll.domain import InvalidRequest
from payroll.usecases import Payroll

Ctx = Info[GraphQLContext, Any]
Doc = Mapping[str, Any]
READERS = ("producer", "accounting", "casting")


def payroll(info: Ctx) -> Payroll:
    services: Payroll = info.context.services
    return services


@strawberry.enum
class EngagementStatus(Enum):
    PENDING_ONBOARDING = "PENDING_ONBOARDING"
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"


@strawberry.type
class CostLine:
    kind: str
    amount: Money
    rule: str


@strawberry.type(description="What the booked dates will cost before timecards exist.")
class CostEstimate:
    total: Money
    lines: list[CostLine]
    warnings: list[str]


@strawberry.type(description="The payroll side of a booking: who is paid, at what, under what.")
class Engagement:
    id: strawberry.ID
    status: EngagementStatus
    agreement: str
    rate: Money
    rate_unit: str
    work_dates: list[str]

    @strawberry.field(description="Gross, fringe and agent fee for the booked dates (estimate).")
    def estimated_cost(self, info: Ctx) -> CostEstimate | None:
        authorize(info, *READERS)
        try:
            estimate = payroll(info).estimate(
                Decimal(self.rate.amount), self.rate_unit, self.work_dates, self.agreement
            )
        except InvalidRequest as exc:
            raise graphql_error(str(exc), "INVALID") from None
        currency = self.rate.currency
        return CostEstimate(
            total=Money(amount=str(estimate.total), currency=currency),
            lines=[
                CostLine(kind=kind, amount=Money(amount=str(value), currency=currency), rule=rule)
                for kind, value, rule in estimate.lines
            ],
            warnings=estimate.warnings,
        )

    @classmethod
    def from_doc(cls, doc: Doc) -> Engagement:
        rate = doc["rate"]
        return cls(
            id=strawberry.ID(doc["_id"]),
            status=EngagementStatus(doc["status"]),
            agreement=doc["agreement"],
            rate=Money(amount=rate["amount"], currency=rate["currency"]),
            rate_unit=rate["unit"],
            work_dates=list(doc["work_dates"]),
        )


def engagements_by_booking(info: Ctx) -> Any:
    org = authorize(info, *READERS).org
    return info.context.loader(
        "engagements_by_booking",
        lambda: group_loader(
            lambda ids: payroll(info).store.engagements_by_booking(org, ids), "booking_id"
        ),
    )


@strawberry.federation.type(keys=["id"])
class Booking:
    id: strawberry.ID

    @strawberry.field(description="The booking's engagement (payroll); null until opened.")
    async def engagement(self, info: Ctx) -> Engagement | None:
        docs = await engagements_by_booking(info).load(str(self.id))
        return Engagement.from_doc(docs[0]) if docs else None

    @classmethod
    def resolve_reference(cls, info: Ctx, id: strawberry.ID) -> Booking:
        authorize(info)
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field
    async def engagement(self, info: Ctx, id: strawberry.ID) -> Engagement | None:
        principal = authorize(info, *READERS)
        doc = await payroll(info).store.engagements.get(principal.org, str(id))
        return Engagement.from_doc(doc) if doc else None


schema = strawberry.federation.Schema(
    query=Query,
    types=[Booking],
    extensions=[AuthenticationRequired],
    federation_version="2.9",
)
