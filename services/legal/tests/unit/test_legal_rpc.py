"""Compliance/CheckBooking as casting calls it: the caller's org and role, then the gate."""

from __future__ import annotations

import pytest
from legal.rpc import ComplianceServicer
from legal.usecases import Legal
from slate.auth import Principal
from slate.caller import acting_as
from slate.errors import Forbidden
from slate.testing import principal
from slate_proto.slate.legal.v1 import compliance_pb2

MINOR = compliance_pb2.CheckBookingRequest(
    org_id="org_a", talent_id="tal_1", is_minor=True, union="NONE", work_dates=["2027-03-02"]
)


async def check(legal: Legal, caller: Principal) -> compliance_pb2.CheckBookingResponse:
    with acting_as(caller, "Bearer test"):
        return await ComplianceServicer(legal).CheckBooking(MINOR, None)


async def test_a_minor_without_permit_is_not_allowed_and_told_why(legal: Legal) -> None:
    response = await check(legal, principal("org_a", "casting"))
    assert not response.allowed
    assert [(i.code, i.blocking) for i in response.issues] == [
        ("MINOR_WORK_PERMIT_MISSING", True),
        ("STUDIO_TEACHER_REQUIRED", False),
        ("COOGAN_ACCOUNT_REQUIRED", False),
    ]


async def test_a_recorded_permit_allows_the_booking_with_warnings(legal: Legal) -> None:
    await legal.record_work_permit(
        principal("org_a", "legal"), talent_id="tal_1", number="EWP-1", expires_on="2027-06-01"
    )
    response = await check(legal, principal("org_a", "producer"))
    assert response.allowed
    assert not any(i.blocking for i in response.issues)


@pytest.mark.parametrize(
    "caller", [principal("org_b", "casting"), principal("org_a", "accounting")]
)
async def test_another_org_or_a_role_that_cannot_confirm_is_refused(
    legal: Legal, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        await check(legal, caller)
