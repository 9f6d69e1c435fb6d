"""gRPC clients casting uses: scheduling (productions, conflicts) and legal (compliance)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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

from casting.store import Doc
from casting.usecases import ComplianceIssue, Conflict

DEADLINE_S = 2.0


def _unavailable(peer: str, exc: PeerUnavailable) -> UserError:
    # Retriable: nothing was written before the question was asked.
    return UserError(f"{peer} is unavailable, retry shortly ({exc})", code="UNAVAILABLE")


class GrpcPeers:
    """Scheduling's and legal's answers over gRPC, with deadlines, forwarding the caller's token."""

    def __init__(self, channel: Callable[[str], grpc.aio.Channel]) -> None:
        self._channel = channel

    async def production(self, org_id: str, production_id: str, auth: str | None) -> Doc | None:
        stub = productions_pb2_grpc.ProductionsStub(self._channel("scheduling"))
        request = productions_pb2.GetProductionRequest(org_id=org_id, production_id=production_id)
        try:
            reply: Any = await call(
                stub.GetProduction, request, timeout_s=DEADLINE_S, authorization=auth
            )
        except PeerUnavailable as exc:
            raise _unavailable("scheduling", exc) from None
        if not reply.found:
            return None
        p = reply.production
        return {
            "title": p.title,
            "client": p.client,
            "kind": p.kind,
            "timezone": p.timezone,
            "stage": p.stage,
        }

    async def conflicts(
        self, booking: Doc, dates: Sequence[str], auth: str | None
    ) -> list[Conflict]:
        stub = availability_pb2_grpc.AvailabilityStub(self._channel("scheduling"))
        request = availability_pb2.CheckConflictsRequest(
            org_id=booking["org_id"],
            talent_id=booking["talent_id"],
            production_id=booking["production_id"],
            dates=list(dates),
            booking_id=booking["_id"],
        )
        try:
            reply: Any = await call(
                stub.CheckConflicts, request, timeout_s=DEADLINE_S, authorization=auth
            )
        except PeerUnavailable as exc:
            raise _unavailable("scheduling", exc) from None
        return [Conflict(c.date, c.reason, c.blocking) for c in reply.conflicts]

    async def check_rate(
        self, org_id: str, rate: Mapping[str, str], work_dates: Sequence[str], auth: str | None
    ) -> None:
        """Payroll refuses a rate below the minimum wage where and when the work is done."""
        stub = estimates_pb2_grpc.EstimatesStub(self._channel("payroll"))
        request = estimates_pb2.EstimateBookingCostRequest(
            org_id=org_id,
            rate=money_pb2.Rate(
                money=money_pb2.Money(amount=rate["amount"], currency=rate["currency"]),
                unit=rate["unit"],
            ),
            work_dates=list(work_dates),
            agreement="none",
            work_location="US-CA",
        )
        try:
            await call(stub.EstimateBookingCost, request, timeout_s=DEADLINE_S, authorization=auth)
        except PeerUnavailable as exc:
            raise _unavailable("payroll", exc) from None
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                raise UserError(str(exc.details()), field="rate.amount") from None
            raise

    async def compliance(self, booking: Doc, auth: str | None) -> list[ComplianceIssue]:
        stub = compliance_pb2_grpc.ComplianceStub(self._channel("legal"))
        request = compliance_pb2.CheckBookingRequest(
            org_id=booking["org_id"],
            booking_id=booking["_id"],
            production_id=booking["production_id"],
            talent_id=booking["talent_id"],
            is_minor=bool(booking.get("is_minor")),
            work_dates=list(booking["work_dates"]),
            union=booking.get("union", "NONE"),
        )
        try:
            reply: Any = await call(
                stub.CheckBooking, request, timeout_s=DEADLINE_S, authorization=auth
            )
        except PeerUnavailable as exc:
            raise _unavailable("legal", exc) from None
        return [ComplianceIssue(i.code, i.message, i.blocking) for i in reply.issues]
