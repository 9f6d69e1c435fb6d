"""A production's budget: amounts by category entered by the producer, against the cost
committed (payroll's estimate per engagement, the newest version winning, zero once cancelled)
and the cost actually paid (payroll's issued pay runs), both kept from payroll's events.

Per line: variance = budgeted - forecast, where the forecast (estimate at completion) is the
larger of committed and actual (money already paid beyond the commitments is spent all the same).
A line whose forecast passes its budgeted amount records BudgetLineExceeded once per crossing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem

AMOUNT_MAX = Decimal("1000000000000")


class Category(StrEnum):
    TALENT = "TALENT"
    CREW = "CREW"
    LOCATIONS = "LOCATIONS"
    EQUIPMENT = "EQUIPMENT"
    POST = "POST"
    INSURANCE = "INSURANCE"
    FEES = "FEES"
    CONTINGENCY = "CONTINGENCY"


@dataclass(frozen=True)
class Commitment:
    """Payroll's latest estimate of one engagement's cost."""

    engagement_id: str
    category: Category
    amount: Decimal
    version: int


@dataclass(frozen=True)
class LineView:
    category: Category
    budgeted: Decimal
    committed: Decimal
    actual: Decimal

    @property
    def forecast(self) -> Decimal:
        return max(self.committed, self.actual)

    @property
    def variance(self) -> Decimal:
        return self.budgeted - self.forecast

    @property
    def over(self) -> bool:
        return self.forecast > self.budgeted


@dataclass(frozen=True)
class BudgetLineExceeded:
    production_id: str
    org_id: str
    line: LineView
    currency: str


@dataclass(kw_only=True)
class Budget(Aggregate[BudgetLineExceeded]):
    """One production's budget (its id is the production's id)."""

    production_id: str
    currency: str = "USD"
    budgeted: dict[Category, Decimal] = field(default_factory=dict)
    commitments: dict[str, Commitment] = field(default_factory=dict)
    # Issued pay runs: id -> (category, total cost).
    actuals: dict[str, tuple[Category, Decimal]] = field(default_factory=dict)
    exceeded: frozenset[Category] = frozenset()

    @classmethod
    def open(cls, *, org_id: str, production_id: str) -> Budget:
        return cls(id=production_id, org_id=org_id, production_id=production_id)

    def set_lines(self, lines: Sequence[tuple[str, str]], currency: str | None = None) -> None:
        """The producer's lines (category, decimal amount >= 0, cents at most), replacing the
        earlier ones; each category once."""
        problems: list[Problem] = []
        out: dict[Category, Decimal] = {}
        seen: set[str] = set()
        for i, (category, amount) in enumerate(lines):
            if category not in Category.__members__:
                problems.append(Problem(f"lines[{i}].category", f"unknown category {category!r}"))
            elif category in seen:
                problems.append(Problem(f"lines[{i}].category", f"{category} listed twice"))
            seen.add(category)
            value = parse_amount(f"lines[{i}].amount", amount, problems)
            if value is not None and category in Category.__members__:
                out[Category(category)] = value
        if currency is not None and (len(currency) != 3 or not currency.isalpha()):
            problems.append(Problem("currency", f"not an ISO 4217 code: {currency!r}"))
        if problems:
            raise Invalid(problems)
        self.budgeted = out
        if currency is not None:
            self.currency = currency.upper()
        self._announce_crossings()

    def apply_estimate(
        self, *, engagement_id: str, category: str, amount: Decimal, version: int
    ) -> bool:
        """Keep payroll's estimate unless a newer one is held; True when it changed."""
        held = self.commitments.get(engagement_id)
        if held is not None and held.version >= version:
            return False
        cat = Category(category) if category in Category.__members__ else Category.TALENT
        self.commitments = {
            **self.commitments,
            engagement_id: Commitment(engagement_id, cat, amount, version),
        }
        self._announce_crossings()
        return True

    def apply_pay_run(self, *, pay_run_id: str, amount: Decimal, category: str = "TALENT") -> bool:
        """Add an issued pay run's cost once (a redelivery changes nothing)."""
        if pay_run_id in self.actuals:
            return False
        self.actuals = {**self.actuals, pay_run_id: (Category(category), amount)}
        self._announce_crossings()
        return True

    def lines(self) -> list[LineView]:
        """One line per category budgeted or with cost, in the categories' order."""
        committed: dict[Category, Decimal] = {}
        for c in self.commitments.values():
            committed[c.category] = committed.get(c.category, Decimal(0)) + c.amount
        actual: dict[Category, Decimal] = {}
        for cat, amount in self.actuals.values():
            actual[cat] = actual.get(cat, Decimal(0)) + amount
        return [
            LineView(
                cat,
                self.budgeted.get(cat, Decimal(0)),
                committed.get(cat, Decimal(0)),
                actual.get(cat, Decimal(0)),
            )
            for cat in Category
            if cat in self.budgeted or cat in committed or cat in actual
        ]

    def totals(self) -> LineView:
        lines = self.lines()
        return _Total(
            sum((x.budgeted for x in lines), Decimal(0)),
            sum((x.committed for x in lines), Decimal(0)),
            sum((x.actual for x in lines), Decimal(0)),
        )

    def _announce_crossings(self) -> None:
        over = {x.category: x for x in self.lines() if x.category in self.budgeted and x.over}
        for cat in sorted(set(over) - self.exceeded):
            self.record(
                BudgetLineExceeded(self.production_id, self.org_id, over[cat], self.currency)
            )
        # A line back under its budget is announced again if it crosses again.
        self.exceeded = frozenset(over)


def _Total(budgeted: Decimal, committed: Decimal, actual: Decimal) -> LineView:
    return LineView(Category.CONTINGENCY, budgeted, committed, actual)


def parse_amount(field: str, value: str, problems: list[Problem]) -> Decimal | None:
    """A decimal amount of money >= 0 with at most two decimals."""
    try:
        amount = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        problems.append(Problem(field, f"not a decimal amount: {value!r}"))
        return None
    if not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX:
        problems.append(Problem(field, "must be between 0 and 1,000,000,000,000"))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        problems.append(Problem(field, "at most two decimals (cents)"))
        return None
    return amount
