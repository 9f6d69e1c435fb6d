"""Payroll's gRPC servicer: Estimates/EstimateBookingCost (payroll calls no peers)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import grpc
from slate.errors import UserError
from slate.grpc import require_caller
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.payroll.v1 import estimates_pb2, estimates_pb2_grpc

from payroll.usecases import PERMISSIONS, Payroll

SERVICE_NAMES = (estimates_pb2.DESCRIPTOR.services_by_name["Estimates"].full_name,)


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise UserError(f"{value!r} is not a decimal amount", field="rate.amount") from None


class EstimatesServicer(estimates_pb2_grpc.EstimatesServicer):
    """Errors reach the caller as statuses through the server interceptor: a user error naming
    a field is INVALID_ARGUMENT, another organisation or role PERMISSION_DENIED."""

    def __init__(self, service: Payroll) -> None:
        self._service = service

    async def EstimateBookingCost(
        self,
        request: estimates_pb2.EstimateBookingCostRequest,
        context: grpc.aio.ServicerContext,
    ) -> estimates_pb2.EstimateBookingCostResponse:
        rpc = "EstimateBookingCost"
        require_caller(request.org_id, PERMISSIONS[rpc], rpc)
        estimate = self._service.estimate(
            _amount(request.rate.money.amount),
            request.rate.unit,
            list(request.work_dates),
            agreement=request.agreement or "none",
            work_location=request.work_location or "US-CA",
            agent_fee_percent=request.agent_fee_percent or "0",
        )
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


def register(service: Payroll) -> Callable[[grpc.aio.Server], None]:
    def add(server: grpc.aio.Server) -> None:
        estimates_pb2_grpc.add_EstimatesServicer_to_server(EstimatesServicer(service), server)

    return add
