"""Pay runs: a production's approved timecards of a period, paid with taxes, as pay stubs.

draft (created, for review) -> approved -> issued (its timecards are then paid). Each payee's
gross is the wage engine's for each engagement's days in the run (one `slate payroll calc`
request per engagement, workweeks from the Monday of its first day), so a stub's gross for a week
equals the CLI's for the same days. A stub carries the nine items of Labor Code §226(a).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem

from payroll.domain.calc import calculate_json
from payroll.domain.estimates import estimate_base_pay
from payroll.domain.models import InvalidRequest
from payroll.domain.payitems import PayItem
from payroll.domain.payouts import Payment, PaymentStatus, is_return_code
from payroll.domain.taxes import DE4, W4, TaxLine, payroll_taxes, periods_per_year, to_cents
from payroll.domain.timecards import ENGINE_UNITS, PayLine, Timecard, engine_request, preview


class PayRunStatus(StrEnum):
    DRAFT = "DRAFT"
    APPROVED = "APPROVED"
    ISSUED = "ISSUED"


@dataclass(frozen=True)
class Payee:
    """Who a stub pays, as §226(a)(7) names them, and their withholding elections."""

    talent_id: str
    name: str = ""
    tax_id_last4: str = ""
    w4: W4 = field(default_factory=W4)
    de4: DE4 = field(default_factory=DE4)


@dataclass(frozen=True)
class Employer:
    """§226(a)(8): the legal entity that employs, with its address."""

    name: str
    address: str


@dataclass(frozen=True)
class Stub:
    """One payee's pay in a run: §226(a) (1) gross, (2) hours worked, (3) piece rates (none),
    (4) deductions, (5) net, (6) period, (7) name and last four of the tax id, (8) employer,
    (9) every hourly rate with its hours (the earnings lines)."""

    id: str
    talent_id: str
    payee_name: str
    tax_id_last4: str
    employer: Employer
    period_start: str
    period_end: str
    pay_date: str
    engagement_ids: tuple[str, ...]
    timecard_ids: tuple[str, ...]
    earnings: tuple[PayLine, ...]
    hours_worked: str
    gross_cents: int
    deductions: tuple[TaxLine, ...]
    set_asides: tuple[TaxLine, ...]
    employer_costs: tuple[TaxLine, ...]
    net_cents: int
    ytd_gross_cents: int
    warnings: tuple[str, ...]
    currency: str = "USD"
    pay_item_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PayRunCreated:
    pay_run_id: str
    org_id: str
    production_id: str


@dataclass(frozen=True)
class PayRunApproved:
    pay_run_id: str
    org_id: str


@dataclass(frozen=True)
class PaymentsChanged:
    """Payments settled or returned (stays inside payroll for now: no event type yet)."""

    pay_run_id: str
    org_id: str
    payment_ids: tuple[str, ...]


@dataclass(frozen=True)
class PayRunIssued:
    """The run was issued: its totals (what the production actually spent), no payee's data."""

    pay_run_id: str
    org_id: str
    stub_ids: tuple[str, ...]
    production_id: str
    period_start: str
    period_end: str
    pay_date: str
    gross_cents: int
    employer_cost_cents: int
    currency: str
    issued_at: str


@dataclass(frozen=True)
class PaymentIssued:
    """One stub's net pay issued with its run (no bank or tax data: it is published)."""

    payment: Payment
    pay_run_id: str
    org_id: str
    production_id: str
    pay_date: str
    issued_at: str


@dataclass(frozen=True)
class PaymentReturned:
    """The payee's bank returned a direct deposit: the net is still owed."""

    payment: Payment
    pay_run_id: str
    org_id: str
    production_id: str


PayRunEvent = (
    PayRunCreated
    | PayRunApproved
    | PayRunIssued
    | PaymentsChanged
    | PaymentIssued
    | PaymentReturned
)


def _day(value: str, name: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(name, f"{value!r} is not a date (YYYY-MM-DD)"))
        return None


