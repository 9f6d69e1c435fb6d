"""The production lifecycle's pure domain: stage gates, the workbook's critical path (against
hand-computed networks), budget lines against payroll's costs, deliverables and templates."""

from __future__ import annotations

from decimal import Decimal

import pytest
from scheduling.domain.budget import Budget, BudgetLineExceeded, Category
from scheduling.domain.deliverables import Deliverable, Spec
from scheduling.domain.lifecycle import (
    Blocker,
    DeliverableState,
    GateFacts,
    OpenTask,
    RoleCast,
    gate,
)
from scheduling.domain.productions import Production, ProductionStageChanged, Stage
from scheduling.domain.templates import Template
from scheduling.domain.workbook import Dependency, Task, Workbook, cpm, next_due
from slate_domain import Invalid


def T(id: str, duration: int, *deps: str | tuple[str, int]) -> Task:
    return Task(
        id=id,
        name=id.upper(),
        duration_days=duration,
        depends_on=tuple(Dependency(d) if isinstance(d, str) else Dependency(*d) for d in deps),
    )


# ------------------------------------------------------------------ CPM, hand-computed


def test_parallel_paths_the_longer_is_critical_and_the_shorter_has_slack() -> None:
    # A(3) -> B(4) -> D(2);  A -> C(2) -> D.  ES: A0 B3 C3 D7, end 9; C late start 5: slack 2.
    s = cpm([T("a", 3), T("b", 4, "a"), T("c", 2, "a"), T("d", 2, "b", "c")])
    got = {
        k: (v.early_start, v.early_finish, v.late_start, v.late_finish, v.slack)
        for k, v in s.timings.items()
    }
    assert got == {
        "a": (0, 3, 0, 3, 0),
        "b": (3, 7, 3, 7, 0),
        "c": (3, 5, 5, 7, 2),
        "d": (7, 9, 7, 9, 0),
    }
    assert s.duration == 9
    assert s.critical_path == ("a", "b", "d")


def test_a_lag_delays_the_successor_and_can_make_the_shorter_branch_critical() -> None:
    # A(3) -(lag 3)-> C(2) -> D(2): C starts at 6, finishes 8 > B's 7: C becomes critical and B
    # gets slack 1; end = 10.
    s = cpm([T("a", 3), T("b", 4, "a"), T("c", 2, ("a", 3)), T("d", 2, "b", "c")])
    t = s.timings
    assert (t["c"].early_start, t["c"].slack) == (6, 0)
    assert (t["b"].early_start, t["b"].late_start, t["b"].slack) == (3, 4, 1)
    assert (t["d"].early_start, s.duration) == (8, 10)
    assert s.critical_path == ("a", "c", "d")


def test_independent_chains_and_a_milestone() -> None:
    # X(5) alone; Y(1) -> M(0, milestone) -> Z(2): end 5, Y chain slack 2, milestone at day 1.
    s = cpm([T("x", 5), T("y", 1), T("m", 0, "y"), T("z", 2, "m")])
    t = s.timings
    assert s.duration == 5
    assert (t["m"].early_start, t["m"].early_finish, t["m"].slack) == (1, 1, 2)
    assert (t["z"].late_finish, t["y"].late_start) == (5, 2)
    assert s.critical_path == ("x",)


def test_a_dependency_cycle_is_refused_naming_its_tasks_in_order() -> None:
    with pytest.raises(Invalid) as refused:
        cpm([T("a", 1, "c"), T("b", 1, "a"), T("c", 1, "b"), T("d", 1)])
    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == ("dependsOn", "CYCLE")
    # Each task depends on the one before it: A -> B -> C -> A.
    assert problem.message.endswith("dependency cycle: A -> B -> C -> A") or problem.message in {
        "dependency cycle: B -> C -> A -> B",
        "dependency cycle: C -> A -> B -> C",
    }


