"""Casting over gRPC: the peers it asks (scheduling, payroll, legal) and what it serves (health
only: no other service asks casting anything synchronously yet)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import grpc
from slate.errors import UserError
from slate.grpc import PeerUnavailable, call
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.legal.v1 import compliance_pb2, compliance_pb2_grpc
from slate_proto.slate.payroll.v1 import estimates_pb2, estimates_pb2_grpc
from slate_proto.slate.scheduling.v1 import (
    availability_pb2,
    availability_pb2_grpc,
    productions_pb2,
    productions_pb2_grpc,
)

from casting.domain.model import Booking, Production, Rate
from casting.usecases import Casting, ComplianceIssue, Conflict

DEADLINE_S = 2.0


# No other service asks casting anything synchronously yet: the runtime's server answers the
# standard health check only.
SERVICE_NAMES: Sequence[str] = ()


def register(casting: Casting) -> Callable[[grpc.aio.Server], None]:
    """What adds casting's servicers to a gRPC server (none yet)."""
    del casting
    return lambda server: None


async def _ask(peer: str, method: Any, request: Any) -> Any:
    """One question to a peer within the deadline; a peer that is down is a retriable
    UNAVAILABLE user error (nothing was written before the question was asked)."""
    try:
        return await call(method, request, timeout_s=DEADLINE_S)
    except PeerUnavailable as exc:
        message = f"{peer} is unavailable, retry shortly ({exc})"
        raise UserError(message, code="UNAVAILABLE") from None


class GrpcPeers:
    """Scheduling's, payroll's and legal's answers over gRPC, with deadlines; `slate.grpc.call`
    forwards the caller's token from the request context."""

    def __init__(self, channel: Callable[[str], grpc.aio.Channel]) -> None:
        self._channel = channel

    async def production(self, org_id: str, production_id: str) -> Production | None:
        stub = productions_pb2_grpc.ProductionsStub(self._channel("scheduling"))
        request = productions_pb2.GetProductionRequest(org_id=org_id, production_id=production_id)
        reply = await _ask("scheduling", stub.GetProduction, request)
        if not reply.found:
            return None
        p = reply.production
        return Production(
            id=production_id,
            org_id=org_id,
            title=p.title,
            client=p.client,
            kind=p.kind,
            timezone=p.timezone,
            stage=p.stage,
        )

    async def conflicts(self, booking: Booking) -> list[Conflict]:
        stub = availability_pb2_grpc.AvailabilityStub(self._channel("scheduling"))
        request = availability_pb2.CheckConflictsRequest(
            org_id=booking.org_id,
            talent_id=booking.talent_id,
            production_id=booking.production_id,
            dates=[d.isoformat() for d in booking.work_dates],
            booking_id=booking.id,
        )
        reply = await _ask("scheduling", stub.CheckConflicts, request)
        return [Conflict(c.date, c.reason, c.blocking) for c in reply.conflicts]

    async def availability(
        self, org_id: str, talent_id: str, dates: Sequence[date]
    ) -> list[Conflict]:
        """Scheduling's conflicts of a talent on dates (no booking of ours asking yet)."""
        stub = availability_pb2_grpc.AvailabilityStub(self._channel("scheduling"))
        request = availability_pb2.CheckConflictsRequest(
            org_id=org_id, talent_id=talent_id, dates=[d.isoformat() for d in dates]
        )
        reply = await _ask("scheduling", stub.CheckConflicts, request)
        return [Conflict(c.date, c.reason, c.blocking) for c in reply.conflicts]

    async def check_rate(self, org_id: str, rate: Rate, work_dates: Sequence[date]) -> None:
        """Payroll refuses a rate below the minimum wage where and when the work is done."""
        stub = estimates_pb2_grpc.EstimatesStub(self._channel("payroll"))
        request = estimates_pb2.EstimateBookingCostRequest(
            org_id=org_id,
            rate=money_pb2.Rate(
                money=money_pb2.Money(amount=str(rate.amount), currency=rate.currency),
                unit=str(rate.unit),
            ),
            work_dates=[d.isoformat() for d in work_dates],
            agreement="none",
            work_location="US-CA",
        )
        try:
            await _ask("payroll", stub.EstimateBookingCost, request)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                raise UserError(str(exc.details()), field="rate.amount") from None
            raise

    async def compliance(self, booking: Booking) -> list[ComplianceIssue]:
        stub = compliance_pb2_grpc.ComplianceStub(self._channel("legal"))
        request = compliance_pb2.CheckBookingRequest(
            org_id=booking.org_id,
            booking_id=booking.id,
            production_id=booking.production_id,
            talent_id=booking.talent_id,
            is_minor=booking.is_minor,
            age_band=booking.age_band,
            work_dates=[d.isoformat() for d in booking.work_dates],
            union=booking.union.value,
        )
        reply = await _ask("legal", stub.CheckBooking, request)
        return [ComplianceIssue(i.code, i.message, i.blocking) for i in reply.issues]
