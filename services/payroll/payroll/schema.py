"""Payroll's subgraph: `Booking.engagement`, `Query.engagement` and the engagement's cost."""

from __future__ import annotations

import strawberry
from slate.errors import ValidationErrors
from slate.graphql import (
    ExtendedEntity,
    GraphQLContext,
    Money,
    SubgraphSchema,
    authorize,
    graphql_error,
    org_loader,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from payroll.domain import engagements as domain
from payroll.domain.estimates import Estimate
from payroll.usecases import PERMISSIONS, Payroll

Ctx = Info[GraphQLContext[Payroll], None]


# The domain's enum is the GraphQL enum (strawberry marks the class; nothing else changes).
strawberry.enum(domain.EngagementStatus, name="EngagementStatus")


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

    @classmethod
    def from_model(cls, estimate: Estimate, currency: str) -> CostEstimate:
        return cls(
            total=Money(amount=str(estimate.total), currency=currency),
            lines=[
                CostLine(kind=kind, amount=Money(amount=str(value), currency=currency), rule=rule)
                for kind, value, rule in estimate.lines
            ],
            warnings=list(estimate.warnings),
        )


@strawberry.type(description="The payroll side of a booking: who is paid, at what, under what.")
class Engagement:
    id: strawberry.ID
    status: domain.EngagementStatus
    agreement: str
    rate: Money
    rate_unit: str
    work_dates: list[str]
    model: strawberry.Private[domain.Engagement]

    @strawberry.field(description="Gross, fringe and agent fee for the booked dates (estimate).")
    def estimated_cost(self, info: Ctx) -> CostEstimate | None:
        authorize(info, *PERMISSIONS["estimatedCost"])
        try:
            estimate = info.context.services.estimated_cost(self.model)
        except ValidationErrors as exc:
            raise graphql_error(str(exc), "INVALID") from None
        return CostEstimate.from_model(estimate, self.model.rate.currency)

    @classmethod
    def from_model(cls, e: domain.Engagement) -> Engagement:
        return cls(
            id=strawberry.ID(e.id),
            status=e.status,
            agreement=e.agreement,
            rate=Money(amount=str(e.rate.amount), currency=e.rate.currency),
            rate_unit=e.rate.unit,
            work_dates=list(e.work_dates),
            model=e,
        )


def engagements_by_booking(info: Ctx) -> DataLoader[str, domain.Engagement | None]:
    """The request's loader of engagements by booking id (one query per batch of bookings)."""
    return org_loader(
        info, PERMISSIONS["engagement"], lambda payroll: payroll.engagements_by_booking
    )


@strawberry.federation.type(keys=["id"])
class Booking(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(description="The booking's engagement (payroll); null until opened.")
    async def engagement(self, info: Ctx) -> Engagement | None:
        found = await engagements_by_booking(info).load(str(self.id))
        return Engagement.from_model(found) if found is not None else None


@strawberry.type
class Query:
    @strawberry.field
    async def engagement(self, info: Ctx, id: strawberry.ID) -> Engagement | None:
        principal = authorize(info, *PERMISSIONS["engagement"])
        found = await info.context.services.engagement(principal.org, str(id))
        return Engagement.from_model(found) if found is not None else None


schema = SubgraphSchema(query=Query, types=[Booking])
