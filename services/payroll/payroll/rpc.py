"""Payroll's gRPC servicer: Estimates/EstimateBookingCost."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import grpc
from slate.grpc import current_principal
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.payroll.v1 import estimates_pb2, estimates_pb2_grpc

from payroll.domain.estimates import estimate_base_pay

SERVICE_NAMES = ("slate.payroll.v1.Estimates",)


class EstimatesServicer(estimates_pb2_grpc.EstimatesServicer):
    async def EstimateBookingCost(
        self,
        request: estimates_pb2.EstimateBookingCostRequest,
        context: grpc.aio.ServicerContext,
    ) -> estimates_pb2.EstimateBookingCostResponse:
        principal = current_principal()
        if principal is None:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "a bearer token is required")
        elif principal.org != request.org_id:
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, "org_id: not the caller's org")
        try:
            amount = Decimal(request.rate.money.amount)
            estimate = estimate_base_pay(amount, request.rate.unit, list(request.work_dates))
        except (InvalidOperation, ValueError) as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"rate: {exc}")
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
