"""Payroll use cases: engagements opened and cancelled by casting's booking events, and cost
estimates. The only place that loads and saves."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.crypto import FieldCipher
from slate.errors import UserError, ValidationErrors, validation_errors
from slate.errors import field_errors as domain_field_errors
from slate.events.snapshots import BookingSnapshot
from slate.ids import derived_id, new_id
from slate.mongo import DuplicateKey

from payroll.domain.engagements import Engagement, missing
from payroll.domain.estimates import Estimate, estimate_booking
from payroll.domain.models import InvalidRequest
from payroll.domain.payees import (
    AccountType,
    BankAccount,
    PayeeInput,
    PayeeProfile,
    PaymentMethod,
    Sealed,
    check_payee,
)
from payroll.domain.payitems import PayItem
from payroll.domain.payouts import Credit, Originator, Payment, nacha_file
from payroll.domain.payruns import Employer, Payee, PayRun, Stub, build_stub, check_period
from payroll.domain.timecards import MealBreak, PayPreview, Timecard
from payroll.store import PayrollStore, payee_profile_id
from payroll.stubpdf import render_stub

# Who may read engagements and costs: those who create roles and bookings, and accounting.
READERS = ("producer", "accounting", "casting")
# Bounds of one pay run (see create_pay_run): what one run document can hold, and what one
# read of approved timecards returns.
MAX_RUN_PAYEES = 1_000
MAX_RUN_TIMECARDS = 10_000

PERMISSIONS: dict[str, tuple[str, ...]] = {
    "engagement": READERS,  # Query.engagement and Booking.engagement
    "estimatedCost": READERS,
    "EstimateBookingCost": READERS,  # asked by casting (createRole) and scheduling
    "timecards": (*READERS, "talent"),  # Engagement.timecards (talent: their own only)
    # Submitted by the worker (talent) or production; approved by a producer or accounting.
    "submitTimecard": ("producer", "accounting", "casting", "talent"),
    "approveTimecard": ("producer", "accounting"),
    # Pay runs are accounting's; a producer may create and approve, only accounting issues.
    "createPayRun": ("producer", "accounting"),
    "approvePayRun": ("producer", "accounting"),
    "issuePayRun": ("accounting",),
    "payRun": ("producer", "accounting"),
    "myPay": ("talent",),
    # A stub's PDF: its payee (talent token) and the paying organisation's accounting only.
    "stubPdf": ("accounting", "talent"),
    # Payee profiles hold a tax id and bank account: the payee themself (talent token) and the
    # paying organisation's accounting only; a producer sees none of it.
    "savePayeeProfile": ("accounting", "talent"),
    "payeeProfile": ("accounting", "talent"),
    "revealPayeeProfile": ("accounting", "talent"),
    # The NACHA file carries every payee's account number in clear: accounting only.
    "achFile": ("accounting",),
    # What the bank reports back on payouts: accounting's.
    "settlePayRun": ("accounting",),
    "recordPaymentReturn": ("accounting",),
}
# The service as a producer (`ce_source`) and as the actor when it reacts to an event.
SERVICE = "slate-payroll"


def timecard_id_for(engagement_id: str, day: str) -> str:
    """One timecard per engagement and day: a second one for the day finds the id taken."""
    return derived_id("tcd", f"{engagement_id}/{day}")


def engagement_id_for(booking_id: str) -> str:
    """A booking's engagement id: derived, so a redelivered confirmation finds it taken."""
    return derived_id("eng", booking_id)


@contextlib.contextmanager
def field_errors() -> Iterator[None]:
    """The domain's broken rules (an engagement's, the wage engine's) as the caller's field
    errors."""
    try:
        with domain_field_errors():
            yield
    except InvalidRequest as exc:
        raise validation_errors(exc.errors) from None


def payee_of(talent_id: str, profile: PayeeProfile | None) -> Payee:
    """Whom a stub pays: the profile's legal name, last four and W-4/DE 4 elections; without a
    profile, the default elections (single, no adjustments) and a warning on the stub."""
    if profile is None:
        return Payee(talent_id)
    return Payee(
        talent_id,
        name=profile.legal_name,
        tax_id_last4=profile.tax_id_last4,
        w4=profile.w4,
        de4=profile.de4,
    )


