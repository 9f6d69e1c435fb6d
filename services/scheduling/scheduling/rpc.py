"""Scheduling's gRPC servicers: Availability/CheckConflicts and Productions/GetProduction."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from slate.grpc import require_caller
from slate_proto.slate.scheduling.v1 import (
    availability_pb2,
    availability_pb2_grpc,
    productions_pb2,
    productions_pb2_grpc,
)

from scheduling.domain.productions import Production
from scheduling.usecases import PERMISSIONS, Scheduling

SERVICE_NAMES = (
    availability_pb2.DESCRIPTOR.services_by_name["Availability"].full_name,
    productions_pb2.DESCRIPTOR.services_by_name["Productions"].full_name,
)


class AvailabilityServicer(availability_pb2_grpc.AvailabilityServicer):
    def __init__(self, scheduling: Scheduling) -> None:
        self._scheduling = scheduling

    async def CheckConflicts(
        self,
        request: availability_pb2.CheckConflictsRequest,
        context: grpc.aio.ServicerContext,
    ) -> availability_pb2.CheckConflictsResponse:
        require_caller(request.org_id, PERMISSIONS["CheckConflicts"], "CheckConflicts")
        conflicts = await self._scheduling.check_conflicts(
            org_id=request.org_id,
            talent_id=request.talent_id,
            booking_id=request.booking_id,
            dates=list(request.dates),
            production_id=request.production_id,
        )
        return availability_pb2.CheckConflictsResponse(
            conflicts=[
                availability_pb2.Conflict(
                    date=c.date,
                    reason=c.reason,
                    booking_id=c.booking_id,
                    production_id=c.production_id,
                    blocking=c.blocking,
                )
                for c in conflicts
            ]
        )


class ProductionsServicer(productions_pb2_grpc.ProductionsServicer):
    def __init__(self, scheduling: Scheduling) -> None:
        self._scheduling = scheduling

    async def GetProduction(
        self,
        request: productions_pb2.GetProductionRequest,
        context: grpc.aio.ServicerContext,
    ) -> productions_pb2.GetProductionResponse:
        require_caller(request.org_id, PERMISSIONS["GetProduction"], "GetProduction")
        production = await self._scheduling.production(request.org_id, request.production_id)
        if production is None:
            return productions_pb2.GetProductionResponse(found=False)
        return productions_pb2.GetProductionResponse(found=True, production=_info(production))


def _info(p: Production) -> productions_pb2.ProductionInfo:
    return productions_pb2.ProductionInfo(
        production_id=p.id,
        org_id=p.org_id,
        title=p.title,
        client=p.client,
        kind=p.kind.value,
        timezone=p.timezone,
        stage=p.stage.value,
    )


def register(scheduling: Scheduling) -> Callable[[grpc.aio.Server], None]:
    """Add scheduling's servicers to a gRPC server."""

    def add(server: grpc.aio.Server) -> None:
        availability_pb2_grpc.add_AvailabilityServicer_to_server(
            AvailabilityServicer(scheduling), server
        )
        productions_pb2_grpc.add_ProductionsServicer_to_server(
            ProductionsServicer(scheduling), server
        )

    return add
