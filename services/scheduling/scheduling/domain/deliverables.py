"""Deliverables: what the production hands over (a master, cut-downs, stills…), to a spec, by a
due date, with a QC checklist, versions and review rounds. A deliverable is delivered only when
every QC item has passed and the last review round approved the latest version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem, required_text

NAME_MAX = 200
TEXT_MAX = 2000


class QcStatus(StrEnum):
    OPEN = "OPEN"
    PASSED = "PASSED"
    FAILED = "FAILED"


class ReviewOutcome(StrEnum):
    APPROVED = "APPROVED"
    CHANGES_REQUESTED = "CHANGES_REQUESTED"
    REJECTED = "REJECTED"


@dataclass(frozen=True)
class Spec:
    """The technical spec: format, running time, aspect ratio, loudness, anything else."""

    format: str = ""
    duration: str = ""
    aspect_ratio: str = ""
    loudness: str = ""
    notes: str = ""


@dataclass(frozen=True)
class QcItem:
    id: str
    text: str
    status: QcStatus = QcStatus.OPEN
    note: str = ""


@dataclass(frozen=True)
class Version:
    number: int
    label: str
    notes: str
    at: str


@dataclass(frozen=True)
class ReviewRound:
    number: int
    version: int
    outcome: ReviewOutcome
    notes: str
    by: str
    at: str


@dataclass(frozen=True)
class DeliverableDelivered:
    deliverable: Deliverable


@dataclass(kw_only=True)
class Deliverable(Aggregate[DeliverableDelivered]):
    production_id: str
    name: str
    spec: Spec
    due_date: str | None
    owner: str = ""
    qc: tuple[QcItem, ...] = ()
    versions: tuple[Version, ...] = ()
    rounds: tuple[ReviewRound, ...] = ()
    delivered_at: str | None = None

    @classmethod
    def create(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        name: str,
        spec: Spec,
        due_date: str | None,
        owner: str = "",
        qc: Sequence[tuple[str, str]] = (),
        taken_names: frozenset[str] = frozenset(),
    ) -> Deliverable:
        """A deliverable with a unique name in its production and its QC items (id, text)."""
        problems: list[Problem] = []
        clean = required_text("name", name, NAME_MAX, problems)
        if clean.casefold() in taken_names:
            problems.append(Problem("name", f"a deliverable named {clean!r} exists already"))
        for f, v in (
            ("spec.format", spec.format),
            ("spec.duration", spec.duration),
            ("spec.aspectRatio", spec.aspect_ratio),
            ("spec.loudness", spec.loudness),
        ):
            if len(v) > NAME_MAX:
                problems.append(Problem(f, f"at most {NAME_MAX} characters"))
        if len(spec.notes) > TEXT_MAX:
            problems.append(Problem("spec.notes", f"at most {TEXT_MAX} characters"))
        if due_date is not None:
            try:
                date.fromisoformat(due_date)
            except ValueError:
                problems.append(Problem("dueDate", f"not an ISO date (YYYY-MM-DD): {due_date!r}"))
        items = [
            QcItem(i, required_text(f"qcChecklist[{n}]", t, TEXT_MAX, problems))
            for n, (i, t) in enumerate(qc)
        ]
        if problems:
            raise Invalid(problems)
        return cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            name=clean,
            spec=spec,
            due_date=due_date,
            owner=owner.strip(),
            qc=tuple(items),
        )

    @property
    def open_qc(self) -> list[QcItem]:
        return [q for q in self.qc if q.status is not QcStatus.PASSED]

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None

    def _not_delivered(self) -> None:
        if self.delivered:
            raise Invalid([Problem("deliverableId", "delivered already", "CONFLICT")])

    def add_qc_item(self, *, id: str, text: str) -> QcItem:
        self._not_delivered()
        problems: list[Problem] = []
        item = QcItem(id, required_text("text", text, TEXT_MAX, problems))
        if problems:
            raise Invalid(problems)
        self.qc = (*self.qc, item)
        return item

    def set_qc(self, item_id: str, status: str, note: str = "") -> None:
        """Pass, fail or re-open a QC item."""
        self._not_delivered()
        problems: list[Problem] = []
        if not any(q.id == item_id for q in self.qc):
            problems.append(Problem("itemId", f"no QC item {item_id!r}", "NOT_FOUND"))
        if status not in QcStatus.__members__:
            problems.append(Problem("status", f"unknown status {status!r}"))
        if len(note) > TEXT_MAX:
            problems.append(Problem("note", f"at most {TEXT_MAX} characters"))
        if problems:
            raise Invalid(problems)
        self.qc = tuple(
            replace(q, status=QcStatus(status), note=note.strip()) if q.id == item_id else q
            for q in self.qc
        )

    def add_version(self, *, label: str, notes: str, at: str) -> Version:
        """A new cut or file for review; the reviews before it were of an older version."""
        self._not_delivered()
        problems: list[Problem] = []
        clean = required_text("label", label, NAME_MAX, problems)
        if len(notes) > TEXT_MAX:
            problems.append(Problem("notes", f"at most {TEXT_MAX} characters"))
        if problems:
            raise Invalid(problems)
        version = Version(len(self.versions) + 1, clean, notes.strip(), at)
        self.versions = (*self.versions, version)
        return version

    def record_review(self, *, outcome: str, notes: str, by: str, at: str) -> ReviewRound:
        """A review round of the latest version (a deliverable without a version is reviewed
        as version 0: the spec alone)."""
        self._not_delivered()
        problems: list[Problem] = []
        if outcome not in ReviewOutcome.__members__:
            problems.append(Problem("outcome", f"unknown outcome {outcome!r}"))
        if len(notes) > TEXT_MAX:
            problems.append(Problem("notes", f"at most {TEXT_MAX} characters"))
        if problems:
            raise Invalid(problems)
        rnd = ReviewRound(
            len(self.rounds) + 1, len(self.versions), ReviewOutcome(outcome), notes.strip(), by, at
        )
        self.rounds = (*self.rounds, rnd)
        return rnd

    def deliver(self, at: str) -> None:
        """Delivered when every QC item passed and the last round approved the latest version;
        otherwise refused naming each open item."""
        self._not_delivered()
        problems = [
            Problem("qc", f"QC item {q.text!r} is {q.status.value.lower()}") for q in self.open_qc
        ]
        last = self.rounds[-1] if self.rounds else None
        if last is None:
            problems.append(Problem("reviews", "no review round yet"))
        elif last.outcome is not ReviewOutcome.APPROVED:
            problems.append(Problem("reviews", f"the last review round is {last.outcome.value}"))
        elif last.version != len(self.versions):
            problems.append(Problem("reviews", f"version {len(self.versions)} is not reviewed"))
        if problems:
            raise Invalid(problems)
        self.delivered_at = at
        self.record(DeliverableDelivered(self))
