"""SOP templates: an organisation's standard way of making a production, saved from one
(its tasks and their dependencies, its checklist, its deliverables' specs and QC checklists,
its budget categories and the lessons recorded during it) and used to start the next one, where
the lessons become checklist items of their stage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from slate_domain import Aggregate, Invalid, Problem, required_text

from scheduling.domain.budget import Budget, Category
from scheduling.domain.deliverables import Deliverable, Spec
from scheduling.domain.productions import Stage
from scheduling.domain.workbook import Dependency, Task, Workbook

NAME_MAX = 200


@dataclass(frozen=True)
class TemplateTask:
    """A task of the template; `key` ties dependencies together (the source task's id)."""

    key: str
    name: str
    duration_days: int
    depends_on: tuple[Dependency, ...]
    owner: str
    stage: Stage


@dataclass(frozen=True)
class TemplateItem:
    stage: Stage
    text: str


@dataclass(frozen=True)
class TemplateDeliverable:
    name: str
    spec: Spec
    qc: tuple[str, ...]


@dataclass(frozen=True)
class TemplateLine:
    category: Category
    amount: Decimal


@dataclass(kw_only=True)
class Template(Aggregate[object]):
    name: str
    source_production_id: str
    created_by: str
    tasks: tuple[TemplateTask, ...] = ()
    checklist: tuple[TemplateItem, ...] = ()
    deliverables: tuple[TemplateDeliverable, ...] = ()
    budget: tuple[TemplateLine, ...] = ()
    lessons: tuple[TemplateItem, ...] = ()

    @classmethod
    def capture(
        cls,
        *,
        id: str,
        org_id: str,
        name: str,
        by: str,
        workbook: Workbook,
        deliverables: Sequence[Deliverable],
        budget: Budget | None,
        taken_names: frozenset[str] = frozenset(),
    ) -> Template:
        """The production's way of working as a template: tasks (not their done state),
        checklist items (lessons carried in from an earlier template stay lessons), deliverable
        specs with QC items, budget categories with their amounts, and the lessons."""
        problems: list[Problem] = []
        clean = required_text("name", name, NAME_MAX, problems)
        if clean.casefold() in taken_names:
            problems.append(Problem("name", f"a template named {clean!r} exists already"))
        if problems:
            raise Invalid(problems)
        lessons = [TemplateItem(x.stage, x.text) for x in workbook.lessons]
        lessons += [
            TemplateItem(c.stage, c.text.removeprefix(LESSON_PREFIX))
            for c in workbook.checklist
            if c.source == "LESSON"
        ]
        return cls(
            id=id,
            org_id=org_id,
            name=clean,
            source_production_id=workbook.production_id,
            created_by=by,
            tasks=tuple(
                TemplateTask(t.id, t.name, t.duration_days, t.depends_on, t.owner, t.stage)
                for t in workbook.tasks
            ),
            checklist=tuple(
                TemplateItem(c.stage, c.text) for c in workbook.checklist if c.source != "LESSON"
            ),
            deliverables=tuple(
                TemplateDeliverable(d.name, d.spec, tuple(q.text for q in d.qc))
                for d in deliverables
            ),
            budget=tuple(
                TemplateLine(cat, amount)
                for cat, amount in sorted((budget.budgeted if budget else {}).items())
            ),
            lessons=tuple(dict.fromkeys(lessons)),
        )

    def instantiate(
        self, *, org_id: str, production_id: str, new_id: Callable[[str], str]
    ) -> tuple[Workbook, list[Deliverable], Budget]:
        """A new production's workbook (tasks with fresh ids, the checklist, each lesson as a
        checklist item of its stage), deliverables (QC items open) and budget lines."""
        workbook = Workbook.open(org_id=org_id, production_id=production_id)
        ids = {t.key: new_id("tsk") for t in self.tasks}
        workbook.tasks = tuple(
            Task(
                id=ids[t.key],
                name=t.name,
                duration_days=t.duration_days,
                depends_on=tuple(Dependency(ids[d.task_id], d.lag_days) for d in t.depends_on),
                owner=t.owner,
                stage=t.stage,
            )
            for t in self.tasks
        )
        for item in self.checklist:
            workbook.add_checklist_item(
                id=new_id("chk"), stage=item.stage.value, text=item.text, source="TEMPLATE"
            )
        for lesson in self.lessons:
            workbook.add_checklist_item(
                id=new_id("chk"),
                stage=lesson.stage.value,
                text=LESSON_PREFIX + lesson.text,
                source="LESSON",
            )
        deliverables = [
            Deliverable.create(
                id=new_id("dlv"),
                org_id=org_id,
                production_id=production_id,
                name=d.name,
                spec=d.spec,
                due_date=None,
                qc=[(new_id("qc"), text) for text in d.qc],
            )
            for d in self.deliverables
        ]
        budget = Budget.open(org_id=org_id, production_id=production_id)
        budget.budgeted = {line.category: line.amount for line in self.budget}
        return workbook, deliverables, budget


LESSON_PREFIX = "Lesson: "