def payment_of(stub: Stub, profile: PayeeProfile | None) -> Payment:
    """A stub's payment: direct deposit to the account on the payee's profile when they chose
    it, otherwise a paper check (a payee without a profile is paid by check)."""
    deposit = (
        profile is not None
        and profile.payment_method is PaymentMethod.DIRECT_DEPOSIT
        and profile.sealed_bank is not None
    )
    return Payment(
        id=derived_id("pay", stub.id),
        stub_id=stub.id,
        talent_id=stub.talent_id,
        method=PaymentMethod.DIRECT_DEPOSIT if deposit else PaymentMethod.CHECK,
        net_cents=stub.net_cents,
        currency=stub.currency,
        payee_name=stub.payee_name,
        profile_id=profile.id if deposit and profile else "",
        sealed_bank=profile.sealed_bank if deposit and profile else None,
        account_type=(profile.account_type or "") if deposit and profile else "",
    )


# Until an organisation can record its bank (ODFI) and company id, its NACHA files name a
# placeholder originator; the bank replaces nothing in them, so accounting edits the header.
PLACEHOLDER_ODFI = "011000015"


def originator_of(org_id: str) -> Originator:
    return Originator(
        company_name=org_id,
        company_id="1" + str(int(derived_id("co", org_id).encode().hex(), 16))[-9:],
        odfi_routing=PLACEHOLDER_ODFI,
        odfi_name="ODFI",
    )


def acting_for(org_id: str) -> Principal:
    """Payroll itself, as the author of what it does in `org_id` in reaction to an event."""
    return Principal(sub=SERVICE, org=org_id, roles=frozenset({"service"}))


@dataclass(frozen=True)
class PayeeSecrets:
    """A profile's sealed facts in clear: only ever in a response to the payee or accounting."""

    tax_id: str
    bank: BankAccount | None

    def __repr__(self) -> str:
        return "PayeeSecrets(…)"


