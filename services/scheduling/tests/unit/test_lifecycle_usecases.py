"""The production lifecycle's use cases on the in-memory database, with legal scripted: the
stage gate, the workbook, the budget fed by payroll's events, deliverables, templates and the
dashboard; refusals name their field and write nothing; organisations stay apart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from scheduling import events
from scheduling.app import SERVICE
from scheduling.domain.days import CastCall, ShootDay
from scheduling.domain.deliverables import Spec
from scheduling.domain.lifecycle import Blocker
from scheduling.domain.productions import Production, Stage
from scheduling.domain.shoot import RoleInfo
from scheduling.usecases import Scheduling
from slate.audit import AuditLog
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import (
    BUDGET_LINE_EXCEEDED,
    ENGAGEMENT_ESTIMATED,
    PAY_RUN_ISSUED,
    PRODUCTION_STAGE_CHANGED,
)
from slate.events.model import PoisonMessage
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import booking_snapshot, envelope, principal
from slate_domain import Rate
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import payroll_pb2, scheduling_pb2

PRODUCER = principal("org_a", "producer")
ACCOUNTING = principal("org_a", "accounting", sub="acc")
OTHER = principal("org_b", "producer", sub="u2")


class ScriptedLegal:
    """Legal's answers, scripted: blockers per production, or unreachable."""

    def __init__(self) -> None:
        self.blockers: list[Blocker] = []
        self.down = False
        self.asked: list[tuple[str, str]] = []

    async def production_blockers(self, org_id: str, production_id: str) -> list[Blocker]:
        self.asked.append((org_id, production_id))
        if self.down:
            raise UserError("legal is unavailable, retry shortly", field="to", code="UNAVAILABLE")
        return list(self.blockers)


@pytest.fixture
def legal() -> ScriptedLegal:
    return ScriptedLegal()


@pytest.fixture
async def service(database: MemoryDatabase, legal: ScriptedLegal) -> Scheduling:
    return Scheduling(await SERVICE.open_store(database), AuditLog(database), legal)


async def production(s: Scheduling, who: Any = PRODUCER, **kw: Any) -> Production:
    return await s.create_production(
        who, title="Spring Spot", client="Acme", kind="COMMERCIAL", timezone="UTC", **kw
    )


def fields(exc: pytest.ExceptionInfo[ValidationErrors]) -> list[tuple[str | None, str]]:
    return [(e.field, e.message) for e in exc.value.errors]


def outbox(database: MemoryDatabase, collection: str) -> list[OutboxEvent]:
    return [
        OutboxEvent.from_doc(e)
        for doc in database.collections.get(collection, {}).values()
        for e in doc.get("_outbox", [])
    ]


async def ready_for_pre_production(s: Scheduling, pid: str) -> None:
    await s.set_budget(PRODUCER, production_id=pid, lines=[("TALENT", "10000")])
    await s.add_task(PRODUCER, production_id=pid, name="Script", duration_days=2)


async def role_and_booking(s: Scheduling, pid: str, *, booked: bool) -> None:
    rate = Rate(Decimal("1200"), "USD", "DAY")
    await s.on_role(RoleInfo("rol_1", "org_a", pid, "Lead", rate, "PUBLISHED"), 1)
    snap = booking_snapshot(
        production_id=pid, status="BOOKED" if booked else "ON_HOLD", version=2 if booked else 1
    )
    await s.on_booking(BookingSnapshot.from_proto(snap))


async def shoot_day(s: Scheduling, pid: str, when: str = "2099-03-02") -> None:
    day = ShootDay.schedule(
        id=f"day_{pid}",
        org_id="org_a",
        production_id=pid,
        day=dt.date.fromisoformat(when),
        location_id="loc_1",
        scene_ids=["scn_1"],
        cast=[CastCall("tal_1", ("rol_1",), "07:00")],
    )
    await s._store.add_day(day)


# ------------------------------------------------------------------ stages


