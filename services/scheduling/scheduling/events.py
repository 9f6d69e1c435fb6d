"""Events scheduling consumes: casting's bookings, to know who is busy when."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slate.events import Envelope
from slate_proto.slate.events.v1 import casting_pb2

from scheduling.usecases import Scheduling

BOOKING_TOPIC = "slate.casting.booking.v1"
_TYPES: dict[
    str, type[casting_pb2.BookingHeld | casting_pb2.BookingConfirmed | casting_pb2.BookingReleased]
] = {
    "slate.casting.booking.held.v1": casting_pb2.BookingHeld,
    "slate.casting.booking.confirmed.v1": casting_pb2.BookingConfirmed,
    "slate.casting.booking.released.v1": casting_pb2.BookingReleased,
}


def booking_handler(scheduling: Scheduling) -> Callable[[Envelope], Awaitable[None]]:
    async def handle(envelope: Envelope) -> None:
        message_type = _TYPES.get(envelope.type)
        if message_type is None:
            return
        b = envelope.decode(message_type).booking
        await scheduling.on_booking(
            {
                "booking_id": b.booking_id,
                "org_id": b.org_id,
                "production_id": b.production_id,
                "talent_id": b.talent_id,
                "status": b.status,
                "work_dates": list(b.work_dates),
                "version": b.version,
            }
        )

    return handle
