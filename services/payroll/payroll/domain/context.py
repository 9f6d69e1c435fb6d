"""What a rule module sees while it calculates one request."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any

from payroll.domain.models import CalcRequest, Notice, Tally
from payroll.domain.rulebook import RuleBook, RuleValue

_new = tuple.__new__


class Notices:
    """Warnings and applied rules, each kept once and in first-seen order."""

    __slots__ = ("rules", "warnings")

    def __init__(self) -> None:
        self.warnings: dict[tuple[str, str], Notice] = {}
        self.rules: dict[str, None] = {}

    def warn(self, code: str, message: str, source: str = "", on: date | None = None) -> None:
        key = (code, message)
        if key not in self.warnings:
            self.warnings[key] = _new(Notice, (code, message, source, on))

    def applied(self, rule: str) -> None:
        if rule not in self.rules:
            self.rules[rule] = None

    def unconfirmed(self, entry: RuleValue, on: date | None, what: str) -> None:
        """Warn that an unconfirmed data value decided money."""
        note = f" {entry.note}" if entry.note else ""
        self.warn(
            "unconfirmed_rule",
            f"{entry.citation}: value {entry.value} is not confirmed; used for {what}.{note}",
            entry.source,
            on,
        )


class Context:
    """The rule book, the request, its notices, and a per-request cache for values rule modules
    derive once (e.g. the regular rate). Built once per request: a plain slotted class."""

    __slots__ = ("book", "memo", "notices", "request", "scope", "tally")

    def __init__(self, book: RuleBook, request: CalcRequest) -> None:
        self.book = book
        self.request = request
        self.notices = Notices()
        self.memo: dict[Hashable, Any] = {}
        self.scope: str = request.work_location
        self.tally = Tally()
