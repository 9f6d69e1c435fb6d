"""Jurisdiction rule modules.

A jurisdiction is a data file (`data/<id>.toml`, `kind = "jurisdiction"`). A state names its rule
module; a city or county names its parent and inherits the module, overriding only data (such as a
higher minimum wage). Adding a state means one data file plus one module registered here.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Protocol

from payroll.domain.agreements import AgreementRules
from payroll.domain.context import Context
from payroll.domain.jurisdictions.california import California
from payroll.domain.models import DayResult
from payroll.domain.rulebook import RuleBook, RuleDataError


class StateRules(Protocol):
    """What a state's rule module provides to the calculation."""

    def regular_rate(self, ctx: Context, on: date, *, warn: bool = True) -> Fraction:
        """The regular rate of pay on a date."""
        ...

    def pay(self, ctx: Context, agreement: AgreementRules) -> list[DayResult]:
        """Pay every workday of the request; raise `InvalidRequest` for an unlawful rate or a
        date the rules do not cover."""
        ...

    def review_minor(self, ctx: Context) -> None:
        """Warn about a minor's hour limits (the request has a birth date)."""
        ...


_MODULES: dict[str, StateRules] = {"california": California()}
_REQUIRED: dict[str, tuple[str, ...]] = {"california": California.required_keys}


def check_jurisdictions(book: RuleBook) -> None:
    """Every jurisdiction names a known rule module and has every key that module reads."""
    for src in book.sources.values():
        if src.kind != "jurisdiction":
            continue
        chain = book.chain(src.id)
        module = next((s.module for s in chain if s.module is not None), None)
        if module not in _MODULES:
            raise RuleDataError(f"{src.id}: unknown rule module '{module}'")
        for key in _REQUIRED[module]:
            if not any(s.entries(key) for s in chain):
                raise RuleDataError(f"{src.id}: rule module '{module}' needs '{key}'")


def state_rules(book: RuleBook, location: str) -> StateRules:
    """The rule module of the state a location belongs to."""
    found: StateRules | None = book.derived.get(("state_rules", location))
    if found is None:
        module = next(src.module for src in book.chain(location) if src.module is not None)
        found = book.derived[("state_rules", location)] = _MODULES[module]
    return found
