"""Events payroll consumes: confirmed and released bookings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slate.events import Envelope
from slate_proto.slate.events.v1 import casting_pb2

from payroll.usecases import Payroll

BOOKING_TOPIC = "slate.casting.booking.v1"


def snapshot(b: casting_pb2.BookingSnapshot) -> dict[str, object]:
    return {
        "booking_id": b.booking_id,
        "org_id": b.org_id,
        "production_id": b.production_id,
        "talent_id": b.talent_id,
        "role_name": b.role_name,
        "union": b.union,
        "is_minor": b.is_minor,
        "rate": {
            "amount": b.rate.money.amount,
            "currency": b.rate.money.currency,
            "unit": b.rate.unit,
        },
        "work_dates": list(b.work_dates),
    }


def booking_handler(payroll: Payroll) -> Callable[[Envelope], Awaitable[None]]:
    async def handle(envelope: Envelope) -> None:
        if envelope.type == "slate.casting.booking.confirmed.v1":
            event = envelope.decode(casting_pb2.BookingConfirmed)
            await payroll.on_booking_confirmed(snapshot(event.booking))
        elif envelope.type == "slate.casting.booking.released.v1":
            released = envelope.decode(casting_pb2.BookingReleased)
            await payroll.on_booking_released(snapshot(released.booking))

    return handle