async def test_the_gate_into_production_names_what_is_missing_then_lets_it_through(
    service: Scheduling, database: MemoryDatabase, legal: ScriptedLegal
) -> None:
    p = await production(service)
    await ready_for_pre_production(service, p.id)
    moved = await service.advance_stage(PRODUCER, production_id=p.id, to="PRE_PRODUCTION")
    assert moved.stage is Stage.PRE_PRODUCTION
    await role_and_booking(service, p.id, booked=False)
    legal.blockers = [Blocker("CONTRACT_UNSIGNED", "Rosa's contract is not signed")]
    with pytest.raises(ValidationErrors) as refused:
        await service.advance_stage(PRODUCER, production_id=p.id, to="PRODUCTION")
    assert fields(refused) == [
        ("shootDays", "no shoot day is scheduled"),
        ("cast", "role 'Lead' has no booked talent"),
        ("compliance", "legal blocks: Rosa's contract is not signed (CONTRACT_UNSIGNED)"),
    ]
    assert (await service.production("org_a", p.id)).stage is Stage.PRE_PRODUCTION  # type: ignore[union-attr]
    await shoot_day(service, p.id)
    await role_and_booking(service, p.id, booked=True)
    legal.blockers = []
    moved = await service.advance_stage(PRODUCER, production_id=p.id, to="PRODUCTION")
    assert moved.stage is Stage.PRODUCTION
    changes = [
        e for e in outbox(database, "productions") if e.type == PRODUCTION_STAGE_CHANGED.name
    ]
    stages = [
        (m.from_stage, m.to_stage, m.by)
        for m in (scheduling_pb2.ProductionStageChanged.FromString(e.payload) for e in changes)
    ]
    assert stages == [("PLANNING", "PRE_PRODUCTION", "u1"), ("PRE_PRODUCTION", "PRODUCTION", "u1")]
    assert legal.asked == [("org_a", p.id), ("org_a", p.id)]


async def test_legal_unreachable_refuses_the_move_as_retriable(
    service: Scheduling, legal: ScriptedLegal
) -> None:
    p = await production(service)
    await ready_for_pre_production(service, p.id)
    await service.advance_stage(PRODUCER, production_id=p.id, to="PRE_PRODUCTION")
    await shoot_day(service, p.id)
    legal.down = True
    with pytest.raises(UserError) as refused:
        await service.advance_stage(PRODUCER, production_id=p.id, to="PRODUCTION")
    assert (refused.value.code, refused.value.field) == ("UNAVAILABLE", "to")
    assert (await service.production("org_a", p.id)).stage is Stage.PRE_PRODUCTION  # type: ignore[union-attr]


async def test_a_production_without_a_legal_peer_never_enters_production(
    database: MemoryDatabase,
) -> None:
    s = Scheduling(await SERVICE.open_store(database), AuditLog(database))
    p = await production(s)
    await ready_for_pre_production(s, p.id)
    await s.advance_stage(PRODUCER, production_id=p.id, to="PRE_PRODUCTION")
    await shoot_day(s, p.id)
    with pytest.raises(UserError) as refused:
        await s.advance_stage(PRODUCER, production_id=p.id, to="PRODUCTION")
    assert refused.value.code == "UNAVAILABLE"


async def test_skipping_a_stage_or_an_unknown_stage_is_refused_on_to(service: Scheduling) -> None:
    p = await production(service)
    with pytest.raises(ValidationErrors) as refused:
        await service.advance_stage(PRODUCER, production_id=p.id, to="DELIVERY")
    assert fields(refused)[0][0] == "to"
    with pytest.raises(UserError) as unknown:
        await service.advance_stage(PRODUCER, production_id=p.id, to="SHOOTING")
    assert unknown.value.field == "to"


async def test_only_a_producer_of_the_organisation_moves_stages(service: Scheduling) -> None:
    p = await production(service)
    with pytest.raises(Forbidden):
        await service.advance_stage(ACCOUNTING, production_id=p.id, to="PRE_PRODUCTION")
    with pytest.raises(UserError) as elsewhere:
        await service.advance_stage(OTHER, production_id=p.id, to="PRE_PRODUCTION")
    assert (elsewhere.value.code, elsewhere.value.field) == ("NOT_FOUND", "productionId")


# ------------------------------------------------------------------ workbook


async def test_tasks_form_a_critical_path_and_a_cycle_is_refused(service: Scheduling) -> None:
    p = await production(service)
    a = await service.add_task(PRODUCER, production_id=p.id, name="Script", duration_days=3)
    b = await service.add_task(
        PRODUCER, production_id=p.id, name="Cast", duration_days=4, depends_on=[(a.id, 0)]
    )
    c = await service.add_task(
        PRODUCER, production_id=p.id, name="Scout", duration_days=2, depends_on=[(a.id, 0)]
    )
    await service.add_task(
        PRODUCER,
        production_id=p.id,
        name="Shoot",
        duration_days=2,
        depends_on=[(b.id, 0), (c.id, 0)],
    )
    view = await service.workbook("org_a", p.id)
    assert [t.name for t in view.critical_tasks] == ["Script", "Cast", "Shoot"]
    assert view.schedule.timings[c.id].slack == 2
    with pytest.raises(ValidationErrors) as refused:
        await service.update_task(
            PRODUCER, production_id=p.id, task_id=a.id, depends_on=[(b.id, 0)]
        )
    (err,) = refused.value.errors
    assert err.field == "dependsOn"
    assert "Script" in err.message
    assert "Cast" in err.message
    assert (await service.workbook("org_a", p.id)).workbook.task(a.id).depends_on == ()  # type: ignore[union-attr]
    assert (await service.workbook("org_b", p.id)).workbook.tasks == ()


