"""Typed views of the state other services announce, decoded once for every consumer.

A booking snapshot is casting's public contract (proto `BookingSnapshot`); payroll, legal and
scheduling each read the same facts from it, so they share this decoding instead of three copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from slate_proto.slate.events.v1 import casting_pb2

from slate.events.model import PoisonMessage


@dataclass(frozen=True)
class BookingRate:
    amount: Decimal
    currency: str
    unit: str


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
    rate: BookingRate
    work_dates: tuple[str, ...]
    is_minor: bool
    union: str
    version: int
    production_timezone: str

    @classmethod
    def from_proto(cls, b: casting_pb2.BookingSnapshot) -> BookingSnapshot:
        """Decode; a snapshot no service could have written (a bad amount) is poison."""
        try:
            amount = Decimal(b.rate.money.amount or "0")
        except InvalidOperation:
            raise PoisonMessage(
                f"booking {b.booking_id}: bad rate {b.rate.money.amount!r}"
            ) from None
        return cls(
            booking_id=b.booking_id,
            org_id=b.org_id,
            production_id=b.production_id,
            role_id=b.role_id,
            role_name=b.role_name,
            talent_id=b.talent_id,
            status=b.status,
            rate=BookingRate(
                amount=amount,
                currency=b.rate.money.currency,
                unit=b.rate.unit,
            ),
            work_dates=tuple(b.work_dates),
            is_minor=b.is_minor,
            union=b.union or "NONE",
            version=int(b.version),
            production_timezone=b.production_timezone,
        )
