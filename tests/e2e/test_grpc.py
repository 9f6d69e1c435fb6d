"""The services' gRPC servers: standard health, authentication, and payroll's estimate."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.payroll.v1 import estimates_pb2, estimates_pb2_grpc

from .conftest import token

pytestmark = pytest.mark.e2e

PORTS = {"casting": 50051, "payroll": 50052, "scheduling": 50053, "legal": 50054}


@pytest.mark.parametrize("service", sorted(PORTS))
async def test_every_service_answers_the_standard_health_check(service: str) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{PORTS[service]}") as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=""), timeout=5
        )
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def estimate_request(org: str, amount: str) -> estimates_pb2.EstimateBookingCostRequest:
    return estimates_pb2.EstimateBookingCostRequest(
        org_id=org,
        rate=money_pb2.Rate(money=money_pb2.Money(amount=amount, currency="USD"), unit="DAY"),
        work_dates=["2027-03-02", "2027-03-03"],
        agreement="sag-aftra-commercials",
        work_location="US-CA",
        agent_fee_percent="10",
    )


async def test_estimate_prices_a_union_booking_with_fringe_and_agent_fee() -> None:
    org = "org_estimates"
    metadata = (("authorization", f"Bearer {token(org, 'producer')}"),)
    async with grpc.aio.insecure_channel("127.0.0.1:50052") as channel:
        stub = estimates_pb2_grpc.EstimatesStub(channel)
        reply = await stub.EstimateBookingCost(
            estimate_request(org, "1200.00"), metadata=metadata, timeout=5
        )
        assert reply.total.amount == "3204.00"
        assert {line.kind for line in reply.lines} == {"gross", "pension_health", "agent_fee"}
        with pytest.raises(grpc.aio.AioRpcError) as unauthenticated:
            await stub.EstimateBookingCost(estimate_request(org, "1200.00"), timeout=5)
        assert unauthenticated.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as other_org:
            await stub.EstimateBookingCost(
                estimate_request("org_other", "1200.00"), metadata=metadata, timeout=5
            )
        assert other_org.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await stub.EstimateBookingCost(
                estimate_request(org, "abc"), metadata=metadata, timeout=5
            )
        assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
