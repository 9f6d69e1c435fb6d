"""What a rule module sees while it calculates one request."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from payroll.domain.models import CalcRequest, Notice
from payroll.domain.rulebook import RuleBook, RuleValue


@dataclass(slots=True)
class Notices:
    """Warnings and applied rules, each kept once and in first-seen order."""

    warnings: dict[tuple[str, str], Notice] = field(default_factory=dict)
    rules: dict[str, None] = field(default_factory=dict)

    def warn(self, code: str, message: str, source: str = "", on: date | None = None) -> None:
        self.warnings.setdefault((code, message), Notice(code, message, source, on))

    def applied(self, rule: str) -> None:
        self.rules.setdefault(rule, None)

    def unconfirmed(self, entry: RuleValue, on: date | None, what: str) -> None:
        """Warn that an unconfirmed data value decided money."""
        note = f" {entry.note}" if entry.note else ""
        self.warn(
            "unconfirmed_rule",
            f"{entry.citation}: value {entry.value} is not confirmed; used for {what}.{note}",
            entry.source,
            on,
        )


@dataclass(slots=True)
class Context:
    book: RuleBook
    request: CalcRequest
    notices: Notices
    memo: dict[Hashable, Any] = field(default_factory=dict)
    """Per-request cache for values rule modules derive once (e.g. the regular rate)."""

    @property
    def scope(self) -> str:
        return self.request.work_location
