"""Legal's events: the contract it announces, and casting's bookings it reacts to."""

from __future__ import annotations

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_RELEASED,
    CONTRACT_DRAFTED,
    Dispatch,
    dispatch,
)
from slate.events.snapshots import on_booking
from slate_proto.slate.events.v1 import legal_pb2

from legal.domain.classification import ClassificationAssessed
from legal.domain.compliance import ContractDrafted, ContractStatus, DomainEvent
from legal.domain.coogan import CooganAccountRecorded
from legal.domain.freelance import FreelanceEvent
from legal.domain.permits import PermitEvent
from legal.usecases import Legal


def to_outbox(
    event: DomainEvent
    | PermitEvent
    | ClassificationAssessed
    | CooganAccountRecorded
    | FreelanceEvent,
) -> OutboxEvent | None:
    """The outbox entry announcing a domain event; the others (voids, sending and signing,
    work and film permits, insurance) stay internal: the catalogue has no public type for them
    yet."""
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
    return dispatch(
        {
            BOOKING_CONFIRMED: on_booking(legal.draft_contract),
            BOOKING_RELEASED: on_booking(legal.void_contract),
        }
    )
