"""Typed views of the state other services announce, decoded once for every consumer.

A booking snapshot is casting's public contract (proto `BookingSnapshot`); payroll, legal and
scheduling each read the same facts from it, so they share this decoding instead of three copies,
and `on_booking` turns a use case of a snapshot into the handler of casting's booking events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from slate_domain import Rate
from slate_proto.slate.events.v1 import casting_pb2

from slate.errors import ValidationErrors
from slate.events.model import PoisonMessage

# Casting's booking events: each carries the booking's snapshot as it stands after the change.
BookingMessage: TypeAlias = (
    casting_pb2.BookingHeld | casting_pb2.BookingConfirmed | casting_pb2.BookingReleased
)


@dataclass(frozen=True)
class Fee:
    """An amount owed, as casting states it (exact decimal, ISO 4217 currency)."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class BookingSnapshot:
    """The booking as casting announced it, at `version`."""

    booking_id: str
    org_id: str
    production_id: str
    role_id: str
    role_name: str
    talent_id: str
    status: str
    rate: Rate
    work_dates: tuple[str, ...]
    is_minor: bool
    union: str
    version: int
    production_timezone: str
    # As casting announced it (a call sheet names who is called); not personal data of the kind
    # kept off Kafka (no tax id, birth date or bank details).
    talent_name: str = ""
    # The hold's rank on its role (1 = first hold); 0 when casting did not say.
    rank: int = 0
    # When the hold lapses (RFC 3339, UTC); empty when it has none.
    expires_at: str = ""
    # Owed when a booking is released after its confirmation (the role's terms); None otherwise.
    cancellation_fee: Fee | None = None

    @classmethod
    def from_proto(cls, b: casting_pb2.BookingSnapshot) -> BookingSnapshot:
        """Decode; a snapshot no service could have written (a bad amount) is poison."""
        try:
            amount = Decimal(b.rate.money.amount or "0")
        except InvalidOperation:
            raise PoisonMessage(
                f"booking {b.booking_id}: bad rate {b.rate.money.amount!r}"
            ) from None
        fee: Fee | None = None
        if b.HasField("cancellation_fee"):
            try:
                fee_amount = Decimal(b.cancellation_fee.amount or "0")
            except InvalidOperation:
                raise PoisonMessage(
                    f"booking {b.booking_id}: bad cancellation fee {b.cancellation_fee.amount!r}"
                ) from None
            if not fee_amount.is_finite():
                raise PoisonMessage(f"booking {b.booking_id}: bad cancellation fee {fee_amount}")
            fee = Fee(fee_amount, b.cancellation_fee.currency or b.rate.money.currency)
        return cls(
            booking_id=b.booking_id,
            org_id=b.org_id,
            production_id=b.production_id,
            role_id=b.role_id,
            role_name=b.role_name,
            talent_id=b.talent_id,
            status=b.status,
            rate=Rate(amount=amount, currency=b.rate.money.currency, unit=b.rate.unit),
            work_dates=tuple(b.work_dates),
            is_minor=b.is_minor,
            union=b.union or "NONE",
            version=int(b.version),
            production_timezone=b.production_timezone,
            talent_name=b.talent_name,
            rank=int(b.rank),
            expires_at=b.expires_at,
            cancellation_fee=fee,
        )


def on_booking(
    use_case: Callable[[BookingSnapshot], Awaitable[object]],
) -> Callable[[BookingMessage], Awaitable[None]]:
    """The handler of a booking event (for a `dispatch` table): the use case applied to the
    decoded snapshot. A snapshot the use case refuses as invalid can never be applied: it is
    poison (dead-lettered at once, not retried), like one that does not decode."""

    async def handle(message: BookingMessage) -> None:
        booking = BookingSnapshot.from_proto(message.booking)
        try:
            await use_case(booking)
        except ValidationErrors as exc:
            raise PoisonMessage(f"booking {booking.booking_id!r}: {exc}") from exc

    return handle
