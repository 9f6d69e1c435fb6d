"""Legal's events: the contract it announces, and casting's bookings it reacts to."""

from __future__ import annotations

from datetime import date

from slate.events import OutboxEvent
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_RELEASED,
    CONTRACT_COUNTERSIGNED,
    CONTRACT_DRAFTED,
    CONTRACT_SENT,
    CONTRACT_SIGNED,
    CONTRACT_VOIDED,
    FILM_PERMIT_REQUESTED,
    INSURANCE_RECORDED,
    WORK_PERMIT_RECORDED,
    Dispatch,
    dispatch,
)
from slate.events.snapshots import on_booking
from slate_proto.slate.events.v1 import legal_pb2

from legal.domain.classification import ClassificationAssessed
from legal.domain.compliance import (
    ContractCountersigned,
    ContractDrafted,
    ContractSent,
    ContractSigned,
    ContractStatus,
    ContractVoided,
    DomainEvent,
    WorkPermitRecorded,
)
from legal.domain.coogan import CooganAccountRecorded
from legal.domain.freelance import FreelanceEvent
from legal.domain.permits import FilmPermitRequested, InsuranceRecorded, PermitEvent
from legal.domain.teachers import StudioTeacherScheduled
from legal.usecases import Legal


def _day(d: date | None) -> str:
    return d.isoformat() if d else ""


def to_outbox(
    event: DomainEvent
    | PermitEvent
    | ClassificationAssessed
    | CooganAccountRecorded
    | FreelanceEvent
    | StudioTeacherScheduled,
) -> OutboxEvent | None:
    """The outbox entry announcing a domain event. Classification assessments, Coogan accounts
    and freelance engagements stay internal (the catalogue has no public type for them), and
    no birth date, permit or account number, signer name or signing link is ever announced."""
    match event:
        case ContractDrafted():
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
        case ContractSent():
            return CONTRACT_SENT.outbox(
                event.contract_id,
                legal_pb2.ContractSent(
                    contract_id=event.contract_id,
                    org_id=event.org_id,
                    production_id=event.production_id,
                    talent_id=event.talent_id,
                    document_sha256=event.document_sha256,
                    link_expires_at=event.link_expires_at.isoformat(),
                ),
            )
        case ContractSigned():
            return CONTRACT_SIGNED.outbox(
                event.contract_id,
                legal_pb2.ContractSigned(
                    contract_id=event.contract_id,
                    org_id=event.org_id,
                    production_id=event.production_id,
                    talent_id=event.talent_id,
                    document_sha256=event.document_sha256,
                    signed_at=event.signed_at.isoformat(),
                ),
            )
        case ContractCountersigned():
            return CONTRACT_COUNTERSIGNED.outbox(
                event.contract_id,
                legal_pb2.ContractCountersigned(
                    contract_id=event.contract_id,
                    org_id=event.org_id,
                    production_id=event.production_id,
                    talent_id=event.talent_id,
                    executed_sha256=event.executed_sha256,
                    countersigned_at=event.signed_at.isoformat(),
                ),
            )
        case ContractVoided():
            return CONTRACT_VOIDED.outbox(
                event.contract_id,
                legal_pb2.ContractVoided(
                    contract_id=event.contract_id,
                    org_id=event.org_id,
                    booking_id=event.booking_id,
                    production_id=event.production_id,
                ),
            )
        case WorkPermitRecorded():
            return WORK_PERMIT_RECORDED.outbox(
                event.permit_id,
                legal_pb2.WorkPermitRecorded(
                    permit_id=event.permit_id,
                    org_id=event.org_id,
                    talent_id=event.talent_id,
                    issued_on=_day(event.issued_on),
                    expires_on=event.expires_on.isoformat(),
                ),
            )
        case FilmPermitRequested():
            return FILM_PERMIT_REQUESTED.outbox(
                event.permit_id,
                legal_pb2.FilmPermitRequested(
                    permit_id=event.permit_id,
                    org_id=event.org_id,
                    production_id=event.production_id,
                    location_name=event.location_name,
                    dates=[d.isoformat() for d in event.dates],
                    high_impact=event.high_impact,
                    ready_by=event.ready_by.isoformat(),
                ),
            )
        case InsuranceRecorded():
            return INSURANCE_RECORDED.outbox(
                event.certificate_id,
                legal_pb2.InsuranceCertificateRecorded(
                    certificate_id=event.certificate_id,
                    org_id=event.org_id,
                    production_id=event.production_id,
                    insurer=event.insurer,
                    effective_on=_day(event.effective_on),
                    expires_on=event.expires_on.isoformat(),
                    general_liability_limit=str(event.general_liability_limit),
                ),
            )
        case _:
            return None


def handlers(legal: Legal) -> Dispatch:
    """A confirmed booking gets its contract drafted; a released one voids it."""
    return dispatch(
        {
            BOOKING_CONFIRMED: on_booking(legal.draft_contract),
            BOOKING_RELEASED: on_booking(legal.void_contract),
        }
    )
