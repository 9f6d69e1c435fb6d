"""Payroll's subgraph: `Booking.engagement`, `Query.engagement` and the engagement's cost."""

from __future__ import annotations

import base64

import strawberry
from slate.errors import ValidationErrors
from slate.graphql import (
    ExtendedEntity,
    GraphQLContext,
    Money,
    SubgraphSchema,
    UserError,
    attempt,
    authorize,
    graphql_error,
    org_loader,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from payroll.domain import engagements as domain
from payroll.domain import payees as pe
from payroll.domain import payouts as po
from payroll.domain import payruns as pr
from payroll.domain import timecards as tc
from payroll.domain.estimates import Estimate
from payroll.domain.taxes import TaxLine as DomainTaxLine
from payroll.stubpdf import data_url
from payroll.usecases import PERMISSIONS, Payroll

Ctx = Info[GraphQLContext[Payroll], None]


# The domain's enum is the GraphQL enum (strawberry marks the class; nothing else changes).
strawberry.enum(domain.EngagementStatus, name="EngagementStatus")
strawberry.enum(tc.TimecardStatus, name="TimecardStatus")
strawberry.enum(pr.PayRunStatus, name="PayRunStatus")
strawberry.enum(pe.TaxIdType, name="TaxIdType")
strawberry.enum(pe.PaymentMethod, name="PaymentMethod")
strawberry.enum(pe.AccountType, name="BankAccountType")


def money(cents: int, currency: str) -> Money:
    sign = "-" if cents < 0 else ""
    return Money(amount=f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}", currency=currency)


@strawberry.type
class CostLine:
    kind: str
    amount: Money
    rule: str


@strawberry.type(description="What the booked dates will cost before timecards exist.")
class CostEstimate:
    total: Money
    lines: list[CostLine]
    warnings: list[str]

    @classmethod
    def from_model(cls, estimate: Estimate, currency: str) -> CostEstimate:
        return cls(
            total=Money(amount=str(estimate.total), currency=currency),
            lines=[
                CostLine(kind=kind, amount=Money(amount=str(value), currency=currency), rule=rule)
                for kind, value, rule in estimate.lines
            ],
            warnings=list(estimate.warnings),
        )


@strawberry.type(description="One line of the wage engine's result, with the rule that paid it.")
class PayLine:
    date: str
    kind: str
    hours: str
    rate: str
    amount: Money
    rule: str
    source: str

    @classmethod
    def from_model(cls, line: tc.PayLine, currency: str) -> PayLine:
        return cls(
            date=line.date,
            kind=line.kind,
            hours=line.hours,
            rate=line.rate,
            amount=Money(amount=line.amount, currency=currency),
            rule=line.rule,
            source=line.source,
        )


@strawberry.type
class MealBreak:
    start: str
    end: str


@strawberry.type(description="One engagement's work on one day (local wall-clock HH:MM).")
class Timecard:
    id: strawberry.ID
    engagement_id: strawberry.ID
    date: str
    call: str
    wrap: str
    meals: list[MealBreak]
    notes: str
    status: tc.TimecardStatus
    pay_run_id: strawberry.ID | None
    model: strawberry.Private[tc.Timecard]

    @strawberry.field(description="The wage engine's lines for this day alone, with their rules.")
    def lines(self, info: Ctx) -> list[PayLine]:
        preview = info.context.services.timecard_preview(self.model)
        return [PayLine.from_model(line, self.model.rate.currency) for line in preview.lines]

    @strawberry.field(description="The wage engine's warnings for this day.")
    def warnings(self, info: Ctx) -> list[str]:
        return list(info.context.services.timecard_preview(self.model).warnings)

    @strawberry.field(
        description="Gross for this day alone (weekly overtime shows on the pay run)."
    )
    def gross(self, info: Ctx) -> Money:
        preview = info.context.services.timecard_preview(self.model)
        return Money(amount=preview.gross, currency=self.model.rate.currency)

    @classmethod
    def from_model(cls, t: tc.Timecard) -> Timecard:
        return cls(
            id=strawberry.ID(t.id),
            engagement_id=strawberry.ID(t.engagement_id),
            date=t.date,
            call=t.call,
            wrap=t.wrap,
            meals=[MealBreak(start=m.start, end=m.end) for m in t.meals],
            notes=t.notes,
            status=t.status,
            pay_run_id=strawberry.ID(t.pay_run_id) if t.pay_run_id else None,
            model=t,
        )


def timecards_by_engagement(info: Ctx) -> DataLoader[str, list[tc.Timecard] | None]:
    """The request's loader of timecards by engagement id (one query per batch)."""
    return org_loader(info, PERMISSIONS["timecards"], lambda p: p.timecards_by_engagement)


@strawberry.type(description="The payroll side of a booking: who is paid, at what, under what.")
class Engagement:
    id: strawberry.ID
    status: domain.EngagementStatus
    agreement: str
    rate: Money
    rate_unit: str
    work_dates: list[str]
    model: strawberry.Private[domain.Engagement]

    @strawberry.field(description="Gross, fringe and agent fee for the booked dates (estimate).")
    def estimated_cost(self, info: Ctx) -> CostEstimate | None:
        authorize(info, *PERMISSIONS["estimatedCost"])
        try:
            estimate = info.context.services.estimated_cost(self.model)
        except ValidationErrors as exc:
            raise graphql_error(str(exc), "INVALID") from None
        return CostEstimate.from_model(estimate, self.model.rate.currency)

    @strawberry.field(description="The engagement's timecards, by date.")
    async def timecards(self, info: Ctx) -> list[Timecard]:
        found = await timecards_by_engagement(info).load(str(self.id))
        return [Timecard.from_model(t) for t in found or ()]

    @classmethod
    def from_model(cls, e: domain.Engagement) -> Engagement:
        return cls(
            id=strawberry.ID(e.id),
            status=e.status,
            agreement=e.agreement,
            rate=Money(amount=str(e.rate.amount), currency=e.rate.currency),
            rate_unit=e.rate.unit,
            work_dates=list(e.work_dates),
            model=e,
        )


def engagements_by_booking(info: Ctx) -> DataLoader[str, domain.Engagement | None]:
    """The request's loader of engagements by booking id (one query per batch of bookings)."""
    return org_loader(
        info, PERMISSIONS["engagement"], lambda payroll: payroll.engagements_by_booking
    )


@strawberry.federation.type(keys=["id"])
class Booking(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field(description="The booking's engagement (payroll); null until opened.")
    async def engagement(self, info: Ctx) -> Engagement | None:
        found = await engagements_by_booking(info).load(str(self.id))
        return Engagement.from_model(found) if found is not None else None


@strawberry.type
class Query:
    @strawberry.field
    async def engagement(self, info: Ctx, id: strawberry.ID) -> Engagement | None:
        principal = authorize(info, *PERMISSIONS["engagement"])
        found = await info.context.services.engagement(principal.org, str(id))
        return Engagement.from_model(found) if found is not None else None

    @strawberry.field(description="The calling talent's issued pay stubs (a talent token).")
    async def my_pay(self, info: Ctx) -> MyPay:
        authorize(info, *PERMISSIONS["myPay"])
        found = await info.context.services.my_pay(info.context.principal)
        return MyPay(stubs=[PayStub.from_model(s, org) for org, s in found])

    @strawberry.field(
        description="A payee's profile, masked: for the payee (any organisation that engages "
        "them, default their token's) or the organisation's accounting."
    )
    async def payee_profile(
        self, info: Ctx, talent_id: strawberry.ID, org_id: strawberry.ID | None = None
    ) -> PayeeProfile | None:
        authorize(info, *PERMISSIONS["payeeProfile"])
        try:
            found = await info.context.services.payee_profile(
                info.context.principal, str(talent_id), str(org_id) if org_id else None
            )
        except ValidationErrors:
            return None  # not theirs to see: indistinguishable from no profile
        return PayeeProfile.from_model(found) if found is not None else None

    @strawberry.field(description="A pay run of the caller's organisation.")
    async def pay_run(self, info: Ctx, id: strawberry.ID) -> PayRun | None:
        authorize(info, *PERMISSIONS["payRun"])
        found = await info.context.services.pay_run(info.context.principal, str(id))
        return PayRun.from_model(found) if found is not None else None


@strawberry.type(description="A tax, withholding, set-aside or employer contribution.")
class TaxLine:
    code: str
    label: str
    amount: Money
    basis: Money
    rule: str
    source: str

    @classmethod
    def from_model(cls, line: DomainTaxLine, currency: str) -> TaxLine:
        return cls(
            code=line.code,
            label=line.label,
            amount=money(line.cents, currency),
            basis=money(line.basis_cents, currency),
            rule=line.cite,
            source=line.source,
        )


@strawberry.type(description="The legal entity that employs (Labor Code §226(a)(8)).")
class EmployerEntity:
    name: str
    address: str


@strawberry.type(
    description="A pay stub with the nine items of Labor Code §226(a): gross, hours worked, "
    "deductions, net, the period, the payee's name and last four digits of the tax id, the "
    "employer, and each rate with its hours (earnings)."
)
class PayStub:
    id: strawberry.ID
    talent_id: strawberry.ID
    payee_name: str
    tax_id_last4: str
    employer: EmployerEntity
    period_start: str
    period_end: str
    pay_date: str
    hours_worked: str
    gross: Money
    net: Money
    earnings: list[PayLine]
    deductions: list[TaxLine]
    set_asides: list[TaxLine]
    employer_costs: list[TaxLine]
    year_to_date_gross: Money
    warnings: list[str]
    model: strawberry.Private[pr.Stub]
    org_id: strawberry.Private[str]

    @strawberry.field(
        description="The stub as a PDF (a data: URL), given only to its payee and to the paying "
        "organisation's accounting; null for anyone else."
    )
    def pdf_url(self, info: Ctx) -> str | None:
        document = info.context.services.stub_pdf(info.context.principal, self.org_id, self.model)
        return data_url(document) if document is not None else None

    @classmethod
    def from_model(cls, s: pr.Stub, org_id: str) -> PayStub:
        c = s.currency
        return cls(
            id=strawberry.ID(s.id),
            talent_id=strawberry.ID(s.talent_id),
            payee_name=s.payee_name,
            tax_id_last4=s.tax_id_last4,
            employer=EmployerEntity(name=s.employer.name, address=s.employer.address),
            period_start=s.period_start,
            period_end=s.period_end,
            pay_date=s.pay_date,
            hours_worked=s.hours_worked,
            gross=money(s.gross_cents, c),
            net=money(s.net_cents, c),
            earnings=[PayLine.from_model(line, c) for line in s.earnings],
            deductions=[TaxLine.from_model(t, c) for t in s.deductions],
            set_asides=[TaxLine.from_model(t, c) for t in s.set_asides],
            employer_costs=[TaxLine.from_model(t, c) for t in s.employer_costs],
            year_to_date_gross=money(s.ytd_gross_cents + s.gross_cents, c),
            warnings=list(s.warnings),
            model=s,
            org_id=org_id,
        )


@strawberry.type(description="A production's pay for one period: draft -> approved -> issued.")
class PayRun:
    id: strawberry.ID
    production_id: strawberry.ID
    period_start: str
    period_end: str
    pay_date: str
    status: pr.PayRunStatus
    stubs: list[PayStub]
    warnings: list[str]
    payments: list[Payment]
    model: strawberry.Private[pr.PayRun]

    @strawberry.field(
        description="The NACHA ACH file of the run's direct deposits (a data: URL), for the "
        "organisation's accounting once the run is issued; null otherwise."
    )
    async def ach_file_url(self, info: Ctx) -> str | None:
        document = await info.context.services.ach_file(info.context.principal, self.model)
        if document is None:
            return None
        return "data:text/plain;base64," + base64.b64encode(document.encode("ascii")).decode()

    @classmethod
    def from_model(cls, run: pr.PayRun) -> PayRun:
        return cls(
            id=strawberry.ID(run.id),
            production_id=strawberry.ID(run.production_id),
            period_start=run.period_start,
            period_end=run.period_end,
            pay_date=run.pay_date,
            status=run.status,
            stubs=[PayStub.from_model(s, run.org_id) for s in run.stubs],
            warnings=list(run.warnings),
            payments=[Payment.from_model(p) for p in run.payments],
            model=run,
        )


@strawberry.type(description="One stub's net pay: by direct deposit or check, and its status.")
class Payment:
    id: strawberry.ID
    stub_id: strawberry.ID
    talent_id: strawberry.ID
    method: pe.PaymentMethod
    amount: Money
    status: str
    return_code: str | None

    @classmethod
    def from_model(cls, p: po.Payment) -> Payment:
        return cls(
            id=strawberry.ID(p.id),
            stub_id=strawberry.ID(p.stub_id),
            talent_id=strawberry.ID(p.talent_id),
            method=pe.PaymentMethod(p.method),
            amount=money(p.net_cents, p.currency),
            status=p.status.value,
            return_code=p.return_code or None,
        )


@strawberry.type(description="A postal address.")
class PostalAddress:
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str


@strawberry.type(description="Form W-4 elections (amounts per year, Step 4(c) per period).")
class W4Elections:
    filing_status: str
    multiple_jobs: bool
    dependents: Money
    other_income: Money
    deductions: Money
    extra_withholding: Money


@strawberry.type(description="Form DE 4 elections.")
class DE4Elections:
    filing_status: str
    allowances: int
    estimated_deduction_allowances: int
    extra_withholding: Money


@strawberry.type(description="A bank account, masked to the last four digits.")
class MaskedBankAccount:
    routing_number: str
    account_number: str
    account_type: pe.AccountType


@strawberry.type(description="A payee's tax id and bank account in full (payee and accounting).")
class PayeeSecrets:
    tax_id: str
    routing_number: str | None
    account_number: str | None


def masked_tax_id(kind: pe.TaxIdType, last4: str) -> str:
    return f"••-•••{last4}" if kind is pe.TaxIdType.EIN else f"•••-••-{last4}"


@strawberry.type(
    description="Who an organisation pays and how: legal name, address, tax id and bank "
    "account (masked to the last four), W-4 and DE 4 elections, payment method."
)
class PayeeProfile:
    id: strawberry.ID
    org_id: strawberry.ID
    talent_id: strawberry.ID
    legal_name: str
    address: PostalAddress
    tax_id_type: pe.TaxIdType
    tax_id: str = strawberry.field(description="Masked: only the last four digits show.")
    w4: W4Elections
    de4: DE4Elections
    payment_method: pe.PaymentMethod
    bank_account: MaskedBankAccount | None
    version: int
    model: strawberry.Private[pe.PayeeProfile]

    @strawberry.field(
        description="The tax id and bank account in full: for the payee and the paying "
        "organisation's accounting only (FORBIDDEN otherwise); every read is audited."
    )
    async def revealed(self, info: Ctx) -> PayeeSecrets:
        secrets = await info.context.services.reveal_payee_profile(
            info.context.principal, self.model
        )
        return PayeeSecrets(
            tax_id=secrets.tax_id,
            routing_number=secrets.bank.routing_number if secrets.bank else None,
            account_number=secrets.bank.account_number if secrets.bank else None,
        )

    @classmethod
    def from_model(cls, p: pe.PayeeProfile) -> PayeeProfile:
        a, w4, de4 = p.address, p.w4, p.de4
        return cls(
            id=strawberry.ID(p.id),
            org_id=strawberry.ID(p.org_id),
            talent_id=strawberry.ID(p.talent_id),
            legal_name=p.legal_name,
            address=PostalAddress(
                line1=a.line1,
                line2=a.line2,
                city=a.city,
                state=a.state,
                postal_code=a.postal_code,
            ),
            tax_id_type=p.tax_id_type,
            tax_id=masked_tax_id(p.tax_id_type, p.tax_id_last4),
            w4=W4Elections(
                filing_status=w4.filing_status.value,
                multiple_jobs=w4.multiple_jobs,
                dependents=money(w4.dependents_cents, "USD"),
                other_income=money(w4.other_income_cents, "USD"),
                deductions=money(w4.deductions_cents, "USD"),
                extra_withholding=money(w4.extra_cents, "USD"),
            ),
            de4=DE4Elections(
                filing_status=de4.filing_status.value,
                allowances=de4.allowances,
                estimated_deduction_allowances=de4.estimated_deduction_allowances,
                extra_withholding=money(de4.extra_cents, "USD"),
            ),
            payment_method=p.payment_method,
            bank_account=MaskedBankAccount(
                routing_number=f"•••••{p.routing_last4}",
                account_number=f"••••{p.account_last4}",
                account_type=p.account_type,
            )
            if p.account_type is not None
            else None,
            version=p.version,
            model=p,
        )


@strawberry.input
class AddressInput:
    line1: str
    city: str
    state: str
    postal_code: str
    line2: str = ""


@strawberry.input(description='Form W-4: amounts as decimals ("2000.00").')
class W4Input:
    filing_status: str = "SINGLE"
    multiple_jobs: bool = False
    dependents: str = "0"
    other_income: str = "0"
    deductions: str = "0"
    extra_withholding: str = "0"


@strawberry.input
class DE4Input:
    filing_status: str = "SINGLE"
    allowances: int = 0
    estimated_deduction_allowances: int = 0
    extra_withholding: str = "0"


@strawberry.input
class BankAccountInput:
    routing_number: str
    account_number: str
    account_type: str = "CHECKING"


@strawberry.input(
    description="A payee's profile. Leave taxId or bankAccount out to keep the stored ones."
)
class SavePayeeProfileInput:
    talent_id: strawberry.ID
    legal_name: str
    address: AddressInput
    org_id: strawberry.ID | None = None
    tax_id_type: str = "SSN"
    tax_id: str | None = None
    w4: W4Input | None = None
    de4: DE4Input | None = None
    payment_method: str = "CHECK"
    bank_account: BankAccountInput | None = None

    def to_model(self) -> pe.PayeeInput:
        w4, de4, bank = self.w4 or W4Input(), self.de4 or DE4Input(), self.bank_account
        return pe.PayeeInput(
            legal_name=self.legal_name,
            address=pe.Address(
                line1=self.address.line1,
                line2=self.address.line2,
                city=self.address.city,
                state=self.address.state,
                postal_code=self.address.postal_code,
            ),
            tax_id_type=self.tax_id_type,
            tax_id=self.tax_id,
            w4=pe.W4Input(
                filing_status=w4.filing_status,
                multiple_jobs=w4.multiple_jobs,
                dependents=w4.dependents,
                other_income=w4.other_income,
                deductions=w4.deductions,
                extra_withholding=w4.extra_withholding,
            ),
            de4=pe.DE4Input(
                filing_status=de4.filing_status,
                allowances=de4.allowances,
                estimated_deduction_allowances=de4.estimated_deduction_allowances,
                extra_withholding=de4.extra_withholding,
            ),
            payment_method=self.payment_method,
            routing_number=bank.routing_number if bank else None,
            account_number=bank.account_number if bank else None,
            account_type=bank.account_type if bank else "CHECKING",
        )


@strawberry.type
class PayeeProfilePayload:
    payee_profile: PayeeProfile | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, found: pe.PayeeProfile | None, errors: list[UserError]) -> PayeeProfilePayload:
        return cls(
            payee_profile=PayeeProfile.from_model(found) if found else None, user_errors=errors
        )


@strawberry.type(description="The calling talent's own pay, across every production and employer.")
class MyPay:
    stubs: list[PayStub]


@strawberry.input
class CreatePayRunInput:
    production_id: strawberry.ID
    period_start: str
    period_end: str
    pay_date: str


@strawberry.input
class PayRunInput:
    pay_run_id: strawberry.ID


@strawberry.input
class PaymentReturnInput:
    pay_run_id: strawberry.ID
    payment_id: strawberry.ID
    return_code: str


@strawberry.type
class PayRunPayload:
    pay_run: PayRun | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, found: pr.PayRun | None, errors: list[UserError]) -> PayRunPayload:
        return cls(pay_run=PayRun.from_model(found) if found else None, user_errors=errors)