def test_updating_a_task_into_a_cycle_is_refused_and_changes_nothing() -> None:
    wb = Workbook.open(org_id="o", production_id="p")
    wb.add_task(id="a", name="Script", duration_days=2)
    wb.add_task(id="b", name="Casting", duration_days=3, depends_on=[Dependency("a")])
    with pytest.raises(Invalid) as refused:
        wb.update_task("a", depends_on=[Dependency("b")])
    assert "Script" in refused.value.problems[0].message
    assert "Casting" in refused.value.problems[0].message
    assert wb.task("a") is not None
    assert wb.task("a").depends_on == ()


def test_add_task_names_each_bad_field() -> None:
    wb = Workbook.open(org_id="o", production_id="p")
    wb.add_task(id="a", name="Script", duration_days=2)
    with pytest.raises(Invalid) as refused:
        wb.add_task(
            id="b",
            name="script",
            duration_days=-1,
            depends_on=[Dependency("zzz"), Dependency("a", 999)],
            stage="NOPE",
            due_date="tomorrow",
        )
    fields = {p.field for p in refused.value.problems}
    assert fields == {
        "name",
        "durationDays",
        "dependsOn[0]",
        "dependsOn[1].lagDays",
        "stage",
        "dueDate",
    }
    assert len(wb.tasks) == 1


def test_next_due_orders_open_tasks_by_due_date_then_schedule() -> None:
    wb = Workbook.open(org_id="o", production_id="p")
    wb.add_task(id="a", name="A", duration_days=2)
    wb.add_task(
        id="b", name="B", duration_days=1, depends_on=[Dependency("a")], due_date="2027-01-01"
    )
    wb.add_task(id="c", name="C", duration_days=1)
    wb.update_task("a", done=True)
    got = next_due(wb.tasks, wb.schedule(), "2027-01-10", 5)
    # B is due 2027-01-01 (entered); C's late finish is day 3 -> 2027-01-13.
    assert [t.id for t in got] == ["b", "c"]


# ------------------------------------------------------------------ stages and gates


def production() -> Production:
    p = Production.create(
        id="p", org_id="o", title="T", client="", kind="FILM", timezone="UTC", by="u"
    )
    p.events.clear()
    return p


def test_a_production_starts_in_planning_and_moves_only_one_step() -> None:
    p = production()
    assert p.stage is Stage.PLANNING
    with pytest.raises(Invalid) as refused:
        p.advance(Stage.PRODUCTION, [], by="u", at="2027-01-01T00:00:00Z")
    assert refused.value.problems[0].field == "to"
    p.advance(Stage.PRE_PRODUCTION, [], by="u", at="2027-01-01T00:00:00Z")
    assert p.stage is Stage.PRE_PRODUCTION
    (event,) = p.events
    assert isinstance(event, ProductionStageChanged)
    assert event.from_stage is Stage.PLANNING
    p.advance(Stage.PLANNING, gate(Stage.PLANNING, GateFacts()), by="u", at="x")  # back: no gate
    assert p.stage is Stage.PLANNING


def test_the_production_gate_names_every_missing_item() -> None:
    facts = GateFacts(
        shoot_days=0,
        roles=(RoleCast("Lead", True), RoleCast("Mother", False)),
        blockers=(Blocker("PERMIT", "no filming permit for Location 1"),),
    )
    missing = gate(Stage.PRODUCTION, facts)
    assert [(m.field, m.code) for m in missing] == [
        ("shootDays", "GATE"),
        ("cast", "GATE"),
        ("compliance", "GATE"),
    ]
    assert "'Mother'" in missing[1].message
    assert "permit" in missing[2].message
    p = production()
    p.stage = Stage.PRE_PRODUCTION
    with pytest.raises(Invalid):
        p.advance(Stage.PRODUCTION, missing, by="u", at="x")
    assert p.stage is Stage.PRE_PRODUCTION
    assert p.events == []


