"""Freelancer engagements under the Freelance Worker Protection Act (SB 988, Cal. Business and
Professions Code §18100 ff., for contracts entered into or renewed on or after 2025-01-01).

A hiring party engaging a freelancer (a bona fide independent contractor for professional
services) for $250 or more, alone or with the same hiring party's other engagements of that
freelancer over the prior 120 days, needs a written contract stating: both parties' names and
mailing addresses; an itemized list of the services, their value and the rate and method of
compensation; the date payment is due or how it is set; and the date by which the freelancer
submits the list of services rendered. Payment is due by the contract's date or, if none, within
30 days after the work is completed. (research.md B.5, confirmed:
https://natlawreview.com/article/senate-bill-988-freelance-worker-protection-act)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from slate_domain import Aggregate, Invalid, Problem, required_text

SOURCE = "Cal. Bus. & Prof. Code §18100 ff. (SB 988)"
EFFECTIVE = date(2025, 1, 1)
THRESHOLD = Decimal("250.00")
AGGREGATION_DAYS = 120
DEFAULT_PAYMENT_DAYS = 30


@dataclass(frozen=True)
class ServiceLine:
    """One itemized service: what, its value, and the rate and method of compensation."""

    description: str
    value: Decimal
    rate_method: str


@dataclass(frozen=True)
class FreelanceRecorded:
    contract_id: str
    org_id: str
    production_id: str


@dataclass(frozen=True)
class FreelancePaid:
    contract_id: str
    org_id: str
    paid_on: date


FreelanceEvent = FreelanceRecorded | FreelancePaid


def _money(field_name: str, raw: str, problems: list[Problem]) -> Decimal:
    try:
        value = Decimal(raw)
        if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        problems.append(Problem(field_name, "a non-negative amount with at most two decimals"))
        return Decimal(0)
    return value.quantize(Decimal("0.01"))


def _day(field_name: str, raw: str | None, problems: list[Problem]) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(Problem(field_name, f"not an ISO date: {raw[:20]!r}"))
        return None


@dataclass(kw_only=True)
class FreelanceContract(Aggregate[FreelanceEvent]):
    """A freelancer's engagement for a production, as its written contract states it. Terms
    may be missing: the compliance report names them rather than the record refusing them."""

    production_id: str
    freelancer_name: str
    freelancer_address: str
    hiring_party_name: str
    hiring_party_address: str
    services: tuple[ServiceLine, ...]
    contracted_on: date
    payment_due_on: date | None = None
    invoice_due_on: date | None = None
    completed_on: date | None = None
    written: bool = False
    paid_on: date | None = None

    @classmethod
    def record_contract(
        cls,
        *,
        id: str,
        org_id: str,
        production_id: str,
        freelancer_name: str,
        freelancer_address: str,
        hiring_party_name: str,
        hiring_party_address: str,
        services: Sequence[tuple[str, str, str]],
        contracted_on: str,
        written: bool,
        payment_due_on: str | None = None,
        invoice_due_on: str | None = None,
        completed_on: str | None = None,
    ) -> FreelanceContract:
        """Validate the formats (names, amounts, dates); missing contract terms are allowed
        and reported."""
        problems: list[Problem] = []
        if not production_id.startswith("prd_"):
            problems.append(Problem("productionId", "not a production id"))
        name = required_text("freelancerName", freelancer_name, 200, problems)
        lines: list[ServiceLine] = []
        for i, (description, value, rate_method) in enumerate(services):
            lines.append(
                ServiceLine(
                    required_text(f"services[{i}].description", description, 500, problems),
                    _money(f"services[{i}].value", value, problems),
                    rate_method.strip()[:200],
                )
            )
        if not lines:
            problems.append(Problem("services", "list at least one service and its value"))
        signed_on = _day("contractedOn", contracted_on, problems)
        if signed_on is None and not any(p.field == "contractedOn" for p in problems):
            problems.append(Problem("contractedOn", "must not be empty"))
        due = _day("paymentDueOn", payment_due_on, problems)
        invoice = _day("invoiceDueOn", invoice_due_on, problems)
        done = _day("completedOn", completed_on, problems)
        if problems or signed_on is None:
            raise Invalid(problems)
        contract = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            freelancer_name=name,
            freelancer_address=freelancer_address.strip()[:500],
            hiring_party_name=hiring_party_name.strip()[:200],
            hiring_party_address=hiring_party_address.strip()[:500],
            services=tuple(lines),
            contracted_on=signed_on,
            payment_due_on=due,
            invoice_due_on=invoice,
            completed_on=done,
            written=written,
        )
        contract.record(FreelanceRecorded(id, org_id, production_id))
        return contract

    @property
    def total(self) -> Decimal:
        return sum((s.value for s in self.services), Decimal("0.00"))

    @property
    def freelancer_key(self) -> str:
        """The same freelancer across engagements (their name, case and spacing aside)."""
        return " ".join(self.freelancer_name.lower().split())

    def covered(self, earlier: Sequence[FreelanceContract] = ()) -> bool:
        """Whether the Act applies: entered into on or after 2025-01-01 and worth $250 or more
        alone or with the same freelancer's engagements of the prior 120 days."""
        if self.contracted_on < EFFECTIVE:
            return False
        window = self.contracted_on - timedelta(days=AGGREGATION_DAYS)
        prior = sum(
            (
                c.total
                for c in earlier
                if c.id != self.id
                and c.freelancer_key == self.freelancer_key
                and window <= c.contracted_on <= self.contracted_on
            ),
            Decimal("0.00"),
        )
        return self.total + prior >= THRESHOLD

    def missing_terms(self) -> list[str]:
        """The required contents the contract lacks (empty when complete)."""
        missing: list[str] = []
        if not self.written:
            missing.append("a written contract")
        if not (self.hiring_party_name and self.hiring_party_address):
            missing.append("the hiring party's name and mailing address")
        if not self.freelancer_address:
            missing.append("the freelancer's mailing address")
        if any(not s.rate_method for s in self.services):
            missing.append("the rate and method of compensation of each service")
        if self.invoice_due_on is None:
            missing.append("the date by which the freelancer submits the list of services")
        return missing

    def payment_deadline(self) -> date | None:
        """The contract's payment date, or 30 days after completion; None while neither is
        known."""
        if self.payment_due_on is not None:
            return self.payment_due_on
        if self.completed_on is not None:
            return self.completed_on + timedelta(days=DEFAULT_PAYMENT_DAYS)
        return None

    def overdue(self, today: date) -> bool:
        deadline = self.payment_deadline()
        return self.paid_on is None and deadline is not None and today > deadline

    def paid(self, on: str) -> None:
        """Payment made on `on` (once; a second payment date is refused)."""
        problems: list[Problem] = []
        day = _day("paidOn", on, problems)
        if day is None and not problems:
            problems.append(Problem("paidOn", "must not be empty"))
        if self.paid_on is not None:
            problems.append(Problem("contractId", "already recorded as paid", "CONFLICT"))
        if problems or day is None:
            raise Invalid(problems)
        self.paid_on = day
        self.record(FreelancePaid(self.id, self.org_id, day))
