"""The production lifecycle's collections: workbooks and budgets (one per production, keyed
by its id), deliverables and SOP templates; part of scheduling's store (`store.lifecycle`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from slate.events import OutboxEvent
from slate.mongo import IndexSpec
from slate.repository import Aggregates, Database

from scheduling.domain.budget import Budget, Category, Commitment
from scheduling.domain.deliverables import (
    Deliverable,
    QcItem,
    QcStatus,
    ReviewOutcome,
    ReviewRound,
    Spec,
    Version,
)
from scheduling.domain.productions import Stage
from scheduling.domain.templates import (
    Template,
    TemplateDeliverable,
    TemplateItem,
    TemplateLine,
    TemplateTask,
)
from scheduling.domain.workbook import ChecklistItem, Dependency, Lesson, Task, Workbook

Outbox = Callable[[Any], OutboxEvent | None]

WORKBOOKS = "workbooks"
BUDGETS = "budgets"
DELIVERABLES = "deliverables"
TEMPLATES = "templates"


class LifecycleStore:
    """Workbooks, budgets, deliverables and templates, scoped by organisation."""

    outbox_collections = (BUDGETS, DELIVERABLES)

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self.workbooks = Aggregates(
            database.repository(WORKBOOKS), outbox, _workbook_doc, _workbook
        )
        self.budgets = Aggregates(database.repository(BUDGETS), outbox, _budget_doc, _budget)
        self.deliverables = Aggregates(
            database.repository(DELIVERABLES), outbox, _deliverable_doc, _deliverable
        )
        self.templates = Aggregates(
            database.repository(TEMPLATES), outbox, _template_doc, _template
        )

    async def ensure_indexes(self) -> None:
        await self._database.ensure_indexes(
            {
                DELIVERABLES: [IndexSpec([("org_id", 1), ("production_id", 1)])],
                TEMPLATES: [IndexSpec([("org_id", 1), ("name", 1)])],
            }
        )

    async def deliverables_of(self, org_id: str, production_id: str) -> list[Deliverable]:
        """The production's deliverables by due date, then name."""
        found = await self.deliverables.find(org_id, {"production_id": production_id})
        return sorted(found, key=lambda d: (d.due_date or "9999", d.name))

    async def templates_of(self, org_id: str) -> list[Template]:
        return await self.templates.find(org_id, {}, sort=[("_id", 1)])


def _task_doc(t: Task) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "duration_days": t.duration_days,
        "depends_on": [{"task_id": d.task_id, "lag_days": d.lag_days} for d in t.depends_on],
        "owner": t.owner,
        "stage": t.stage.value,
        "due_date": t.due_date,
        "done": t.done,
    }


def _deps(docs: Sequence[Mapping[str, Any]]) -> tuple[Dependency, ...]:
    return tuple(Dependency(d["task_id"], int(d["lag_days"])) for d in docs)


def _task(d: Mapping[str, Any]) -> Task:
    return Task(
        id=d["id"],
        name=d["name"],
        duration_days=int(d["duration_days"]),
        depends_on=_deps(d["depends_on"]),
        owner=d.get("owner", ""),
        stage=Stage(d["stage"]),
        due_date=d.get("due_date"),
        done=bool(d.get("done", False)),
    )


# A workbook's tasks, checklist and lessons (and a budget's lines, commitments and pay runs) are
# kept as one JSON string: nothing queries inside them, and FerretDB reads a document holding
# 200 nested task documents about ten times slower than the same data as one string (measured
# on the stack under load: 290-400 ms against 26-39 ms), most of the dashboard's time.


