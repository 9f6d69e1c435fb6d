"""Paying a booked talent through the gateway (issue 12): confirm a booking, the talent files
their payee profile, three timecards (one of 13 hours with a late meal) are submitted and
approved, a pay run is created, approved and issued; the stub shows the engine's lines, taxes and
net with its PDF, the talent sees it in `myPay` (another talent does not), accounting sees the
tax id masked and gets a NACHA file of the direct deposit."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid

import pytest

from .conftest import CONFIRM, Gateway, ok, spine_booking, token

pytestmark = pytest.mark.e2e

DAYS = [
    ("2027-03-02", "08:00", "16:30", [("12:00", "12:30")]),
    ("2027-03-03", "07:00", "20:30", [("14:00", "14:30")]),  # 13 h worked, the meal late
    ("2027-03-04", "08:00", "18:30", [("12:00", "12:30")]),
]

ENGAGEMENT = """
query($id: ID!) {
  production(id: $id) { roles { bookings { id engagement { id timecards { id status } } } } }
}"""

SAVE_PROFILE = """
mutation($input: SavePayeeProfileInput!) {
  savePayeeProfile(input: $input) {
    payeeProfile { id taxId bankAccount { accountNumber } paymentMethod }
    userErrors { field message code }
  }
}"""

SUBMIT = """
mutation($engagementId: ID!, $date: String!, $call: String!, $wrap: String!,
         $meals: [MealInput!]!) {
  submitTimecard(input: {engagementId: $engagementId, date: $date, call: $call, wrap: $wrap,
                         meals: $meals}) {
    timecard { id status }
    userErrors { field message code }
  }
}"""

APPROVE = """
mutation($id: ID!) {
  approveTimecard(input: {timecardId: $id}) { timecard { id status } userErrors { field code } }
}"""

CREATE_RUN = """
mutation($productionId: ID!) {
  createPayRun(input: {productionId: $productionId, periodStart: "2027-03-01",
                       periodEnd: "2027-03-07", payDate: "2027-03-12"}) {
    payRun { id status }
    userErrors { field message code }
  }
}"""

APPROVE_RUN = """
mutation($id: ID!) { approvePayRun(input: {payRunId: $id}) {
  payRun { id status } userErrors { field message code } } }"""

ISSUE_RUN = """
mutation($id: ID!) { issuePayRun(input: {payRunId: $id}) {
  payRun { id status } userErrors { field message code } } }"""

PAY_RUN = """
query($id: ID!) {
  payRun(id: $id) {
    status achFileUrl
    payments { method amount { amount } }
    stubs { id payeeName taxIdLast4 gross { amount } net { amount } pdfUrl
            earnings { kind } deductions { code amount { amount } } }
  }
}"""

MY_PAY = "query { myPay { stubs { id gross { amount } net { amount } } } }"

PROFILE = """
query($talentId: ID!) { payeeProfile(talentId: $talentId) { legalName taxId } }"""


async def engagement_of(gateway: Gateway, producer: str, production_id: str) -> str:
    """The confirmed booking's engagement id, once payroll has opened it."""
    started = time.monotonic()
    while True:
        body = await gateway(ENGAGEMENT, {"id": production_id}, token=producer)
        assert "errors" not in body, body
        [role] = body["data"]["production"]["roles"]
        [booking] = role["bookings"]
        if booking["engagement"]:
            engagement_id: str = booking["engagement"]["id"]
            return engagement_id
        assert time.monotonic() - started < 10, "payroll never opened the engagement"
        await asyncio.sleep(0.1)


