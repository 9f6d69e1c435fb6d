"""Legal's acceptance flow through the gateway: confirming a booking drafts its contract; the
producer sends it; the talent signs through the single-use link with consent; the producer
countersigns; verifyDocument confirms the PDF's hash and not a PDF changed by one byte; the link
refuses a second use and another person, and the refusal reveals nothing of the document."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import pytest

from .conftest import CONFIRM, Gateway, ok, spine_booking, token

pytestmark = pytest.mark.e2e

CONTRACT_OF = """query($id: ID!) { production(id: $id) { roles { bookings {
    contract { id status } } } } }"""
SEND = """mutation($id: ID!) { sendContract(input: {contractId: $id}) {
    contract { status } signingUrl userErrors { field message code } } }"""
SIGN = """mutation($t: String!) { signContract(input: {signingToken: $t, signerName: "Rosa Díaz",
    consent: true}) { contract { id status } userErrors { field message code } } }"""
COUNTERSIGN = """mutation($id: ID!) { countersignContract(input: {contractId: $id}) {
    contract { status } userErrors { field message code } } }"""
READ = """query($id: ID!) { contract(id: $id) { status pdfUrl sha256 executedSha256
    signatures { signerName signedAt } } }"""
VERIFY = """query($sha: String!) { verifyDocument(sha256: $sha) { valid contractId signedAt } }"""


async def drafted_contract(gateway: Gateway, producer: str, production: str) -> str:
    for _ in range(100):
        body = await gateway(CONTRACT_OF, {"id": production}, token=producer)
        assert "errors" not in body, body
        [role] = body["data"]["production"]["roles"]
        [booking] = role["bookings"]
        if booking["contract"]:
            assert booking["contract"]["status"] == "DRAFT"
            contract_id: str = booking["contract"]["id"]
            return contract_id
        await asyncio.sleep(0.05)
    raise AssertionError("no contract was drafted")


def pdf_of(contract: dict[str, Any]) -> bytes:
    return base64.b64decode(contract["pdfUrl"].removeprefix("data:application/pdf;base64,"))


async def test_a_confirmed_booking_is_signed_countersigned_and_verified(
    gateway: Gateway, producer: str, org: str
) -> None:
    ids = await spine_booking(gateway, producer)
    ok(await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking")
    contract_id = await drafted_contract(gateway, producer, ids["production"])

    sent = ok(await gateway(SEND, {"id": contract_id}, token=producer), "sendContract")
    assert sent["contract"]["status"] == "SENT"
    signing_token = sent["signingUrl"].rsplit("/", 1)[1]

    talent = token(org, "talent", sub="e2e-rosa", talent_id=ids["talent"])
    stranger = token(org, "talent", sub="e2e-other", talent_id="tal_someone_else")
    refused = (await gateway(SIGN, {"t": signing_token}, token=stranger))["data"]["signContract"]
    assert refused["contract"] is None
    [error] = refused["userErrors"]
    assert (error["field"], error["code"]) == ("signingToken", "INVALID")
    assert contract_id not in str(refused)

    signed = ok(await gateway(SIGN, {"t": signing_token}, token=talent), "signContract")
    assert signed["contract"] == {"id": contract_id, "status": "SIGNED"}
    again = (await gateway(SIGN, {"t": signing_token}, token=talent))["data"]["signContract"]
    assert again == refused  # used once: the same answer, nothing about the document

    done = ok(
        await gateway(COUNTERSIGN, {"id": contract_id}, token=producer), "countersignContract"
    )
    assert done["contract"]["status"] == "COUNTERSIGNED"

    read = (await gateway(READ, {"id": contract_id}, token=talent))["data"]["contract"]
    assert read["status"] == "COUNTERSIGNED"
    assert read["signatures"][0]["signerName"] == "Rosa Díaz"
    executed = pdf_of(read)
    assert executed.startswith(b"%PDF-")
    assert hashlib.sha256(executed).hexdigest() == read["executedSha256"]

    for sha in (read["sha256"], read["executedSha256"]):
        verified = (await gateway(VERIFY, {"sha": sha}, token=producer))["data"]["verifyDocument"]
        assert verified["valid"] is True
        assert verified["contractId"] == contract_id
    changed = bytearray(executed)
    changed[len(changed) // 2] ^= 1
    tampered = hashlib.sha256(bytes(changed)).hexdigest()
    assert (await gateway(VERIFY, {"sha": tampered}, token=producer))["data"]["verifyDocument"] == {
        "valid": False,
        "contractId": None,
        "signedAt": None,
    }
