"""One-off earnings that are not a day's work: today, a released booking's cancellation fee.

A performer's cancellation fee under the role's terms is wages (it replaces the pay of the
cancelled days): it is paid through payroll with the usual withholdings and employer taxes, as
an earnings line on the production's next pay run, not as a vendor payable. It is owed from the
day the booking is released and waits, approved, until a run whose period ends on or after that
day gathers it; issuing that run marks it paid (nothing paid is edited in place).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from slate_domain import Aggregate, Invalid, Problem

CANCELLATION_FEE = "cancellation_fee"
CANCELLATION_RULE = "the role's terms: owed when a confirmed booking is released (casting)"


class PayItemStatus(StrEnum):
    APPROVED = "APPROVED"
    PAID = "PAID"


@dataclass(frozen=True)
class PayItemPaid:
    pay_item_id: str
    org_id: str
    pay_run_id: str


@dataclass(kw_only=True)
class PayItem(Aggregate[PayItemPaid]):
    engagement_id: str
    booking_id: str
    production_id: str
    talent_id: str
    kind: str
    cents: int
    currency: str
    owed_on: str  # ISO date: the earliest period end that pays it
    rule: str
    is_minor: bool = False
    status: PayItemStatus = PayItemStatus.APPROVED
    pay_run_id: str = ""

    @classmethod
    def cancellation_fee(
        cls,
        item_id: str,
        *,
        org_id: str,
        engagement_id: str,
        booking_id: str,
        production_id: str,
        talent_id: str,
        amount: Decimal,
        currency: str,
        owed_on: str,
        is_minor: bool,
    ) -> PayItem:
        """The fee a release owes (Invalid on `cancellationFee` for a negative or fractional-cent
        amount; a zero fee is no item, the caller does not create one)."""
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise Invalid([Problem("cancellationFee", "must be a positive amount in cents")])
        return cls(
            id=item_id,
            org_id=org_id,
            engagement_id=engagement_id,
            booking_id=booking_id,
            production_id=production_id,
            talent_id=talent_id,
            kind=CANCELLATION_FEE,
            cents=int(amount * 100),
            currency=currency or "USD",
            owed_on=owed_on,
            rule=CANCELLATION_RULE,
            is_minor=is_minor,
        )

    def mark_paid(self, pay_run_id: str) -> None:
        if self.status is not PayItemStatus.APPROVED:
            raise Invalid([Problem("payRunId", f"{self.id} is already paid", "CONFLICT")])
        self.status = PayItemStatus.PAID
        self.pay_run_id = pay_run_id
        self.record(PayItemPaid(self.id, self.org_id, pay_run_id))
