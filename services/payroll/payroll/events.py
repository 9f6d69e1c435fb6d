"""Payroll's events: what it publishes (domain event -> outbox entry) and what it consumes
(casting's confirmed and released bookings -> one use case each)."""

from __future__ import annotations

from decimal import Decimal
from typing import assert_never

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_RELEASED,
    ENGAGEMENT_CREATED,
    ENGAGEMENT_ESTIMATED,
    PAY_RUN_ISSUED,
    PAYMENT_ISSUED,
    PAYMENT_RETURNED,
    Dispatch,
    dispatch,
)
from slate.events.snapshots import on_booking
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import payroll_pb2

from payroll.domain.engagements import (
    EngagementCancelled,
    EngagementCreated,
    EngagementEstimated,
    EngagementEvent,
)
from payroll.domain.payees import PayeeSaved
from payroll.domain.payitems import PayItemPaid
from payroll.domain.payruns import (
    PaymentIssued,
    PaymentReturned,
    PaymentsChanged,
    PayRunApproved,
    PayRunCreated,
    PayRunEvent,
    PayRunIssued,
)
from payroll.domain.timecards import TimecardEvent
from payroll.usecases import Payroll


def _money(amount: Decimal, currency: str) -> money_pb2.Money:
    return money_pb2.Money(amount=f"{amount.quantize(Decimal('0.01'))}", currency=currency)


def _cents(cents: int, currency: str) -> money_pb2.Money:
    return _money(Decimal(cents).scaleb(-2), currency)


def to_outbox(
    event: EngagementEvent | TimecardEvent | PayRunEvent | PayeeSaved | PayItemPaid,
) -> OutboxEvent | None:
    """The outbox entry publishing a domain event; None for one the catalogue has no type for."""
    match event:
        case EngagementCreated():
            return ENGAGEMENT_CREATED.outbox(
                event.engagement_id,
                payroll_pb2.EngagementCreated(
                    engagement_id=event.engagement_id,
                    org_id=event.org_id,
                    booking_id=event.booking_id,
                    production_id=event.production_id,
                    talent_id=event.talent_id,
                    status=event.status.value,
                ),
            )
        case EngagementEstimated():
            return ENGAGEMENT_ESTIMATED.outbox(
                event.engagement_id,
                payroll_pb2.EngagementEstimated(
                    engagement_id=event.engagement_id,
                    org_id=event.org_id,
                    production_id=event.production_id,
                    booking_id=event.booking_id,
                    estimated_cost=_money(event.cost, event.currency),
                    version=event.version,
                    category=event.category,
                ),
            )
        case PayRunIssued():
            # Totals only: a payee's name, tax id or pay never goes on Kafka.
            return PAY_RUN_ISSUED.outbox(
                event.pay_run_id,
                payroll_pb2.PayRunIssued(
                    pay_run_id=event.pay_run_id,
                    org_id=event.org_id,
                    production_id=event.production_id,
                    period_start=event.period_start,
                    period_end=event.period_end,
                    pay_date=event.pay_date,
                    gross=_cents(event.gross_cents, event.currency),
                    employer_cost=_cents(event.employer_cost_cents, event.currency),
                    total_cost=_cents(
                        event.gross_cents + event.employer_cost_cents, event.currency
                    ),
                    stub_count=len(event.stub_ids),
                    issued_at=event.issued_at,
                ),
            )
        case PayItemPaid():
            return None  # the issued run's totals carry it
        case PayeeSaved():
            return None  # personal data never goes on Kafka
        case PaymentIssued():
            # Ids, amount and method only: the bank account stays sealed in payroll.
            return PAYMENT_ISSUED.outbox(
                event.payment.id,
                payroll_pb2.PaymentIssued(
                    payment_id=event.payment.id,
                    org_id=event.org_id,
                    pay_run_id=event.pay_run_id,
                    production_id=event.production_id,
                    talent_id=event.payment.talent_id,
                    stub_id=event.payment.stub_id,
                    net=_cents(event.payment.net_cents, event.payment.currency),
                    method=event.payment.method,
                    pay_date=event.pay_date,
                    issued_at=event.issued_at,
                ),
            )
        case PaymentReturned():
            return PAYMENT_RETURNED.outbox(
                event.payment.id,
                payroll_pb2.PaymentReturned(
                    payment_id=event.payment.id,
                    org_id=event.org_id,
                    pay_run_id=event.pay_run_id,
                    production_id=event.production_id,
                    talent_id=event.payment.talent_id,
                    net=_cents(event.payment.net_cents, event.payment.currency),
                    return_code=event.payment.return_code,
                ),
            )
        case PaymentsChanged():
            return None  # settlement stays inside payroll; issue and return are published
        case EngagementCancelled() | PayRunCreated() | PayRunApproved():
            return None  # the estimate (zero) and the issue are what other services need
        case _ if isinstance(event, TimecardEvent):
            return None  # timecards stay inside payroll (no event type for them yet)
        case _:
            assert_never(event)


def handlers(service: Payroll) -> Dispatch:
    """Casting's booking events, each to one use case (a booking no use case can ever apply is
    poison: dead-lettered at once, not retried)."""
    return dispatch(
        {
            BOOKING_CONFIRMED: on_booking(service.on_booking_confirmed),
            BOOKING_RELEASED: on_booking(service.on_booking_released),
        }
    )
