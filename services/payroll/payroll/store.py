"""Payroll's collections: engagement documents <-> `Engagement` aggregates, indexes, reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from slate.events import OutboxEvent
from slate.ids import derived_id
from slate.mongo import IndexSpec
from slate.repository import Aggregates, Database
from slate_domain import Rate

from payroll.domain.engagements import Engagement, EngagementEvent, EngagementStatus
from payroll.domain.payees import (
    AccountType,
    Address,
    PayeeProfile,
    PayeeSaved,
    PaymentMethod,
    TaxIdType,
)
from payroll.domain.payitems import PayItem, PayItemPaid, PayItemStatus
from payroll.domain.payouts import Payment, PaymentStatus
from payroll.domain.payruns import Employer, PayRun, PayRunEvent, PayRunStatus, Stub
from payroll.domain.taxes import DE4, W4, FilingStatus, TaxLine
from payroll.domain.timecards import MealBreak, PayLine, Timecard, TimecardEvent, TimecardStatus

# Maps a domain event to the outbox entry that publishes it (None: not published).
Outbox = Callable[
    [EngagementEvent | TimecardEvent | PayRunEvent | PayeeSaved | PayItemPaid], OutboxEvent | None
]

ENGAGEMENTS = "engagements"
TIMECARDS = "timecards"
PAY_RUNS = "pay_runs"
# Issued stubs, one document each, across organisations: what a talent's `myPay` reads and the
# year-to-date wages the next run's wage bases start from.
PAY_STUBS = "pay_stubs"
# One per paying organisation and talent; tax id and bank account sealed (slate.crypto).
PAYEES = "payee_profiles"
# One-off earnings (cancellation fees), waiting for the production's next pay run.
PAY_ITEMS = "pay_items"


def _pay_item_doc(i: PayItem) -> dict[str, Any]:
    return {
        "_id": i.id,
        "org_id": i.org_id,
        "engagement_id": i.engagement_id,
        "booking_id": i.booking_id,
        "production_id": i.production_id,
        "talent_id": i.talent_id,
        "kind": i.kind,
        "cents": i.cents,
        "currency": i.currency,
        "owed_on": i.owed_on,
        "rule": i.rule,
        "is_minor": i.is_minor,
        "status": i.status.value,
        "pay_run_id": i.pay_run_id,
    }


def _pay_item(doc: Mapping[str, Any]) -> PayItem:
    return PayItem(
        id=doc["_id"],
        org_id=doc["org_id"],
        engagement_id=doc["engagement_id"],
        booking_id=doc["booking_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        kind=doc["kind"],
        cents=int(doc["cents"]),
        currency=doc["currency"],
        owed_on=doc["owed_on"],
        rule=doc["rule"],
        is_minor=bool(doc["is_minor"]),
        status=PayItemStatus(doc["status"]),
        pay_run_id=doc["pay_run_id"],
        version=int(doc["version"]),
    )


def payee_profile_id(org_id: str, talent_id: str) -> str:
    """A payee's profile id in an organisation: derived, so a second profile finds it taken."""
    return derived_id("pye", f"{org_id}/{talent_id}")


def _payee_doc(p: PayeeProfile) -> dict[str, Any]:
    return {
        "_id": p.id,
        "org_id": p.org_id,
        "talent_id": p.talent_id,
        "legal_name": p.legal_name,
        "address": asdict(p.address),
        "tax_id_type": p.tax_id_type.value,
        "tax_id_last4": p.tax_id_last4,
        "sealed_tax_id": dict(p.sealed_tax_id),
        "w4": {**asdict(p.w4), "filing_status": p.w4.filing_status.value},
        "de4": {**asdict(p.de4), "filing_status": p.de4.filing_status.value},
        "payment_method": p.payment_method.value,
        "account_type": p.account_type.value if p.account_type else None,
        "routing_last4": p.routing_last4,
        "account_last4": p.account_last4,
        "sealed_bank": dict(p.sealed_bank) if p.sealed_bank is not None else None,
        "updated_by": p.updated_by,
    }


def _payee(doc: Mapping[str, Any]) -> PayeeProfile:
    w4, de4 = doc["w4"], doc["de4"]
    return PayeeProfile(
        id=doc["_id"],
        org_id=doc["org_id"],
        talent_id=doc["talent_id"],
        legal_name=doc["legal_name"],
        address=Address(**doc["address"]),
        tax_id_type=TaxIdType(doc["tax_id_type"]),
        tax_id_last4=doc["tax_id_last4"],
        sealed_tax_id=doc["sealed_tax_id"],
        w4=W4(**{**w4, "filing_status": FilingStatus(w4["filing_status"])}),
        de4=DE4(**{**de4, "filing_status": FilingStatus(de4["filing_status"])}),
        payment_method=PaymentMethod(doc["payment_method"]),
        account_type=AccountType(doc["account_type"]) if doc["account_type"] else None,
        routing_last4=doc["routing_last4"],
        account_last4=doc["account_last4"],
        sealed_bank=doc["sealed_bank"],
        updated_by=doc["updated_by"],
        version=int(doc["version"]),
    )