async def test_a_lesson_defaults_to_the_current_stage(service: Scheduling) -> None:
    p = await production(service)
    view = await service.record_lesson(
        PRODUCER, production_id=p.id, stage=None, text="Lock the budget before casting"
    )
    assert [(x.stage, x.text) for x in view.workbook.lessons] == [
        (Stage.PLANNING, "Lock the budget before casting")
    ]


# ------------------------------------------------------------------ budget from payroll


def estimated(pid: str, engagement: str, amount: str, version: int) -> Any:
    return envelope(
        ENGAGEMENT_ESTIMATED.outbox(
            engagement,
            payroll_pb2.EngagementEstimated(
                engagement_id=engagement,
                org_id="org_a",
                production_id=pid,
                booking_id="bkg_1",
                estimated_cost=money_pb2.Money(amount=amount, currency="USD"),
                version=version,
                category="TALENT",
            ),
        )
    )


def issued(pid: str, run: str, total: str) -> Any:
    return envelope(
        PAY_RUN_ISSUED.outbox(
            run,
            payroll_pb2.PayRunIssued(
                pay_run_id=run,
                org_id="org_a",
                production_id=pid,
                total_cost=money_pb2.Money(amount=total, currency="USD"),
                stub_count=1,
            ),
        )
    )


async def test_payroll_events_feed_committed_and_actual_once(
    service: Scheduling, database: MemoryDatabase
) -> None:
    p = await production(service)
    await service.set_budget(PRODUCER, production_id=p.id, lines=[("TALENT", "3000")])
    handle = events.handlers(service)
    await handle(estimated(p.id, "eng_1", "2400.00", 1))
    await handle(estimated(p.id, "eng_1", "3600.00", 2))
    await handle(estimated(p.id, "eng_1", "2400.00", 1))  # late, older: ignored
    await handle(issued(p.id, "run_1", "1300.50"))
    await handle(issued(p.id, "run_1", "1300.50"))  # redelivered
    view = await service.budget("org_a", p.id)
    (talent,) = view.lines
    assert (talent.budgeted, talent.committed, talent.actual, talent.variance) == (
        Decimal("3000"),
        Decimal("3600.00"),
        Decimal("1300.50"),
        Decimal("-600.00"),
    )
    (over,) = [e for e in outbox(database, "budgets") if e.type == BUDGET_LINE_EXCEEDED.name]
    message = scheduling_pb2.BudgetLineExceeded.FromString(over.payload)
    assert (message.category, message.committed.amount, message.budgeted.amount) == (
        "TALENT",
        "3600.00",
        "3000",
    )


async def test_an_estimate_before_any_budget_opens_one(service: Scheduling) -> None:
    p = await production(service)
    await events.handlers(service)(estimated(p.id, "eng_1", "500", 1))
    (talent,) = (await service.budget("org_a", p.id)).lines
    assert (talent.budgeted, talent.committed) == (Decimal(0), Decimal("500"))


async def test_an_unreadable_amount_is_poison(service: Scheduling) -> None:
    with pytest.raises(PoisonMessage):
        await events.handlers(service)(estimated("prd_x", "eng_1", "lots", 1))


async def test_set_budget_refusals_name_the_line_and_write_nothing(
    service: Scheduling, database: MemoryDatabase
) -> None:
    p = await production(service)
    with pytest.raises(ValidationErrors) as refused:
        await service.set_budget(PRODUCER, production_id=p.id, lines=[("CATERING", "12.345")])
    assert [f for f, _ in fields(refused)] == ["lines[0].category", "lines[0].amount"]
    assert database.collections.get("budgets", {}) == {}
    with pytest.raises(Forbidden):
        await service.set_budget(ACCOUNTING, production_id=p.id, lines=[])


# ------------------------------------------------------------------ deliverables


