"""The peers scheduling asks over gRPC: legal, for the blocking items of a production's
compliance report (the gate into the production stage)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
from slate.errors import UserError
from slate.grpc import PeerUnavailable, call
from slate_proto.slate.legal.v1 import compliance_pb2, compliance_pb2_grpc

from scheduling.domain.lifecycle import Blocker

DEADLINE_S = 2.0


class LegalCompliance:
    """Legal's ProductionCompliance/ProductionBlockers with a deadline; `slate.grpc.call`
    forwards the caller's token. Legal unreachable (or not answering the question) is a
    retriable UNAVAILABLE on `to`: the gate must never pass for want of an answer."""

    def __init__(self, channel: Callable[[str], grpc.aio.Channel]) -> None:
        self._channel = channel

    async def production_blockers(self, org_id: str, production_id: str) -> list[Blocker]:
        stub = compliance_pb2_grpc.ProductionComplianceStub(self._channel("legal"))
        request = compliance_pb2.ProductionBlockersRequest(
            org_id=org_id, production_id=production_id
        )
        try:
            reply: Any = await call(stub.ProductionBlockers, request, timeout_s=DEADLINE_S)
        except PeerUnavailable as exc:
            raise _unavailable(str(exc)) from None
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED):
                raise UserError(
                    f"legal refused the compliance question: {exc.details()}",
                    field="to",
                    code="FORBIDDEN",
                ) from None
            raise _unavailable(f"{exc.code().name}: {exc.details()}") from None
        return [Blocker(b.code, b.message) for b in reply.blockers]


def _unavailable(why: str) -> UserError:
    return UserError(
        f"legal's compliance report is unavailable, retry shortly ({why})",
        field="to",
        code="UNAVAILABLE",
    )