def _blob(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _unblob(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The body of a document written as a blob (older documents carry the fields inline)."""
    body = doc.get("body")
    return json.loads(body) if isinstance(body, str) else doc


def _workbook_doc(w: Workbook) -> dict[str, Any]:
    return {
        "_id": w.id,
        "org_id": w.org_id,
        "production_id": w.production_id,
        "start_date": w.start_date,
        "body": _blob(_workbook_body(w)),
    }


def _workbook_body(w: Workbook) -> dict[str, Any]:
    return {
        "tasks": [_task_doc(t) for t in w.tasks],
        "checklist": [
            {"id": c.id, "stage": c.stage.value, "text": c.text, "done": c.done, "source": c.source}
            for c in w.checklist
        ],
        "lessons": [
            {"id": x.id, "stage": x.stage.value, "text": x.text, "by": x.by, "at": x.at}
            for x in w.lessons
        ],
    }


def _workbook(doc: Mapping[str, Any]) -> Workbook:
    body = _unblob(doc)
    return Workbook(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        start_date=doc.get("start_date"),
        tasks=tuple(_task(t) for t in body["tasks"]),
        checklist=tuple(
            ChecklistItem(c["id"], Stage(c["stage"]), c["text"], c["done"], c["source"])
            for c in body["checklist"]
        ),
        lessons=tuple(
            Lesson(x["id"], Stage(x["stage"]), x["text"], x["by"], x["at"]) for x in body["lessons"]
        ),
        version=doc["version"],
    )


def _budget_doc(b: Budget) -> dict[str, Any]:
    return {
        "_id": b.id,
        "org_id": b.org_id,
        "production_id": b.production_id,
        "currency": b.currency,
        "body": _blob(_budget_body(b)),
    }


def _budget_body(b: Budget) -> dict[str, Any]:
    return {
        "budgeted": [{"category": c.value, "amount": str(a)} for c, a in b.budgeted.items()],
        "commitments": [
            {
                "engagement_id": c.engagement_id,
                "category": c.category.value,
                "amount": str(c.amount),
                "version": c.version,
            }
            for c in b.commitments.values()
        ],
        "actuals": [
            {"pay_run_id": k, "category": c.value, "amount": str(a)}
            for k, (c, a) in b.actuals.items()
        ],
        "exceeded": sorted(c.value for c in b.exceeded),
    }


def _budget(doc: Mapping[str, Any]) -> Budget:
    body = _unblob(doc)
    return Budget(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        currency=doc["currency"],
        budgeted={Category(x["category"]): Decimal(x["amount"]) for x in body["budgeted"]},
        commitments={
            x["engagement_id"]: Commitment(
                x["engagement_id"], Category(x["category"]), Decimal(x["amount"]), x["version"]
            )
            for x in body["commitments"]
        },
        actuals={
            x["pay_run_id"]: (Category(x["category"]), Decimal(x["amount"]))
            for x in body["actuals"]
        },
        exceeded=frozenset(Category(c) for c in body["exceeded"]),
        version=doc["version"],
    )


def _spec_doc(s: Spec) -> dict[str, str]:
    return {
        "format": s.format,
        "duration": s.duration,
        "aspect_ratio": s.aspect_ratio,
        "loudness": s.loudness,
        "notes": s.notes,
    }


def _spec(d: Mapping[str, str]) -> Spec:
    return Spec(d["format"], d["duration"], d["aspect_ratio"], d["loudness"], d["notes"])


def _deliverable_doc(d: Deliverable) -> dict[str, Any]:
    return {
        "_id": d.id,
        "org_id": d.org_id,
        "production_id": d.production_id,
        "name": d.name,
        "spec": _spec_doc(d.spec),
        "due_date": d.due_date,
        "owner": d.owner,
        "qc": [
            {"id": q.id, "text": q.text, "status": q.status.value, "note": q.note} for q in d.qc
        ],
        "versions": [
            {"number": v.number, "label": v.label, "notes": v.notes, "at": v.at} for v in d.versions
        ],
        "rounds": [
            {
                "number": r.number,
                "version": r.version,
                "outcome": r.outcome.value,
                "notes": r.notes,
                "by": r.by,
                "at": r.at,
            }
            for r in d.rounds
        ],
        "delivered_at": d.delivered_at,
    }


def _deliverable(doc: Mapping[str, Any]) -> Deliverable:
    return Deliverable(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        name=doc["name"],
        spec=_spec(doc["spec"]),
        due_date=doc.get("due_date"),
        owner=doc.get("owner", ""),
        qc=tuple(QcItem(q["id"], q["text"], QcStatus(q["status"]), q["note"]) for q in doc["qc"]),
        versions=tuple(
            Version(v["number"], v["label"], v["notes"], v["at"]) for v in doc["versions"]
        ),
        rounds=tuple(
            ReviewRound(
                r["number"], r["version"], ReviewOutcome(r["outcome"]), r["notes"], r["by"], r["at"]
            )
            for r in doc["rounds"]
        ),
        delivered_at=doc.get("delivered_at"),
        version=doc["version"],
    )


def _template_doc(t: Template) -> dict[str, Any]:
    return {
        "_id": t.id,
        "org_id": t.org_id,
        "name": t.name,
        "source_production_id": t.source_production_id,
        "created_by": t.created_by,
        "tasks": [
            {
                "key": x.key,
                "name": x.name,
                "duration_days": x.duration_days,
                "depends_on": [
                    {"task_id": d.task_id, "lag_days": d.lag_days} for d in x.depends_on
                ],
                "owner": x.owner,
                "stage": x.stage.value,
            }
            for x in t.tasks
        ],
        "checklist": [{"stage": x.stage.value, "text": x.text} for x in t.checklist],
        "deliverables": [
            {"name": x.name, "spec": _spec_doc(x.spec), "qc": list(x.qc)} for x in t.deliverables
        ],
        "budget": [{"category": x.category.value, "amount": str(x.amount)} for x in t.budget],
        "lessons": [{"stage": x.stage.value, "text": x.text} for x in t.lessons],
    }


def _template(doc: Mapping[str, Any]) -> Template:
    return Template(
        id=doc["_id"],
        org_id=doc["org_id"],
        name=doc["name"],
        source_production_id=doc["source_production_id"],
        created_by=doc["created_by"],
        tasks=tuple(
            TemplateTask(
                x["key"],
                x["name"],
                int(x["duration_days"]),
                _deps(x["depends_on"]),
                x["owner"],
                Stage(x["stage"]),
            )
            for x in doc["tasks"]
        ),
        checklist=tuple(TemplateItem(Stage(x["stage"]), x["text"]) for x in doc["checklist"]),
        deliverables=tuple(
            TemplateDeliverable(x["name"], _spec(x["spec"]), tuple(x["qc"]))
            for x in doc["deliverables"]
        ),
        budget=tuple(
            TemplateLine(Category(x["category"]), Decimal(x["amount"])) for x in doc["budget"]
        ),
        lessons=tuple(TemplateItem(Stage(x["stage"]), x["text"]) for x in doc["lessons"]),
        version=doc["version"],
    )