@strawberry.input
class MealInput:
    start: str
    end: str


@strawberry.input
class SubmitTimecardInput:
    engagement_id: strawberry.ID
    date: str
    call: str
    wrap: str
    meals: list[MealInput] = strawberry.field(default_factory=list)
    notes: str = ""


@strawberry.type
class TimecardPayload:
    timecard: Timecard | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, found: tc.Timecard | None, errors: list[UserError]) -> TimecardPayload:
        return cls(timecard=Timecard.from_model(found) if found else None, user_errors=errors)


@strawberry.input
class ApproveTimecardInput:
    timecard_id: strawberry.ID


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record one engagement's day and submit it for approval.")
    async def submit_timecard(self, info: Ctx, input: SubmitTimecardInput) -> TimecardPayload:
        return TimecardPayload.of(
            *await attempt(
                info.context.services.submit_timecard(
                    authorize(info),
                    engagement_id=str(input.engagement_id),
                    day=input.date,
                    call=input.call,
                    wrap=input.wrap,
                    meals=[(m.start, m.end) for m in input.meals],
                    notes=input.notes,
                )
            )
        )

    @strawberry.mutation(description="Approve a submitted timecard (producer or accounting).")
    async def approve_timecard(self, info: Ctx, input: ApproveTimecardInput) -> TimecardPayload:
        return TimecardPayload.of(
            *await attempt(
                info.context.services.approve_timecard(authorize(info), str(input.timecard_id))
            )
        )

    @strawberry.mutation(description="Gather a production's approved timecards of a period.")
    async def create_pay_run(self, info: Ctx, input: CreatePayRunInput) -> PayRunPayload:
        return PayRunPayload.of(
            *await attempt(
                info.context.services.create_pay_run(
                    authorize(info),
                    production_id=str(input.production_id),
                    period_start=input.period_start,
                    period_end=input.period_end,
                    pay_date=input.pay_date,
                )
            )
        )

    @strawberry.mutation(description="Approve a reviewed (draft) pay run.")
    async def approve_pay_run(self, info: Ctx, input: PayRunInput) -> PayRunPayload:
        return PayRunPayload.of(
            *await attempt(
                info.context.services.approve_pay_run(authorize(info), str(input.pay_run_id))
            )
        )

    @strawberry.mutation(description="Issue an approved pay run: its timecards become paid.")
    async def issue_pay_run(self, info: Ctx, input: PayRunInput) -> PayRunPayload:
        return PayRunPayload.of(
            *await attempt(
                info.context.services.issue_pay_run(authorize(info), str(input.pay_run_id))
            )
        )

    @strawberry.mutation(
        description="Create or replace a payee's profile (the payee or accounting); the tax id "
        "and bank account are stored encrypted and answered masked."
    )
    async def save_payee_profile(
        self, info: Ctx, input: SavePayeeProfileInput
    ) -> PayeeProfilePayload:
        return PayeeProfilePayload.of(
            *await attempt(
                info.context.services.save_payee_profile(
                    authorize(info),
                    str(input.talent_id),
                    input.to_model(),
                    org_id=str(input.org_id) if input.org_id else None,
                )
            )
        )

    @strawberry.mutation(description="The bank settled an issued run's payments (accounting).")
    async def settle_pay_run(self, info: Ctx, input: PayRunInput) -> PayRunPayload:
        return PayRunPayload.of(
            *await attempt(
                info.context.services.settle_pay_run(authorize(info), str(input.pay_run_id))
            )
        )

    @strawberry.mutation(
        description="A direct deposit came back with a NACHA return code (accounting)."
    )
    async def record_payment_return(self, info: Ctx, input: PaymentReturnInput) -> PayRunPayload:
        return PayRunPayload.of(
            *await attempt(
                info.context.services.record_payment_return(
                    authorize(info),
                    str(input.pay_run_id),
                    str(input.payment_id),
                    input.return_code,
                )
            )
        )


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[Booking])
