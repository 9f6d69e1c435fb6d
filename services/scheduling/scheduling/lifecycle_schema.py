# strawberry.field's overloads that take keyword arguments are untyped upstream (as in schema.py).
# mypy: disable-error-code="untyped-decorator"
"""The production lifecycle in scheduling's subgraph: Production's workbook, budget and
deliverables, the lifecycle mutations, templates and the production dashboard. `schema.py`
mixes `LifecycleQuery`, `LifecycleMutation` and `ProductionLifecycleFields` into its types."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from slate.graphql import GraphQLContext, Money, UserError, attempt, authorize
from strawberry.types import Info

from scheduling.domain import budget as budget_model
from scheduling.domain import deliverables as dmodel
from scheduling.domain import productions as pmodel
from scheduling.domain import templates as tmodel
from scheduling.domain import workbook as wmodel
from scheduling.lifecycle import PERMISSIONS, BudgetView, Dashboard, WorkbookView
from scheduling.usecases import Scheduling

if TYPE_CHECKING:
    from scheduling.schema import Production, ShootDay

Ctx = Info[GraphQLContext[Scheduling], None]

# Registered here as well as in schema.py: this module is imported first, and its types read
# the enum's GraphQL name when they are declared.
strawberry.enum(pmodel.Stage, name="ProductionStage")
strawberry.enum(budget_model.Category, name="BudgetCategory")
strawberry.enum(dmodel.QcStatus, name="QcStatus")
strawberry.enum(dmodel.ReviewOutcome, name="ReviewOutcome")

ProductionRef = Annotated["Production", strawberry.lazy("scheduling.schema")]
ShootDayRef = Annotated["ShootDay", strawberry.lazy("scheduling.schema")]


# ----------------------------------------------------------------- workbook


@strawberry.type(description="Finish-to-start: the task starts lagDays after taskId finishes.")
class TaskDependency:
    task_id: strawberry.ID
    lag_days: int


@strawberry.type(description="A workbook task with its critical-path timing (days from day 0).")
class WorkbookTask:
    id: strawberry.ID
    name: str
    owner: str
    stage: pmodel.Stage
    duration_days: int
    depends_on: list[TaskDependency]
    due_date: str | None
    done: bool
    milestone: bool = strawberry.field(description="A task of no duration.")
    early_start: int
    early_finish: int
    late_start: int
    late_finish: int
    slack: int = strawberry.field(description="Days the task can slip without delaying the end.")
    critical: bool = strawberry.field(description="On the critical path (no slack).")

    @classmethod
    def of(cls, t: wmodel.Task, s: wmodel.Schedule) -> WorkbookTask:
        x = s.timings[t.id]
        return cls(
            id=strawberry.ID(t.id),
            name=t.name,
            owner=t.owner,
            stage=t.stage,
            duration_days=t.duration_days,
            depends_on=[
                TaskDependency(task_id=strawberry.ID(d.task_id), lag_days=d.lag_days)
                for d in t.depends_on
            ],
            due_date=t.due_date,
            done=t.done,
            milestone=t.milestone,
            early_start=x.early_start,
            early_finish=x.early_finish,
            late_start=x.late_start,
            late_finish=x.late_finish,
            slack=x.slack,
            critical=x.critical,
        )


@strawberry.type
class ChecklistItem:
    id: strawberry.ID
    stage: pmodel.Stage
    text: str
    done: bool
    source: str = strawberry.field(description="MANUAL, TEMPLATE or LESSON.")


@strawberry.type(description="A process improvement noted during a stage.")
class Lesson:
    id: strawberry.ID
    stage: pmodel.Stage
    text: str
    by: str
    at: str


@strawberry.type(description="The production workbook: tasks, critical path, checklist, lessons.")
class Workbook:
    start_date: str | None
    duration_days: int = strawberry.field(description="Length of the schedule in days.")
    tasks: list[WorkbookTask]
    critical_path: list[WorkbookTask]
    milestones: list[WorkbookTask]
    checklist: list[ChecklistItem]
    lessons: list[Lesson]

    @classmethod
    def of(cls, v: WorkbookView) -> Workbook:
        tasks = {t.id: WorkbookTask.of(t, v.schedule) for t in v.workbook.tasks}
        return cls(
            start_date=v.workbook.start_date,
            duration_days=v.schedule.duration,
            tasks=list(tasks.values()),
            critical_path=[tasks[x] for x in v.schedule.critical_path],
            milestones=[tasks[t.id] for t in v.workbook.tasks if t.milestone],
            checklist=[
                ChecklistItem(
                    id=strawberry.ID(c.id), stage=c.stage, text=c.text, done=c.done, source=c.source
                )
                for c in v.workbook.checklist
            ],
            lessons=[
                Lesson(id=strawberry.ID(x.id), stage=x.stage, text=x.text, by=x.by, at=x.at)
                for x in v.workbook.lessons
            ],
        )


# ----------------------------------------------------------------- budget


def _money(amount: Decimal, currency: str) -> Money:
    return Money(amount=str(amount), currency=currency)


@strawberry.type(description="A budget line: budgeted against committed and actual cost.")
class BudgetLine:
    category: budget_model.Category
    budgeted: Money
    committed: Money = strawberry.field(description="Payroll's estimates of the engagements.")
    actual: Money = strawberry.field(description="Issued pay runs.")
    forecast: Money = strawberry.field(description="The larger of committed and actual.")
    variance: Money = strawberry.field(description="Budgeted minus forecast (negative: over).")
    over: bool


@strawberry.type
class BudgetTotals:
    budgeted: Money
    committed: Money
    actual: Money
    forecast: Money
    variance: Money


@strawberry.type(description="The production's budget by category.")
class Budget:
    currency: str
    lines: list[BudgetLine]
    totals: BudgetTotals

    @classmethod
    def of(cls, v: BudgetView) -> Budget:
        c = v.currency
        t = v.totals
        return cls(
            currency=c,
            lines=[
                BudgetLine(
                    category=x.category,
                    budgeted=_money(x.budgeted, c),
                    committed=_money(x.committed, c),
                    actual=_money(x.actual, c),
                    forecast=_money(x.forecast, c),
                    variance=_money(x.variance, c),
                    over=x.over,
                )
                for x in v.lines
            ],
            totals=BudgetTotals(
                budgeted=_money(t.budgeted, c),
                committed=_money(t.committed, c),
                actual=_money(t.actual, c),
                forecast=_money(t.forecast, c),
                variance=_money(t.variance, c),
            ),
        )


# ----------------------------------------------------------------- deliverables


@strawberry.type
class DeliverableSpec:
    format: str
    duration: str
    aspect_ratio: str
    loudness: str
    notes: str


@strawberry.type
class QcItem:
    id: strawberry.ID
    text: str
    status: dmodel.QcStatus
    note: str


@strawberry.type
class DeliverableVersion:
    number: int
    label: str
    notes: str
    at: str


@strawberry.type
class ReviewRound:
    number: int
    version: int
    outcome: dmodel.ReviewOutcome
    notes: str
    by: str
    at: str


@strawberry.type(description="What the production hands over, to a spec, with QC and reviews.")
class Deliverable:
    id: strawberry.ID
    production_id: strawberry.ID
    name: str
    spec: DeliverableSpec
    due_date: str | None
    owner: str
    qc: list[QcItem]
    versions: list[DeliverableVersion]
    review_rounds: list[ReviewRound]
    delivered: bool
    delivered_at: str | None

    @classmethod
    def of(cls, d: dmodel.Deliverable) -> Deliverable:
        s = d.spec
        return cls(
            id=strawberry.ID(d.id),
            production_id=strawberry.ID(d.production_id),
            name=d.name,
            spec=DeliverableSpec(
                format=s.format,
                duration=s.duration,
                aspect_ratio=s.aspect_ratio,
                loudness=s.loudness,
                notes=s.notes,
            ),
            due_date=d.due_date,
            owner=d.owner,
            qc=[
                QcItem(id=strawberry.ID(q.id), text=q.text, status=q.status, note=q.note)
                for q in d.qc
            ],
            versions=[
                DeliverableVersion(number=v.number, label=v.label, notes=v.notes, at=v.at)
                for v in d.versions
            ],
            review_rounds=[
                ReviewRound(
                    number=r.number,
                    version=r.version,
                    outcome=r.outcome,
                    notes=r.notes,
                    by=r.by,
                    at=r.at,
                )
                for r in d.rounds
            ],
            delivered=d.delivered,
            delivered_at=d.delivered_at,
        )


# ----------------------------------------------------------------- templates


@strawberry.type
class TemplateTask:
    name: str
    duration_days: int
    stage: pmodel.Stage


@strawberry.type
class TemplateItem:
    stage: pmodel.Stage
    text: str


@strawberry.type(description="An organisation's SOP template, saved from a production.")
class ProductionTemplate:
    id: strawberry.ID
    name: str
    source_production_id: strawberry.ID
    tasks: list[TemplateTask]
    checklist: list[TemplateItem]
    lessons: list[TemplateItem]
    deliverables: list[str]
    budget_categories: list[budget_model.Category]

    @classmethod
    def of(cls, t: tmodel.Template) -> ProductionTemplate:
        return cls(
            id=strawberry.ID(t.id),
            name=t.name,
            source_production_id=strawberry.ID(t.source_production_id),
            tasks=[
                TemplateTask(name=x.name, duration_days=x.duration_days, stage=x.stage)
                for x in t.tasks
            ],
            checklist=[TemplateItem(stage=x.stage, text=x.text) for x in t.checklist],
            lessons=[TemplateItem(stage=x.stage, text=x.text) for x in t.lessons],
            deliverables=[x.name for x in t.deliverables],
            budget_categories=[x.category for x in t.budget],
        )


# ----------------------------------------------------------------- dashboard


@strawberry.type(description="One thing missing before the next stage (field names the area).")
class GateItem:
    field: str
    message: str


@strawberry.type(description="The gate into the next stage.")
class StageGate:
    to: pmodel.Stage | None
    ready: bool
    missing: list[GateItem]


@strawberry.type
class BookingCount:
    status: str
    count: int


@strawberry.type
class ComplianceBlocker:
    code: str
    message: str


@strawberry.type(description="A production's front page in one request.")
class ProductionDashboard:
    production_id: strawberry.ID
    stage: pmodel.Stage
    gate: StageGate
    critical_path: list[WorkbookTask]
    next_due_tasks: list[WorkbookTask]
    workbook_duration_days: int
    budget: Budget
    bookings: list[BookingCount]
    compliance_available: bool
    compliance_error: str | None
    compliance_blockers: list[ComplianceBlocker]
    deliverables: list[Deliverable]
    next_shoot_day_id: strawberry.Private[str | None]

    @strawberry.field(description="The production itself.")
    async def production(self, info: Ctx) -> ProductionRef | None:
        from scheduling.schema import Production

        return await Production.resolve_reference(info, self.production_id)

    @strawberry.field(description="The first shoot day from today (production time zone).")
    async def next_shoot_day(self, info: Ctx) -> ShootDayRef | None:
        from scheduling.schema import ShootDay

        if self.next_shoot_day_id is None:
            return None
        org = authorize(info, *PERMISSIONS["productionDashboard"]).org
        found = await info.context.services.shoot_day(org, self.next_shoot_day_id)
        return ShootDay.from_model(found) if found is not None else None

    @classmethod
    def of(cls, d: Dashboard) -> ProductionDashboard:
        schedule = d.workbook.schedule
        return cls(
            production_id=strawberry.ID(d.production.id),
            stage=d.production.stage,
            gate=StageGate(
                to=d.next_stage,
                ready=d.next_stage is not None and not d.missing,
                missing=[GateItem(field=m.field, message=m.message) for m in d.missing],
            ),
            critical_path=[WorkbookTask.of(t, schedule) for t in d.workbook.critical_tasks],
            next_due_tasks=[WorkbookTask.of(t, schedule) for t in d.next_due],
            workbook_duration_days=schedule.duration,
            budget=Budget.of(d.budget),
            bookings=[BookingCount(status=s, count=n) for s, n in d.bookings_by_status],
            compliance_available=d.blockers is not None,
            compliance_error=d.compliance_error,
            compliance_blockers=[
                ComplianceBlocker(code=b.code, message=b.message) for b in d.blockers or ()
            ],
            deliverables=[Deliverable.of(x) for x in d.deliverables],
            next_shoot_day_id=d.next_shoot_day.id if d.next_shoot_day else None,
        )


# ----------------------------------------------------------------- Production's fields


@strawberry.type
class ProductionLifecycleFields:
    """Fields of Production (mixed into schema.Production)."""

    id: strawberry.ID

    @strawberry.field(description="Tasks with their critical path, checklist and lessons.")
    async def workbook(self, info: Ctx) -> Workbook:
        org = authorize(info, *PERMISSIONS["workbook"]).org
        return Workbook.of(await info.context.services.workbook(org, str(self.id)))

    @strawberry.field(
        description="Budget against committed and actual cost (producer, accounting)."
    )
    async def budget(self, info: Ctx) -> Budget:
        org = authorize(info, *PERMISSIONS["budget"]).org
        return Budget.of(await info.context.services.budget(org, str(self.id)))

    @strawberry.field(description="The production's deliverables by due date.")
    async def deliverables(self, info: Ctx) -> list[Deliverable]:
        org = authorize(info, *PERMISSIONS["deliverables"]).org
        return [
            Deliverable.of(d) for d in await info.context.services.deliverables(org, str(self.id))
        ]


# ----------------------------------------------------------------- inputs and payloads


@strawberry.input
class AdvanceStageInput:
    production_id: strawberry.ID
    to: pmodel.Stage


@strawberry.type
class AdvanceStagePayload:
    production: ProductionRef | None
    user_errors: list[UserError]


@strawberry.input
class TaskDependencyInput:
    task_id: strawberry.ID
    lag_days: int = 0


@strawberry.input
class AddTaskInput:
    production_id: strawberry.ID
    name: str
    duration_days: int = strawberry.field(description="Whole days; 0 makes a milestone.")
    depends_on: list[TaskDependencyInput] = strawberry.field(default_factory=list)
    owner: str = ""
    stage: pmodel.Stage | None = strawberry.field(
        default=None, description="Default: the production's current stage."
    )
    due_date: str | None = None


@strawberry.input
class UpdateTaskInput:
    production_id: strawberry.ID
    task_id: strawberry.ID
    name: str | None = None
    duration_days: int | None = None
    depends_on: list[TaskDependencyInput] | None = None
    owner: str | None = None
    stage: pmodel.Stage | None = None
    due_date: str | None = strawberry.field(default=None, description="Empty string clears it.")
    done: bool | None = None


@strawberry.type
class TaskPayload:
    task: WorkbookTask | None
    workbook: Workbook | None
    user_errors: list[UserError]


@strawberry.input
class RemoveTaskInput:
    production_id: strawberry.ID
    task_id: strawberry.ID


@strawberry.input
class SetWorkbookStartInput:
    production_id: strawberry.ID
    start_date: str | None


@strawberry.input
class AddChecklistItemInput:
    production_id: strawberry.ID
    stage: pmodel.Stage
    text: str


@strawberry.input
class SetChecklistItemDoneInput:
    production_id: strawberry.ID
    item_id: strawberry.ID
    done: bool = True


@strawberry.input
class RecordLessonInput:
    production_id: strawberry.ID
    text: str
    stage: pmodel.Stage | None = strawberry.field(
        default=None, description="Default: the production's current stage."
    )


@strawberry.type
class WorkbookPayload:
    workbook: Workbook | None
    user_errors: list[UserError]


@strawberry.input
class BudgetLineInput:
    category: budget_model.Category
    amount: str = strawberry.field(description='Decimal amount, cents at most, e.g. "12500.00".')


@strawberry.input
class SetBudgetInput:
    production_id: strawberry.ID
    lines: list[BudgetLineInput]
    currency: str | None = None


@strawberry.type
class SetBudgetPayload:
    budget: Budget | None
    user_errors: list[UserError]


@strawberry.input
class DeliverableSpecInput:
    format: str = ""
    duration: str = ""
    aspect_ratio: str = ""
    loudness: str = ""
    notes: str = ""


@strawberry.input
class AddDeliverableInput:
    production_id: strawberry.ID
    name: str
    due_date: str | None = None
    spec: DeliverableSpecInput = strawberry.field(default_factory=DeliverableSpecInput)
    owner: str = ""
    qc_checklist: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class AddQcItemInput:
    deliverable_id: strawberry.ID
    text: str


@strawberry.input
class SetQcItemInput:
    deliverable_id: strawberry.ID
    item_id: strawberry.ID
    status: dmodel.QcStatus
    note: str = ""


@strawberry.input
class AddDeliverableVersionInput:
    deliverable_id: strawberry.ID
    label: str
    notes: str = ""


@strawberry.input
class RecordReviewInput:
    deliverable_id: strawberry.ID
    outcome: dmodel.ReviewOutcome
    notes: str = ""


@strawberry.input
class DeliverInput:
    deliverable_id: strawberry.ID


@strawberry.type
class DeliverablePayload:
    deliverable: Deliverable | None
    user_errors: list[UserError]


@strawberry.input
class SaveAsTemplateInput:
    production_id: strawberry.ID
    name: str


@strawberry.type
class SaveAsTemplatePayload:
    template: ProductionTemplate | None
    user_errors: list[UserError]


def _deps(deps: list[TaskDependencyInput] | None) -> list[tuple[str, int]] | None:
    return None if deps is None else [(str(d.task_id), d.lag_days) for d in deps]


def _opt(v: WorkbookView | None) -> Workbook | None:
    return Workbook.of(v) if v is not None else None


def _dlv(d: dmodel.Deliverable | None) -> Deliverable | None:
    return Deliverable.of(d) if d is not None else None


@strawberry.type
class LifecycleQuery:
    @strawberry.field(description="The organisation's SOP templates.")
    async def production_templates(self, info: Ctx) -> list[ProductionTemplate]:
        caller = authorize(info, *PERMISSIONS["productionTemplates"])
        found = await info.context.services.templates(caller)
        return [ProductionTemplate.of(t) for t in found]

    @strawberry.field(description="A production's front page in one request.")
    async def production_dashboard(
        self, info: Ctx, production_id: strawberry.ID
    ) -> ProductionDashboard | None:
        caller = authorize(info, *PERMISSIONS["productionDashboard"])
        found = await info.context.services.dashboard(caller, str(production_id))
        return ProductionDashboard.of(found) if found is not None else None


@strawberry.type
class LifecycleMutation:
    @strawberry.mutation(
        description="Move to the next stage (its gate names what is missing) or back one."
    )
    async def advance_stage(self, info: Ctx, input: AdvanceStageInput) -> AdvanceStagePayload:
        from scheduling.schema import Production

        moved, errors = await attempt(
            info.context.services.advance_stage(
                authorize(info), production_id=str(input.production_id), to=input.to.value
            )
        )
        return AdvanceStagePayload(
            production=Production.from_model(moved) if moved is not None else None,
            user_errors=errors,
        )

    @strawberry.mutation
    async def add_task(self, info: Ctx, input: AddTaskInput) -> TaskPayload:
        services = info.context.services
        task, errors = await attempt(
            services.add_task(
                authorize(info),
                production_id=str(input.production_id),
                name=input.name,
                duration_days=input.duration_days,
                depends_on=_deps(input.depends_on) or [],
                owner=input.owner,
                stage=input.stage.value if input.stage else None,
                due_date=input.due_date,
            )
        )
        return await _task_payload(info, str(input.production_id), task, errors)

    @strawberry.mutation
    async def update_task(self, info: Ctx, input: UpdateTaskInput) -> TaskPayload:
        task, errors = await attempt(
            info.context.services.update_task(
                authorize(info),
                production_id=str(input.production_id),
                task_id=str(input.task_id),
                name=input.name,
                duration_days=input.duration_days,
                depends_on=_deps(input.depends_on),
                owner=input.owner,
                stage=input.stage.value if input.stage else None,
                due_date=input.due_date,
                done=input.done,
            )
        )
        return await _task_payload(info, str(input.production_id), task, errors)

    @strawberry.mutation
    async def remove_task(self, info: Ctx, input: RemoveTaskInput) -> WorkbookPayload:
        caller = authorize(info)
        pid = str(input.production_id)
        _, errors = await attempt(
            info.context.services.remove_task(caller, production_id=pid, task_id=str(input.task_id))
        )
        view = None if errors else await info.context.services.workbook(caller.org, pid)
        return WorkbookPayload(workbook=_opt(view), user_errors=errors)

    @strawberry.mutation
    async def set_workbook_start(self, info: Ctx, input: SetWorkbookStartInput) -> WorkbookPayload:
        view, errors = await attempt(
            info.context.services.set_workbook_start(
                authorize(info), production_id=str(input.production_id), start_date=input.start_date
            )
        )
        return WorkbookPayload(workbook=_opt(view), user_errors=errors)

    @strawberry.mutation
    async def add_checklist_item(self, info: Ctx, input: AddChecklistItemInput) -> WorkbookPayload:
        view, errors = await attempt(
            info.context.services.add_checklist_item(
                authorize(info),
                production_id=str(input.production_id),
                stage=input.stage.value,
                text=input.text,
            )
        )
        return WorkbookPayload(workbook=_opt(view), user_errors=errors)

    @strawberry.mutation
    async def set_checklist_item_done(
        self, info: Ctx, input: SetChecklistItemDoneInput
    ) -> WorkbookPayload:
        view, errors = await attempt(
            info.context.services.set_checklist_item_done(
                authorize(info),
                production_id=str(input.production_id),
                item_id=str(input.item_id),
                done=input.done,
            )
        )
        return WorkbookPayload(workbook=_opt(view), user_errors=errors)

    @strawberry.mutation
    async def record_lesson(self, info: Ctx, input: RecordLessonInput) -> WorkbookPayload:
        view, errors = await attempt(
            info.context.services.record_lesson(
                authorize(info),
                production_id=str(input.production_id),
                stage=input.stage.value if input.stage else None,
                text=input.text,
            )
        )
        return WorkbookPayload(workbook=_opt(view), user_errors=errors)

    @strawberry.mutation(description="The producer's budget lines (replacing the earlier amounts).")
    async def set_budget(self, info: Ctx, input: SetBudgetInput) -> SetBudgetPayload:
        view, errors = await attempt(
            info.context.services.set_budget(
                authorize(info),
                production_id=str(input.production_id),
                lines=[(x.category.value, x.amount) for x in input.lines],
                currency=input.currency,
            )
        )
        return SetBudgetPayload(budget=Budget.of(view) if view else None, user_errors=errors)

    @strawberry.mutation
    async def add_deliverable(self, info: Ctx, input: AddDeliverableInput) -> DeliverablePayload:
        s = input.spec
        made, errors = await attempt(
            info.context.services.add_deliverable(
                authorize(info),
                production_id=str(input.production_id),
                name=input.name,
                due_date=input.due_date,
                spec=dmodel.Spec(s.format, s.duration, s.aspect_ratio, s.loudness, s.notes),
                owner=input.owner,
                qc_checklist=input.qc_checklist,
            )
        )
        return DeliverablePayload(deliverable=_dlv(made), user_errors=errors)

    @strawberry.mutation
    async def add_qc_item(self, info: Ctx, input: AddQcItemInput) -> DeliverablePayload:
        made, errors = await attempt(
            info.context.services.add_qc_item(
                authorize(info), deliverable_id=str(input.deliverable_id), text=input.text
            )
        )
        return DeliverablePayload(deliverable=_dlv(made), user_errors=errors)

    @strawberry.mutation(description="Pass, fail or re-open a QC item.")
    async def set_qc_item(self, info: Ctx, input: SetQcItemInput) -> DeliverablePayload:
        made, errors = await attempt(
            info.context.services.set_qc_item(
                authorize(info),
                deliverable_id=str(input.deliverable_id),
                item_id=str(input.item_id),
                status=input.status.value,
                note=input.note,
            )
        )
        return DeliverablePayload(deliverable=_dlv(made), user_errors=errors)

    @strawberry.mutation
    async def add_deliverable_version(
        self, info: Ctx, input: AddDeliverableVersionInput
    ) -> DeliverablePayload:
        made, errors = await attempt(
            info.context.services.add_deliverable_version(
                authorize(info),
                deliverable_id=str(input.deliverable_id),
                label=input.label,
                notes=input.notes,
            )
        )
        return DeliverablePayload(deliverable=_dlv(made), user_errors=errors)

    @strawberry.mutation(description="A review round of the deliverable's latest version.")
    async def record_review(self, info: Ctx, input: RecordReviewInput) -> DeliverablePayload:
        made, errors = await attempt(
            info.context.services.record_review(
                authorize(info),
                deliverable_id=str(input.deliverable_id),
                outcome=input.outcome.value,
                notes=input.notes,
            )
        )
        return DeliverablePayload(deliverable=_dlv(made), user_errors=errors)

    @strawberry.mutation(
        description="Delivered when every QC item passed and the last round approved."
    )
    async def deliver(self, info: Ctx, input: DeliverInput) -> DeliverablePayload:
        made, errors = await attempt(
            info.context.services.deliver(authorize(info), deliverable_id=str(input.deliverable_id))
        )
        return DeliverablePayload(deliverable=_dlv(made), user_errors=errors)

    @strawberry.mutation(description="Save the production's way of working as an SOP template.")
    async def save_as_template(
        self, info: Ctx, input: SaveAsTemplateInput
    ) -> SaveAsTemplatePayload:
        made, errors = await attempt(
            info.context.services.save_as_template(
                authorize(info), production_id=str(input.production_id), name=input.name
            )
        )
        return SaveAsTemplatePayload(
            template=ProductionTemplate.of(made) if made is not None else None, user_errors=errors
        )


async def _task_payload(
    info: Ctx, production_id: str, task: wmodel.Task | None, errors: list[UserError]
) -> TaskPayload:
    if task is None:
        return TaskPayload(task=None, workbook=None, user_errors=errors)
    org = authorize(info).org
    view = await info.context.services.workbook(org, production_id)
    return TaskPayload(
        task=WorkbookTask.of(task, view.schedule), workbook=Workbook.of(view), user_errors=errors
    )
