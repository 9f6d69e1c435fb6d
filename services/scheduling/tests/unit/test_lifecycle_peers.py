"""Legal as the stage gate's peer over real gRPC: unreachable is a retriable UNAVAILABLE on
`to` (the gate never passes for want of an answer); an answer is legal's blockers."""

from __future__ import annotations

import grpc
import pytest
from scheduling.domain.lifecycle import Blocker
from scheduling.peers import LegalCompliance
from slate.errors import UserError
from slate.grpc import create_channel
from slate_proto.slate.legal.v1 import compliance_pb2, compliance_pb2_grpc


async def test_legal_unreachable_is_a_retriable_unavailable() -> None:
    channel = create_channel("127.0.0.1:1")  # nothing listens on port 1
    try:
        with pytest.raises(UserError) as refused:
            await LegalCompliance(lambda _: channel).production_blockers("org_a", "prd_1")
    finally:
        await channel.close()
    assert (refused.value.code, refused.value.field) == ("UNAVAILABLE", "to")
    assert "retry" in refused.value.message


class Legal(compliance_pb2_grpc.ProductionComplianceServicer):
    async def ProductionBlockers(
        self, request: compliance_pb2.ProductionBlockersRequest, context: grpc.aio.ServicerContext
    ) -> compliance_pb2.ProductionBlockersResponse:
        return compliance_pb2.ProductionBlockersResponse(
            blockers=[
                compliance_pb2.ComplianceIssue(
                    code="FILM_PERMIT_MISSING",
                    message=f"{request.production_id}: no film permit",
                    blocking=True,
                )
            ]
        )


async def test_legal_answers_with_its_blockers() -> None:
    server = grpc.aio.server()
    compliance_pb2_grpc.add_ProductionComplianceServicer_to_server(Legal(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = create_channel(f"127.0.0.1:{port}")
    try:
        got = await LegalCompliance(lambda _: channel).production_blockers("org_a", "prd_1")
    finally:
        await channel.close()
        await server.stop(None)
    assert got == [Blocker("FILM_PERMIT_MISSING", "prd_1: no film permit")]
