"""Film permits (FilmLA lead times in business days) and certificates of insurance: the rules,
the use cases on the in-memory database, and the subgraph."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from legal.domain import permits as rules
from legal.schema import schema
from legal.store import LegalStore
from legal.usecases import Legal
from slate.audit import AuditLog
from slate.errors import Forbidden, ValidationErrors
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal
from slate_domain import Invalid

PRODUCER = principal("org_a", "producer")


def at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


@pytest.mark.parametrize(
    ("submitted", "high_impact", "ready"),
    [
        # FilmLA: "application submitted on a Monday for filming on a Thursday".
        ("2027-03-01T09:00", False, "2027-03-04"),
        # After the 10 a.m. deadline it counts from the next business day.
        ("2027-03-01T10:30", False, "2027-03-05"),
        # Thursday: Saturday, Sunday and Monday needed Wednesday; Tuesday is the first.
        ("2027-03-04T09:00", False, "2027-03-09"),
        # A weekend submission counts from Monday.
        ("2027-03-06T09:00", False, "2027-03-11"),
        # High-impact work (aerial, gunfire, special effects): seven business days.
        ("2027-03-01T09:00", True, "2027-03-10"),
    ],
)
def test_filmla_lead_times_in_business_days(submitted: str, high_impact: bool, ready: str) -> None:
    """FilmLA Permit Operations Policy: three business days before the first filming date,
    more for high-impact activity; applications due by 10 a.m."""
    assert rules.ready_by(at(submitted), high_impact) == date.fromisoformat(ready)


def test_business_days_before_skip_weekends() -> None:
    assert rules.business_days_before(date(2027, 3, 6), 3) == date(2027, 3, 3)  # Sat -> Wed
    assert rules.business_days_before(date(2027, 3, 4), 3) == date(2027, 3, 1)  # Thu -> Mon


def request(**changes: Any) -> rules.FilmPermit:
    args: dict[str, Any] = {
        "id": "fpm_1",
        "org_id": "org_a",
        "production_id": "prd_1",
        "location_name": " Echo Park Lake ",
        "dates": ["2027-03-03", "2027-03-02"],
        "high_impact": False,
        "now": at("2027-03-01T09:00"),
        **changes,
    }
    return rules.FilmPermit.request(**args)


def test_a_permit_requested_two_business_days_ahead_shows_when_it_can_be_ready() -> None:
    permit = request()
    assert permit.location_name == "Echo Park Lake"
    assert permit.dates == (date(2027, 3, 2), date(2027, 3, 3))
    assert permit.ready_by == date(2027, 3, 4)
    assert not permit.ready_in_time
    assert not permit.covers("echo park lake", date(2027, 3, 3))
    assert [type(e).__name__ for e in permit.events] == ["FilmPermitRequested"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"production_id": "bkg_1"}, "productionId"),
        ({"location_name": " "}, "locationName"),
        ({"dates": []}, "dates"),
        ({"dates": ["2027-3-2"]}, "dates"),
        ({"dates": ["2027-02-01"]}, "dates"),
    ],
)
def test_bad_permit_requests_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as invalid:
        request(**changes)
    assert [p.field for p in invalid.value.problems] == [field]


def certificate(**changes: Any) -> rules.InsuranceCertificate:
    args: dict[str, Any] = {
        "id": "coi_1",
        "org_id": "org_a",
        "production_id": "prd_1",
        "insurer": "Acme Mutual",
        "policy_number": "CGL-1",
        "general_liability_limit": "1000000",
        "additional_insureds": ["FilmL.A., Inc. and its officers, agents and employees", " "],
        "effective_on": "2027-01-01",
        "expires_on": "2027-12-31",
        **changes,
    }
    return rules.InsuranceCertificate.record_certificate(**args)


def test_a_certificate_is_valid_in_its_period_and_names_filmla() -> None:
    c = certificate()
    assert c.general_liability_limit == Decimal("1000000")
    assert c.names_filmla
    assert len(c.additional_insureds) == 1
    assert c.valid_on(date(2027, 12, 31))
    assert not c.valid_on(date(2028, 1, 1))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"insurer": ""}, "insurer"),
        ({"policy_number": ""}, "policyNumber"),
        ({"general_liability_limit": "lots"}, "generalLiabilityLimit"),
        ({"general_liability_limit": "-1"}, "generalLiabilityLimit"),
        ({"expires_on": "2026-12-31"}, "expiresOn"),
        ({"effective_on": "Jan 1"}, "effectiveOn"),
    ],
)
def test_bad_certificates_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as invalid:
        certificate(**changes)
    assert field in [p.field for p in invalid.value.problems]


# --------------------------------------------------------------------------- use cases


@pytest.fixture
def permits(store: LegalStore, database: MemoryDatabase) -> Legal:
    # 09:00 in Los Angeles on Monday 1 March 2027 (UTC-8).
    return Legal(store, AuditLog(database), now=lambda: datetime(2027, 3, 1, 17, tzinfo=UTC))


async def test_a_requested_permit_is_stored_in_la_time_and_audited(
    permits: Legal, store: LegalStore, database: MemoryDatabase
) -> None:
    permit = await permits.request_film_permit(
        PRODUCER,
        production_id="prd_1",
        location_name="Echo Park Lake",
        dates=["2027-03-03"],
        high_impact=False,
    )
    assert permit.ready_by == date(2027, 3, 4)
    assert [p.id for p in await store.film_permits("org_a", "prd_1")] == [permit.id]
    assert await store.film_permits("org_b", "prd_1") == []
    records = await AuditLog(database).for_target("org_a", permit.id)
    assert [r["action"] for r in records] == ["requestFilmPermit"]


async def test_only_legal_and_producers_request_permits_and_bad_input_writes_nothing(
    permits: Legal, store: LegalStore
) -> None:
    with pytest.raises(Forbidden):
        await permits.request_film_permit(
            principal("org_a", "casting"),
            production_id="prd_1",
            location_name="x",
            dates=["2027-03-03"],
            high_impact=False,
        )
    with pytest.raises(ValidationErrors):
        await permits.request_film_permit(
            PRODUCER, production_id="prd_1", location_name="", dates=[], high_impact=False
        )
    assert await store.film_permits("org_a", "prd_1") == []


# --------------------------------------------------------------------------- subgraph

REQUEST = """mutation($input: RequestFilmPermitInput!) { requestFilmPermit(input: $input) {
    permit { locationName dates readyBy readyInTime highImpact } userErrors { field code } } }"""
INSURE = """mutation($input: RecordInsuranceCertificateInput!) {
    recordInsuranceCertificate(input: $input) {
    certificate { insurer generalLiabilityLimit additionalInsureds expiresOn }
    userErrors { field code } } }"""


async def run(legal: Legal, query: str, variables: dict[str, Any]) -> Any:
    return data(
        await schema.execute(
            query, variable_values=variables, context_value=graphql_context(legal, PRODUCER)
        )
    )


async def test_request_film_permit_through_the_subgraph(permits: Legal) -> None:
    variables = {
        "input": {
            "productionId": "prd_1",
            "locationName": "Echo Park Lake",
            "dates": ["2027-03-03"],
            "highImpact": True,
        }
    }
    payload = (await run(permits, REQUEST, variables))["requestFilmPermit"]
    assert payload == {
        "permit": {
            "locationName": "Echo Park Lake",
            "dates": ["2027-03-03"],
            "readyBy": "2027-03-10",
            "readyInTime": False,
            "highImpact": True,
        },
        "userErrors": [],
    }


async def test_record_insurance_certificate_through_the_subgraph(permits: Legal) -> None:
    good = {
        "productionId": "prd_1",
        "insurer": "Acme Mutual",
        "policyNumber": "CGL-1",
        "generalLiabilityLimit": "1000000.00",
        "effectiveOn": "2027-01-01",
        "expiresOn": "2027-12-31",
        "additionalInsureds": ["FilmL.A., Inc."],
    }
    payload = (await run(permits, INSURE, {"input": good}))["recordInsuranceCertificate"]
    assert payload["userErrors"] == []
    assert payload["certificate"]["additionalInsureds"] == ["FilmL.A., Inc."]
    bad = (await run(permits, INSURE, {"input": {**good, "generalLiabilityLimit": "x"}}))[
        "recordInsuranceCertificate"
    ]
    assert bad == {
        "certificate": None,
        "userErrors": [{"field": "generalLiabilityLimit", "code": "INVALID"}],
    }
