"""Estimates/EstimateBookingCost on an in-process gRPC server (loopback, no infrastructure)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import grpc.aio
import pytest
from payroll import events, rpc
from payroll.store import PayrollStore
from payroll.usecases import Payroll
from slate.audit import AuditLog
from slate.auth import TokenVerifier, issue_dev_token
from slate.config import Settings
from slate.grpc import bound_port, start_server, stop_server
from slate.repository import MemoryDatabase
from slate.testing import cipher
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.payroll.v1 import estimates_pb2, estimates_pb2_grpc


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    keys = tmp_path_factory.mktemp("keys")
    return Settings(service="payroll-test", env="test", dev_key_dir=keys)


@pytest.fixture(scope="module")
async def stub(settings: Settings) -> AsyncIterator[estimates_pb2_grpc.EstimatesStub]:
    database = MemoryDatabase()
    payroll = Payroll(PayrollStore(database, events.to_outbox), AuditLog(database), cipher())
    server = await start_server(
        0,
        rpc.register(payroll),
        service_names=rpc.SERVICE_NAMES,
        verifier=TokenVerifier.from_settings(settings),
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{bound_port(server)}")
    try:
        yield estimates_pb2_grpc.EstimatesStub(channel)
    finally:
        await channel.close()
        await stop_server(server, grace_s=0.1)


def request(
    org: str, amount: str = "1200.00", unit: str = "DAY", **changes: object
) -> estimates_pb2.EstimateBookingCostRequest:
    fields: dict[str, Any] = {
        "org_id": org,
        "rate": money_pb2.Rate(money=money_pb2.Money(amount=amount, currency="USD"), unit=unit),
        "work_dates": ["2027-03-02", "2027-03-03"],
        "agreement": "sag-aftra-commercials",
        "work_location": "US-CA",
        "agent_fee_percent": "10",
        **changes,
    }
    return estimates_pb2.EstimateBookingCostRequest(**fields)


def bearer(settings: Settings, org: str, *roles: str) -> tuple[tuple[str, str], ...] | None:
    """The caller's metadata: a dev token of `org` with `roles` (none without roles)."""
    if not roles:
        return None
    talent_id = "tal_1" if "talent" in roles else None
    token = issue_dev_token(settings, org=org, roles=list(roles), talent_id=talent_id)
    return (("authorization", f"Bearer {token}"),)


def test_the_servicer_is_registered_under_its_proto_name() -> None:
    assert rpc.SERVICE_NAMES == ("slate.payroll.v1.Estimates",)


async def test_a_union_booking_is_priced_with_fringe_and_agent_fee(
    stub: estimates_pb2_grpc.EstimatesStub, settings: Settings
) -> None:
    reply = await stub.EstimateBookingCost(
        request("org_a"), metadata=bearer(settings, "org_a", "casting"), timeout=5
    )
    assert reply.total == money_pb2.Money(amount="3204.00", currency="USD")
    assert [line.kind for line in reply.lines] == ["gross", "pension_health", "agent_fee"]
    assert reply.warnings


@pytest.mark.parametrize(
    ("org", "roles", "amount", "unit", "status", "names"),
    [
        ("org_a", (), "1200.00", "DAY", grpc.StatusCode.UNAUTHENTICATED, ""),
        ("org_b", ("producer",), "1200.00", "DAY", grpc.StatusCode.PERMISSION_DENIED, "orgId"),
        ("org_a", ("talent",), "1200.00", "DAY", grpc.StatusCode.PERMISSION_DENIED, "roles"),
        ("org_a", ("producer",), "abc", "DAY", grpc.StatusCode.INVALID_ARGUMENT, "rate.amount"),
        ("org_a", ("producer",), "5.00", "HOUR", grpc.StatusCode.INVALID_ARGUMENT, "rate.amount"),
        ("org_a", ("producer",), "100", "YEAR", grpc.StatusCode.INVALID_ARGUMENT, "rate.unit"),
    ],
    ids=["no-token", "other-org", "talent", "not-a-number", "below-minimum", "unknown-unit"],
)
async def test_refusals_reach_the_caller_as_statuses_naming_the_problem(
    stub: estimates_pb2_grpc.EstimatesStub,
    settings: Settings,
    org: str,
    roles: tuple[str, ...],
    amount: str,
    unit: str,
    status: grpc.StatusCode,
    names: str,
) -> None:
    metadata = bearer(settings, "org_a", *roles)
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await stub.EstimateBookingCost(request(org, amount, unit), metadata=metadata, timeout=5)
    assert exc.value.code() == status
    assert names in (exc.value.details() or "")
