"""Events casting consumes: productions created by scheduling."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from slate.events import Envelope
from slate_proto.slate.events.v1 import casting_pb2, scheduling_pb2

from casting.usecases import Casting

PRODUCTION_TOPIC = "slate.scheduling.production.v1"


def production_handler(casting: Casting):  # type: ignore[no-untyped-def]
    """Remember each production scheduling announces (state carried by the event)."""

    async def handle(envelope: Envelope) -> None:
        if envelope.type != "slate.scheduling.production.created.v1":
            return
        event = envelope.decode(scheduling_pb2.ProductionCreated)
        await casting.on_production_created(
            event.org_id,
            event.production_id,
            {
                "title": event.title,
                "client": event.client,
                "kind": event.kind,
                "timezone": event.timezone,
                "stage": event.stage,
            },
        )

    return handle


BOOKING_EVENT_KINDS: dict[str, tuple[str, Any]] = {
    "slate.casting.booking.held.v1": ("HELD", casting_pb2.BookingHeld),
    "slate.casting.booking.confirmed.v1": ("CONFIRMED", casting_pb2.BookingConfirmed),
    "slate.casting.booking.released.v1": ("RELEASED", casting_pb2.BookingReleased),
}


def live_bookings(
    listen: Callable[[], AsyncIterator[Envelope]],
) -> Callable[[], AsyncIterator[tuple[str, dict[str, Any]]]]:
    """Booking events as they arrive on Kafka, decoded to (kind, booking fields)."""

    async def stream() -> AsyncIterator[tuple[str, dict[str, Any]]]:
        async for envelope in listen():
            known = BOOKING_EVENT_KINDS.get(envelope.type)
            if known is None:
                continue
            kind, message_type = known
            b = envelope.decode(message_type).booking
            yield (
                kind,
                {
                    "_id": b.booking_id,
                    "org_id": b.org_id,
                    "production_id": b.production_id,
                    "role_id": b.role_id,
                    "talent_id": b.talent_id,
                    "status": b.status,
                    "work_dates": list(b.work_dates),
                    "is_minor": b.is_minor,
                },
            )

    return stream