class Payroll:
    def __init__(
        self,
        store: PayrollStore,
        audit: AuditLog,
        cipher: FieldCipher,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._audit = audit
        self._cipher = cipher
        self._clock = clock

    # ------------------------------------------------------------------ commands (from events)

    async def on_booking_confirmed(self, booking: BookingSnapshot) -> None:
        """Open the confirmed booking's engagement once: a redelivered confirmation finds the
        engagement's id taken and changes nothing. ValidationErrors if the snapshot lacks ids."""
        with field_errors():
            engagement = Engagement.open(engagement_id_for(booking.booking_id), booking)
        try:
            saved = await self._store.add(engagement)
        except DuplicateKey:
            return
        await self._audit.record(
            acting_for(saved.org_id),
            "openEngagement",
            saved.id,
            {"booking_id": saved.booking_id, "booking_version": booking.version},
        )

    async def on_booking_released(self, booking: BookingSnapshot) -> None:
        """Cancel the released booking's engagement unless work was recorded against it; a
        booking released from hold has none, and a repeated release changes nothing."""
        problems = missing(booking_id=booking.booking_id, org_id=booking.org_id)
        if problems:
            raise validation_errors(problems)
        engagement = await self._store.engagement(
            booking.org_id, engagement_id_for(booking.booking_id)
        )
        if engagement is None:
            return
        fee = booking.cancellation_fee
        if fee is not None and fee.amount > 0:
            await self._owe_cancellation_fee(engagement, booking, fee.amount, fee.currency)
        recorded = await self._store.timecards_of_engagements(booking.org_id, [engagement.id])
        owed = fee.amount if fee is not None and fee.amount > 0 else Decimal("0.00")
        if not engagement.release(work_recorded=bool(recorded), fee=owed):
            return
        saved = await self._store.save(engagement)  # ConcurrencyConflict: the consumer retries
        await self._audit.record(
            acting_for(saved.org_id),
            "cancelEngagement",
            saved.id,
            {"booking_id": saved.booking_id, "booking_version": booking.version},
        )

    async def _owe_cancellation_fee(
        self, engagement: Engagement, booking: BookingSnapshot, amount: Decimal, currency: str
    ) -> None:
        """The fee becomes a pay item once per booking (a redelivered release finds its id
        taken), owed from today in the production's time zone."""
        try:
            zone = ZoneInfo(booking.production_timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        with field_errors():
            item = PayItem.cancellation_fee(
                derived_id("pit", f"{booking.booking_id}/cancellation_fee"),
                org_id=engagement.org_id,
                engagement_id=engagement.id,
                booking_id=engagement.booking_id,
                production_id=engagement.production_id,
                talent_id=engagement.talent_id,
                amount=amount,
                currency=currency,
                owed_on=self._clock().astimezone(zone).date().isoformat(),
                is_minor=engagement.is_minor,
            )
        try:
            saved = await self._store.add_pay_item(item)
        except DuplicateKey:
            return
        await self._audit.record(
            acting_for(saved.org_id),
            "oweCancellationFee",
            saved.id,
            {"booking_id": saved.booking_id, "cents": saved.cents},
        )

    # ------------------------------------------------------------------ timecards

    async def submit_timecard(
        self,
        principal: Principal | None,
        *,
        engagement_id: str,
        day: str,
        call: str,
        wrap: str,
        meals: Sequence[tuple[str, str]] = (),
        notes: str = "",
    ) -> Timecard:
        """Record and submit one engagement's day; ValidationErrors naming the field for an
        unknown or cancelled engagement, a date outside its work dates, a day that already has
        a timecard, or times the wage engine refuses. Nothing is written on failure."""
        caller = authz.require(principal, PERMISSIONS["submitTimecard"], "submitTimecard")
        engagement = await self._store.engagement(caller.org, engagement_id)
        if engagement is None or (
            "talent" in caller.roles
            and not caller.has_any("producer", "accounting", "casting")
            and not caller.is_talent(engagement.talent_id)
        ):
            raise ValidationErrors(
                [UserError("no such engagement", field="engagementId", code="NOT_FOUND")]
            )
        with field_errors():
            timecard = Timecard.submit(
                timecard_id_for(engagement.id, day),
                engagement,
                day=day,
                call=call,
                wrap=wrap,
                meals=[MealBreak(start, end) for start, end in meals],
                notes=notes,
                by=caller.sub,
            )
        try:
            saved = await self._store.add_timecard(timecard)
        except DuplicateKey:
            raise ValidationErrors(
                [UserError(f"{day} already has a timecard", field="date", code="CONFLICT")]
            ) from None
        await self._audit.record(
            caller, "submitTimecard", saved.id, {"engagement_id": engagement.id, "date": day}
        )
        return saved

    async def approve_timecard(self, principal: Principal | None, timecard_id: str) -> Timecard:
        """Submitted -> approved (CONFLICT on `timecardId` from any other state)."""
        caller = authz.require(principal, PERMISSIONS["approveTimecard"], "approveTimecard")
        timecard = await self._store.timecard(caller.org, timecard_id)
        if timecard is None:
            raise ValidationErrors(
                [UserError("no such timecard", field="timecardId", code="NOT_FOUND")]
            )
        with field_errors():
            timecard.approve(caller.sub)
        saved = await self._store.save_timecard(timecard)
        await self._audit.record(caller, "approveTimecard", saved.id, {"date": saved.date})
        return saved

    async def timecards_by_engagement(
        self, org_id: str, engagement_ids: Sequence[str]
    ) -> dict[str, list[Timecard]]:
        """The timecards of these engagements in the organisation, by engagement, by date."""
        found: dict[str, list[Timecard]] = {e: [] for e in engagement_ids}
        for t in await self._store.timecards_of_engagements(org_id, engagement_ids):
            found[t.engagement_id].append(t)
        return found

    def timecard_preview(self, timecard: Timecard) -> PayPreview:
        """The wage engine's lines and warnings for the timecard's day."""
        with field_errors():
            return timecard.pay_preview()

    # ------------------------------------------------------------------ pay runs

    async def create_pay_run(
        self,
        principal: Principal | None,
        *,
        production_id: str,
        period_start: str,
        period_end: str,
        pay_date: str,
    ) -> PayRun:
        """Gather the production's approved, unpaid timecards of the period (none held by
        another open run) into a draft run: each payee's gross by the wage engine, withholdings,
        employer taxes and contributions. ValidationErrors naming the field otherwise
        (`productionId` when there is nothing to pay)."""
        caller = authz.require(principal, PERMISSIONS["createPayRun"], "createPayRun")
        if not production_id.strip():
            raise ValidationErrors([UserError("is required", field="productionId")])
        with field_errors():
            start, end, paid = check_period(period_start, period_end, pay_date)
        held = {
            t
            for run in await self._store.pay_runs_holding(caller.org, production_id)
            for t in run.timecard_ids
        }
        found = await self._store.approved_timecards(
            caller.org,
            production_id,
            start.isoformat(),
            end.isoformat(),
            limit=len(held) + MAX_RUN_TIMECARDS + 1,
        )
        cards = [c for c in found if c.id not in held]
        if len(found) > len(held) + MAX_RUN_TIMECARDS:
            # Never a run that silently leaves approved work unpaid.
            raise ValidationErrors(
                [
                    UserError(
                        f"more than {MAX_RUN_TIMECARDS:,} approved timecards in the period: "
                        "pay it in shorter periods",
                        field="periodEnd",
                    )
                ]
            )
        held_items = {
            i
            for run in await self._store.pay_runs_holding(caller.org, production_id)
            for i in run.pay_item_ids
        }
        items = [
            i
            for i in await self._store.approved_pay_items(
                caller.org, production_id, end.isoformat()
            )
            if i.id not in held_items
        ]
        by_payee: dict[str, list[Timecard]] = {}
        for card in cards:
            by_payee.setdefault(card.talent_id, []).append(card)
        items_of: dict[str, list[PayItem]] = {}
        for item in items:
            items_of.setdefault(item.talent_id, []).append(item)
            by_payee.setdefault(item.talent_id, [])
        if len(by_payee) > MAX_RUN_PAYEES:
            # A run is one document, its stubs inside it (~12 KB each): past this it would not
            # fit MongoDB's 16 MiB document (bench/RESULTS.md, "Pay run").
            raise ValidationErrors(
                [
                    UserError(
                        f"{len(by_payee):,} payees: a pay run holds at most {MAX_RUN_PAYEES:,} "
                        "today",
                        field="productionId",
                    )
                ]
            )
        ytd = await self._store.ytd_gross_cents(caller.org, list(by_payee), paid.year)
        profiles = await self._store.payees(caller.org, list(by_payee))
        run_id = new_id("prun")
        employer = Employer(name=caller.org, address="")
        with field_errors():
            stubs = [
                build_stub(
                    derived_id("stub", f"{run_id}/{talent_id}"),
                    payee_of(talent_id, profiles.get(talent_id)),
                    employer,
                    payee_cards,
                    ytd_gross_cents=ytd[talent_id],
                    period=(start, end),
                    pay_date=paid,
                    items=items_of.get(talent_id, ()),
                )
                for talent_id, payee_cards in sorted(by_payee.items())
            ]
            run = PayRun.create(
                run_id,
                caller.org,
                production_id,
                period=(start, end),
                pay_date=paid,
                stubs=stubs,
                by=caller.sub,
            )
        saved = await self._store.add_pay_run(run)
        await self._audit.record(
            caller,
            "createPayRun",
            saved.id,
            {"production_id": production_id, "timecards": len(saved.timecard_ids)},
        )
        return saved

    async def _load_run(self, org_id: str, pay_run_id: str) -> PayRun:
        run = await self._store.pay_run(org_id, pay_run_id)
        if run is None:
            raise ValidationErrors(
                [UserError("no such pay run", field="payRunId", code="NOT_FOUND")]
            )
        return run

    async def approve_pay_run(self, principal: Principal | None, pay_run_id: str) -> PayRun:
        """Draft -> approved (CONFLICT on `payRunId` otherwise)."""
        caller = authz.require(principal, PERMISSIONS["approvePayRun"], "approvePayRun")
        run = await self._load_run(caller.org, pay_run_id)
        with field_errors():
            run.approve(caller.sub)
        saved = await self._store.save_pay_run(run)
        await self._audit.record(caller, "approvePayRun", saved.id, {})
        return saved

    async def issue_pay_run(self, principal: Principal | None, pay_run_id: str) -> PayRun:
        """Approved -> issued: its timecards become paid (locked) and its stubs visible to
        their payees (CONFLICT on `payRunId` for a run not approved; nothing written)."""
        caller = authz.require(principal, PERMISSIONS["issuePayRun"], "issuePayRun")
        run = await self._load_run(caller.org, pay_run_id)
        profiles = await self._store.payees(caller.org, [s.talent_id for s in run.stubs])
        payments = [payment_of(stub, profiles.get(stub.talent_id)) for stub in run.stubs]
        with field_errors():
            run.issue(caller.sub, self._clock(), payments)
        saved = await self._store.save_pay_run(run)
        # Not one write: a crash here leaves the run issued with some timecards still approved;
        # the ids are derived and re-marking skips paid ones, so re-running the tail is safe.
        for timecard_id in saved.timecard_ids:
            card = await self._store.timecard(caller.org, timecard_id)
            if card is not None and card.pay_run_id != saved.id:
                with field_errors():
                    card.mark_paid(saved.id)
                await self._store.save_timecard(card)
        for item_id in saved.pay_item_ids:
            item = await self._store.pay_item(caller.org, item_id)
            if item is not None and item.pay_run_id != saved.id:
                with field_errors():
                    item.mark_paid(saved.id)
                await self._store.save_pay_item(item)
        await self._store.record_issued_stubs(saved.org_id, saved.stubs)
        await self._audit.record(caller, "issuePayRun", saved.id, {"stubs": len(saved.stubs)})
        return saved

    async def settle_pay_run(self, principal: Principal | None, pay_run_id: str) -> PayRun:
        """The run's payments settled (all still issued); CONFLICT for a run not issued."""
        caller = authz.require(principal, PERMISSIONS["settlePayRun"], "settlePayRun")
        run = await self._load_run(caller.org, pay_run_id)
        with field_errors():
            changed = run.settle()
        saved = await self._store.save_pay_run(run)
        await self._audit.record(caller, "settlePayRun", saved.id, {"payments": len(changed)})
        return saved

    async def record_payment_return(
        self, principal: Principal | None, pay_run_id: str, payment_id: str, return_code: str
    ) -> PayRun:
        """A direct deposit came back from the bank with a NACHA return code."""
        caller = authz.require(principal, PERMISSIONS["recordPaymentReturn"], "recordPaymentReturn")
        run = await self._load_run(caller.org, pay_run_id)
        with field_errors():
            run.return_payment(payment_id, return_code.strip().upper())
        saved = await self._store.save_pay_run(run)
        await self._audit.record(
            caller,
            "recordPaymentReturn",
            saved.id,
            {"payment_id": payment_id, "return_code": return_code.strip().upper()},
        )
        return saved

    async def pay_run(self, principal: Principal | None, pay_run_id: str) -> PayRun | None:
        """The run with this id in the caller's organisation."""
        caller = authz.require(principal, PERMISSIONS["payRun"], "payRun")
        return await self._store.pay_run(caller.org, pay_run_id)

    async def ach_file(self, principal: Principal | None, run: PayRun) -> str | None:
        """The NACHA file of the run's direct deposits, for the paying organisation's
        accounting only (None for anyone else, for a run not issued or without a direct
        deposit). Account numbers are unsealed in memory for the file only; each download is
        audited."""
        if principal is None or "accounting" not in principal.roles or principal.org != run.org_id:
            return None
        deposits = [p for p in run.payments if p.sealed_bank is not None and p.net_cents > 0]
        if not run.issued_at or not deposits:
            return None
        credits = []
        for payment in deposits:
            assert payment.sealed_bank is not None
            routing, account = self._cipher.decrypt(
                payment.sealed_bank, aad=f"{payment.profile_id}/bank"
            ).split(":")
            credits.append(
                Credit(
                    routing=routing,
                    account=account,
                    savings=payment.account_type == "SAVINGS",
                    cents=payment.net_cents,
                    individual_id=payment.talent_id[-15:],
                    name=payment.payee_name or payment.talent_id,
                )
            )
        document = nacha_file(
            originator_of(run.org_id),
            credits,
            effective=date.fromisoformat(run.pay_date),
            created=datetime.fromisoformat(run.issued_at),
        )
        await self._audit.record(principal, "achFile", run.id, {"entries": len(credits)})
        return document

    def stub_pdf(self, principal: Principal | None, org_id: str, stub: Stub) -> bytes | None:
        """The stub as a PDF for its payee or the paying organisation's accounting; None for
        anyone else (a producer reviewing the run sees the figures, not the document)."""
        if principal is None or not principal.has_any(*PERMISSIONS["stubPdf"]):
            return None
        payee = principal.is_talent(stub.talent_id)
        if not payee and not ("accounting" in principal.roles and principal.org == org_id):
            return None
        return render_stub(stub)

    async def my_pay(self, principal: Principal | None) -> list[tuple[str, Stub]]:
        """The calling talent's issued stubs, from every organisation that paid them, newest
        first; nothing of anyone else's (the talent id comes from the token only)."""
        caller = authz.require(principal, PERMISSIONS["myPay"], "myPay")
        if caller.talent_id is None:
            return []
        return await self._store.stubs_of_talent(caller.talent_id)

    # ------------------------------------------------------------------ payee profiles

    async def _payee_org(
        self, principal: Principal | None, op: str, talent_id: str, org_id: str | None
    ) -> tuple[Principal, str]:
        """Whose profile the caller may touch: accounting, their own organisation's payees;
        a talent, their own profile with an organisation that engages them (default: the
        token's). Anyone else finds no such payee (NOT_FOUND, nothing revealed)."""
        caller = authz.require(principal, PERMISSIONS[op], op)
        if not talent_id.strip():
            raise ValidationErrors([UserError("is required", field="talentId")])
        if "accounting" in caller.roles and org_id in (None, "", caller.org):
            return caller, caller.org
        org = org_id or caller.org
        if caller.is_talent(talent_id) and await self._store.engages(org, talent_id):
            return caller, org
        field = "talentId" if not caller.is_talent(talent_id) else "orgId"
        raise ValidationErrors([UserError("no such payee", field=field, code="NOT_FOUND")])

    def _seal(self, profile_id: str, what: str, value: str) -> Sealed:
        # The aad binds a sealed value to its profile and field: it cannot be moved elsewhere.
        return self._cipher.encrypt(value, aad=f"{profile_id}/{what}")

    async def save_payee_profile(
        self,
        principal: Principal | None,
        talent_id: str,
        given: PayeeInput,
        *,
        org_id: str | None = None,
    ) -> PayeeProfile:
        """Create or replace a payee's profile in the organisation; the tax id and bank account
        are stored only sealed and, left out on a later save, kept. ValidationErrors naming each
        bad field; nothing written on failure. Audited without any of the values."""
        caller, org = await self._payee_org(principal, "savePayeeProfile", talent_id, org_id)
        with field_errors():
            facts = check_payee(given)
        profile_id = payee_profile_id(org, talent_id)
        tax_id = (
            (*facts.tax_id, self._seal(profile_id, "taxId", facts.tax_id[1]))
            if facts.tax_id is not None
            else None
        )
        bank = (
            (
                facts.bank,
                self._seal(
                    profile_id, "bank", f"{facts.bank.routing_number}:{facts.bank.account_number}"
                ),
            )
            if facts.bank is not None
            else None
        )
        existing = await self._store.payee(org, talent_id)
        with field_errors():
            if existing is None:
                profile = PayeeProfile.create(
                    profile_id,
                    org,
                    talent_id,
                    legal_name=facts.legal_name,
                    address=facts.address,
                    w4=facts.w4,
                    de4=facts.de4,
                    payment_method=facts.payment_method,
                    tax_id=tax_id,
                    bank=bank,
                    by=caller.sub,
                )
            else:
                profile = existing
                profile.change(
                    legal_name=facts.legal_name,
                    address=facts.address,
                    w4=facts.w4,
                    de4=facts.de4,
                    payment_method=facts.payment_method,
                    tax_id=tax_id,
                    bank=bank,
                    by=caller.sub,
                )
        try:
            saved = await (
                self._store.add_payee(profile)
                if existing is None
                else self._store.save_payee(profile)
            )
        except DuplicateKey:
            raise ValidationErrors(
                [UserError("saved meanwhile: load and retry", field="talentId", code="CONFLICT")]
            ) from None
        changed = [
            name
            for name, given_value in (("taxId", tax_id), ("bankAccount", bank))
            if given_value is not None
        ]
        await self._audit.record(
            caller, "savePayeeProfile", saved.id, {"talent_id": talent_id, "sealed": changed}
        )
        return saved

    async def payee_profile(
        self, principal: Principal | None, talent_id: str, org_id: str | None = None
    ) -> PayeeProfile | None:
        """The payee's profile (masked fields only) for the payee or the organisation's
        accounting; None when there is none yet."""
        _, org = await self._payee_org(principal, "payeeProfile", talent_id, org_id)
        return await self._store.payee(org, talent_id)

    async def reveal_payee_profile(
        self, principal: Principal | None, profile: PayeeProfile
    ) -> PayeeSecrets:
        """The profile's tax id and bank account in full, for the payee or the paying
        organisation's accounting only; every reveal is audited (who, whose, not the values)."""
        caller, _ = await self._payee_org(
            principal, "revealPayeeProfile", profile.talent_id, profile.org_id
        )
        secrets = PayeeSecrets(
            tax_id=self._cipher.decrypt(profile.sealed_tax_id, aad=f"{profile.id}/taxId"),
            bank=self.bank_account(profile),
        )
        await self._audit.record(
            caller, "revealPayeeProfile", profile.id, {"talent_id": profile.talent_id}
        )
        return secrets

    def bank_account(self, profile: PayeeProfile) -> BankAccount | None:
        """The profile's bank account unsealed (for a NACHA file or the payee's reveal)."""
        if profile.sealed_bank is None or profile.account_type is None:
            return None
        routing, account = self._cipher.decrypt(
            profile.sealed_bank, aad=f"{profile.id}/bank"
        ).split(":")
        return BankAccount(routing, account, AccountType(profile.account_type))

    # ------------------------------------------------------------------ queries

    async def engagement(self, org_id: str, engagement_id: str) -> Engagement | None:
        """The engagement with this id in the caller's organisation."""
        return await self._store.engagement(org_id, engagement_id)

    async def engagements_by_booking(
        self, org_id: str, booking_ids: Sequence[str]
    ) -> dict[str, Engagement]:
        """The engagements of these bookings in the caller's organisation, by booking id."""
        found = await self._store.engagements_by_booking(org_id, booking_ids)
        return {e.booking_id: e for e in found}

    def estimated_cost(self, engagement: Engagement) -> Estimate:
        """What the engagement's booked dates will cost (standard days, California rules)."""
        with field_errors():
            return engagement.estimated_cost()

    def estimate(
        self,
        amount: Decimal,
        unit: str,
        work_dates: Sequence[str],
        *,
        agreement: str = "none",
        work_location: str = "US-CA",
        agent_fee_percent: str = "0",
    ) -> Estimate:
        """What booked terms will cost: gross, the agreement's fringe and the agent fee;
        ValidationErrors naming each field that cannot be priced."""
        if not amount.is_finite():
            raise ValidationErrors([UserError("must be a finite amount", field="rate.amount")])
        with field_errors():
            return estimate_booking(
                amount,
                unit,
                work_dates,
                agreement=agreement,
                work_location=work_location,
                agent_fee_percent=agent_fee_percent,
            )
