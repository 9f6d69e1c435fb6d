"""The compliance report: each rule (source in its docstring), the use case, the subgraph."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from legal.domain import report as rules
from legal.domain.compliance import Contract
from legal.domain.permits import FilmPermit, InsuranceCertificate
from legal.schema import schema
from legal.store import LegalStore
from legal.usecases import Legal
from slate.audit import AuditLog
from slate.errors import Forbidden
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal
from slate_domain import Rate

DAY = date(2027, 3, 2)  # a Tuesday


def contract(is_minor: bool = False, booking: str = "bkg_1") -> Contract:
    return Contract.draft(
        f"con_{booking}",
        org_id="org_a",
        booking_id=booking,
        production_id="prd_1",
        talent_id="tal_1",
        role_name="Lead",
        union="SAG_AFTRA",
        is_minor=is_minor,
        rate=Rate(Decimal("1200.00"), "USD", "DAY"),
        work_dates=["2027-03-02"],
    )


def permit() -> FilmPermit:
    return FilmPermit.request(
        id="fpm_1",
        org_id="org_a",
        production_id="prd_1",
        location_name="Echo Park Lake",
        dates=["2027-03-02"],
        high_impact=False,
        now=datetime(2027, 2, 22, 9, tzinfo=UTC),
    )


def certificate(limit: str = "1000000", insureds: tuple[str, ...] = ("FilmL.A., Inc.",)) -> Any:
    return InsuranceCertificate.record_certificate(
        id="coi_1",
        org_id="org_a",
        production_id="prd_1",
        insurer="Acme",
        policy_number="CGL-1",
        general_liability_limit=limit,
        additional_insureds=insureds,
        effective_on="2027-01-01",
        expires_on="2027-12-31",
    )


def codes(items: list[rules.Item]) -> list[tuple[str, str]]:
    return [(i.code, i.severity) for i in items]


def test_film_permit_rule_la_admin_code_22_350() -> None:
    assert codes(rules.film_permit_rule(DAY, [])) == [("FILM_PERMIT_MISSING", "BLOCKING")]
    assert rules.film_permit_rule(DAY, [permit()]) == []


def test_insurance_rule_filmla_coi() -> None:
    assert codes(rules.insurance_rule(DAY, [])) == [("COI_NOT_VALID", "BLOCKING")]
    assert rules.insurance_rule(DAY, [certificate()]) == []
    assert codes(rules.insurance_rule(DAY, [certificate("500000", ())])) == [
        ("COI_LIMIT_LOW", "WARNING"),
        ("COI_ADDITIONAL_INSURED_MISSING", "WARNING"),
    ]
    assert codes(rules.insurance_rule(date(2028, 1, 1), [certificate()])) == [
        ("COI_NOT_VALID", "BLOCKING")
    ]


def test_contracts_signed_before_the_shoot_day_civ_code_1633_7() -> None:
    unsigned = contract()
    assert codes(rules.contracts_signed_rule(DAY, [unsigned])) == [
        ("CONTRACT_NOT_SIGNED", "BLOCKING")
    ]
    assert rules.contracts_signed_rule(date(2027, 3, 3), [unsigned]) == []
    unsigned.booking_released()
    assert rules.contracts_signed_rule(DAY, [unsigned]) == []


def test_studio_teacher_rule_8_ccr_11755_2() -> None:
    assert rules.studio_teacher_rule(DAY, [contract()], teachers=0) == []
    minor = contract(is_minor=True)
    assert codes(rules.studio_teacher_rule(DAY, [minor], teachers=0)) == [
        ("STUDIO_TEACHER_NOT_SCHEDULED", "BLOCKING")
    ]
    assert rules.studio_teacher_rule(DAY, [minor], teachers=1) == []
    eleven = [contract(True, f"bkg_{i}") for i in range(11)]
    assert "need 2" in rules.studio_teacher_rule(DAY, eleven, teachers=1)[0].message
    saturday = date(2027, 3, 6)
    weekend = [Contract(**{**vars(c), "work_dates": ("2027-03-06",), "events": []}) for c in eleven]
    assert rules.studio_teacher_rule(saturday, weekend, teachers=1) == []  # 1:20


def test_every_rule_names_its_source() -> None:
    items = rules.report([contract(is_minor=True)], [], [], None)
    assert {i.code for i in items} == {
        "FILM_PERMIT_MISSING",
        "COI_NOT_VALID",
        "CONTRACT_NOT_SIGNED",
        "STUDIO_TEACHER_NOT_SCHEDULED",
    }
    assert all(i.source and i.date == DAY for i in items)
    for rule in (
        rules.film_permit_rule,
        rules.insurance_rule,
        rules.contracts_signed_rule,
        rules.studio_teacher_rule,
    ):
        assert "§" in (rule.__doc__ or "") or "FilmLA" in (rule.__doc__ or "")


# --------------------------------------------------------------------------- use case, subgraph

REPORT = """query($p: ID!, $d: String) { complianceReport(productionId: $p, date: $d) {
    items { code severity message source date } } }"""


@pytest.fixture
def legal_now(store: LegalStore, database: MemoryDatabase) -> Legal:
    return Legal(store, AuditLog(database), now=lambda: datetime(2027, 2, 22, 17, tzinfo=UTC))


async def test_a_shoot_day_with_a_minor_and_no_studio_teacher_is_blocked(
    legal_now: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    await legal_now.draft_contract(booking(is_minor=True, work_dates=("2027-03-02",)))
    producer = principal("org_a", "producer")
    await legal_now.request_film_permit(
        producer,
        production_id="prd_1",
        location_name="Echo Park Lake",
        dates=["2027-03-02"],
        high_impact=False,
    )
    context = graphql_context(legal_now, producer)
    result = data(
        await schema.execute(
            REPORT, variable_values={"p": "prd_1", "d": "2027-03-02"}, context_value=context
        )
    )
    items = result["complianceReport"]["items"]
    assert {(i["code"], i["severity"]) for i in items} == {
        ("COI_NOT_VALID", "BLOCKING"),
        ("CONTRACT_NOT_SIGNED", "BLOCKING"),
        ("STUDIO_TEACHER_NOT_SCHEDULED", "BLOCKING"),
    }
    assert all(i["date"] == "2027-03-02" and i["source"] for i in items)
    with pytest.raises(Forbidden):
        await legal_now.compliance_report(principal("org_a", "casting"), "prd_1")
    assert await legal_now.compliance_report(principal("org_b", "legal"), "prd_1") == []
