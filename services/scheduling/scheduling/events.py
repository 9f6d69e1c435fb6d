"""Scheduling's events: the ones it publishes (domain event -> proto) and the ones it reads
(casting's booking snapshots, to know who is busy when)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import assert_never

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_HELD,
    BOOKING_RELEASED,
    BUDGET_LINE_EXCEEDED,
    CALL_SHEET_CONFIRMED,
    CALL_SHEET_PUBLISHED,
    ENGAGEMENT_ESTIMATED,
    PAY_RUN_ISSUED,
    PRODUCTION_CREATED,
    PRODUCTION_STAGE_CHANGED,
    ROLE_CLOSED,
    ROLE_PUBLISHED,
    SHOOT_DAY_CANCELLED,
    SHOOT_DAY_MOVED,
    SHOOT_DAY_SCHEDULED,
    Dispatch,
    dispatch,
)
from slate.events.model import PoisonMessage
from slate.events.snapshots import on_booking
from slate_domain import Rate
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2, payroll_pb2, scheduling_pb2

from scheduling.domain.budget import BudgetLineExceeded
from scheduling.domain.days import (
    CallSheetConfirmed,
    CallSheetPublished,
    DayEvent,
    ShootDay,
    ShootDayCancelled,
    ShootDayMoved,
    ShootDayScheduled,
)
from scheduling.domain.deliverables import DeliverableDelivered
from scheduling.domain.productions import ProductionCreated, ProductionStageChanged
from scheduling.domain.shoot import LocationCreated, RoleInfo, SceneCreated
from scheduling.usecases import Scheduling

DomainEvent = (
    ProductionCreated
    | LocationCreated
    | SceneCreated
    | DayEvent
    | ProductionStageChanged
    | BudgetLineExceeded
    | DeliverableDelivered
)


def _day(d: ShootDay) -> scheduling_pb2.ShootDaySnapshot:
    return scheduling_pb2.ShootDaySnapshot(
        shoot_day_id=d.id,
        org_id=d.org_id,
        production_id=d.production_id,
        date=d.date,
        location_id=d.location_id,
        scene_ids=list(d.scene_ids),
        talent_ids=list(d.talent_ids),
        cancelled=d.cancelled,
        call_sheet_published=d.call_sheet_published,
        version=d.version + 1,
    )


def to_outbox(event: DomainEvent) -> OutboxEvent | None:
    """The outbox entry announcing a domain event, keyed by its aggregate's id (None: the
    event stays inside scheduling)."""
    match event:
        case LocationCreated() | SceneCreated() | DeliverableDelivered():
            return None
        case ProductionStageChanged(production=p, from_stage=before, by=by, at=at):
            return PRODUCTION_STAGE_CHANGED.outbox(
                p.id,
                scheduling_pb2.ProductionStageChanged(
                    production_id=p.id,
                    org_id=p.org_id,
                    from_stage=before.value,
                    to_stage=p.stage.value,
                    by=by,
                    changed_at=at,
                ),
            )
        case BudgetLineExceeded(production_id=pid, org_id=org, line=line, currency=cur):
            return BUDGET_LINE_EXCEEDED.outbox(
                pid,
                scheduling_pb2.BudgetLineExceeded(
                    production_id=pid,
                    org_id=org,
                    category=line.category.value,
                    budgeted=money_pb2.Money(amount=str(line.budgeted), currency=cur),
                    committed=money_pb2.Money(amount=str(line.committed), currency=cur),
                    actual=money_pb2.Money(amount=str(line.actual), currency=cur),
                ),
            )
        case ShootDayScheduled(day=d):
            return SHOOT_DAY_SCHEDULED.outbox(d.id, scheduling_pb2.ShootDayScheduled(day=_day(d)))
        case ShootDayMoved(day=d, from_date=before):
            return SHOOT_DAY_MOVED.outbox(
                d.id, scheduling_pb2.ShootDayMoved(day=_day(d), from_date=before)
            )
        case ShootDayCancelled(day=d):
            return SHOOT_DAY_CANCELLED.outbox(d.id, scheduling_pb2.ShootDayCancelled(day=_day(d)))
        case CallSheetPublished(day=d, by=by):
            return CALL_SHEET_PUBLISHED.outbox(
                d.id,
                scheduling_pb2.CallSheetPublished(
                    day=_day(d), call_sheet_id=d.call_sheet_id, by=by
                ),
            )
        case CallSheetConfirmed(day=d, talent_id=talent):
            return CALL_SHEET_CONFIRMED.outbox(
                d.id,
                scheduling_pb2.CallSheetConfirmed(
                    day=_day(d), call_sheet_id=d.call_sheet_id, talent_id=talent
                ),
            )
        case ProductionCreated(production=p):
            return PRODUCTION_CREATED.outbox(
                p.id,
                scheduling_pb2.ProductionCreated(
                    production_id=p.id,
                    org_id=p.org_id,
                    title=p.title,
                    client=p.client,
                    kind=p.kind.value,
                    timezone=p.timezone,
                    stage=p.stage.value,
                ),
            )
        case _:
            assert_never(event)


def role_info(r: casting_pb2.RoleSnapshot) -> RoleInfo:
    """A role snapshot as scheduling keeps it (a bad rate can never be applied: poison)."""
    try:
        amount = Decimal(r.rate.money.amount or "0")
    except InvalidOperation:
        raise PoisonMessage(f"role {r.role_id}: bad rate {r.rate.money.amount!r}") from None
    return RoleInfo(
        role_id=r.role_id,
        org_id=r.org_id,
        production_id=r.production_id,
        name=r.name,
        rate=Rate(
            amount=amount, currency=r.rate.money.currency or "USD", unit=r.rate.unit or "DAY"
        ),
        status=r.status,
    )


def _amount(what: str, money: money_pb2.Money) -> Decimal:
    """A decimal amount from payroll (one that cannot be read can never be applied: poison)."""
    try:
        amount = Decimal(money.amount or "0")
    except InvalidOperation:
        raise PoisonMessage(f"{what}: bad amount {money.amount!r}") from None
    if not amount.is_finite():
        raise PoisonMessage(f"{what}: bad amount {money.amount!r}")
    return amount


def handlers(scheduling: Scheduling) -> Dispatch:
    """What scheduling does with each event it consumes: every booking change keeps the
    talent calendar in step; roles announced keep the production's roles (and rates);
    payroll's engagement estimates and issued pay runs are the budget's committed and actual
    cost."""
    booking_changed = on_booking(scheduling.on_booking)

    async def engagement_estimated(message: payroll_pb2.EngagementEstimated) -> None:
        await scheduling.on_engagement_estimated(
            org_id=message.org_id,
            production_id=message.production_id,
            engagement_id=message.engagement_id,
            category=message.category or "TALENT",
            amount=_amount(f"engagement {message.engagement_id}", message.estimated_cost),
            version=int(message.version),
        )

    async def pay_run_issued(message: payroll_pb2.PayRunIssued) -> None:
        await scheduling.on_pay_run_issued(
            org_id=message.org_id,
            production_id=message.production_id,
            pay_run_id=message.pay_run_id,
            amount=_amount(f"pay run {message.pay_run_id}", message.total_cost),
        )

    async def role_changed(message: casting_pb2.RolePublished | casting_pb2.RoleClosed) -> None:
        await scheduling.on_role(role_info(message.role), int(message.role.version))

    return dispatch(
        {
            BOOKING_HELD: booking_changed,
            BOOKING_CONFIRMED: booking_changed,
            BOOKING_RELEASED: booking_changed,
            ROLE_PUBLISHED: role_changed,
            ROLE_CLOSED: role_changed,
            ENGAGEMENT_ESTIMATED: engagement_estimated,
            PAY_RUN_ISSUED: pay_run_issued,
        }
    )