def _stub_doc(stub: Stub) -> dict[str, Any]:
    return asdict(stub)


def _stub(doc: Mapping[str, Any]) -> Stub:
    def taxes(key: str) -> tuple[TaxLine, ...]:
        return tuple(TaxLine(**line) for line in doc[key])

    return Stub(
        id=doc["id"],
        talent_id=doc["talent_id"],
        payee_name=doc["payee_name"],
        tax_id_last4=doc["tax_id_last4"],
        employer=Employer(**doc["employer"]),
        period_start=doc["period_start"],
        period_end=doc["period_end"],
        pay_date=doc["pay_date"],
        engagement_ids=tuple(doc["engagement_ids"]),
        timecard_ids=tuple(doc["timecard_ids"]),
        earnings=tuple(PayLine(**line) for line in doc["earnings"]),
        hours_worked=doc["hours_worked"],
        gross_cents=int(doc["gross_cents"]),
        deductions=taxes("deductions"),
        set_asides=taxes("set_asides"),
        employer_costs=taxes("employer_costs"),
        net_cents=int(doc["net_cents"]),
        ytd_gross_cents=int(doc["ytd_gross_cents"]),
        warnings=tuple(doc["warnings"]),
        currency=doc["currency"],
        pay_item_ids=tuple(doc.get("pay_item_ids", ())),
    )


def _pay_run_doc(run: PayRun) -> dict[str, Any]:
    return {
        "_id": run.id,
        "org_id": run.org_id,
        "production_id": run.production_id,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "pay_date": run.pay_date,
        "stubs": [_stub_doc(s) for s in run.stubs],
        "status": run.status.value,
        "warnings": list(run.warnings),
        "created_by": run.created_by,
        "approved_by": run.approved_by,
        "issued_by": run.issued_by,
        "issued_at": run.issued_at,
        "payments": [
            {**asdict(p), "sealed_bank": dict(p.sealed_bank) if p.sealed_bank else None}
            for p in run.payments
        ],
    }


def _pay_run(doc: Mapping[str, Any]) -> PayRun:
    return PayRun(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        period_start=doc["period_start"],
        period_end=doc["period_end"],
        pay_date=doc["pay_date"],
        stubs=tuple(_stub(s) for s in doc["stubs"]),
        status=PayRunStatus(doc["status"]),
        warnings=tuple(doc["warnings"]),
        created_by=doc["created_by"],
        approved_by=doc["approved_by"],
        issued_by=doc["issued_by"],
        issued_at=doc.get("issued_at", ""),
        payments=tuple(
            Payment(**{**p, "status": PaymentStatus(p["status"])}) for p in doc.get("payments", ())
        ),
        version=int(doc["version"]),
    )


def _rate_doc(rate: Rate) -> dict[str, str]:
    return {"amount": str(rate.amount), "currency": rate.currency, "unit": rate.unit}


def _rate(doc: Mapping[str, Any]) -> Rate:
    return Rate(Decimal(doc["amount"] or "0"), doc["currency"], doc["unit"])


def _timecard_doc(t: Timecard) -> dict[str, Any]:
    return {
        "_id": t.id,
        "org_id": t.org_id,
        "engagement_id": t.engagement_id,
        "booking_id": t.booking_id,
        "production_id": t.production_id,
        "talent_id": t.talent_id,
        "date": t.date,
        "call": t.call,
        "wrap": t.wrap,
        "meals": [{"start": m.start, "end": m.end} for m in t.meals],
        "notes": t.notes,
        "rate": _rate_doc(t.rate),
        "agreement": t.agreement,
        "is_minor": t.is_minor,
        "status": t.status.value,
        "submitted_by": t.submitted_by,
        "approved_by": t.approved_by,
        "pay_run_id": t.pay_run_id,
    }


