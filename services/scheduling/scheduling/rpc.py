"""Scheduling's gRPC servicers: Availability/CheckConflicts and Productions/GetProduction."""

from __future__ import annotations

import grpc
from slate.grpc import require_caller
from slate_proto.slate.scheduling.v1 import (
    availability_pb2,
    availability_pb2_grpc,
    productions_pb2,
    productions_pb2_grpc,
)

from scheduling.usecases import Scheduling

# Each RPC authorises like the GraphQL operation it serves: conflicts are asked by holdTalent and
# confirmBooking; a production is read through by any role that may read a production.
CONFLICT_ROLES = ("producer", "casting")
PRODUCTION_READERS = ("producer", "casting", "accounting", "legal", "viewer")


class AvailabilityServicer(availability_pb2_grpc.AvailabilityServicer):
    def __init__(self, scheduling: Scheduling) -> None:
        self._scheduling = scheduling

    async def CheckConflicts(
        self,
        request: availability_pb2.CheckConflictsRequest,
        context: grpc.aio.ServicerContext,
    ) -> availability_pb2.CheckConflictsResponse:
        require_caller(request.org_id, CONFLICT_ROLES, "CheckConflicts")
        conflicts = await self._scheduling.check_conflicts(
            org_id=request.org_id,
            talent_id=request.talent_id,
            booking_id=request.booking_id,
            dates=list(request.dates),
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
        require_caller(request.org_id, PRODUCTION_READERS, "GetProduction")
        doc = await self._scheduling.production_info(request.org_id, request.production_id)
        if doc is None:
            return productions_pb2.GetProductionResponse(found=False)
        return productions_pb2.GetProductionResponse(
            found=True,
            production=productions_pb2.ProductionInfo(
                production_id=doc["_id"],
                org_id=doc["org_id"],
                title=doc["title"],
                client=doc["client"],
                kind=doc["kind"],
                timezone=doc["timezone"],
                stage=doc["stage"],
            ),
        )


def register(scheduling: Scheduling):  # type: ignore[no-untyped-def]
    def add(server: grpc.aio.Server) -> None:
        availability_pb2_grpc.add_AvailabilityServicer_to_server(
            AvailabilityServicer(scheduling), server
        )
        productions_pb2_grpc.add_ProductionsServicer_to_server(
            ProductionsServicer(scheduling), server
        )

    return add


SERVICE_NAMES = ("slate.scheduling.v1.Availability", "slate.scheduling.v1.Productions")
