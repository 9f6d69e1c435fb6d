"""The gates between a production's stages: for a move to the next stage, what is missing.

Each rule is checked on facts the use case gathers (shoot days, cast, legal's blockers, the
workbook, the budget, the deliverables); every missing item is one `Problem` naming the area
(`shootDays`, `cast`, `compliance`, `budget`, `workbook`, `deliverables`) with code GATE, so a
producer reads exactly what to do before the move is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slate_domain import Problem

from scheduling.domain.productions import Stage, next_stage

GATE = "GATE"


@dataclass(frozen=True)
class RoleCast:
    """A role the production announced and whether talent is booked (confirmed) on it."""

    name: str
    booked: bool


@dataclass(frozen=True)
class OpenTask:
    name: str
    stage: Stage


@dataclass(frozen=True)
class DeliverableState:
    name: str
    delivered: bool
    open_qc: int


@dataclass(frozen=True)
class Blocker:
    """A blocking item of legal's compliance report."""

    code: str
    message: str


@dataclass(frozen=True)
class GateFacts:
    """What the gates look at. `blockers` is None when legal was not asked (moves that do not
    need it); a gate that needs legal's answer never treats None as clear."""

    budgeted_lines: int = 0
    task_count: int = 0
    shoot_days: int = 0
    roles: tuple[RoleCast, ...] = ()
    open_tasks: tuple[OpenTask, ...] = ()
    deliverables: tuple[DeliverableState, ...] = ()
    blockers: tuple[Blocker, ...] | None = field(default=None)


def needs_compliance(to: Stage) -> bool:
    """Moving into production asks legal for the compliance report's blocking items."""
    return to is Stage.PRODUCTION


def gate(to: Stage, facts: GateFacts) -> list[Problem]:
    """Everything missing before a production may enter stage `to` (empty: it may)."""
    missing: list[Problem] = []
    if to is Stage.PRE_PRODUCTION:
        if facts.budgeted_lines == 0:
            missing.append(Problem("budget", "no budget line has an amount yet", GATE))
        if facts.task_count == 0:
            missing.append(Problem("workbook", "the workbook has no tasks yet", GATE))
    elif to is Stage.PRODUCTION:
        if facts.shoot_days == 0:
            missing.append(Problem("shootDays", "no shoot day is scheduled", GATE))
        for role in facts.roles:
            if not role.booked:
                missing.append(Problem("cast", f"role {role.name!r} has no booked talent", GATE))
        if facts.blockers is None:
            missing.append(Problem("compliance", "legal's compliance report was not checked", GATE))
        else:
            for b in facts.blockers:
                missing.append(Problem("compliance", f"legal blocks: {b.message} ({b.code})", GATE))
    elif to is Stage.POST_PRODUCTION:
        missing.extend(_open_tasks(facts, Stage.PRODUCTION))
    elif to is Stage.DELIVERY:
        missing.extend(_open_tasks(facts, Stage.POST_PRODUCTION))
        if not facts.deliverables:
            missing.append(Problem("deliverables", "no deliverable is defined", GATE))
    elif to is Stage.WRAPPED:
        for d in facts.deliverables:
            if not d.delivered:
                why = f" ({d.open_qc} QC items open)" if d.open_qc else ""
                missing.append(Problem("deliverables", f"{d.name!r} is not delivered{why}", GATE))
    return missing


def next_gate(current: Stage, facts: GateFacts) -> tuple[Stage | None, list[Problem]]:
    """The next stage and what is missing before it (None once wrapped)."""
    to = next_stage(current)
    return to, (gate(to, facts) if to is not None else [])


def _open_tasks(facts: GateFacts, stage: Stage) -> list[Problem]:
    return [
        Problem("workbook", f"task {t.name!r} ({t.stage.value}) is not done", GATE)
        for t in facts.open_tasks
        if t.stage is stage
    ]