async def test_a_deliverable_with_an_open_qc_item_cannot_be_delivered(service: Scheduling) -> None:
    p = await production(service)
    d = await service.add_deliverable(
        PRODUCER,
        production_id=p.id,
        name="Master :30",
        due_date="2027-05-01",
        spec=Spec(format="ProRes", loudness="-24 LKFS"),
        qc_checklist=["Loudness", "Captions"],
    )
    d = await service.add_deliverable_version(PRODUCER, deliverable_id=d.id, label="v1")
    d = await service.record_review(PRODUCER, deliverable_id=d.id, outcome="APPROVED")
    d = await service.set_qc_item(
        PRODUCER, deliverable_id=d.id, item_id=d.qc[0].id, status="PASSED"
    )
    with pytest.raises(ValidationErrors) as refused:
        await service.deliver(PRODUCER, deliverable_id=d.id)
    assert fields(refused) == [("qc", "QC item 'Captions' is open")]
    d = await service.set_qc_item(
        PRODUCER, deliverable_id=d.id, item_id=d.qc[1].id, status="PASSED"
    )
    assert (await service.deliver(PRODUCER, deliverable_id=d.id)).delivered
    with pytest.raises(UserError) as elsewhere:
        await service.deliver(OTHER, deliverable_id=d.id)
    assert elsewhere.value.code == "NOT_FOUND"


# ------------------------------------------------------------------ templates


async def test_a_production_from_a_template_starts_with_its_tasks_checklists_and_lessons(
    service: Scheduling,
) -> None:
    p = await production(service)
    a = await service.add_task(PRODUCER, production_id=p.id, name="Script", duration_days=3)
    await service.add_task(
        PRODUCER, production_id=p.id, name="Shoot", duration_days=1, depends_on=[(a.id, 2)]
    )
    await service.add_checklist_item(
        PRODUCER, production_id=p.id, stage="PRE_PRODUCTION", text="Insurance certificate"
    )
    await service.record_lesson(
        PRODUCER, production_id=p.id, stage="PRODUCTION", text="Book a rain day"
    )
    await service.add_deliverable(
        PRODUCER, production_id=p.id, name="Master", due_date=None, spec=Spec(), qc_checklist=["QC"]
    )
    await service.set_budget(PRODUCER, production_id=p.id, lines=[("CREW", "900")])
    template = await service.save_as_template(PRODUCER, production_id=p.id, name="Spot SOP")
    with pytest.raises(ValidationErrors) as twice:
        await service.save_as_template(PRODUCER, production_id=p.id, name="spot sop")
    assert fields(twice)[0][0] == "name"
    q = await production(service, template_id=template.id)
    view = await service.workbook("org_a", q.id)
    assert [t.name for t in view.critical_tasks] == ["Script", "Shoot"]
    assert view.schedule.duration == 6
    assert [(c.text, c.source) for c in view.workbook.checklist] == [
        ("Insurance certificate", "TEMPLATE"),
        ("Lesson: Book a rain day", "LESSON"),
    ]
    (deliverable,) = await service.deliverables("org_a", q.id)
    assert [x.text for x in deliverable.qc] == ["QC"]
    assert [x.budgeted for x in (await service.budget("org_a", q.id)).lines] == [Decimal("900")]
    with pytest.raises(UserError) as foreign:
        await production(service, OTHER, template_id=template.id)
    assert (foreign.value.code, foreign.value.field) == ("NOT_FOUND", "templateId")


# ------------------------------------------------------------------ dashboard


async def test_the_dashboard_shows_gate_path_budget_bookings_blockers_and_next_day(
    service: Scheduling, legal: ScriptedLegal
) -> None:
    p = await production(service)
    await ready_for_pre_production(service, p.id)
    await service.advance_stage(PRODUCER, production_id=p.id, to="PRE_PRODUCTION")
    await role_and_booking(service, p.id, booked=False)
    await shoot_day(service, p.id, "2099-03-02")
    legal.blockers = [Blocker("PERMIT", "no permit")]
    board = await service.dashboard(PRODUCER, p.id)
    assert board is not None
    assert board.next_stage is Stage.PRODUCTION
    assert [m.field for m in board.missing] == ["cast", "compliance"]
    assert [t.name for t in board.workbook.critical_tasks] == ["Script"]
    assert board.budget.totals.budgeted == Decimal("10000")
    assert board.bookings_by_status == (("ON_HOLD", 1),)
    assert board.blockers == (Blocker("PERMIT", "no permit"),)
    assert board.next_shoot_day is not None
    assert board.next_shoot_day.date == "2099-03-02"
    legal.down = True
    board = await service.dashboard(PRODUCER, p.id)
    assert board is not None
    assert board.blockers is None
    assert board.compliance_error is not None
    assert "compliance" in [m.field for m in board.missing]
    assert await service.dashboard(OTHER, p.id) is None
