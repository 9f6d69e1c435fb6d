"""Payroll's events: what it publishes (domain event -> outbox entry) and what it consumes
(casting's confirmed and released bookings -> one use case each)."""

from __future__ import annotations

from typing import assert_never

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_RELEASED,
    ENGAGEMENT_CREATED,
    Dispatch,
    dispatch,
)
from slate.events.snapshots import on_booking
from slate_proto.slate.events.v1 import payroll_pb2

from payroll.domain.engagements import EngagementCancelled, EngagementCreated, EngagementEvent
from payroll.domain.payruns import PayRunEvent
from payroll.domain.timecards import TimecardEvent
from payroll.usecases import Payroll


def to_outbox(event: EngagementEvent | TimecardEvent | PayRunEvent) -> OutboxEvent | None:
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
        case EngagementCancelled():
            return None  # no engagement.cancelled type is published (yet)
        case _ if isinstance(event, TimecardEvent | PayRunEvent):
            return None  # timecards and runs stay inside payroll (no event type for them yet)
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
