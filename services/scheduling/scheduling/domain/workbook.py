"""The production workbook: tasks with finish-to-start dependencies (with lags), their
critical-path schedule, the production's checklist and the lessons recorded per stage.

The schedule is the critical-path method in whole days from the workbook's day 0: a forward
pass (early start = the latest of each predecessor's early finish plus its lag), a backward pass
(late finish = the earliest of each successor's late start minus its lag, the project's end for
a task nothing follows), slack = late start - early start, critical = no slack. It is computed
from the tasks each time they are read, so it is always current.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from slate_domain import Aggregate, Invalid, Problem, required_text

from scheduling.domain.productions import Stage

NAME_MAX = 200
TEXT_MAX = 2000
DURATION_MAX = 3650
LAG_MAX = 365
TASKS_MAX = 2000


@dataclass(frozen=True)
class Dependency:
    """Finish-to-start: this task starts `lag_days` after `task_id` finishes."""

    task_id: str
    lag_days: int = 0


@dataclass(frozen=True)
class Task:
    """A workbook task; a milestone is a task of no duration (a date that matters)."""

    id: str
    name: str
    duration_days: int
    depends_on: tuple[Dependency, ...] = ()
    owner: str = ""
    stage: Stage = Stage.PLANNING
    due_date: str | None = None
    done: bool = False

    @property
    def milestone(self) -> bool:
        return self.duration_days == 0


@dataclass(frozen=True)
class Timing:
    """A task's place in the critical-path schedule (days from the workbook's day 0)."""

    early_start: int
    early_finish: int
    late_start: int
    late_finish: int

    @property
    def slack(self) -> int:
        return self.late_start - self.early_start

    @property
    def critical(self) -> bool:
        return self.slack == 0


@dataclass(frozen=True)
class Schedule:
    """Every task's timing, the project's length in days and the critical tasks in the order
    they start (ties by name)."""

    timings: dict[str, Timing]
    duration: int
    critical_path: tuple[str, ...]


def cpm(tasks: Sequence[Task]) -> Schedule:
    """The critical-path schedule of `tasks` (Invalid on dependsOn naming the tasks of a cycle,
    or a dependency on a task not in `tasks`)."""
    by_id = {t.id: t for t in tasks}
    for t in tasks:
        for i, d in enumerate(t.depends_on):
            if d.task_id not in by_id:
                raise Invalid(
                    [Problem(f"dependsOn[{i}]", f"no task {d.task_id!r} in the workbook")]
                )
    order = _topological(tasks, by_id)
    early: dict[str, tuple[int, int]] = {}
    for tid in order:
        t = by_id[tid]
        start = max((early[d.task_id][1] + d.lag_days for d in t.depends_on), default=0)
        early[tid] = (start, start + t.duration_days)
    end = max((f for _, f in early.values()), default=0)
    successors: dict[str, list[tuple[str, int]]] = {tid: [] for tid in by_id}
    for t in tasks:
        for d in t.depends_on:
            successors[d.task_id].append((t.id, d.lag_days))
    late: dict[str, tuple[int, int]] = {}
    for tid in reversed(order):
        finish = min((late[s][0] - lag for s, lag in successors[tid]), default=end)
        late[tid] = (finish - by_id[tid].duration_days, finish)
    timings = {
        tid: Timing(early[tid][0], early[tid][1], late[tid][0], late[tid][1]) for tid in order
    }
    critical = sorted(
        (tid for tid, x in timings.items() if x.critical),
        key=lambda tid: (timings[tid].early_start, timings[tid].early_finish, by_id[tid].name),
    )
    return Schedule(timings=timings, duration=end, critical_path=tuple(critical))


def _topological(tasks: Sequence[Task], by_id: dict[str, Task]) -> list[str]:
    """Kahn's order of the tasks (stable: input order among the ready); a cycle is Invalid
    naming its tasks in dependency order."""
    indegree = {t.id: len(t.depends_on) for t in tasks}
    successors: dict[str, list[str]] = {t.id: [] for t in tasks}
    for t in tasks:
        for d in t.depends_on:
            successors[d.task_id].append(t.id)
    ready = [t.id for t in tasks if indegree[t.id] == 0]
    order: list[str] = []
    while ready:
        tid = ready.pop(0)
        order.append(tid)
        for s in successors[tid]:
            indegree[s] -= 1
            if indegree[s] == 0:
                ready.append(s)
    if len(order) < len(tasks):
        cycle = find_cycle([t for t in tasks if indegree[t.id] > 0])
        names = " -> ".join(by_id[x].name for x in [*cycle, cycle[0]])
        raise Invalid([Problem("dependsOn", f"dependency cycle: {names}", "CYCLE")])
    return order


def find_cycle(tasks: Iterable[Task]) -> list[str]:
    """One cycle among `tasks` (each is on or behind a cycle), as task ids where each depends
    on the one before it."""
    remaining = {t.id: t for t in tasks}
    start = next(iter(remaining))
    # Walk predecessors inside the remaining set until one repeats: that stretch is a cycle.
    seen: dict[str, int] = {}
    path: list[str] = []
    current = start
    while current not in seen:
        seen[current] = len(path)
        path.append(current)
        current = next(d.task_id for d in remaining[current].depends_on if d.task_id in remaining)
    cycle = path[seen[current] :]
    cycle.reverse()
    return cycle


@dataclass(frozen=True)
class ChecklistItem:
    """One item of the production's checklist for a stage (from a template, a lesson carried
    forward, or added by hand)."""

    id: str
    stage: Stage
    text: str
    done: bool = False
    source: str = "MANUAL"  # MANUAL, TEMPLATE, LESSON


@dataclass(frozen=True)
class Lesson:
    """A process improvement noted during a stage, for the productions to come."""

    id: str
    stage: Stage
    text: str
    by: str
    at: str


@dataclass(kw_only=True)
class Workbook(Aggregate[object]):
    """One production's workbook (its id is the production's id)."""

    production_id: str
    start_date: str | None = None
    tasks: tuple[Task, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    lessons: tuple[Lesson, ...] = ()

    @classmethod
    def open(cls, *, org_id: str, production_id: str) -> Workbook:
        return cls(id=production_id, org_id=org_id, production_id=production_id)

    def schedule(self) -> Schedule:
        return cpm(self.tasks)

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def add_task(
        self,
        *,
        id: str,
        name: str,
        duration_days: int,
        depends_on: Sequence[Dependency] = (),
        owner: str = "",
        stage: str = Stage.PLANNING.value,
        due_date: str | None = None,
    ) -> Task:
        """A new task after the tasks it depends on; its name is unique in the workbook."""
        problems: list[Problem] = []
        if len(self.tasks) >= TASKS_MAX:
            problems.append(Problem("productionId", f"a workbook holds at most {TASKS_MAX} tasks"))
        task = self._valid_task(
            problems,
            id=id,
            name=name,
            duration_days=duration_days,
            depends_on=depends_on,
            owner=owner,
            stage=stage,
            due_date=due_date,
            done=False,
        )
        self._replace_tasks([*self.tasks, task])
        return task

    def update_task(
        self,
        task_id: str,
        *,
        name: str | None = None,
        duration_days: int | None = None,
        depends_on: Sequence[Dependency] | None = None,
        owner: str | None = None,
        stage: str | None = None,
        due_date: str | None = None,
        done: bool | None = None,
    ) -> Task:
        """Change a task; a change of dependencies that closes a cycle is refused naming it."""
        old = self.task(task_id)
        if old is None:
            raise Invalid([Problem("taskId", f"no task {task_id!r} in the workbook", "NOT_FOUND")])
        problems: list[Problem] = []
        task = self._valid_task(
            problems,
            id=old.id,
            name=old.name if name is None else name,
            duration_days=old.duration_days if duration_days is None else duration_days,
            depends_on=old.depends_on if depends_on is None else depends_on,
            owner=old.owner if owner is None else owner,
            stage=old.stage.value if stage is None else stage,
            due_date=old.due_date if due_date is None else (due_date or None),
            done=old.done if done is None else done,
        )
        self._replace_tasks([task if t.id == task_id else t for t in self.tasks])
        return task

    def remove_task(self, task_id: str) -> None:
        """Drop a task nothing depends on."""
        if self.task(task_id) is None:
            raise Invalid([Problem("taskId", f"no task {task_id!r} in the workbook", "NOT_FOUND")])
        dependants = [t.name for t in self.tasks if any(d.task_id == task_id for d in t.depends_on)]
        if dependants:
            names = ", ".join(repr(n) for n in dependants)
            raise Invalid([Problem("taskId", f"tasks {names} depend on it")])
        self.tasks = tuple(t for t in self.tasks if t.id != task_id)

    def _replace_tasks(self, tasks: list[Task]) -> None:
        cpm(tasks)  # refuses a cycle before anything changes
        self.tasks = tuple(tasks)

    def _valid_task(
        self,
        problems: list[Problem],
        *,
        id: str,
        name: str,
        duration_days: int,
        depends_on: Sequence[Dependency],
        owner: str,
        stage: str,
        due_date: str | None,
        done: bool,
    ) -> Task:
        clean = required_text("name", name, NAME_MAX, problems)
        if any(t.name.casefold() == clean.casefold() and t.id != id for t in self.tasks):
            problems.append(Problem("name", f"a task named {clean!r} exists already"))
        if not 0 <= duration_days <= DURATION_MAX:
            problems.append(Problem("durationDays", f"between 0 and {DURATION_MAX} days"))
        known = {t.id for t in self.tasks}
        seen: set[str] = set()
        for i, d in enumerate(depends_on):
            if d.task_id == id:
                problems.append(Problem(f"dependsOn[{i}]", "a task cannot depend on itself"))
            elif d.task_id not in known:
                problems.append(
                    Problem(f"dependsOn[{i}]", f"no task {d.task_id!r} in the workbook")
                )
            elif d.task_id in seen:
                problems.append(Problem(f"dependsOn[{i}]", f"task {d.task_id!r} listed twice"))
            if not 0 <= d.lag_days <= LAG_MAX:
                problems.append(Problem(f"dependsOn[{i}].lagDays", f"between 0 and {LAG_MAX} days"))
            seen.add(d.task_id)
        if len(owner) > NAME_MAX:
            problems.append(Problem("owner", f"at most {NAME_MAX} characters"))
        if stage not in Stage.__members__ or stage in ("DEVELOPMENT", "DELIVERED"):
            problems.append(Problem("stage", f"unknown stage {stage!r}"))
        if due_date is not None:
            try:
                date.fromisoformat(due_date)
            except ValueError:
                problems.append(Problem("dueDate", f"not an ISO date (YYYY-MM-DD): {due_date!r}"))
        if problems:
            raise Invalid(problems)
        return Task(
            id=id,
            name=clean,
            duration_days=duration_days,
            depends_on=tuple(depends_on),
            owner=owner.strip(),
            stage=Stage(stage),
            due_date=due_date,
            done=done,
        )

    def set_start(self, start_date: str | None) -> None:
        if start_date is not None:
            try:
                date.fromisoformat(start_date)
            except ValueError:
                raise Invalid(
                    [Problem("startDate", f"not an ISO date (YYYY-MM-DD): {start_date!r}")]
                ) from None
        self.start_date = start_date

    def add_checklist_item(self, *, id: str, stage: str, text: str, source: str = "MANUAL") -> None:
        problems: list[Problem] = []
        clean = required_text("text", text, TEXT_MAX, problems)
        if stage not in Stage.__members__:
            problems.append(Problem("stage", f"unknown stage {stage!r}"))
        if problems:
            raise Invalid(problems)
        self.checklist = (*self.checklist, ChecklistItem(id, Stage(stage), clean, False, source))

    def check(self, item_id: str, done: bool) -> None:
        if not any(c.id == item_id for c in self.checklist):
            raise Invalid([Problem("itemId", f"no checklist item {item_id!r}", "NOT_FOUND")])
        self.checklist = tuple(
            replace(c, done=done) if c.id == item_id else c for c in self.checklist
        )

    def record_lesson(self, *, id: str, stage: str, text: str, by: str, at: str) -> Lesson:
        """A lesson noted for a stage, carried into templates saved from this production."""
        problems: list[Problem] = []
        clean = required_text("text", text, TEXT_MAX, problems)
        if stage not in Stage.__members__:
            problems.append(Problem("stage", f"unknown stage {stage!r}"))
        if problems:
            raise Invalid(problems)
        lesson = Lesson(id, Stage(stage), clean, by, at)
        self.lessons = (*self.lessons, lesson)
        return lesson


def next_due(
    tasks: Sequence[Task], schedule: Schedule, start: str | None, limit: int
) -> list[Task]:
    """The open tasks in the order they fall due: the due date entered, else the workbook
    start plus the task's late finish (open tasks with neither come last, by late start)."""
    base = date.fromisoformat(start) if start else None

    def key(t: Task) -> tuple[int, str, int, str]:
        timing = schedule.timings[t.id]
        due = t.due_date
        if due is None and base is not None:
            due = date.fromordinal(base.toordinal() + timing.late_finish).isoformat()
        return (0 if due else 1, due or "", timing.late_start, t.name)

    return sorted((t for t in tasks if not t.done), key=key)[:limit]