def check_period(period_start: str, period_end: str, pay_date: str) -> tuple[date, date, date]:
    """The period and pay date, or Invalid naming each bad one."""
    problems: list[Problem] = []
    start = _day(period_start, "periodStart", problems)
    end = _day(period_end, "periodEnd", problems)
    paid = _day(pay_date, "payDate", problems)
    if start and end and end < start:
        problems.append(Problem("periodEnd", "must not be before periodStart"))
    if start and end and (end - start).days > 31:
        problems.append(Problem("periodEnd", "a pay period is at most a month"))
    if end and paid and paid < end:
        problems.append(Problem("payDate", "must not be before the period ends"))
    if problems or start is None or end is None or paid is None:
        raise Invalid(problems)
    return start, end, paid


def payday_due(period_start: date, period_end: date) -> tuple[date, str]:
    """The latest lawful payday for the period: within 7 days of its close for a weekly or
    biweekly period (LC §204(d)); otherwise the 26th for work of the 1st-15th and the 10th of
    the next month for work of the 16th-end (LC §204(a)). Final pay of a production hire is due
    by the next regular payday (LC §201.5), which is the same date."""
    if (period_end - period_start).days < 14:
        return period_end + timedelta(days=7), "LC §204(d): within 7 days of the period's close"
    if period_end.day <= 15:
        return period_end.replace(day=26), "LC §204(a): work of the 1st-15th by the 26th"
    first_next = (period_end.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next.replace(day=10), "LC §204(a): work of the 16th-end by the 10th next month"


@dataclass(frozen=True)
class EngagementPay:
    lines: tuple[PayLine, ...]
    gross_cents: int
    hours_worked: Decimal
    pension_health_cents: int
    agent_fee_cents: int
    warnings: tuple[str, ...]


def engagement_pay(cards: Sequence[Timecard]) -> EngagementPay:
    """One engagement's days in the run: the engine's lines, gross, hours worked, the
    agreement's employer P&H, the agent fee and warnings (Invalid if the engine refuses a day)."""
    first = cards[0]
    if first.rate.unit not in ENGINE_UNITS:
        estimate = estimate_base_pay(first.rate.amount, first.rate.unit, [c.date for c in cards])
        lines = tuple(
            PayLine(cards[0].date, kind, "0.00", "", str(amount), rule, "")
            for kind, amount, rule in estimate.lines
        )
        return EngagementPay(
            lines, to_cents(estimate.total), Decimal(0), 0, 0, tuple(estimate.warnings)
        )
    request = engine_request(first.rate, first.agreement, [c.day() for c in cards])
    try:
        result = calculate_json(request)
    except InvalidRequest as exc:
        problems = [Problem("timecards", f"{e.field}: {e.message}") for e in exc.errors]
        raise Invalid(problems) from None
    view = preview(result)
    totals = result["totals"]
    return EngagementPay(
        view.lines,
        to_cents(Decimal(view.gross)),
        Decimal(totals["hours_worked"]),
        to_cents(Decimal(totals.get("pension_health", "0"))),
        to_cents(Decimal(totals.get("agent_fee", "0"))),
        view.warnings,
    )


def build_stub(
    stub_id: str,
    payee: Payee,
    employer: Employer,
    cards: Sequence[Timecard],
    *,
    ytd_gross_cents: int,
    period: tuple[date, date],
    pay_date: date,
    items: Sequence[PayItem] = (),
) -> Stub:
    """A payee's stub from their approved timecards in the run (any engagements) and one-off
    earnings owed them (a cancellation fee: wages, taxed like the rest)."""
    by_engagement: dict[str, list[Timecard]] = {}
    for card in sorted(cards, key=lambda c: c.date):
        by_engagement.setdefault(card.engagement_id, []).append(card)
    earnings: list[PayLine] = []
    gross = pension_health = agent_fee = 0
    hours = Decimal(0)
    warnings: list[str] = []
    for engaged in by_engagement.values():
        pay = engagement_pay(engaged)
        earnings.extend(pay.lines)
        gross += pay.gross_cents
        hours += pay.hours_worked
        pension_health += pay.pension_health_cents
        agent_fee += pay.agent_fee_cents
        warnings.extend(n for n in pay.warnings if n not in warnings)
    for item in items:
        earnings.append(
            PayLine(
                item.owed_on,
                item.kind,
                "0.00",
                "",
                f"{Decimal(item.cents) / 100:.2f}",
                item.rule,
                "",
            )
        )
        gross += item.cents
    is_minor = any(c.is_minor for c in cards) or any(i.is_minor for i in items)
    try:
        taxes = payroll_taxes(
            gross,
            ytd_gross_cents,
            pay_date=pay_date,
            periods=periods_per_year(*period),
            w4=payee.w4,
            de4=payee.de4,
            is_minor=is_minor,
        )
    except LookupError as exc:
        raise Invalid([Problem("payDate", f"no tax tables: {exc}")]) from None
    warnings.extend(w for w in taxes.warnings if w not in warnings)
    if not payee.name:
        warnings.append("no payee profile: §226(a)(7) name and tax id are missing from the stub")
    return Stub(
        id=stub_id,
        talent_id=payee.talent_id,
        payee_name=payee.name,
        tax_id_last4=payee.tax_id_last4,
        employer=employer,
        period_start=period[0].isoformat(),
        period_end=period[1].isoformat(),
        pay_date=pay_date.isoformat(),
        engagement_ids=tuple(dict.fromkeys([*by_engagement, *(i.engagement_id for i in items)])),
        timecard_ids=tuple(c.id for c in cards),
        earnings=tuple(earnings),
        hours_worked=f"{hours:.2f}",
        gross_cents=gross,
        deductions=taxes.employee,
        set_asides=taxes.set_asides,
        employer_costs=(*taxes.employer, *_contributions(gross, pension_health, agent_fee)),
        net_cents=gross - taxes.withheld_cents,
        ytd_gross_cents=ytd_gross_cents,
        warnings=tuple(warnings),
        currency=cards[0].rate.currency if cards else items[0].currency,
        pay_item_ids=tuple(i.id for i in items),
    )


def _contributions(gross: int, pension_health: int, agent_fee: int) -> tuple[TaxLine, ...]:
    """What the employer pays on top of gross besides taxes: the agreement's P&H (wage engine,
    SAG-AFTRA Commercials 23.5 %) and the agent fee ("+10", paid to the agency)."""
    lines = []
    if pension_health:
        lines.append(
            TaxLine(
                "pension_health",
                "Union pension & health",
                pension_health,
                gross,
                "the agreement's P&H as the wage engine computes it",
                "https://www.sagaftra.org/",
            )
        )
    if agent_fee:
        lines.append(
            TaxLine(
                "agent_fee",
                "Agent fee (paid to the agency)",
                agent_fee,
                gross,
                "agent commission paid by the employer on top of gross (SAG-AFTRA +10)",
                "https://sagaftra.org/agency-commission-limitations-los-angeles-members",
            )
        )
    return tuple(lines)


@dataclass(kw_only=True)
class PayRun(Aggregate[PayRunEvent]):
    """A production's pay for one period: its stubs, reviewed, approved and issued."""

    production_id: str
    period_start: str
    period_end: str
    pay_date: str
    stubs: tuple[Stub, ...]
    status: PayRunStatus = PayRunStatus.DRAFT
    warnings: tuple[str, ...] = ()
    created_by: str = ""
    approved_by: str = ""
    issued_by: str = ""
    issued_at: str = ""
    payments: tuple[Payment, ...] = ()

    @property
    def gross_cents(self) -> int:
        return sum(s.gross_cents for s in self.stubs)

    @property
    def employer_cost_cents(self) -> int:
        """Employer taxes, the agreement's P&H and agent fees: paid on top of gross."""
        return sum(line.cents for s in self.stubs for line in s.employer_costs)

    @property
    def currency(self) -> str:
        return self.stubs[0].currency if self.stubs else "USD"

    @property
    def timecard_ids(self) -> tuple[str, ...]:
        return tuple(t for s in self.stubs for t in s.timecard_ids)

    @property
    def pay_item_ids(self) -> tuple[str, ...]:
        return tuple(i for s in self.stubs for i in s.pay_item_ids)

    @classmethod
    def create(
        cls,
        pay_run_id: str,
        org_id: str,
        production_id: str,
        *,
        period: tuple[date, date],
        pay_date: date,
        stubs: Sequence[Stub],
        by: str,
    ) -> PayRun:
        """A draft run; Invalid on `productionId` when no approved timecard is in the period.
        Lateness against LC §204 / §201.5 is flagged on the run, not refused."""
        if not stubs:
            raise Invalid([Problem("productionId", "no approved, unpaid timecards in the period")])
        due, rule = payday_due(*period)
        warnings = (
            (f"late: paid {pay_date.isoformat()}, due by {due.isoformat()} ({rule})",)
            if pay_date > due
            else ()
        )
        run = cls(
            id=pay_run_id,
            org_id=org_id,
            production_id=production_id,
            period_start=period[0].isoformat(),
            period_end=period[1].isoformat(),
            pay_date=pay_date.isoformat(),
            stubs=tuple(stubs),
            warnings=warnings,
            created_by=by,
        )
        run.record(PayRunCreated(run.id, org_id, production_id))
        return run

    def approve(self, by: str) -> None:
        if self.status is not PayRunStatus.DRAFT:
            raise Invalid(
                [
                    Problem(
                        "payRunId",
                        f"only a draft run can be approved (it is {self.status})",
                        "CONFLICT",
                    )
                ]
            )
        self.status = PayRunStatus.APPROVED
        self.approved_by = by
        self.record(PayRunApproved(self.id, self.org_id))

    def issue(self, by: str, at: datetime, payments: Sequence[Payment] = ()) -> None:
        """Approved -> issued at `at` (a time with its zone; Invalid on `payRunId` otherwise)."""
        if at.tzinfo is None:
            raise ValueError("an issue time carries its time zone")
        if self.status is not PayRunStatus.APPROVED:
            raise Invalid(
                [
                    Problem(
                        "payRunId",
                        f"only an approved run can be issued (it is {self.status})",
                        "CONFLICT",
                    )
                ]
            )
        self.status = PayRunStatus.ISSUED
        self.issued_by = by
        self.issued_at = at.isoformat()
        self.payments = tuple(payments)
        self.record(
            PayRunIssued(
                pay_run_id=self.id,
                org_id=self.org_id,
                stub_ids=tuple(s.id for s in self.stubs),
                production_id=self.production_id,
                period_start=self.period_start,
                period_end=self.period_end,
                pay_date=self.pay_date,
                gross_cents=self.gross_cents,
                employer_cost_cents=self.employer_cost_cents,
                currency=self.currency,
                issued_at=self.issued_at,
            )
        )
        for payment in self.payments:
            self.record(
                PaymentIssued(
                    payment, self.id, self.org_id, self.production_id, self.pay_date, self.issued_at
                )
            )

    def settle(self) -> tuple[str, ...]:
        """The bank settled the run's direct deposits and the checks cleared: every payment
        still ISSUED becomes SETTLED (returned ones stay returned). CONFLICT on `payRunId` for
        a run not issued. Returns the ids that changed."""
        if self.status is not PayRunStatus.ISSUED:
            raise Invalid([Problem("payRunId", "only an issued run settles", "CONFLICT")])
        changed = tuple(p.id for p in self.payments if p.status is PaymentStatus.ISSUED)
        self.payments = tuple(
            replace(p, status=PaymentStatus.SETTLED) if p.id in changed else p
            for p in self.payments
        )
        if changed:
            self.record(PaymentsChanged(self.id, self.org_id, changed))
        return changed

    def return_payment(self, payment_id: str, code: str) -> Payment:
        """The receiving bank returned a direct deposit with a NACHA reason code: the payment
        is RETURNED with it (the net is still owed; accounting pays it by check or a corrected
        account). Invalid naming `paymentId` or `returnCode`."""
        found = next((p for p in self.payments if p.id == payment_id), None)
        problems = []
        if found is None:
            problems.append(Problem("paymentId", "no such payment in this run", "NOT_FOUND"))
        elif found.sealed_bank is None:
            problems.append(Problem("paymentId", "only a direct deposit is returned by a bank"))
        elif found.status is PaymentStatus.RETURNED:
            problems.append(Problem("paymentId", "already returned", "CONFLICT"))
        if not is_return_code(code):
            problems.append(Problem("returnCode", "a NACHA return code such as R01"))
        if problems or found is None:
            raise Invalid(problems)
        returned = replace(found, status=PaymentStatus.RETURNED, return_code=code)
        self.payments = tuple(returned if p.id == payment_id else p for p in self.payments)
        self.record(PaymentsChanged(self.id, self.org_id, (payment_id,)))
        self.record(PaymentReturned(returned, self.id, self.org_id, self.production_id))
        return returned
