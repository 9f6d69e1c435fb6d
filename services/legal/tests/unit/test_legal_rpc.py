"""Compliance/CheckBooking as casting calls it, ProductionCompliance/ProductionBlockers as
scheduling's stage gate calls it: the caller's org and role, then the answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from legal.rpc import ComplianceServicer, ProductionComplianceServicer
from legal.usecases import Legal
from slate.auth import Principal
from slate.caller import acting_as
from slate.errors import Forbidden
from slate.events.snapshots import BookingSnapshot
from slate.testing import principal
from slate_proto.slate.legal.v1 import compliance_pb2

MINOR = compliance_pb2.CheckBookingRequest(
    org_id="org_a",
    booking_id="bkg_1",
    talent_id="tal_1",
    is_minor=True,
    age_band="P9Y/P16Y",
    union="NONE",
    work_dates=["2027-03-02"],
)


async def check(legal: Legal, caller: Principal) -> compliance_pb2.CheckBookingResponse:
    with acting_as(caller, "Bearer test"):
        return await ComplianceServicer(legal).CheckBooking(MINOR, None)


async def test_a_minor_without_permit_is_not_allowed_and_told_why(legal: Legal) -> None:
    response = await check(legal, principal("org_a", "casting"))
    assert not response.allowed
    assert [(i.code, i.blocking) for i in response.issues] == [
        ("MINOR_WORK_PERMIT_MISSING", True),
        ("MINOR_HOURS_LIMIT", False),
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


# ---------------------------------------------------- ProductionCompliance/ProductionBlockers


def blockers_request(org: str = "org_a") -> compliance_pb2.ProductionBlockersRequest:
    return compliance_pb2.ProductionBlockersRequest(org_id=org, production_id="prd_1")


async def blockers(
    legal: Legal, caller: Principal, org: str = "org_a"
) -> compliance_pb2.ProductionBlockersResponse:
    with acting_as(caller, "Bearer test"):
        return await ProductionComplianceServicer(legal).ProductionBlockers(
            blockers_request(org), None
        )


async def test_blockers_are_the_reports_blocking_items_only(
    legal: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    await legal.draft_contract(booking(is_minor=True, work_dates=("2027-03-02",)))
    # A certificate below the FilmLA minimum and not naming FilmLA: two warnings, no blocker.
    await legal.record_insurance_certificate(
        principal("org_a", "legal"),
        production_id="prd_1",
        insurer="Acme",
        policy_number="CGL-1",
        general_liability_limit="500000",
        additional_insureds=[],
        effective_on="2027-01-01",
        expires_on="2027-12-31",
    )
    report = await legal.compliance_report(principal("org_a", "legal"), "prd_1")
    assert {i.severity for i in report} == {"BLOCKING", "WARNING"}
    response = await blockers(legal, principal("org_a", "producer"))
    assert sorted(b.code for b in response.blockers) == [
        "CONTRACT_NOT_SIGNED",
        "FILM_PERMIT_MISSING",
        "STUDIO_TEACHER_NOT_SCHEDULED",
    ]
    assert all(b.blocking and b.message.startswith("2027-03-02: ") for b in response.blockers)


async def test_a_production_with_nothing_blocking_has_no_blockers(legal: Legal) -> None:
    response = await blockers(legal, principal("org_a", "legal"))
    assert list(response.blockers) == []


async def test_another_orgs_blockers_are_not_seen(
    legal: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    await legal.draft_contract(booking(work_dates=("2027-03-02",)))
    assert list((await blockers(legal, principal("org_b", "producer"), "org_b")).blockers) == []


@pytest.mark.parametrize(
    "caller",
    [
        principal("org_b", "producer"),
        principal("org_a", "casting"),
        principal("org_a", "accounting"),
        principal("org_a", "talent"),
    ],
)
async def test_blockers_refused_to_another_org_or_a_role_that_cannot_read_the_report(
    legal: Legal, caller: Principal
) -> None:
    with pytest.raises(Forbidden):
        await blockers(legal, caller)
