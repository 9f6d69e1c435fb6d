"""Legal through the gateway, beyond test_legal_signing and test_spine: a minor is judged by
the age band casting derives from the sealed birth date (never sent): a 7-day-old is refused
even with a permit; a 16-year-old is refused without a permit and booked with one; on a
Saturday the production's shoot-day report asks a studio teacher for a 12-year-old but not for
a 16-year-old, and a scheduled teacher clears it; a minor's contract is countersigned only once
a Coogan account is on file (shown masked); a talent release drafted from its template with
Labor Code §927 digital-replica terms is sent and signed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import (
    CONFIRM,
    CREATE_ROLE,
    HOLD,
    REGISTER_TALENT,
    Gateway,
    ok,
    spine_booking,
    token,
)

pytestmark = pytest.mark.e2e

PERMIT = """mutation($t: ID!, $issued: String!, $expires: String!) {
  recordWorkPermit(input: {talentId: $t, number: "EWP-9", issuedOn: $issued, expiresOn: $expires})
  { workPermit { id } userErrors { field message code } } }"""
REPORT = """query($p: ID!, $d: String) { complianceReport(productionId: $p, date: $d) {
    items { code severity message source } } }"""
TEACHER = """mutation($p: ID!, $d: String!, $e: String!) { scheduleStudioTeacher(input: {
    productionId: $p, date: $d, name: "Jo Park", credentialExpiresOn: $e}) {
    studioTeacher { id } userErrors { field message code } } }"""
CONTRACTS = """query($id: ID!) { production(id: $id) { contracts { id status } } }"""
SEND = """mutation($id: ID!) { sendContract(input: {contractId: $id}) {
    signingUrl userErrors { field message code } } }"""
SIGN = """mutation($t: String!) { signContract(input: {signingToken: $t, signerName: "Ana Díaz",
    consent: true}) { contract { status } userErrors { field message code } } }"""
COUNTERSIGN = """mutation($id: ID!) { countersignContract(input: {contractId: $id}) {
    contract { status } userErrors { field message code } } }"""
COOGAN = """mutation($t: ID!) { recordCooganAccount(input: {talentId: $t,
    institution: "First Bank", accountNumber: "1234-5678-9012"}) {
    cooganAccount { accountNumberMasked } userErrors { field message code } } }"""

TODAY = datetime.now(UTC).date()


def years_ago(years: int, days: int = 0) -> str:
    return (TODAY.replace(year=TODAY.year - years) - timedelta(days=days)).isoformat()


def next_saturday(after_days: int = 14) -> str:
    day = TODAY + timedelta(days=after_days)
    return (day + timedelta(days=(5 - day.weekday()) % 7)).isoformat()


async def permit(gateway: Gateway, legal: str, talent_id: str) -> None:
    variables = {
        "t": talent_id,
        "issued": TODAY.isoformat(),
        "expires": (TODAY + timedelta(days=150)).isoformat(),
    }
    ok(await gateway(PERMIT, variables, token=legal), "recordWorkPermit")


def refusals(body: dict[str, Any]) -> list[str]:
    assert "errors" not in body, body
    payload = body["data"]["confirmBooking"]
    assert payload["booking"] is None
    return [e["message"].split(":")[0] for e in payload["userErrors"]]


async def test_a_minor_is_judged_by_age_band(gateway: Gateway, producer: str, org: str) -> None:
    legal = token(org, "legal")
    day = (TODAY + timedelta(days=5)).isoformat()
    infant = await spine_booking(gateway, producer, dates=[day], dob=years_ago(0, days=2))
    await permit(gateway, legal, infant["talent"])
    assert refusals(await gateway(CONFIRM, {"bookingId": infant["booking"]}, token=producer)) == [
        "MINOR_TOO_YOUNG"
    ]

    teen = await spine_booking(gateway, producer, dates=[day], dob=years_ago(16, days=30))
    assert refusals(await gateway(CONFIRM, {"bookingId": teen["booking"]}, token=producer)) == [
        "MINOR_WORK_PERMIT_MISSING"
    ]
    await permit(gateway, legal, teen["talent"])
    booked = ok(
        await gateway(CONFIRM, {"bookingId": teen["booking"]}, token=producer), "confirmBooking"
    )
    assert booked["booking"]["status"] == "BOOKED"


async def contracts_of(gateway: Gateway, producer: str, production: str, count: int) -> list[str]:
    for _ in range(200):
        body = await gateway(CONTRACTS, {"id": production}, token=producer)
        assert "errors" not in body, body
        found = [c["id"] for c in body["data"]["production"]["contracts"]]
        if len(found) == count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} contract(s) were not drafted")


async def teacher_items(gateway: Gateway, legal: str, production: str, day: str) -> list[str]:
    body = await gateway(REPORT, {"p": production, "d": day}, token=legal)
    assert "errors" not in body, body
    items = body["data"]["complianceReport"]["items"]
    assert all(i["source"] for i in items)
    return [i["message"] for i in items if i["code"] == "STUDIO_TEACHER_NOT_SCHEDULED"]


async def test_the_shoot_day_report_counts_minors_by_band_and_teachers(
    gateway: Gateway, producer: str, org: str
) -> None:
    legal = token(org, "legal")
    saturday = next_saturday()
    teen = await spine_booking(gateway, producer, dates=[saturday], dob=years_ago(16, days=30))
    await permit(gateway, legal, teen["talent"])
    ok(await gateway(CONFIRM, {"bookingId": teen["booking"]}, token=producer), "confirmBooking")
    production = teen["production"]
    await contracts_of(gateway, producer, production, 1)
    # 16 and 17 year olds need a studio teacher on school days only.
    assert await teacher_items(gateway, legal, production, saturday) == []

    role = ok(
        await gateway(
            CREATE_ROLE,
            {"productionId": production, "amount": "900.00", "dates": [saturday]},
            token=producer,
        ),
        "createRole",
    )
    child = ok(
        await gateway(REGISTER_TALENT, {"name": "Leo Díaz", "dob": years_ago(12)}, token=producer),
        "registerTalent",
    )
    await permit(gateway, legal, child["talent"]["id"])
    hold = ok(
        await gateway(
            HOLD, {"roleId": role["role"]["id"], "talentId": child["talent"]["id"]}, token=producer
        ),
        "holdTalent",
    )
    ok(
        await gateway(CONFIRM, {"bookingId": hold["booking"]["id"]}, token=producer),
        "confirmBooking",
    )
    await contracts_of(gateway, producer, production, 2)
    assert await teacher_items(gateway, legal, production, saturday) == [
        "2 minor(s) on call need 1 studio teacher(s); 0 scheduled"
    ]
    ok(
        await gateway(
            TEACHER,
            {"p": production, "d": saturday, "e": (TODAY + timedelta(days=365)).isoformat()},
            token=legal,
        ),
        "scheduleStudioTeacher",
    )
    assert await teacher_items(gateway, legal, production, saturday) == []


async def test_a_minors_contract_needs_a_coogan_account_before_countersigning(
    gateway: Gateway, producer: str, org: str
) -> None:
    legal = token(org, "legal")
    day = (TODAY + timedelta(days=20)).isoformat()
    ids = await spine_booking(gateway, producer, dates=[day], dob=years_ago(10))
    await permit(gateway, legal, ids["talent"])
    ok(await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking")
    [contract_id] = await contracts_of(gateway, producer, ids["production"], 1)
    sent = ok(await gateway(SEND, {"id": contract_id}, token=producer), "sendContract")
    parent = token(org, "talent", sub="parent", talent_id=ids["talent"])
    signing_token = sent["signingUrl"].rsplit("/", 1)[1]
    ok(await gateway(SIGN, {"t": signing_token}, token=parent), "signContract")

    refused = (await gateway(COUNTERSIGN, {"id": contract_id}, token=producer))["data"]
    [error] = refused["countersignContract"]["userErrors"]
    assert (error["field"], error["code"]) == ("contractId", "CONFLICT")
    assert "Coogan" in error["message"]

    account = ok(await gateway(COOGAN, {"t": ids["talent"]}, token=parent), "recordCooganAccount")
    assert account["cooganAccount"] == {"accountNumberMasked": "****9012"}
    done = ok(
        await gateway(COUNTERSIGN, {"id": contract_id}, token=producer), "countersignContract"
    )
    assert done["contract"]["status"] == "COUNTERSIGNED"


DRAFT = """mutation($input: DraftContractInput!) { draftContract(input: $input) {
    contract { id status templateVersion terms { name value } digitalReplica { uses } }
    userErrors { field message code } } }"""
READ_CONTRACT = """query($id: ID!) { contract(id: $id) { status pdfUrl sha256 } }"""


async def test_a_release_with_digital_replica_terms_is_drafted_sent_and_signed(
    gateway: Gateway, producer: str, org: str
) -> None:
    """Templates (issue 15): a talent release with Labor Code §927 terms; vague uses refused."""
    ids = await spine_booking(gateway, producer)
    uses = "a 15-second voice-only tag for the radio edit of this commercial, US broadcast"
    release: dict[str, Any] = {
        "productionId": ids["production"],
        "template": "talent-release/v1",
        "counterpartyName": "Rosa Díaz",
        "talentId": ids["talent"],
        "terms": [
            {"name": "media", "value": "all media"},
            {"name": "territory", "value": "USA"},
            {"name": "term", "value": "2 years"},
        ],
        "digitalReplica": {"uses": "ads", "representedBy": "COUNSEL"},
    }
    vague = (await gateway(DRAFT, {"input": release}, token=producer))["data"]["draftContract"]
    assert [e["field"] for e in vague["userErrors"]] == ["digitalReplica.uses"]
    release["digitalReplica"]["uses"] = uses
    drafted = ok(await gateway(DRAFT, {"input": release}, token=producer), "draftContract")
    contract = drafted["contract"]
    assert (contract["status"], contract["digitalReplica"]) == ("DRAFT", {"uses": uses})
    assert contract["terms"][2] == {"name": "term", "value": "2 years"}
    sent = ok(await gateway(SEND, {"id": contract["id"]}, token=producer), "sendContract")
    talent = token(org, "talent", sub="rosa", talent_id=ids["talent"])
    signing_token = sent["signingUrl"].rsplit("/", 1)[1]
    signed = ok(await gateway(SIGN, {"t": signing_token}, token=talent), "signContract")
    assert signed["contract"]["status"] == "SIGNED"
    body = await gateway(READ_CONTRACT, {"id": contract["id"]}, token=talent)
    assert body["data"]["contract"]["pdfUrl"].startswith("data:application/pdf;base64,")
