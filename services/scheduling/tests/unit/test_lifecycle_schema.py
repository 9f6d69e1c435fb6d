"""The production lifecycle through scheduling's subgraph in process: the issue's contract
names, userErrors naming fields, roles, organisations and the dashboard in one request."""

from __future__ import annotations

from typing import Any

import pytest
from scheduling.app import SERVICE
from scheduling.domain.lifecycle import Blocker
from scheduling.schema import schema
from scheduling.usecases import Scheduling
from slate.audit import AuditLog
from slate.auth import Principal
from slate.repository import MemoryDatabase
from slate.testing import data, graphql_context, principal

PRODUCER = principal("org_a", "producer")
VIEWER = principal("org_a", "viewer", sub="v1")
INTRUDER = principal("org_b", "producer", "casting", "accounting", "legal")


class NoBlockers:
    async def production_blockers(self, org_id: str, production_id: str) -> list[Blocker]:
        return []


@pytest.fixture
async def service(database: MemoryDatabase) -> Scheduling:
    return Scheduling(await SERVICE.open_store(database), AuditLog(database), NoBlockers())


async def run(s: Scheduling, query: str, caller: Principal | None, **variables: Any) -> Any:
    return await schema.execute(
        query, variable_values=variables, context_value=graphql_context(s, caller)
    )


CREATE = """
mutation($templateId: ID) {
  createProduction(input: {title: "Spot", kind: COMMERCIAL, templateId: $templateId}) {
    production { id stage } userErrors { field message code }
  }
}"""
ADD_TASK = """
mutation($p: ID!, $name: String!, $d: Int!, $deps: [TaskDependencyInput!]! = []) {
  addTask(input: {productionId: $p, name: $name, durationDays: $d, dependsOn: $deps}) {
    task { id } userErrors { field message code }
  }
}"""
WORKBOOK = """
query($id: ID!) { production(id: $id) { workbook {
  tasks { id name earlyStart lateStart slack critical } criticalPath { id name }
} } }"""
SET_BUDGET = """
mutation($p: ID!, $lines: [BudgetLineInput!]!) {
  setBudget(input: {productionId: $p, lines: $lines}) {
    budget { lines { category budgeted { amount } committed { amount } actual { amount } } }
    userErrors { field message code }
  }
}"""
ADVANCE = """
mutation($p: ID!, $to: ProductionStage!) {
  advanceStage(input: {productionId: $p, to: $to}) {
    production { stage } userErrors { field message code }
  }
}"""
DELIVERABLE = """
mutation($p: ID!) {
  addDeliverable(input: {
    productionId: $p, name: "Master", dueDate: "2027-05-01",
    spec: {format: "ProRes", loudness: "-24 LKFS"}, qcChecklist: ["Loudness"]
  }) {
    deliverable { id qc { id status } } userErrors { field message code }
  }
}"""
REVIEW = """
mutation($d: ID!) {
  recordReview(input: {deliverableId: $d, outcome: APPROVED, notes: "ok"}) {
    deliverable { reviewRounds { outcome } } userErrors { field }
  }
}"""
DELIVER = """
mutation($d: ID!) {
  deliver(input: {deliverableId: $d}) { deliverable { delivered } userErrors { field message } }
}"""
TEMPLATE = """
mutation($p: ID!, $name: String!) {
  saveAsTemplate(input: {productionId: $p, name: $name}) {
    template { id lessons { text } } userErrors { field message }
  }
}"""
DASHBOARD = """
query($p: ID!) { productionDashboard(productionId: $p) {
  stage gate { to ready missing { field message } }
  criticalPath { name } nextDueTasks { name }
  budget { totals { budgeted { amount } committed { amount } actual { amount } } }
  bookings { status count } complianceAvailable complianceBlockers { code }
  nextShootDay { date } production { id title }
} }"""


async def new_production(s: Scheduling, template_id: str | None = None) -> str:
    payload = data(await run(s, CREATE, PRODUCER, templateId=template_id))["createProduction"]
    assert payload["userErrors"] == []
    assert payload["production"]["stage"] == "PLANNING"
    return str(payload["production"]["id"])


async def task(s: Scheduling, p: str, name: str, d: int, *deps: str) -> str:
    got = data(
        await run(s, ADD_TASK, PRODUCER, p=p, name=name, d=d, deps=[{"taskId": x} for x in deps])
    )["addTask"]
    assert got["userErrors"] == []
    return str(got["task"]["id"])


async def test_the_workbook_contract_gives_the_critical_path(service: Scheduling) -> None:
    p = await new_production(service)
    a = await task(service, p, "Script", 3)
    b = await task(service, p, "Cast", 4, a)
    await task(service, p, "Scout", 2, a)
    await task(service, p, "Shoot", 2, b)
    wb = data(await run(service, WORKBOOK, VIEWER, id=p))["production"]["workbook"]
    assert [
        (t["name"], t["earlyStart"], t["lateStart"], t["slack"], t["critical"]) for t in wb["tasks"]
    ] == [
        ("Script", 0, 0, 0, True),
        ("Cast", 3, 3, 0, True),
        ("Scout", 3, 7, 4, False),
        ("Shoot", 7, 7, 0, True),
    ]
    assert [t["name"] for t in wb["criticalPath"]] == ["Script", "Cast", "Shoot"]
    assert data(await run(service, WORKBOOK, INTRUDER, id=p))["production"] is None


