"""The production lifecycle (issue 14) through the gateway only: a production started from an
SOP template gets its tasks, checklist (lessons included) and deliverables; added tasks give the
right critical path; moving into production is refused naming what is missing (shoot day, cast,
then legal's blockers) and allowed once they exist; a confirmed booking raises committed talent
cost within a second (payroll's estimate, by event); an issued pay run raises actual cost; a
deliverable with an open QC item is not delivered; the dashboard answers in one request; saving
the production as a template carries its lessons forward."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from .conftest import CONFIRM, HOLD, Gateway, ok, token

pytestmark = pytest.mark.e2e

CREATE = """
mutation($title: String!, $templateId: ID) {
  createProduction(input: {title: $title, kind: COMMERCIAL, timezone: "America/Los_Angeles",
                           templateId: $templateId}) {
    production { id stage } userErrors { field message code }
  }
}"""
ADD_TASK = """
mutation($p: ID!, $name: String!, $d: Int!, $deps: [TaskDependencyInput!]! = []) {
  addTask(input: {productionId: $p, name: $name, durationDays: $d, dependsOn: $deps}) {
    task { id } userErrors { field message code }
  }
}"""
CHECKLIST = """
mutation($p: ID!, $text: String!) {
  addChecklistItem(input: {productionId: $p, stage: PRE_PRODUCTION, text: $text}) {
    workbook { checklist { text } } userErrors { field message code }
  }
}"""
LESSON = """
mutation($p: ID!, $text: String!) {
  recordLesson(input: {productionId: $p, text: $text}) {
    workbook { lessons { stage text } } userErrors { field message code }
  }
}"""
DELIVERABLE = """
mutation($p: ID!) {
  addDeliverable(input: {productionId: $p, name: "Master :30", dueDate: "2027-04-01",
    spec: {format: "ProRes 4444", duration: "00:00:30", aspectRatio: "16:9",
           loudness: "-24 LKFS"},
    qcChecklist: ["Loudness within -24 LKFS +/- 2", "No dropped frames"]}) {
    deliverable { id } userErrors { field message code }
  }
}"""
SAVE_TEMPLATE = """
mutation($p: ID!, $name: String!) {
  saveAsTemplate(input: {productionId: $p, name: $name}) {
    template { id tasks { name } lessons { stage text } } userErrors { field message code }
  }
}"""
PRODUCTION = """
query($id: ID!) { production(id: $id) {
  stage
  workbook { tasks { id name earlyStart lateStart slack critical } criticalPath { id name }
             checklist { text source } }
  budget { lines { category budgeted { amount } committed { amount } actual { amount } } }
  deliverables { id name qc { id text status } }
} }"""
SET_BUDGET = """
mutation($p: ID!) {
  setBudget(input: {productionId: $p, lines: [{category: TALENT, amount: "20000.00"},
                                               {category: LOCATIONS, amount: "5000.00"}]}) {
    budget { lines { category } } userErrors { field message code }
  }
}"""
ADVANCE = """
mutation($p: ID!, $to: ProductionStage!) {
  advanceStage(input: {productionId: $p, to: $to}) {
    production { stage } userErrors { field message code }
  }
}"""
ROLE = """
mutation($p: ID!) {
  createRole(input: {productionId: $p, name: "Lead Skater",
                     rate: {amount: "1200.00", currency: "USD", unit: DAY},
                     workDates: ["2027-03-02", "2027-03-03"]}) {
    role { id } userErrors { field message code }
  }
}"""
TALENT = """
mutation {
  registerTalent(input: {name: "Rosa Díaz", email: "rosa@example.com", dateOfBirth: "1991-04-02",
                         union: SAG_AFTRA}) {
    talent { id } userErrors { field message code }
  }
}"""
LOCATION = """
mutation($p: ID!) {
  createLocation(input: {productionId: $p, name: "Venice Skatepark",
                         address: "1800 Ocean Front Walk"}) {
    location { id } userErrors { field message code }
  }
}"""
SCENE = """
mutation($p: ID!, $loc: ID!, $roles: [ID!]!) {
  createScene(input: {productionId: $p, number: "1", locationId: $loc, duration: 2,
                      roleIds: $roles}) {
    scene { id } userErrors { field message code }
  }
}"""
APPLY = """
mutation($p: ID!, $scenes: [ID!]!) {
  applyStripboard(input: {productionId: $p, sceneIds: $scenes, startDate: "2027-03-02"}) {
    shootDays { id date } userErrors { field message code }
  }
}"""
CONTRACT_OF = """query($id: ID!) { production(id: $id) { roles { bookings {
    contract { id status } engagement { id } } } } }"""
SEND = """mutation($id: ID!) { sendContract(input: {contractId: $id}) {
    contract { status } signingUrl userErrors { field message code } } }"""
SIGN = """mutation($t: String!) { signContract(input: {signingToken: $t, signerName: "Rosa Díaz",
    consent: true}) { contract { status } userErrors { field message code } } }"""
PERMIT = """
mutation($p: ID!) {
  requestFilmPermit(input: {productionId: $p, locationName: "Venice Skatepark",
                            dates: ["2027-03-02", "2027-03-03"]}) {
    permit { id } userErrors { field message code }
  }
}"""
INSURANCE = """
mutation($p: ID!) {
  recordInsuranceCertificate(input: {productionId: $p, insurer: "Film Mutual",
    policyNumber: "GL-1", generalLiabilityLimit: "2000000.00", effectiveOn: "2027-01-01",
    expiresOn: "2027-12-31", additionalInsureds: ["FilmL.A., Inc."]}) {
    certificate { id } userErrors { field message code }
  }
}"""
TIMECARD = """
mutation($e: ID!) {
  submitTimecard(input: {engagementId: $e, date: "2027-03-02", call: "07:00", wrap: "17:00",
                         meals: [{start: "12:00", end: "12:30"}]}) {
    timecard { id status } userErrors { field message code }
  }
}"""
APPROVE_TIMECARD = """
mutation($id: ID!) { approveTimecard(input: {timecardId: $id}) {
  timecard { status } userErrors { field message code } } }"""
PAY_RUN = """
mutation($p: ID!) {
  createPayRun(input: {productionId: $p, periodStart: "2027-03-01", periodEnd: "2027-03-07",
                       payDate: "2027-03-12"}) {
    payRun { id status } userErrors { field message code }
  }
}"""
APPROVE_RUN = """mutation($id: ID!) { approvePayRun(input: {payRunId: $id}) {
  payRun { status } userErrors { field message code } } }"""
ISSUE_RUN = """mutation($id: ID!) { issuePayRun(input: {payRunId: $id}) {
  payRun { status } userErrors { field message code } } }"""
VERSION = """mutation($d: ID!) { addDeliverableVersion(input: {deliverableId: $d, label: "v1"}) {
  deliverable { versions { number } } userErrors { field message code } } }"""
REVIEW = """mutation($d: ID!) {
  recordReview(input: {deliverableId: $d, outcome: APPROVED, notes: "Client approved"}) {
    deliverable { reviewRounds { outcome } } userErrors { field message code } } }"""
QC = """mutation($d: ID!, $item: ID!) {
  setQcItem(input: {deliverableId: $d, itemId: $item, status: PASSED}) {
    deliverable { qc { status } } userErrors { field message code } } }"""
DELIVER = """mutation($d: ID!) { deliver(input: {deliverableId: $d}) {
  deliverable { delivered } userErrors { field message code } } }"""
DASHBOARD = """
query($p: ID!) { productionDashboard(productionId: $p) {
  stage gate { to ready missing { field message } }
  criticalPath { name } nextDueTasks { name }
  budget { totals { budgeted { amount } committed { amount } actual { amount } } }
  bookings { status count } complianceAvailable complianceBlockers { code message }
  nextShootDay { date } production { title }
} }"""


async def read(gateway: Gateway, producer: str, production_id: str) -> dict[str, Any]:
    body = await gateway(PRODUCTION, {"id": production_id}, token=producer)
    assert "errors" not in body, body
    production: dict[str, Any] = body["data"]["production"]
    return production


def talent_line(production: dict[str, Any]) -> dict[str, Any]:
    [line] = [x for x in production["budget"]["lines"] if x["category"] == "TALENT"]
    return line


async def task(gateway: Gateway, producer: str, p: str, name: str, d: int, *deps: Any) -> str:
    dependencies = [{"taskId": x, "lagDays": 0} if isinstance(x, str) else x for x in deps]
    made = ok(
        await gateway(
            ADD_TASK, {"p": p, "name": name, "d": d, "deps": dependencies}, token=producer
        ),
        "addTask",
    )
    return str(made["task"]["id"])


async def eventually(probe: Any, what: str, timeout_s: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        found = await probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_a_production_from_template_to_production_with_costs_and_delivery(
    gateway: Gateway, org: str
) -> None:
    producer = token(org, "producer", "casting")
    accounting = token(org, "accounting", sub="e2e-accounting")

    # An earlier production's way of working, saved as the organisation's SOP template.
    first = ok(await gateway(CREATE, {"title": "Last Spot"}, token=producer), "createProduction")
    p0 = first["production"]["id"]
    await task(gateway, producer, p0, "Script", 2)
    ok(
        await gateway(
            CHECKLIST, {"p": p0, "text": "Insurance certificate on file"}, token=producer
        ),
        "addChecklistItem",
    )
    ok(
        await gateway(LESSON, {"p": p0, "text": "Scout with the DP"}, token=producer),
        "recordLesson",
    )
    ok(await gateway(DELIVERABLE, {"p": p0}, token=producer), "addDeliverable")
    sop = ok(
        await gateway(SAVE_TEMPLATE, {"p": p0, "name": "Commercial SOP"}, token=producer),
        "saveAsTemplate",
    )
    assert sop["template"]["lessons"] == [{"stage": "PLANNING", "text": "Scout with the DP"}]

    # A new production from the template: its tasks, checklist (with the lesson) and deliverables.
    made = ok(
        await gateway(
            CREATE, {"title": "Spring Spot", "templateId": sop["template"]["id"]}, token=producer
        ),
        "createProduction",
    )
    p = made["production"]["id"]
    assert made["production"]["stage"] == "PLANNING"
    production = await read(gateway, producer, p)
    assert [t["name"] for t in production["workbook"]["tasks"]] == ["Script"]
    assert production["workbook"]["checklist"] == [
        {"text": "Insurance certificate on file", "source": "TEMPLATE"},
        {"text": "Lesson: Scout with the DP", "source": "LESSON"},
    ]
    [deliverable] = production["deliverables"]
    assert [q["status"] for q in deliverable["qc"]] == ["OPEN", "OPEN"]

    # Tasks and the critical path: Script(2) -> Cast(4) -> Shoot(2); Scout(2) +1 day lag -> Shoot.
    script = production["workbook"]["tasks"][0]["id"]
    cast = await task(gateway, producer, p, "Cast", 4, script)
    scout = await task(gateway, producer, p, "Scout", 2, script)
    await task(gateway, producer, p, "Shoot", 2, cast, {"taskId": scout, "lagDays": 1})
    workbook = (await read(gateway, producer, p))["workbook"]
    timing = {
        t["name"]: (t["earlyStart"], t["lateStart"], t["slack"], t["critical"])
        for t in workbook["tasks"]
    }
    assert timing == {
        "Script": (0, 0, 0, True),
        "Cast": (2, 2, 0, True),
        "Scout": (2, 3, 1, False),
        "Shoot": (6, 6, 0, True),
    }
    assert [t["name"] for t in workbook["criticalPath"]] == ["Script", "Cast", "Shoot"]

    ok(await gateway(SET_BUDGET, {"p": p}, token=producer), "setBudget")
    moved = ok(
        await gateway(ADVANCE, {"p": p, "to": "PRE_PRODUCTION"}, token=producer), "advanceStage"
    )
    assert moved["production"]["stage"] == "PRE_PRODUCTION"

    # Into production: refused naming the missing shoot day and the role without booked cast.
    role = ok(await gateway(ROLE, {"p": p}, token=producer), "createRole")["role"]["id"]
    talent = ok(await gateway(TALENT, {}, token=producer), "registerTalent")["talent"]["id"]
    hold = ok(
        await gateway(HOLD, {"roleId": role, "talentId": talent}, token=producer), "holdTalent"
    )

    async def refusal() -> list[str]:
        body = await gateway(ADVANCE, {"p": p, "to": "PRODUCTION"}, token=producer)
        payload = body["data"]["advanceStage"]
        assert payload["production"] is None, payload
        return [e["field"] for e in payload["userErrors"]]

    async def cast_missing() -> list[str] | None:
        fields = await refusal()
        return fields if "cast" in fields else None

    assert await eventually(cast_missing, "the role to count in the gate") == ["shootDays", "cast"]

    # A confirmed booking raises committed talent cost within a second (payroll's estimate).
    ok(
        await gateway(CONFIRM, {"bookingId": hold["booking"]["id"]}, token=producer),
        "confirmBooking",
    )
    confirmed_at = time.monotonic()

    async def committed() -> str | None:
        line = talent_line(await read(gateway, producer, p))
        amount = line["committed"]["amount"]
        return amount if float(amount) > 0 else None

    amount = await eventually(committed, "committed talent cost")
    elapsed = time.monotonic() - confirmed_at
    assert elapsed < 1.0, f"committed cost arrived after {elapsed:.2f} s"
    assert float(amount) >= 2400.0  # two days at 1,200.00, plus fringes

    # A shoot day from the stripboard; then legal's blockers are what is missing.
    location = ok(await gateway(LOCATION, {"p": p}, token=producer), "createLocation")["location"][
        "id"
    ]

    async def scene() -> str | None:
        body = await gateway(SCENE, {"p": p, "loc": location, "roles": [role]}, token=producer)
        payload = body["data"]["createScene"]
        return payload["scene"]["id"] if payload["scene"] else None

    scene_id = await eventually(scene, "scheduling to know the role")
    ok(await gateway(APPLY, {"p": p, "scenes": [scene_id]}, token=producer), "applyStripboard")
    fields = await refusal()
    assert set(fields) == {"compliance"}, fields

    ok(await gateway(PERMIT, {"p": p}, token=producer), "requestFilmPermit")
    ok(await gateway(INSURANCE, {"p": p}, token=producer), "recordInsuranceCertificate")

    async def contract_and_engagement() -> tuple[str, str] | None:
        body = await gateway(CONTRACT_OF, {"id": p}, token=producer)
        [booking] = body["data"]["production"]["roles"][0]["bookings"]
        if booking["contract"] and booking["engagement"]:
            return booking["contract"]["id"], booking["engagement"]["id"]
        return None

    contract_id, engagement_id = await eventually(
        contract_and_engagement, "contract and engagement"
    )
    sent = ok(await gateway(SEND, {"id": contract_id}, token=producer), "sendContract")
    rosa = token(org, "talent", sub="e2e-rosa", talent_id=talent)
    signing = sent["signingUrl"].rsplit("/", 1)[1]
    ok(await gateway(SIGN, {"t": signing}, token=rosa), "signContract")
    moved = ok(await gateway(ADVANCE, {"p": p, "to": "PRODUCTION"}, token=producer), "advanceStage")
    assert moved["production"]["stage"] == "PRODUCTION"

    # An issued pay run raises actual talent cost.
    card = ok(await gateway(TIMECARD, {"e": engagement_id}, token=producer), "submitTimecard")
    ok(
        await gateway(APPROVE_TIMECARD, {"id": card["timecard"]["id"]}, token=producer),
        "approveTimecard",
    )
    run = ok(await gateway(PAY_RUN, {"p": p}, token=producer), "createPayRun")["payRun"]["id"]
    ok(await gateway(APPROVE_RUN, {"id": run}, token=producer), "approvePayRun")
    ok(await gateway(ISSUE_RUN, {"id": run}, token=accounting), "issuePayRun")

    async def actual() -> str | None:
        line = talent_line(await read(gateway, producer, p))
        value = line["actual"]["amount"]
        return value if float(value) > 0 else None

    assert float(await eventually(actual, "actual talent cost")) > 0

    # The dashboard: one request.
    body = await gateway(DASHBOARD, {"p": p}, token=producer)
    assert "errors" not in body, body
    board = body["data"]["productionDashboard"]
    assert board["stage"] == "PRODUCTION"
    assert board["gate"]["to"] == "POST_PRODUCTION"
    assert [t["name"] for t in board["criticalPath"]] == ["Script", "Cast", "Shoot"]
    assert board["bookings"] == [{"status": "BOOKED", "count": 1}]
    assert board["complianceAvailable"] is True
    assert board["complianceBlockers"] == []
    assert board["nextShootDay"] == {"date": "2027-03-02"}
    assert board["budget"]["totals"]["budgeted"]["amount"] == "25000.00"
    assert float(board["budget"]["totals"]["actual"]["amount"]) > 0

    # A deliverable with an open QC item is not delivered.
    d = deliverable["id"]
    ok(await gateway(VERSION, {"d": d}, token=producer), "addDeliverableVersion")
    ok(await gateway(REVIEW, {"d": d}, token=producer), "recordReview")
    passed = ok(
        await gateway(QC, {"d": d, "item": deliverable["qc"][0]["id"]}, token=producer), "setQcItem"
    )
    assert [q["status"] for q in passed["deliverable"]["qc"]] == ["PASSED", "OPEN"]
    refused = (await gateway(DELIVER, {"d": d}, token=producer))["data"]["deliver"]
    assert refused["deliverable"] is None
    assert refused["userErrors"] == [
        {"field": "qc", "message": "QC item 'No dropped frames' is open", "code": "INVALID"}
    ]
    ok(await gateway(QC, {"d": d, "item": deliverable["qc"][1]["id"]}, token=producer), "setQcItem")
    done = ok(await gateway(DELIVER, {"d": d}, token=producer), "deliver")
    assert done["deliverable"]["delivered"] is True

    # Saved as a template, the production carries its lessons (the inherited one and its own).
    ok(await gateway(LESSON, {"p": p, "text": "Book a rain day"}, token=producer), "recordLesson")
    again = ok(
        await gateway(SAVE_TEMPLATE, {"p": p, "name": "Commercial SOP v2"}, token=producer),
        "saveAsTemplate",
    )
    assert again["template"]["lessons"] == [
        {"stage": "PRODUCTION", "text": "Book a rain day"},
        {"stage": "PLANNING", "text": "Scout with the DP"},
    ]
    assert [t["name"] for t in again["template"]["tasks"]] == ["Script", "Cast", "Scout", "Shoot"]
