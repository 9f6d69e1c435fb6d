"""Use cases of the production lifecycle (issue 14): stages and their gates, the workbook and
its critical path, the budget against payroll's committed and actual cost, deliverables with QC
and review rounds, SOP templates and lessons, and the production dashboard.

A mixin of `Scheduling` (usecases.py): the methods share its store, audit log and legal peer.
Legal is asked (over gRPC) for the blocking items of its compliance report only when the gate
into production needs them, and by the dashboard; when it cannot answer, the move is refused as
UNAVAILABLE (retriable), never let through.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import UserError, field_errors
from slate.ids import new_id
from slate.mongo import ConcurrencyConflict
from slate_domain import Problem

from scheduling.domain.budget import Budget, LineView
from scheduling.domain.calendar import BOOKED, CalendarEntry
from scheduling.domain.days import ShootDay
from scheduling.domain.deliverables import Deliverable, Spec
from scheduling.domain.lifecycle import (
    Blocker,
    DeliverableState,
    GateFacts,
    OpenTask,
    RoleCast,
    gate,
    needs_compliance,
    next_gate,
)
from scheduling.domain.productions import Production, Stage
from scheduling.domain.shoot import RoleInfo
from scheduling.domain.templates import Template
from scheduling.domain.workbook import Dependency, Schedule, Task, Workbook, next_due
from scheduling.store import SchedulingStore

# The roles that read a production's workbook and deliverables.
READERS = ("producer", "casting", "accounting", "legal", "viewer")
# Money is for the producer and accounting.
MONEY = ("producer", "accounting")
# Lessons come from anyone working on the production.
STAFF = ("producer", "casting", "accounting", "legal")

PERMISSIONS: dict[str, tuple[str, ...]] = {
    "advanceStage": ("producer",),
    "addTask": ("producer",),
    "updateTask": ("producer",),
    "removeTask": ("producer",),
    "setWorkbookStart": ("producer",),
    "addChecklistItem": ("producer",),
    "setChecklistItemDone": ("producer",),
    "recordLesson": STAFF,
    "workbook": READERS,
    "setBudget": ("producer",),
    "budget": MONEY,
    "addDeliverable": ("producer",),
    "addQcItem": ("producer",),
    "setQcItem": ("producer",),
    "addDeliverableVersion": ("producer",),
    "recordReview": ("producer",),
    "deliver": ("producer",),
    "deliverables": READERS,
    "saveAsTemplate": ("producer",),
    "productionTemplates": ("producer",),
    "productionDashboard": MONEY,
}

NEXT_DUE = 5
# A lost write race on a workbook or budget is retried this many times before CONFLICT.
RETRIES = 3


class Compliance(Protocol):
    """Legal's answer for the gate: the blocking items of the production's compliance report
    (raises a UserError with code UNAVAILABLE when legal cannot answer)."""

    async def production_blockers(self, org_id: str, production_id: str) -> list[Blocker]: ...


class LegalNotConfigured:
    """No legal peer wired: every question is unanswered (the gate refuses)."""

    async def production_blockers(self, org_id: str, production_id: str) -> list[Blocker]:
        raise UserError(
            "legal is unavailable, retry shortly (no compliance peer configured)",
            field="to",
            code="UNAVAILABLE",
        )


@dataclass(frozen=True)
class WorkbookView:
    workbook: Workbook
    schedule: Schedule

    @property
    def critical_tasks(self) -> list[Task]:
        by_id = {t.id: t for t in self.workbook.tasks}
        return [by_id[x] for x in self.schedule.critical_path]


@dataclass(frozen=True)
class BudgetView:
    currency: str
    lines: tuple[LineView, ...]
    totals: LineView


@dataclass(frozen=True)
class Dashboard:
    production: Production
    next_stage: Stage | None
    missing: tuple[Problem, ...]
    workbook: WorkbookView
    next_due: tuple[Task, ...]
    budget: BudgetView
    bookings_by_status: tuple[tuple[str, int], ...]
    blockers: tuple[Blocker, ...] | None
    compliance_error: str | None
    next_shoot_day: ShootDay | None
    deliverables: tuple[Deliverable, ...]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _not_found(field: str, what: str, id: str) -> UserError:
    return UserError(f"no {what} {id!r}", field=field, code="NOT_FOUND")


class ProductionLifecycle:
    _store: SchedulingStore
    _audit: AuditLog
    _compliance: Compliance

    # ----------------------------------------------------------------- stages

    async def advance_stage(
        self, principal: Principal, *, production_id: str, to: str
    ) -> Production:
        """Move the production to the next stage when its gate finds nothing missing (each
        missing item is one userError with code GATE), or back one stage. Moving into
        production asks legal; legal unreachable refuses the move as UNAVAILABLE."""
        authz.require(principal, PERMISSIONS["advanceStage"], "advanceStage")
        production = await self._production(principal.org, production_id)
        if to not in Stage.__members__:
            raise UserError(f"unknown stage {to!r}", field="to")
        target = Stage(to)
        blockers: tuple[Blocker, ...] | None = None
        if needs_compliance(target) and target != production.stage:
            blockers = tuple(
                await self._compliance.production_blockers(principal.org, production_id)
            )
        facts = await self._facts(principal.org, production_id, blockers)
        with field_errors():
            production.advance(target, gate(target, facts), by=principal.sub, at=_now())
        saved = await self._store.save(production)
        await self._audit.record(principal, "advanceStage", saved.id)
        return saved

    async def _facts(
        self, org_id: str, production_id: str, blockers: tuple[Blocker, ...] | None
    ) -> GateFacts:
        workbook, budget, deliverables, days, roles_and_bookings = await asyncio.gather(
            self._workbook(org_id, production_id),
            self._store.lifecycle.budgets.get(org_id, production_id),
            self._store.lifecycle.deliverables_of(org_id, production_id),
            self._store.days_of(org_id, production_id),
            self._store.roles_and_bookings(org_id, production_id),
        )
        roles, bookings = roles_and_bookings
        return _facts(workbook, budget, deliverables, days, roles, bookings, blockers)

    # ----------------------------------------------------------------- workbook

    async def add_task(
        self,
        principal: Principal,
        *,
        production_id: str,
        name: str,
        duration_days: int,
        depends_on: Sequence[tuple[str, int]] = (),
        owner: str = "",
        stage: str | None = None,
        due_date: str | None = None,
    ) -> Task:
        """A workbook task after the tasks it depends on (finish-to-start, with lags); its
        stage defaults to the production's current one."""
        authz.require(principal, PERMISSIONS["addTask"], "addTask")
        production = await self._production(principal.org, production_id)
        task_id = new_id("tsk")

        def change(wb: Workbook) -> None:
            wb.add_task(
                id=task_id,
                name=name,
                duration_days=duration_days,
                depends_on=[Dependency(t, lag) for t, lag in depends_on],
                owner=owner,
                stage=stage or _current(production.stage).value,
                due_date=due_date,
            )

        saved = await self._change_workbook(principal, "addTask", production_id, change)
        found = saved.task(task_id)
        assert found is not None
        return found

    async def update_task(
        self,
        principal: Principal,
        *,
        task_id: str,
        production_id: str,
        name: str | None = None,
        duration_days: int | None = None,
        depends_on: Sequence[tuple[str, int]] | None = None,
        owner: str | None = None,
        stage: str | None = None,
        due_date: str | None = None,
        done: bool | None = None,
    ) -> Task:
        """Change a task (a dependency change closing a cycle is refused naming its tasks)."""
        authz.require(principal, PERMISSIONS["updateTask"], "updateTask")
        await self._production(principal.org, production_id)

        def change(wb: Workbook) -> None:
            wb.update_task(
                task_id,
                name=name,
                duration_days=duration_days,
                depends_on=None
                if depends_on is None
                else [Dependency(t, lag) for t, lag in depends_on],
                owner=owner,
                stage=stage,
                due_date=due_date,
                done=done,
            )

        saved = await self._change_workbook(principal, "updateTask", production_id, change)
        found = saved.task(task_id)
        assert found is not None
        return found

    async def remove_task(self, principal: Principal, *, production_id: str, task_id: str) -> None:
        """Drop a task that nothing depends on."""
        authz.require(principal, PERMISSIONS["removeTask"], "removeTask")
        await self._production(principal.org, production_id)
        await self._change_workbook(
            principal, "removeTask", production_id, lambda wb: wb.remove_task(task_id)
        )

    async def set_workbook_start(
        self, principal: Principal, *, production_id: str, start_date: str | None
    ) -> WorkbookView:
        """The date of the workbook's day 0 (due dates of tasks without one follow from it)."""
        authz.require(principal, PERMISSIONS["setWorkbookStart"], "setWorkbookStart")
        await self._production(principal.org, production_id)
        saved = await self._change_workbook(
            principal, "setWorkbookStart", production_id, lambda wb: wb.set_start(start_date)
        )
        return WorkbookView(saved, saved.schedule())

    async def add_checklist_item(
        self, principal: Principal, *, production_id: str, stage: str, text: str
    ) -> WorkbookView:
        authz.require(principal, PERMISSIONS["addChecklistItem"], "addChecklistItem")
        await self._production(principal.org, production_id)
        item_id = new_id("chk")
        saved = await self._change_workbook(
            principal,
            "addChecklistItem",
            production_id,
            lambda wb: wb.add_checklist_item(id=item_id, stage=stage, text=text),
        )
        return WorkbookView(saved, saved.schedule())

    async def set_checklist_item_done(
        self, principal: Principal, *, production_id: str, item_id: str, done: bool
    ) -> WorkbookView:
        authz.require(principal, PERMISSIONS["setChecklistItemDone"], "setChecklistItemDone")
        await self._production(principal.org, production_id)
        saved = await self._change_workbook(
            principal, "setChecklistItemDone", production_id, lambda wb: wb.check(item_id, done)
        )
        return WorkbookView(saved, saved.schedule())

    async def record_lesson(
        self, principal: Principal, *, production_id: str, stage: str | None, text: str
    ) -> WorkbookView:
        """A process improvement noted for a stage (default: the current one), carried into
        templates saved from this production."""
        authz.require(principal, PERMISSIONS["recordLesson"], "recordLesson")
        production = await self._production(principal.org, production_id)
        lesson_id = new_id("lsn")
        saved = await self._change_workbook(
            principal,
            "recordLesson",
            production_id,
            lambda wb: wb.record_lesson(
                id=lesson_id,
                stage=stage or _current(production.stage).value,
                text=text,
                by=principal.sub,
                at=_now(),
            ),
        )
        return WorkbookView(saved, saved.schedule())

    async def workbook(self, org_id: str, production_id: str) -> WorkbookView:
        """The production's workbook with its critical-path schedule (empty if none yet)."""
        wb = await self._workbook(org_id, production_id)
        return WorkbookView(wb, wb.schedule())

    async def _workbook(self, org_id: str, production_id: str) -> Workbook:
        found = await self._store.lifecycle.workbooks.get(org_id, production_id)
        return found or Workbook.open(org_id=org_id, production_id=production_id)

    async def _change_workbook(
        self,
        principal: Principal,
        operation: str,
        production_id: str,
        change: object,
    ) -> Workbook:
        """Load, change and save the workbook (a lost race is retried on a fresh copy)."""
        assert callable(change)
        for attempt in range(RETRIES):
            wb = await self._workbook(principal.org, production_id)
            with field_errors():
                change(wb)
            try:
                if wb.version == 0:
                    saved = await self._store.lifecycle.workbooks.add(wb)
                else:
                    saved = await self._store.lifecycle.workbooks.save(wb)
            except ConcurrencyConflict:
                if attempt == RETRIES - 1:
                    raise UserError(
                        "the workbook changed meanwhile, retry",
                        field="productionId",
                        code="CONFLICT",
                    ) from None
                continue
            await self._audit.record(principal, operation, production_id)
            return saved
        raise AssertionError("unreachable")

    # ----------------------------------------------------------------- budget

    async def set_budget(
        self,
        principal: Principal,
        *,
        production_id: str,
        lines: Sequence[tuple[str, str]],
        currency: str | None = None,
    ) -> BudgetView:
        """The producer's budget lines by category (replacing the earlier amounts; committed
        and actual costs stay as payroll reported them)."""
        authz.require(principal, PERMISSIONS["setBudget"], "setBudget")
        await self._production(principal.org, production_id)
        saved = await self._change_budget(
            principal.org, production_id, lambda b: b.set_lines(lines, currency)
        )
        await self._audit.record(principal, "setBudget", production_id)
        return _budget_view(saved)

    async def budget(self, org_id: str, production_id: str) -> BudgetView:
        found = await self._store.lifecycle.budgets.get(org_id, production_id)
        return _budget_view(found or Budget.open(org_id=org_id, production_id=production_id))

    async def on_engagement_estimated(
        self,
        *,
        org_id: str,
        production_id: str,
        engagement_id: str,
        category: str,
        amount: Decimal,
        version: int,
    ) -> bool:
        """Payroll's estimate of an engagement is its committed cost (newest version wins;
        a replay changes nothing); True when applied."""
        changed: list[bool] = []
        await self._change_budget(
            org_id,
            production_id,
            lambda b: changed.append(
                b.apply_estimate(
                    engagement_id=engagement_id, category=category, amount=amount, version=version
                )
            ),
            only_if=changed,
        )
        return changed[-1]

    async def on_pay_run_issued(
        self, *, org_id: str, production_id: str, pay_run_id: str, amount: Decimal
    ) -> bool:
        """An issued pay run's total cost is actual talent cost (once per pay run)."""
        changed: list[bool] = []
        await self._change_budget(
            org_id,
            production_id,
            lambda b: changed.append(b.apply_pay_run(pay_run_id=pay_run_id, amount=amount)),
            only_if=changed,
        )
        return changed[-1]

    async def _change_budget(
        self,
        org_id: str,
        production_id: str,
        change: object,
        only_if: list[bool] | None = None,
    ) -> Budget:
        assert callable(change)
        for attempt in range(RETRIES):
            budget = await self._store.lifecycle.budgets.get(org_id, production_id)
            budget = budget or Budget.open(org_id=org_id, production_id=production_id)
            with field_errors():
                change(budget)
            if only_if is not None and not only_if[-1]:
                return budget
            try:
                if budget.version == 0:
                    return await self._store.lifecycle.budgets.add(budget)
                return await self._store.lifecycle.budgets.save(budget)
            except ConcurrencyConflict:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    # ----------------------------------------------------------------- deliverables

    async def add_deliverable(
        self,
        principal: Principal,
        *,
        production_id: str,
        name: str,
        due_date: str | None,
        spec: Spec,
        owner: str = "",
        qc_checklist: Sequence[str] = (),
    ) -> Deliverable:
        """A deliverable of the production to a spec, with its QC checklist."""
        authz.require(principal, PERMISSIONS["addDeliverable"], "addDeliverable")
        await self._production(principal.org, production_id)
        taken = {
            d.name.casefold()
            for d in await self._store.lifecycle.deliverables_of(principal.org, production_id)
        }
        with field_errors():
            deliverable = Deliverable.create(
                id=new_id("dlv"),
                org_id=principal.org,
                production_id=production_id,
                name=name,
                spec=spec,
                due_date=due_date,
                owner=owner,
                qc=[(new_id("qc"), text) for text in qc_checklist],
                taken_names=frozenset(taken),
            )
        saved = await self._store.lifecycle.deliverables.add(deliverable)
        await self._audit.record(principal, "addDeliverable", saved.id)
        return saved

    async def add_qc_item(
        self, principal: Principal, *, deliverable_id: str, text: str
    ) -> Deliverable:
        return await self._change_deliverable(
            principal,
            "addQcItem",
            deliverable_id,
            lambda d: d.add_qc_item(id=new_id("qc"), text=text),
        )

    async def set_qc_item(
        self,
        principal: Principal,
        *,
        deliverable_id: str,
        item_id: str,
        status: str,
        note: str = "",
    ) -> Deliverable:
        """Pass, fail or re-open a QC item."""
        return await self._change_deliverable(
            principal, "setQcItem", deliverable_id, lambda d: d.set_qc(item_id, status, note)
        )

    async def add_deliverable_version(
        self, principal: Principal, *, deliverable_id: str, label: str, notes: str = ""
    ) -> Deliverable:
        """A new version (cut, file) for review."""
        return await self._change_deliverable(
            principal,
            "addDeliverableVersion",
            deliverable_id,
            lambda d: d.add_version(label=label, notes=notes, at=_now()),
        )

    async def record_review(
        self, principal: Principal, *, deliverable_id: str, outcome: str, notes: str = ""
    ) -> Deliverable:
        """A review round of the latest version: APPROVED, CHANGES_REQUESTED or REJECTED."""
        return await self._change_deliverable(
            principal,
            "recordReview",
            deliverable_id,
            lambda d: d.record_review(outcome=outcome, notes=notes, by=principal.sub, at=_now()),
        )

    async def deliver(self, principal: Principal, *, deliverable_id: str) -> Deliverable:
        """Delivered once every QC item passed and the last round approved the latest version;
        otherwise refused naming each open QC item."""
        return await self._change_deliverable(
            principal, "deliver", deliverable_id, lambda d: d.deliver(_now())
        )

    async def _change_deliverable(
        self, principal: Principal, operation: str, deliverable_id: str, change: object
    ) -> Deliverable:
        assert callable(change)
        authz.require(principal, PERMISSIONS[operation], operation)
        found = await self._store.lifecycle.deliverables.get(principal.org, deliverable_id)
        if found is None:
            raise _not_found("deliverableId", "deliverable", deliverable_id)
        with field_errors():
            change(found)
        try:
            saved = await self._store.lifecycle.deliverables.save(found)
        except ConcurrencyConflict:
            raise UserError(
                "the deliverable changed meanwhile, retry", field="deliverableId", code="CONFLICT"
            ) from None
        await self._audit.record(principal, operation, deliverable_id)
        return saved

    async def deliverables(self, org_id: str, production_id: str) -> list[Deliverable]:
        return await self._store.lifecycle.deliverables_of(org_id, production_id)

    # ----------------------------------------------------------------- templates

    async def save_as_template(
        self, principal: Principal, *, production_id: str, name: str
    ) -> Template:
        """The production's tasks, checklist, deliverable specs and QC checklists, budget
        categories and lessons as an organisation template (names unique in the organisation)."""
        authz.require(principal, PERMISSIONS["saveAsTemplate"], "saveAsTemplate")
        await self._production(principal.org, production_id)
        workbook, deliverables, budget, templates = await asyncio.gather(
            self._workbook(principal.org, production_id),
            self._store.lifecycle.deliverables_of(principal.org, production_id),
            self._store.lifecycle.budgets.get(principal.org, production_id),
            self._store.lifecycle.templates_of(principal.org),
        )
        with field_errors():
            template = Template.capture(
                id=new_id("tpl"),
                org_id=principal.org,
                name=name,
                by=principal.sub,
                workbook=workbook,
                deliverables=deliverables,
                budget=budget,
                taken_names=frozenset(t.name.casefold() for t in templates),
            )
        saved = await self._store.lifecycle.templates.add(template)
        await self._audit.record(principal, "saveAsTemplate", saved.id)
        return saved

    async def templates(self, principal: Principal) -> list[Template]:
        authz.require(principal, PERMISSIONS["productionTemplates"], "productionTemplates")
        return await self._store.lifecycle.templates_of(principal.org)

    async def template(self, org_id: str, template_id: str) -> Template:
        found = await self._store.lifecycle.templates.get(org_id, template_id)
        if found is None:
            raise _not_found("templateId", "template", template_id)
        return found

    async def start_from_template(self, template: Template, production: Production) -> None:
        """Write the workbook, deliverables and budget a template gives a new production
        (before the production itself, so a production never shows half a template)."""
        workbook, deliverables, budget = template.instantiate(
            org_id=production.org_id, production_id=production.id, new_id=new_id
        )
        await self._store.lifecycle.workbooks.add(workbook)
        for d in deliverables:
            await self._store.lifecycle.deliverables.add(d)
        if budget.budgeted:
            await self._store.lifecycle.budgets.add(budget)

    # ----------------------------------------------------------------- dashboard

    async def dashboard(self, principal: Principal, production_id: str) -> Dashboard | None:
        """Everything a production's front page shows, in one read: stage and the next gate,
        critical path and next due tasks, budget against committed and actual, bookings by
        status, legal's blockers (None with the reason when legal cannot answer) and the next
        shoot day. None for another organisation's production."""
        authz.require(principal, PERMISSIONS["productionDashboard"], "productionDashboard")
        org = principal.org
        production = await self._store.production(org, production_id)
        if production is None:
            return None
        asking_legal = asyncio.ensure_future(self._blockers(org, production_id))
        workbook, budget, deliverables, days, roles_and_bookings = await asyncio.gather(
            self._workbook(org, production_id),
            self._store.lifecycle.budgets.get(org, production_id),
            self._store.lifecycle.deliverables_of(org, production_id),
            self._store.days_of(org, production_id),
            self._store.roles_and_bookings(org, production_id),
        )
        roles, bookings = roles_and_bookings
        blockers, compliance_error = await asking_legal
        facts = _facts(workbook, budget, deliverables, days, roles, bookings, blockers)
        to, missing = next_gate(production.stage, facts)
        schedule = workbook.schedule()
        today = datetime.now(ZoneInfo(production.timezone)).date().isoformat()
        return Dashboard(
            production=production,
            next_stage=to,
            missing=tuple(missing),
            workbook=WorkbookView(workbook, schedule),
            next_due=tuple(next_due(workbook.tasks, schedule, workbook.start_date, NEXT_DUE)),
            budget=_budget_view(budget or Budget.open(org_id=org, production_id=production_id)),
            bookings_by_status=tuple(sorted(Counter(e.status for e in bookings).items())),
            blockers=blockers,
            compliance_error=compliance_error,
            next_shoot_day=next((d for d in days if d.date >= today), None),
            deliverables=tuple(deliverables),
        )

    async def _blockers(
        self, org_id: str, production_id: str
    ) -> tuple[tuple[Blocker, ...] | None, str | None]:
        try:
            return tuple(await self._compliance.production_blockers(org_id, production_id)), None
        except UserError as exc:
            return None, exc.message

    async def _production(self, org_id: str, production_id: str) -> Production:
        found = await self._store.production(org_id, production_id)
        if found is None:
            raise _not_found("productionId", "production", production_id)
        return found


