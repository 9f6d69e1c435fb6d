"""Legal's gRPC servicers: Compliance/CheckBooking, the gate casting asks before confirming, and
ProductionCompliance/ProductionBlockers, the gate scheduling asks before a production's stage
moves."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from slate.grpc import require_caller
from slate_proto.slate.legal.v1 import compliance_pb2, compliance_pb2_grpc

from legal.usecases import PERMISSIONS, Legal

SERVICE_NAMES = ("slate.legal.v1.Compliance", "slate.legal.v1.ProductionCompliance")


class ComplianceServicer(compliance_pb2_grpc.ComplianceServicer):
    def __init__(self, legal: Legal) -> None:
        self._legal = legal

    async def CheckBooking(
        self, request: compliance_pb2.CheckBookingRequest, context: grpc.aio.ServicerContext
    ) -> compliance_pb2.CheckBookingResponse:
        require_caller(request.org_id, PERMISSIONS["CheckBooking"], "CheckBooking")
        issues = await self._legal.check_booking(
            org_id=request.org_id,
            talent_id=request.talent_id,
            is_minor=request.is_minor,
            union=request.union,
            work_dates=list(request.work_dates),
            age_band=request.age_band,
            booking_id=request.booking_id,
        )
        return compliance_pb2.CheckBookingResponse(
            allowed=not any(i.blocking for i in issues),
            issues=[
                compliance_pb2.ComplianceIssue(code=i.code, message=i.message, blocking=i.blocking)
                for i in issues
            ],
        )


class ProductionComplianceServicer(compliance_pb2_grpc.ProductionComplianceServicer):
    def __init__(self, legal: Legal) -> None:
        self._legal = legal

    async def ProductionBlockers(
        self, request: compliance_pb2.ProductionBlockersRequest, context: grpc.aio.ServicerContext
    ) -> compliance_pb2.ProductionBlockersResponse:
        require_caller(request.org_id, PERMISSIONS["ProductionBlockers"], "ProductionBlockers")
        blockers = await self._legal.production_blockers(request.org_id, request.production_id)
        return compliance_pb2.ProductionBlockersResponse(
            blockers=[
                # The day is in the message so that two days' identical rules stay apart.
                compliance_pb2.ComplianceIssue(
                    code=b.code,
                    message=f"{b.date.isoformat()}: {b.message}" if b.date else b.message,
                    blocking=True,
                )
                for b in blockers
            ]
        )


def register(legal: Legal) -> Callable[[grpc.aio.Server], None]:
    def add(server: grpc.aio.Server) -> None:
        compliance_pb2_grpc.add_ComplianceServicer_to_server(ComplianceServicer(legal), server)
        compliance_pb2_grpc.add_ProductionComplianceServicer_to_server(
            ProductionComplianceServicer(legal), server
        )

    return add
