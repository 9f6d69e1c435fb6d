"""Scheduling's events: the ones it publishes (domain event -> proto) and the ones it reads
(casting's booking snapshots, to know who is busy when)."""

from __future__ import annotations

from typing import TypeAlias, assert_never

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_HELD,
    BOOKING_RELEASED,
    PRODUCTION_CREATED,
    Dispatch,
    dispatch,
)
from slate.events.snapshots import BookingSnapshot
from slate_proto.slate.events.v1 import casting_pb2, scheduling_pb2

from scheduling.domain.productions import DomainEvent, ProductionCreated
from scheduling.usecases import Scheduling


def to_outbox(event: DomainEvent) -> OutboxEvent:
    """The outbox entry announcing a domain event, keyed by its aggregate's id."""
    match event:
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


BookingChanged: TypeAlias = (
    casting_pb2.BookingHeld | casting_pb2.BookingConfirmed | casting_pb2.BookingReleased
)


def handlers(scheduling: Scheduling) -> Dispatch:
    """What scheduling does with each event it consumes."""

    async def booking_changed(message: BookingChanged) -> None:
        await scheduling.on_booking(BookingSnapshot.from_proto(message.booking))

    return dispatch(
        {
            BOOKING_HELD: booking_changed,
            BOOKING_CONFIRMED: booking_changed,
            BOOKING_RELEASED: booking_changed,
        }
    )