async def test_a_booked_talent_is_paid_and_sees_their_stub(
    gateway: Gateway, org: str, producer: str
) -> None:
    ids = await spine_booking(gateway, producer, dates=[d for d, *_ in DAYS])
    ok(await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking")
    engagement_id = await engagement_of(gateway, producer, ids["production"])
    accounting = token(org, "accounting", sub="e2e-accounting")
    talent = token(org, "talent", sub=f"e2e-{ids['talent']}", talent_id=ids["talent"])
    stranger = token(org, "talent", sub="e2e-other", talent_id=f"tal_{uuid.uuid4().hex[:10]}")

    # The talent files their own profile (as variables: never in a logged document).
    profile = ok(
        await gateway(
            SAVE_PROFILE,
            {
                "input": {
                    "talentId": ids["talent"],
                    "legalName": "Rosa Díaz",
                    "address": {
                        "line1": "1 Main St",
                        "city": "Los Angeles",
                        "state": "CA",
                        "postalCode": "90012",
                    },
                    "taxId": "123-45-6789",
                    "w4": {"filingStatus": "SINGLE"},
                    "paymentMethod": "DIRECT_DEPOSIT",
                    "bankAccount": {"routingNumber": "021000021", "accountNumber": "000123456789"},
                }
            },
            token=talent,
        ),
        "savePayeeProfile",
    )["payeeProfile"]
    assert profile["taxId"] == "•••-••-6789"
    assert profile["bankAccount"] == {"accountNumber": "••••6789"}

    for day, call, wrap, meals in DAYS:
        card = ok(
            await gateway(
                SUBMIT,
                {
                    "engagementId": engagement_id,
                    "date": day,
                    "call": call,
                    "wrap": wrap,
                    "meals": [{"start": s, "end": e} for s, e in meals],
                },
                token=producer,
            ),
            "submitTimecard",
        )["timecard"]
        assert card["status"] == "SUBMITTED"
        approved = ok(
            await gateway(APPROVE, {"id": card["id"]}, token=accounting), "approveTimecard"
        )
        assert approved["timecard"]["status"] == "APPROVED"

    run = ok(
        await gateway(CREATE_RUN, {"productionId": ids["production"]}, token=accounting),
        "createPayRun",
    )["payRun"]
    # Issuing before approval is refused by its field, and nothing changes.
    refused = await gateway(ISSUE_RUN, {"id": run["id"]}, token=accounting)
    assert refused["data"]["issuePayRun"]["userErrors"][0]["field"] == "payRunId"
    ok(await gateway(APPROVE_RUN, {"id": run["id"]}, token=accounting), "approvePayRun")
    issued = ok(await gateway(ISSUE_RUN, {"id": run["id"]}, token=accounting), "issuePayRun")
    assert issued["payRun"]["status"] == "ISSUED"

    body = await gateway(PAY_RUN, {"id": run["id"]}, token=accounting)
    assert "errors" not in body, body
    seen = body["data"]["payRun"]
    [stub] = seen["stubs"]
    kinds = {line["kind"] for line in stub["earnings"]}
    assert {"regular", "overtime_1_5x", "overtime_2x", "meal_premium"} <= kinds
    codes = {d["code"] for d in stub["deductions"]}
    assert {"federal_income_tax", "social_security", "medicare", "ca_sdi"} <= codes
    assert (stub["payeeName"], stub["taxIdLast4"]) == ("Rosa Díaz", "6789")
    assert 0 < float_free(stub["net"]["amount"]) < float_free(stub["gross"]["amount"])
    assert stub["pdfUrl"].startswith("data:application/pdf;base64,")
    assert base64.b64decode(stub["pdfUrl"].split(",", 1)[1]).startswith(b"%PDF")
    assert seen["payments"] == [{"method": "DIRECT_DEPOSIT", "amount": stub["net"]}]
    ach = base64.b64decode(seen["achFileUrl"].split(",", 1)[1]).decode("ascii").splitlines()
    assert all(len(record) == 94 for record in ach)
    assert len(ach) % 10 == 0
    [entry] = [r for r in ach if r.startswith("6")]
    assert entry[12:29].rstrip() == "000123456789"

    # The talent sees their stub; another talent sees nothing of it.
    mine = await gateway(MY_PAY, token=talent)
    assert "errors" not in mine, mine
    assert [s["id"] for s in mine["data"]["myPay"]["stubs"]] == [stub["id"]]
    assert mine["data"]["myPay"]["stubs"][0]["net"] == stub["net"]
    theirs = await gateway(MY_PAY, token=stranger)
    assert theirs["data"]["myPay"]["stubs"] == []

    # Accounting sees the profile masked; a producer gets no profile at all.
    masked = await gateway(PROFILE, {"talentId": ids["talent"]}, token=accounting)
    assert masked["data"]["payeeProfile"] == {"legalName": "Rosa Díaz", "taxId": "•••-••-6789"}
    denied = await gateway(PROFILE, {"talentId": ids["talent"]}, token=producer)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # A producer reviewing the run gets neither the stub's PDF nor the bank file.
    review = await gateway(PAY_RUN, {"id": run["id"]}, token=producer)
    assert review["data"]["payRun"]["achFileUrl"] is None
    assert review["data"]["payRun"]["stubs"][0]["pdfUrl"] is None


def float_free(amount: str) -> int:
    """A decimal amount string as cents (no float)."""
    whole, _, cents = amount.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])
