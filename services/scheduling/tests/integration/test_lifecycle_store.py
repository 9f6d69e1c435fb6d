"""The production lifecycle's documents on the real database (FerretDB): a workbook, a budget
with its over-budget event in the same write, a deliverable and a template read back equal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from scheduling.app import SERVICE
from scheduling.domain.budget import Budget
from scheduling.domain.deliverables import Deliverable, Spec
from scheduling.domain.templates import Template
from scheduling.domain.workbook import Dependency, Workbook
from scheduling.store import SchedulingStore
from slate.events import OutboxEvent
from slate.events.catalogue import BUDGET_LINE_EXCEEDED
from slate.mongo import ConcurrencyConflict
from slate.repository import MongoDatabase

pytestmark = pytest.mark.infra


@pytest.fixture
async def store(db: Any) -> SchedulingStore:
    return await SERVICE.open_store(MongoDatabase(db))


async def test_lifecycle_aggregates_round_trip(store: SchedulingStore, db: Any) -> None:
    lc = store.lifecycle
    wb = Workbook.open(org_id="org_a", production_id="prd_1")
    wb.add_task(id="a", name="Script", duration_days=2)
    wb.add_task(id="b", name="Shoot", duration_days=1, depends_on=[Dependency("a", 3)])
    wb.add_checklist_item(id="c1", stage="PRODUCTION", text="Rain cover")
    wb.record_lesson(
        id="l1", stage="PLANNING", text="Lock early", by="u1", at="2027-01-01T00:00:00Z"
    )
    saved = await lc.workbooks.add(wb)
    assert await lc.workbooks.get("org_a", "prd_1") == saved
    assert saved.schedule().critical_path == ("a", "b")
    assert await lc.workbooks.get("org_b", "prd_1") is None
    stale = await lc.workbooks.get("org_a", "prd_1")
    assert stale is not None
    saved.update_task("a", done=True)
    await lc.workbooks.save(saved)
    stale.update_task("a", name="Script v2")
    with pytest.raises(ConcurrencyConflict):
        await lc.workbooks.save(stale)

    budget = Budget.open(org_id="org_a", production_id="prd_1")
    budget.set_lines([("TALENT", "1000.00")])
    budget.apply_estimate(
        engagement_id="eng_1", category="TALENT", amount=Decimal("1500.25"), version=2
    )
    kept = await lc.budgets.add(budget)
    assert kept.commitments == budget.commitments
    assert kept.budgeted == budget.budgeted
    raw = await db["budgets"].find_one({"_id": "prd_1"})
    [event] = [OutboxEvent.from_doc(e) for e in raw["_outbox"]]
    assert (event.type, event.key) == (BUDGET_LINE_EXCEEDED.name, "prd_1")

    d = Deliverable.create(
        id="dlv_1",
        org_id="org_a",
        production_id="prd_1",
        name="Master",
        spec=Spec(format="ProRes", loudness="-24 LKFS"),
        due_date="2027-05-01",
        qc=[("q1", "Loudness")],
    )
    d.add_version(label="v1", notes="", at="t")
    d.record_review(outcome="APPROVED", notes="ok", by="u1", at="t")
    await lc.deliverables.add(d)
    [back] = await lc.deliverables_of("org_a", "prd_1")
    assert (back.qc, back.versions, back.rounds, back.spec) == (d.qc, d.versions, d.rounds, d.spec)

    template = Template.capture(
        id="tpl_1",
        org_id="org_a",
        name="SOP",
        by="u1",
        workbook=saved,
        deliverables=[back],
        budget=kept,
    )
    await lc.templates.add(template)
    [found] = await lc.templates_of("org_a")
    assert found.tasks == template.tasks
    assert found.lessons == template.lessons
    assert found.budget == template.budget