def test_legal_not_asked_is_never_a_clear_gate() -> None:
    missing = gate(Stage.PRODUCTION, GateFacts(shoot_days=1, blockers=None))
    assert [m.field for m in missing] == ["compliance"]
    assert gate(Stage.PRODUCTION, GateFacts(shoot_days=1, blockers=())) == []


def test_later_gates_open_tasks_and_deliverables() -> None:
    facts = GateFacts(
        open_tasks=(
            OpenTask("Wrap report", Stage.PRODUCTION),
            OpenTask("Grade", Stage.POST_PRODUCTION),
        ),
        deliverables=(DeliverableState("Master", False, 2),),
    )
    assert [m.message for m in gate(Stage.POST_PRODUCTION, facts)] == [
        "task 'Wrap report' (PRODUCTION) is not done"
    ]
    assert [m.field for m in gate(Stage.DELIVERY, facts)] == ["workbook"]
    assert [m.message for m in gate(Stage.WRAPPED, facts)] == [
        "'Master' is not delivered (2 QC items open)"
    ]
    assert [m.field for m in gate(Stage.PRE_PRODUCTION, GateFacts())] == ["budget", "workbook"]


# ------------------------------------------------------------------ budget


def test_budget_lines_against_committed_and_actual_with_variance() -> None:
    b = Budget.open(org_id="o", production_id="p")
    b.set_lines([("TALENT", "10000.00"), ("CREW", "5000")])
    assert b.apply_estimate(
        engagement_id="e1", category="TALENT", amount=Decimal("4000"), version=1
    )
    assert b.apply_estimate(
        engagement_id="e1", category="TALENT", amount=Decimal("6000"), version=2
    )
    assert not b.apply_estimate(
        engagement_id="e1", category="TALENT", amount=Decimal("1"), version=1
    )
    assert b.apply_pay_run(pay_run_id="r1", amount=Decimal("2500.50"))
    assert not b.apply_pay_run(pay_run_id="r1", amount=Decimal("2500.50"))
    talent = next(x for x in b.lines() if x.category is Category.TALENT)
    assert (talent.budgeted, talent.committed, talent.actual) == (
        Decimal("10000.00"),
        Decimal("6000"),
        Decimal("2500.50"),
    )
    assert (talent.forecast, talent.variance) == (Decimal("6000"), Decimal("4000.00"))
    assert b.events == []


def test_a_line_passing_its_budget_is_announced_once_per_crossing() -> None:
    b = Budget.open(org_id="o", production_id="p")
    b.set_lines([("TALENT", "1000")])
    b.apply_estimate(engagement_id="e1", category="TALENT", amount=Decimal("1200"), version=1)
    b.apply_estimate(engagement_id="e2", category="TALENT", amount=Decimal("100"), version=1)
    (event,) = b.events
    assert isinstance(event, BudgetLineExceeded)
    assert event.line.committed == Decimal("1200")
    b.apply_estimate(engagement_id="e1", category="TALENT", amount=Decimal("0"), version=2)
    b.apply_estimate(engagement_id="e1", category="TALENT", amount=Decimal("1500"), version=3)
    assert len(b.events) == 2


def test_set_budget_names_bad_lines_and_keeps_the_old_ones() -> None:
    b = Budget.open(org_id="o", production_id="p")
    b.set_lines([("TALENT", "10")])
    with pytest.raises(Invalid) as refused:
        b.set_lines([("CATERING", "1"), ("CREW", "1.005"), ("CREW", "-1"), ("POST", "abc")])
    assert [p.field for p in refused.value.problems] == [
        "lines[0].category",
        "lines[1].amount",
        "lines[2].category",
        "lines[2].amount",
        "lines[3].amount",
    ]
    assert b.budgeted == {Category.TALENT: Decimal("10")}


# ------------------------------------------------------------------ deliverables