def _current(stage: Stage) -> Stage:
    """The stage new tasks and lessons default to (legacy names mapped to their successors)."""
    return {Stage.DEVELOPMENT: Stage.PLANNING, Stage.DELIVERED: Stage.DELIVERY}.get(stage, stage)


def _facts(
    workbook: Workbook,
    budget: Budget | None,
    deliverables: Sequence[Deliverable],
    days: Sequence[ShootDay],
    roles: Mapping[str, RoleInfo],
    bookings: Sequence[CalendarEntry],
    blockers: tuple[Blocker, ...] | None,
) -> GateFacts:
    booked_roles = {e.role_id for e in bookings if e.status == BOOKED}
    return GateFacts(
        budgeted_lines=sum(1 for a in (budget.budgeted if budget else {}).values() if a > 0),
        task_count=len(workbook.tasks),
        shoot_days=len(days),
        # A role still in draft is not announced yet: nobody can be booked on it.
        roles=tuple(
            RoleCast(r.name or r.role_id, r.role_id in booked_roles)
            for r in sorted(roles.values(), key=lambda r: (r.name, r.role_id))
            if r.status != "DRAFT"
        ),
        open_tasks=tuple(OpenTask(t.name, t.stage) for t in workbook.tasks if not t.done),
        deliverables=tuple(
            DeliverableState(d.name, d.delivered, len(d.open_qc)) for d in deliverables
        ),
        blockers=blockers,
    )


def _budget_view(b: Budget) -> BudgetView:
    return BudgetView(b.currency, tuple(b.lines()), b.totals())
