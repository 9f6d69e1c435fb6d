"""Scheduling's events: the ones it publishes (domain event -> proto) and the ones it reads
(casting's booking snapshots, to know who is busy when)."""

from __future__ import annotations

from typing import assert_never

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_HELD,
    BOOKING_RELEASED,
    PRODUCTION_CREATED,
    Dispatch,
    dispatch,
)
from slate.events.snapshots import on_booking
from slate_proto.slate.events.v1 import scheduling_pb2

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


def handlers(scheduling: Scheduling) -> Dispatch:
    """What scheduling does with each event it consumes: every booking change keeps the
    talent calendar in step."""
    booking_changed = on_booking(scheduling.on_booking)
    return dispatch(
        {
            BOOKING_HELD: booking_changed,
            BOOKING_CONFIRMED: booking_changed,
            BOOKING_RELEASED: booking_changed,
        }
    )