def deliverable() -> Deliverable:
    return Deliverable.create(
        id="d",
        org_id="o",
        production_id="p",
        name="Master :30",
        spec=Spec(format="ProRes 4444", duration="00:30", aspect_ratio="16:9", loudness="-24 LKFS"),
        due_date="2027-05-01",
        qc=[("q1", "Loudness within spec"), ("q2", "No dropped frames")],
    )


def test_delivery_is_refused_with_an_open_qc_item_then_allowed() -> None:
    d = deliverable()
    d.add_version(label="v1", notes="", at="t1")
    d.record_review(outcome="CHANGES_REQUESTED", notes="logo late", by="u", at="t2")
    d.set_qc("q1", "PASSED")
    with pytest.raises(Invalid) as refused:
        d.deliver("t3")
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("qc", "QC item 'No dropped frames' is open"),
        ("reviews", "the last review round is CHANGES_REQUESTED"),
    ]
    d.add_version(label="v2", notes="logo fixed", at="t4")
    d.record_review(outcome="APPROVED", notes="", by="u", at="t5")
    d.set_qc("q2", "PASSED")
    d.deliver("t6")
    assert d.delivered
    assert [r.version for r in d.rounds] == [1, 2]
    with pytest.raises(Invalid):
        d.set_qc("q2", "FAILED")


def test_a_new_version_after_approval_needs_its_own_review() -> None:
    d = deliverable()
    d.set_qc("q1", "PASSED")
    d.set_qc("q2", "PASSED")
    d.add_version(label="v1", notes="", at="t")
    d.record_review(outcome="APPROVED", notes="", by="u", at="t")
    d.add_version(label="v2", notes="", at="t")
    with pytest.raises(Invalid) as refused:
        d.deliver("t")
    assert refused.value.problems[0].message == "version 2 is not reviewed"


# ------------------------------------------------------------------ templates


def test_a_template_carries_tasks_checklists_specs_budget_and_lessons_forward() -> None:
    wb = Workbook.open(org_id="o", production_id="p1")
    wb.add_task(id="a", name="Script", duration_days=2, stage="PLANNING")
    wb.add_task(
        id="b", name="Shoot", duration_days=3, depends_on=[Dependency("a", 1)], stage="PRODUCTION"
    )
    wb.update_task("a", done=True)
    wb.add_checklist_item(id="c1", stage="PRE_PRODUCTION", text="Book the honeywagon")
    wb.record_lesson(id="l1", stage="PRODUCTION", text="Order rain cover", by="u", at="t")
    budget = Budget.open(org_id="o", production_id="p1")
    budget.set_lines([("TALENT", "1000")])
    template = Template.capture(
        id="tpl",
        org_id="o",
        name="Spot",
        by="u",
        workbook=wb,
        deliverables=[deliverable()],
        budget=budget,
    )
    counter = iter(range(100))
    new_wb, deliverables, new_budget = template.instantiate(
        org_id="o", production_id="p2", new_id=lambda prefix: f"{prefix}_{next(counter)}"
    )
    assert [(t.name, t.done) for t in new_wb.tasks] == [("Script", False), ("Shoot", False)]
    assert new_wb.tasks[1].depends_on == (Dependency(new_wb.tasks[0].id, 1),)
    assert [(c.text, c.source) for c in new_wb.checklist] == [
        ("Book the honeywagon", "TEMPLATE"),
        ("Lesson: Order rain cover", "LESSON"),
    ]
    assert [q.text for q in deliverables[0].qc] == ["Loudness within spec", "No dropped frames"]
    assert new_budget.budgeted == {Category.TALENT: Decimal("1000")}
    # Saved again, the carried lesson stays a lesson (not a plain checklist item).
    again = Template.capture(
        id="t2", org_id="o", name="Spot 2", by="u", workbook=new_wb, deliverables=[], budget=None
    )
    assert [x.text for x in again.lessons] == ["Order rain cover"]
    assert [x.text for x in again.checklist] == ["Book the honeywagon"]
