"""Payroll's gRPC servicer: Estimates/EstimateBookingCost."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import grpc
from slate.grpc import require_caller
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.payroll.v1 import estimates_pb2, estimates_pb2_grpc

from payroll.domain import InvalidRequest
from payroll.domain.estimates import estimate_booking

SERVICE_NAMES = ("slate.payroll.v1.Estimates",)
# Estimates serve createRole and booking costs: the roles that may create roles or see costs.
ESTIMATE_ROLES = ("producer", "casting", "accounting")


class EstimatesServicer(estimates_pb2_grpc.EstimatesServicer):
    async def EstimateBookingCost(
        self,
        request: estimates_pb2.EstimateBookingCostRequest,
        context: grpc.aio.ServicerContext,
    ) -> estimates_pb2.EstimateBookingCostResponse:
        require_caller(request.org_id, ESTIMATE_ROLES, "EstimateBookingCost")
        try:
            amount = Decimal(request.rate.money.amount)
            estimate = estimate_booking(
                amount,
                request.rate.unit,
                list(request.work_dates),
                agreement=request.agreement or "none",
                work_location=request.work_location or "US-CA",
                agent_fee_percent=request.agent_fee_percent or "0",
            )
        except (InvalidOperation, InvalidRequest, ValueError) as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
            raise  # unreachable: abort raises
        currency = request.rate.money.currency or "USD"
        return estimates_pb2.EstimateBookingCostResponse(
            total=money_pb2.Money(amount=str(estimate.total), currency=currency),
            lines=[
                estimates_pb2.CostLine(
                    kind=kind,
                    amount=money_pb2.Money(amount=str(value), currency=currency),
                    rule=rule,
                )
                for kind, value, rule in estimate.lines
            ],
            warnings=estimate.warnings,
        )


def register() -> Callable[[grpc.aio.Server], None]:
    def add(server: grpc.aio.Server) -> None:
        estimates_pb2_grpc.add_EstimatesServicer_to_server(EstimatesServicer(), server)

    return add