async def test_bad_task_input_names_the_field_and_writes_nothing(service: Scheduling) -> None:
    p = await new_production(service)
    got = data(
        await run(service, ADD_TASK, PRODUCER, p=p, name="", d=-2, deps=[{"taskId": "tsk_nope"}])
    )["addTask"]
    assert got["task"] is None
    assert {e["field"] for e in got["userErrors"]} == {"name", "durationDays", "dependsOn[0]"}
    assert (
        data(await run(service, WORKBOOK, PRODUCER, id=p))["production"]["workbook"]["tasks"] == []
    )


async def test_budget_and_stage_contract(service: Scheduling) -> None:
    p = await new_production(service)
    refused = data(await run(service, ADVANCE, PRODUCER, p=p, to="PRE_PRODUCTION"))["advanceStage"]
    assert refused["production"] is None
    assert [e["field"] for e in refused["userErrors"]] == ["budget", "workbook"]
    lines = [{"category": "TALENT", "amount": "12000.00"}, {"category": "CREW", "amount": "x"}]
    bad = data(await run(service, SET_BUDGET, PRODUCER, p=p, lines=lines))["setBudget"]
    assert [e["field"] for e in bad["userErrors"]] == ["lines[1].amount"]
    lines = lines[:1]
    budget = data(await run(service, SET_BUDGET, PRODUCER, p=p, lines=lines))["setBudget"]["budget"]
    assert budget["lines"] == [
        {
            "category": "TALENT",
            "budgeted": {"amount": "12000.00"},
            "committed": {"amount": "0"},
            "actual": {"amount": "0"},
        }
    ]
    forbidden = data(await run(service, SET_BUDGET, VIEWER, p=p, lines=lines))["setBudget"]
    assert [e["code"] for e in forbidden["userErrors"]] == ["FORBIDDEN"]
    await task(service, p, "Script", 1)
    moved = data(await run(service, ADVANCE, PRODUCER, p=p, to="PRE_PRODUCTION"))["advanceStage"]
    assert moved == {"production": {"stage": "PRE_PRODUCTION"}, "userErrors": []}


async def test_deliver_is_refused_with_an_open_qc_item(service: Scheduling) -> None:
    p = await new_production(service)
    made = data(await run(service, DELIVERABLE, PRODUCER, p=p))["addDeliverable"]["deliverable"]
    reviewed = data(await run(service, REVIEW, PRODUCER, d=made["id"]))["recordReview"]
    assert reviewed["deliverable"]["reviewRounds"] == [{"outcome": "APPROVED"}]
    refused = data(await run(service, DELIVER, PRODUCER, d=made["id"]))["deliver"]
    assert refused == {
        "deliverable": None,
        "userErrors": [{"field": "qc", "message": "QC item 'Loudness' is open"}],
    }


async def test_a_template_round_trip_and_the_dashboard(service: Scheduling) -> None:
    p = await new_production(service)
    await task(service, p, "Script", 2)
    await service.record_lesson(PRODUCER, production_id=p, stage=None, text="Start casting early")
    saved = data(await run(service, TEMPLATE, PRODUCER, p=p, name="Commercial SOP"))
    template = saved["saveAsTemplate"]["template"]
    assert template["lessons"] == [{"text": "Start casting early"}]
    q = await new_production(service, template["id"])
    wb = data(await run(service, WORKBOOK, PRODUCER, id=q))["production"]["workbook"]
    assert [t["name"] for t in wb["criticalPath"]] == ["Script"]
    board = data(await run(service, DASHBOARD, PRODUCER, p=q))["productionDashboard"]
    assert board["stage"] == "PLANNING"
    assert board["gate"] == {
        "to": "PRE_PRODUCTION",
        "ready": False,
        "missing": [{"field": "budget", "message": "no budget line has an amount yet"}],
    }
    assert [t["name"] for t in board["criticalPath"]] == ["Script"]
    assert board["complianceAvailable"] is True
    assert board["nextShootDay"] is None
    assert board["production"] == {"id": q, "title": "Spot"}
    assert data(await run(service, DASHBOARD, INTRUDER, p=q))["productionDashboard"] is None
    denied = await run(service, DASHBOARD, VIEWER, p=q)
    assert [e.extensions["code"] for e in denied.errors] == ["FORBIDDEN"]


async def test_without_a_token_the_dashboard_does_not_run(service: Scheduling) -> None:
    result = await run(service, DASHBOARD, None, p="prd_1")
    assert [e.extensions["code"] for e in result.errors] == ["UNAUTHENTICATED"]
