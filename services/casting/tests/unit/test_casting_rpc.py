"""Casting's peer clients against in-process gRPC servers: the request each question sends, the
caller's token forwarded from the request context, and each peer failure as the user sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import grpc
import pytest
from casting.domain import model
from casting.domain.model import Booking, Production, Role, Talent
from casting.rpc import GrpcPeers
from casting.usecases import ComplianceIssue, Conflict
from slate import grpc as slate_grpc
from slate.caller import acting_as
from slate.errors import UserError
from slate.testing import principal
from slate_proto.slate.legal.v1 import compliance_pb2, compliance_pb2_grpc
from slate_proto.slate.payroll.v1 import estimates_pb2, estimates_pb2_grpc
from slate_proto.slate.scheduling.v1 import (
    availability_pb2,
    availability_pb2_grpc,
    productions_pb2,
    productions_pb2_grpc,
)

PRODUCER = principal("org_a", "producer", "casting")


class Heard:
    """What the fake peers were asked, with the authorization metadata that came along."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, Any, str | None]] = []

    def note(self, name: str, request: Any, context: grpc.aio.ServicerContext) -> None:
        metadata = dict(context.invocation_metadata() or ())
        self.requests.append((name, request, metadata.get("authorization")))


class Productions(productions_pb2_grpc.ProductionsServicer):
    def __init__(self, heard: Heard) -> None:
        self.heard = heard

    async def GetProduction(self, request: Any, context: Any) -> Any:
        self.heard.note("GetProduction", request, context)
        if request.production_id != "prd_1":
            return productions_pb2.GetProductionResponse(found=False)
        return productions_pb2.GetProductionResponse(
            found=True,
            production=productions_pb2.ProductionInfo(
                production_id="prd_1",
                org_id=request.org_id,
                title="Spring Spot",
                client="Acme Soda",
                kind="COMMERCIAL",
                timezone="America/Los_Angeles",
                stage="PREP",
            ),
        )


class Availability(availability_pb2_grpc.AvailabilityServicer):
    def __init__(self, heard: Heard) -> None:
        self.heard = heard

    async def CheckConflicts(self, request: Any, context: Any) -> Any:
        self.heard.note("CheckConflicts", request, context)
        return availability_pb2.CheckConflictsResponse(
            conflicts=[
                availability_pb2.Conflict(date=request.dates[0], reason="booked", blocking=True)
            ]
        )


class Estimates(estimates_pb2_grpc.EstimatesServicer):
    def __init__(self, heard: Heard) -> None:
        self.heard = heard

    async def EstimateBookingCost(self, request: Any, context: Any) -> Any:
        self.heard.note("EstimateBookingCost", request, context)
        if Decimal(request.rate.money.amount) < 200:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "below the minimum wage")
        return estimates_pb2.EstimateBookingCostResponse()


class Compliance(compliance_pb2_grpc.ComplianceServicer):
    def __init__(self, heard: Heard) -> None:
        self.heard = heard

    async def CheckBooking(self, request: Any, context: Any) -> Any:
        self.heard.note("CheckBooking", request, context)
        return compliance_pb2.CheckBookingResponse(
            issues=[compliance_pb2.ComplianceIssue(code="MINOR_WORK_PERMIT_MISSING", blocking=True)]
        )


@pytest.fixture(autouse=True)
def fresh_breakers() -> Iterator[None]:
    slate_grpc._breakers.clear()
    yield
    slate_grpc._breakers.clear()


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
async def peers(heard: Heard) -> AsyncIterator[GrpcPeers]:
    def register(server: grpc.aio.Server) -> None:
        productions_pb2_grpc.add_ProductionsServicer_to_server(Productions(heard), server)
        availability_pb2_grpc.add_AvailabilityServicer_to_server(Availability(heard), server)
        estimates_pb2_grpc.add_EstimatesServicer_to_server(Estimates(heard), server)
        compliance_pb2_grpc.add_ComplianceServicer_to_server(Compliance(heard), server)

    server = await slate_grpc.start_server(0, register, service_names=[])
    channel = slate_grpc.create_channel(f"127.0.0.1:{slate_grpc.bound_port(server)}")
    try:
        yield GrpcPeers(lambda peer: channel)
    finally:
        await channel.close()
        await slate_grpc.stop_server(server, 0)


def minor_booking() -> Booking:
    production = Production(id="prd_1", org_id="org_a")
    role = Role.create(
        id="rol_1",
        production=production,
        draft=model.validate_role("Lead", "1200", "USD", "DAY", ["2027-03-02"]),
    )
    draft = model.validate_talent(
        "Kid", "kid@example.com", "2015-01-01", "SAG_AFTRA", date(2026, 1, 1)
    )
    talent = Talent.register(id="tal_1", org_id="org_a", draft=draft, sealed_date_of_birth={})
    return Booking.hold(
        id="bkg_1", role=role, talent=talent, date_of_birth=date(2015, 1, 1), existing=()
    )


async def test_each_question_carries_the_callers_token_and_the_bookings_facts(
    peers: GrpcPeers, heard: Heard
) -> None:
    booking = minor_booking()
    with acting_as(PRODUCER, "Bearer caller-token"):
        production = await peers.production("org_a", "prd_1")
        conflicts = await peers.conflicts(booking)
        issues = await peers.compliance(booking)
        await peers.check_rate("org_a", booking.rate, booking.work_dates)
    assert production == Production(
        id="prd_1",
        org_id="org_a",
        title="Spring Spot",
        client="Acme Soda",
        kind="COMMERCIAL",
        timezone="America/Los_Angeles",
        stage="PREP",
    )
    assert conflicts == [Conflict("2027-03-02", "booked", True)]
    assert issues == [ComplianceIssue("MINOR_WORK_PERMIT_MISSING", "", True)]
    assert {authorization for _, _, authorization in heard.requests} == {"Bearer caller-token"}
    sent = {name: request for name, request, _ in heard.requests}
    assert list(sent["CheckConflicts"].dates) == ["2027-03-02"]
    assert sent["CheckConflicts"].booking_id == "bkg_1"
    assert (sent["CheckBooking"].is_minor, sent["CheckBooking"].union) == (True, "SAG_AFTRA")
    assert sent["CheckBooking"].age_band == "P9Y/P16Y"  # 12 on 2 March 2027; no birth date
    rate = sent["EstimateBookingCost"].rate
    assert (rate.money.amount, rate.money.currency, rate.unit) == ("1200.00", "USD", "DAY")


async def test_an_unknown_production_is_none(peers: GrpcPeers) -> None:
    with acting_as(PRODUCER, "Bearer x"):
        assert await peers.production("org_a", "prd_other") is None


async def test_a_rate_payroll_refuses_is_an_error_on_the_amount(peers: GrpcPeers) -> None:
    low = model.Rate(Decimal("100.00"), "USD", model.RateUnit.DAY)
    with acting_as(PRODUCER, "Bearer x"), pytest.raises(UserError) as exc:
        await peers.check_rate("org_a", low, (date(2027, 3, 2),))
    assert (exc.value.field, exc.value.code) == ("rate.amount", "INVALID")
    assert "minimum wage" in exc.value.message


async def test_a_peer_that_is_down_is_unavailable_naming_it() -> None:
    channel = slate_grpc.create_channel("127.0.0.1:9")  # nothing listens
    try:
        peers = GrpcPeers(lambda peer: channel)
        with acting_as(PRODUCER, "Bearer x"), pytest.raises(UserError) as exc:
            await peers.compliance(minor_booking())
    finally:
        await channel.close()
    assert exc.value.code == "UNAVAILABLE"
    assert exc.value.message.startswith("legal is unavailable")