def _timecard(doc: Mapping[str, Any]) -> Timecard:
    return Timecard(
        id=doc["_id"],
        org_id=doc["org_id"],
        engagement_id=doc["engagement_id"],
        booking_id=doc["booking_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        date=doc["date"],
        call=doc["call"],
        wrap=doc["wrap"],
        meals=tuple(MealBreak(m["start"], m["end"]) for m in doc["meals"]),
        notes=doc["notes"],
        rate=_rate(doc["rate"]),
        agreement=doc["agreement"],
        is_minor=bool(doc["is_minor"]),
        status=TimecardStatus(doc["status"]),
        submitted_by=doc["submitted_by"],
        approved_by=doc["approved_by"],
        pay_run_id=doc["pay_run_id"],
        version=int(doc["version"]),
    )


def _to_doc(e: Engagement) -> dict[str, Any]:
    return {
        "_id": e.id,
        "org_id": e.org_id,
        "booking_id": e.booking_id,
        "production_id": e.production_id,
        "talent_id": e.talent_id,
        "role_name": e.role_name,
        "rate": _rate_doc(e.rate),
        "work_dates": list(e.work_dates),
        "agreement": e.agreement,
        "is_minor": e.is_minor,
        "status": e.status.value,
    }


def _from_doc(doc: Mapping[str, Any]) -> Engagement:
    return Engagement(
        id=doc["_id"],
        org_id=doc["org_id"],
        booking_id=doc["booking_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        role_name=doc["role_name"],
        rate=_rate(doc["rate"]),
        work_dates=tuple(doc["work_dates"]),
        agreement=doc["agreement"],
        is_minor=bool(doc["is_minor"]),
        status=EngagementStatus(doc["status"]),
        version=int(doc["version"]),
    )


class PayrollStore:
    """Engagements (one per booking, id derived from the booking's), per organisation."""

    outbox_collections = (ENGAGEMENTS, TIMECARDS, PAY_RUNS)

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._engagements = Aggregates(database.repository(ENGAGEMENTS), outbox, _to_doc, _from_doc)
        self._timecards = Aggregates(
            database.repository(TIMECARDS), outbox, _timecard_doc, _timecard
        )
        self._pay_runs = Aggregates(database.repository(PAY_RUNS), outbox, _pay_run_doc, _pay_run)
        self._stubs = database.repository(PAY_STUBS, org_scoped=False)
        self._payees = Aggregates(database.repository(PAYEES), outbox, _payee_doc, _payee)
        self._items = Aggregates(database.repository(PAY_ITEMS), outbox, _pay_item_doc, _pay_item)

    async def ensure_indexes(self) -> None:
        await self._database.ensure_indexes(
            {
                ENGAGEMENTS: [
                    *self._engagements.repo.indexes(),
                    IndexSpec([("org_id", 1), ("booking_id", 1)]),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ],
                TIMECARDS: [
                    *self._timecards.repo.indexes(),
                    IndexSpec([("org_id", 1), ("engagement_id", 1)]),
                    IndexSpec([("org_id", 1), ("production_id", 1), ("status", 1)]),
                    IndexSpec([("talent_id", 1)]),
                ],
                PAY_RUNS: [
                    *self._pay_runs.repo.indexes(),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                ],
                PAYEES: [
                    *self._payees.repo.indexes(),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                ],
                PAY_ITEMS: [
                    *self._items.repo.indexes(),
                    IndexSpec([("org_id", 1), ("production_id", 1), ("status", 1)]),
                ],
                PAY_STUBS: [
                    *self._stubs.indexes(),
                    IndexSpec([("talent_id", 1), ("pay_date", -1)]),
                    IndexSpec([("org_id", 1), ("talent_id", 1), ("pay_date", 1)]),
                ],
            }
        )

    async def add(self, engagement: Engagement) -> Engagement:
        """Insert a new engagement at version 1 with its events (DuplicateKey if it exists)."""
        return await self._engagements.add(engagement)

    async def save(self, engagement: Engagement) -> Engagement:
        """Write its state and events at the version it was loaded at (ConcurrencyConflict if
        it moved on); the result carries the new version."""
        return await self._engagements.save(engagement)

    async def engagement(self, org_id: str, engagement_id: str) -> Engagement | None:
        return await self._engagements.get(org_id, engagement_id)

    async def engagements_by_booking(
        self, org_id: str, booking_ids: Sequence[str]
    ) -> list[Engagement]:
        return await self._engagements.find_in(org_id, "booking_id", booking_ids)

    # ------------------------------------------------------------------ timecards

    async def add_timecard(self, timecard: Timecard) -> Timecard:
        """Insert a new timecard (DuplicateKey if that engagement's day has one)."""
        return await self._timecards.add(timecard)

    async def save_timecard(self, timecard: Timecard) -> Timecard:
        return await self._timecards.save(timecard)

    async def timecard(self, org_id: str, timecard_id: str) -> Timecard | None:
        return await self._timecards.get(org_id, timecard_id)

    async def timecards_of_engagements(
        self, org_id: str, engagement_ids: Sequence[str]
    ) -> list[Timecard]:
        return await self._timecards.find(
            org_id, {"engagement_id": {"$in": list(engagement_ids)}}, sort=[("date", 1)]
        )

    async def approved_timecards(
        self, org_id: str, production_id: str, period_start: str, period_end: str, *, limit: int
    ) -> list[Timecard]:
        """The production's approved, unpaid timecards dated within the period (inclusive), at
        most `limit` (the caller asks for one more than it accepts, to know it was cut)."""
        return await self._timecards.find(
            org_id,
            {
                "production_id": production_id,
                "status": TimecardStatus.APPROVED.value,
                "date": {"$gte": period_start, "$lte": period_end},
            },
            sort=[("date", 1)],
            limit=limit,
        )

    async def engages(self, org_id: str, talent_id: str) -> bool:
        """True when the organisation has (had) an engagement paying this talent."""
        found = await self._engagements.find(org_id, {"talent_id": talent_id}, limit=1)
        return bool(found)

    # ------------------------------------------------------------------ one-off pay items

    async def add_pay_item(self, item: PayItem) -> PayItem:
        """Insert (DuplicateKey if it exists: one cancellation fee per booking)."""
        return await self._items.add(item)

    async def save_pay_item(self, item: PayItem) -> PayItem:
        return await self._items.save(item)

    async def pay_item(self, org_id: str, item_id: str) -> PayItem | None:
        return await self._items.get(org_id, item_id)

    async def approved_pay_items(
        self, org_id: str, production_id: str, until: str
    ) -> list[PayItem]:
        """The production's unpaid one-off earnings owed on or before `until`."""
        return await self._items.find(
            org_id,
            {
                "production_id": production_id,
                "status": PayItemStatus.APPROVED.value,
                "owed_on": {"$lte": until},
            },
            sort=[("owed_on", 1)],
        )

    # ------------------------------------------------------------------ payee profiles

    async def add_payee(self, profile: PayeeProfile) -> PayeeProfile:
        return await self._payees.add(profile)

    async def save_payee(self, profile: PayeeProfile) -> PayeeProfile:
        return await self._payees.save(profile)

    async def payee(self, org_id: str, talent_id: str) -> PayeeProfile | None:
        return await self._payees.get(org_id, payee_profile_id(org_id, talent_id))

    async def payees(self, org_id: str, talent_ids: Sequence[str]) -> dict[str, PayeeProfile]:
        """The organisation's profiles of these talents, by talent id."""
        found = await self._payees.find_in(org_id, "talent_id", talent_ids)
        return {p.talent_id: p for p in found}

    # ------------------------------------------------------------------ pay runs and stubs

    async def add_pay_run(self, run: PayRun) -> PayRun:
        return await self._pay_runs.add(run)

    async def save_pay_run(self, run: PayRun) -> PayRun:
        return await self._pay_runs.save(run)

    async def pay_run(self, org_id: str, pay_run_id: str) -> PayRun | None:
        return await self._pay_runs.get(org_id, pay_run_id)

    async def pay_runs_holding(self, org_id: str, production_id: str) -> list[PayRun]:
        """The production's runs not yet issued (their timecards are spoken for)."""
        return await self._pay_runs.find(
            org_id,
            {
                "production_id": production_id,
                "status": {"$in": [PayRunStatus.DRAFT.value, PayRunStatus.APPROVED.value]},
            },
        )

    async def record_issued_stubs(self, org_id: str, stubs: Sequence[Stub]) -> None:
        """Keep each issued stub on its own (ids derived: a retried issue writes nothing new)."""
        for stub in stubs:
            if await self._stubs.get("", stub.id) is None:
                await self._stubs.insert({"_id": stub.id, "org_id": org_id, **_stub_doc(stub)})

    async def ytd_gross_cents(
        self, org_id: str, talent_ids: Sequence[str], year: int
    ) -> dict[str, int]:
        """Gross this employer paid each payee in `year` on issued stubs, by talent id."""
        docs = await self._stubs.find(
            "",
            {
                "org_id": org_id,
                "talent_id": {"$in": list(talent_ids)},
                "pay_date": {"$gte": f"{year}-01-01", "$lte": f"{year}-12-31"},
            },
            limit=100_000,
        )
        totals = dict.fromkeys(talent_ids, 0)
        for doc in docs:
            totals[doc["talent_id"]] += int(doc["gross_cents"])
        return totals

    async def stubs_of_talent(self, talent_id: str) -> list[tuple[str, Stub]]:
        """Every issued stub paying this talent, across organisations, newest first."""
        docs = await self._stubs.find(
            "", {"talent_id": talent_id}, sort=[("pay_date", -1)], limit=1000
        )
        return [(doc["org_id"], _stub(doc)) for doc in docs]

    async def stub(self, stub_id: str) -> tuple[str, Stub] | None:
        doc = await self._stubs.get("", stub_id)
        return (doc["org_id"], _stub(doc)) if doc is not None else None
