"""Scheduling's gRPC servicers called in process: each authorises like the operation it serves."""

from __future__ import annotations

from typing import Any

import pytest
from scheduling.rpc import AvailabilityServicer, ProductionsServicer
from scheduling.usecases import Scheduling
from slate.auth import AuthError
from slate.caller import acting_as
from slate.errors import Forbidden
from slate.events.snapshots import BookingSnapshot
from slate.testing import principal
from slate_proto.slate.scheduling.v1 import availability_pb2, productions_pb2

CONFLICTS = availability_pb2.CheckConflictsRequest(
    org_id="org_a", talent_id="tal_1", booking_id="bkg_new", dates=["2027-03-02"]
)


async def check(scheduling: Scheduling, request: Any = CONFLICTS) -> Any:
    return await AvailabilityServicer(scheduling).CheckConflicts(request, context=None)


async def get(scheduling: Scheduling, org: str, production_id: str) -> Any:
    request = productions_pb2.GetProductionRequest(org_id=org, production_id=production_id)
    return await ProductionsServicer(scheduling).GetProduction(request, context=None)


@pytest.mark.parametrize("role", ["producer", "casting"])
async def test_holding_and_booking_roles_check_conflicts(
    scheduling: Scheduling, booking: Any, role: str
) -> None:
    await scheduling.on_booking(BookingSnapshot.from_proto(booking(status="BOOKED")))
    with acting_as(principal("org_a", role), "Bearer x"):
        reply = await check(scheduling)
    assert [(c.date, c.booking_id, c.blocking, c.reason) for c in reply.conflicts] == [
        ("2027-03-02", "bkg_1", True, "booked")
    ]


@pytest.mark.parametrize(
    "caller",
    [principal("org_a", "viewer"), principal("org_a", "accounting"), principal("org_b", "casting")],
)
async def test_conflicts_are_refused_to_other_roles_and_organisations(
    scheduling: Scheduling, caller: Any
) -> None:
    with acting_as(caller, "Bearer x"), pytest.raises(Forbidden):
        await check(scheduling)


async def test_a_call_without_a_caller_is_unauthenticated(scheduling: Scheduling) -> None:
    with pytest.raises(AuthError) as exc:
        await check(scheduling)
    assert exc.value.code == "UNAUTHENTICATED"


@pytest.mark.parametrize("role", ["producer", "casting", "accounting", "legal", "viewer"])
async def test_production_readers_get_a_production(scheduling: Scheduling, role: str) -> None:
    production = await scheduling.create_production(
        principal("org_a", "producer"),
        title="Spot",
        client="Acme",
        kind="COMMERCIAL",
        timezone="America/Los_Angeles",
    )
    with acting_as(principal("org_a", role), "Bearer x"):
        reply = await get(scheduling, "org_a", production.id)
        missing = await get(scheduling, "org_a", "prd_missing")
    assert reply.found
    assert reply.production == productions_pb2.ProductionInfo(
        production_id=production.id,
        org_id="org_a",
        title="Spot",
        client="Acme",
        kind="COMMERCIAL",
        timezone="America/Los_Angeles",
        stage="PLANNING",
    )
    assert not missing.found


async def test_another_organisation_cannot_read_a_production(scheduling: Scheduling) -> None:
    production = await scheduling.create_production(
        principal("org_a", "producer"),
        title="Spot",
        client="",
        kind="COMMERCIAL",
        timezone="America/Los_Angeles",
    )
    with acting_as(principal("org_b", "producer"), "Bearer x"):
        with pytest.raises(Forbidden):
            await get(scheduling, "org_a", production.id)
        assert not (await get(scheduling, "org_b", production.id)).found


@pytest.mark.parametrize("role", ["talent", "crew", "service"])
async def test_roles_that_read_no_production_are_refused(scheduling: Scheduling, role: str) -> None:
    caller = principal("org_a", role, talent_id="tal_1" if role == "talent" else None)
    with acting_as(caller, "Bearer x"), pytest.raises(Forbidden):
        await get(scheduling, "org_a", "prd_1")
