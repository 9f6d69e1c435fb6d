"""Legal's events: the contract it announces, and casting's bookings it reacts to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_RELEASED,
    CONTRACT_DRAFTED,
    Dispatch,
    dispatch,
)
from slate.events.snapshots import BookingSnapshot
from slate_proto.slate.events.v1 import casting_pb2, legal_pb2

from legal.domain.compliance import ContractDrafted, ContractStatus, DomainEvent
from legal.usecases import Legal

BookingMessage = casting_pb2.BookingConfirmed | casting_pb2.BookingReleased


def to_outbox(event: DomainEvent) -> OutboxEvent | None:
    """The outbox entry announcing a domain event; voids and permits stay internal (the
    catalogue has no public type for them)."""
    if not isinstance(event, ContractDrafted):
        return None
    return CONTRACT_DRAFTED.outbox(
        event.contract_id,
        legal_pb2.ContractDrafted(
            contract_id=event.contract_id,
            org_id=event.org_id,
            booking_id=event.booking_id,
            production_id=event.production_id,
            talent_id=event.talent_id,
            status=ContractStatus.DRAFT.value,
            template=event.template,
        ),
    )


def handlers(legal: Legal) -> Dispatch:
    """A confirmed booking gets its contract drafted; a released one voids it."""

    def on(
        use_case: Callable[[BookingSnapshot], Awaitable[None]],
    ) -> Callable[[BookingMessage], Awaitable[None]]:
        return lambda message: use_case(BookingSnapshot.from_proto(message.booking))

    return dispatch(
        {BOOKING_CONFIRMED: on(legal.draft_contract), BOOKING_RELEASED: on(legal.void_contract)}
    )
