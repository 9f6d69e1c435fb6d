"""Every event of the platform, declared once: its topic, CloudEvents type, producer and message.

Publishers build outbox entries with `EventType.outbox(...)`, consumers dispatch through
`dispatch({EVENT_TYPE: handler, …})`, live subscriptions decode by type, and the AsyncAPI test
checks `docs/asyncapi.yaml` against `TOPICS` and `EVENT_TYPES`. A topic or type string written
anywhere else is a bug.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from google.protobuf.message import Message
from slate_proto.slate.events.v1 import casting_pb2, legal_pb2, payroll_pb2, scheduling_pb2

from slate.events.model import Envelope, OutboxEvent

M = TypeVar("M", bound=Message)


@dataclass(frozen=True)
class Topic:
    """One aggregate stream: records keyed by aggregate id; partitions are the unit of scale."""

    name: str
    producer: str  # the service that owns and publishes it, as `ce_source`
    partitions: int = 3


@dataclass(frozen=True)
class EventType(Generic[M]):
    """One CloudEvents type on one topic, carrying one protobuf message."""

    name: str
    topic: Topic
    message: type[M]

    @property
    def source(self) -> str:
        return self.topic.producer

    def outbox(self, key: str, message: M) -> OutboxEvent:
        """The outbox entry for this event about aggregate `key` (trace context captured)."""
        if not isinstance(message, self.message):
            raise TypeError(f"{self.name} carries {self.message.__name__}, not {type(message)}")
        return OutboxEvent.create(
            topic=self.topic.name, key=key, type=self.name, source=self.source, message=message
        )

    def decode(self, envelope: Envelope) -> M:
        """The envelope's payload as this event's message (PoisonMessage if it cannot be)."""
        return envelope.decode(self.message)


BOOKING_TOPIC = Topic("slate.casting.booking.v1", producer="slate-casting")
ROLE_TOPIC = Topic("slate.casting.role.v1", producer="slate-casting")
SUBMISSION_TOPIC = Topic("slate.casting.submission.v1", producer="slate-casting")
TALENT_TOPIC = Topic("slate.casting.talent.v1", producer="slate-casting")
AUDITION_TOPIC = Topic("slate.casting.audition.v1", producer="slate-casting")
PRODUCTION_TOPIC = Topic("slate.scheduling.production.v1", producer="slate-scheduling")
SHOOT_DAY_TOPIC = Topic("slate.scheduling.shoot_day.v1", producer="slate-scheduling")
ENGAGEMENT_TOPIC = Topic("slate.payroll.engagement.v1", producer="slate-payroll")
PAY_RUN_TOPIC = Topic("slate.payroll.pay_run.v1", producer="slate-payroll")
PAYMENT_TOPIC = Topic("slate.payroll.payment.v1", producer="slate-payroll")
CONTRACT_TOPIC = Topic("slate.legal.contract.v1", producer="slate-legal")
PERMIT_TOPIC = Topic("slate.legal.permit.v1", producer="slate-legal")

BOOKING_HELD = EventType("slate.casting.booking.held.v1", BOOKING_TOPIC, casting_pb2.BookingHeld)
BOOKING_CONFIRMED = EventType(
    "slate.casting.booking.confirmed.v1", BOOKING_TOPIC, casting_pb2.BookingConfirmed
)
BOOKING_RELEASED = EventType(
    "slate.casting.booking.released.v1", BOOKING_TOPIC, casting_pb2.BookingReleased
)
BOOKING_PROMOTED = EventType(
    "slate.casting.booking.promoted.v1", BOOKING_TOPIC, casting_pb2.BookingPromoted
)
ROLE_PUBLISHED = EventType("slate.casting.role.published.v1", ROLE_TOPIC, casting_pb2.RolePublished)
ROLE_CLOSED = EventType("slate.casting.role.closed.v1", ROLE_TOPIC, casting_pb2.RoleClosed)
SUBMISSION_SUBMITTED = EventType(
    "slate.casting.submission.submitted.v1", SUBMISSION_TOPIC, casting_pb2.SubmissionSubmitted
)
SUBMISSION_VIEWED = EventType(
    "slate.casting.submission.viewed.v1", SUBMISSION_TOPIC, casting_pb2.SubmissionViewed
)
SUBMISSION_SHORTLISTED = EventType(
    "slate.casting.submission.shortlisted.v1", SUBMISSION_TOPIC, casting_pb2.SubmissionShortlisted
)
SUBMISSION_SELECTED = EventType(
    "slate.casting.submission.selected.v1", SUBMISSION_TOPIC, casting_pb2.SubmissionSelected
)
SUBMISSION_DECLINED = EventType(
    "slate.casting.submission.declined.v1", SUBMISSION_TOPIC, casting_pb2.SubmissionDeclined
)
SUBMISSION_WITHDRAWN = EventType(
    "slate.casting.submission.withdrawn.v1", SUBMISSION_TOPIC, casting_pb2.SubmissionWithdrawn
)
TALENT_REGISTERED = EventType(
    "slate.casting.talent.registered.v1", TALENT_TOPIC, casting_pb2.TalentRegistered
)
TALENT_PROFILE_UPDATED = EventType(
    "slate.casting.talent.profile_updated.v1", TALENT_TOPIC, casting_pb2.TalentProfileUpdated
)
AUDITION_SESSION_CREATED = EventType(
    "slate.casting.audition.session_created.v1", AUDITION_TOPIC, casting_pb2.AuditionSessionCreated
)
AUDITION_INVITED = EventType(
    "slate.casting.audition.invited.v1", AUDITION_TOPIC, casting_pb2.AuditionInvited
)
AUDITION_ACCEPTED = EventType(
    "slate.casting.audition.accepted.v1", AUDITION_TOPIC, casting_pb2.AuditionAccepted
)
AUDITION_DECLINED = EventType(
    "slate.casting.audition.declined.v1", AUDITION_TOPIC, casting_pb2.AuditionDeclined
)
SELF_TAPE_REQUESTED = EventType(
    "slate.casting.audition.self_tape_requested.v1", AUDITION_TOPIC, casting_pb2.SelfTapeRequested
)
SELF_TAPE_DELIVERED = EventType(
    "slate.casting.audition.self_tape_delivered.v1", AUDITION_TOPIC, casting_pb2.SelfTapeDelivered
)
PRODUCTION_CREATED = EventType(
    "slate.scheduling.production.created.v1", PRODUCTION_TOPIC, scheduling_pb2.ProductionCreated
)
PRODUCTION_STAGE_CHANGED = EventType(
    "slate.scheduling.production.stage_changed.v1",
    PRODUCTION_TOPIC,
    scheduling_pb2.ProductionStageChanged,
)
BUDGET_LINE_EXCEEDED = EventType(
    "slate.scheduling.production.budget_line_exceeded.v1",
    PRODUCTION_TOPIC,
    scheduling_pb2.BudgetLineExceeded,
)
SHOOT_DAY_SCHEDULED = EventType(
    "slate.scheduling.shoot_day.scheduled.v1", SHOOT_DAY_TOPIC, scheduling_pb2.ShootDayScheduled
)
SHOOT_DAY_MOVED = EventType(
    "slate.scheduling.shoot_day.moved.v1", SHOOT_DAY_TOPIC, scheduling_pb2.ShootDayMoved
)
SHOOT_DAY_CANCELLED = EventType(
    "slate.scheduling.shoot_day.cancelled.v1", SHOOT_DAY_TOPIC, scheduling_pb2.ShootDayCancelled
)
CALL_SHEET_PUBLISHED = EventType(
    "slate.scheduling.call_sheet.published.v1", SHOOT_DAY_TOPIC, scheduling_pb2.CallSheetPublished
)
CALL_SHEET_CONFIRMED = EventType(
    "slate.scheduling.call_sheet.confirmed.v1", SHOOT_DAY_TOPIC, scheduling_pb2.CallSheetConfirmed
)
ENGAGEMENT_CREATED = EventType(
    "slate.payroll.engagement.created.v1", ENGAGEMENT_TOPIC, payroll_pb2.EngagementCreated
)
ENGAGEMENT_ESTIMATED = EventType(
    "slate.payroll.engagement.estimated.v1", ENGAGEMENT_TOPIC, payroll_pb2.EngagementEstimated
)
PAY_RUN_ISSUED = EventType(
    "slate.payroll.pay_run.issued.v1", PAY_RUN_TOPIC, payroll_pb2.PayRunIssued
)
PAYMENT_ISSUED = EventType(
    "slate.payroll.payment.issued.v1", PAYMENT_TOPIC, payroll_pb2.PaymentIssued
)
PAYMENT_RETURNED = EventType(
    "slate.payroll.payment.returned.v1", PAYMENT_TOPIC, payroll_pb2.PaymentReturned
)
CONTRACT_DRAFTED = EventType(
    "slate.legal.contract.drafted.v1", CONTRACT_TOPIC, legal_pb2.ContractDrafted
)
CONTRACT_SENT = EventType("slate.legal.contract.sent.v1", CONTRACT_TOPIC, legal_pb2.ContractSent)
CONTRACT_SIGNED = EventType(
    "slate.legal.contract.signed.v1", CONTRACT_TOPIC, legal_pb2.ContractSigned
)
CONTRACT_COUNTERSIGNED = EventType(
    "slate.legal.contract.countersigned.v1", CONTRACT_TOPIC, legal_pb2.ContractCountersigned
)
CONTRACT_VOIDED = EventType(
    "slate.legal.contract.voided.v1", CONTRACT_TOPIC, legal_pb2.ContractVoided
)
WORK_PERMIT_RECORDED = EventType(
    "slate.legal.work_permit.recorded.v1", PERMIT_TOPIC, legal_pb2.WorkPermitRecorded
)
FILM_PERMIT_REQUESTED = EventType(
    "slate.legal.film_permit.requested.v1", PERMIT_TOPIC, legal_pb2.FilmPermitRequested
)
INSURANCE_RECORDED = EventType(
    "slate.legal.insurance.recorded.v1", PERMIT_TOPIC, legal_pb2.InsuranceCertificateRecorded
)

TOPICS: tuple[Topic, ...] = (
    BOOKING_TOPIC,
    ROLE_TOPIC,
    SUBMISSION_TOPIC,
    TALENT_TOPIC,
    AUDITION_TOPIC,
    PRODUCTION_TOPIC,
    SHOOT_DAY_TOPIC,
    ENGAGEMENT_TOPIC,
    PAY_RUN_TOPIC,
    PAYMENT_TOPIC,
    CONTRACT_TOPIC,
    PERMIT_TOPIC,
)
EVENT_TYPES: tuple[EventType[Any], ...] = (
    BOOKING_HELD,
    BOOKING_CONFIRMED,
    BOOKING_RELEASED,
    BOOKING_PROMOTED,
    ROLE_PUBLISHED,
    ROLE_CLOSED,
    SUBMISSION_SUBMITTED,
    SUBMISSION_VIEWED,
    SUBMISSION_SHORTLISTED,
    SUBMISSION_SELECTED,
    SUBMISSION_DECLINED,
    SUBMISSION_WITHDRAWN,
    TALENT_REGISTERED,
    TALENT_PROFILE_UPDATED,
    AUDITION_SESSION_CREATED,
    AUDITION_INVITED,
    AUDITION_ACCEPTED,
    AUDITION_DECLINED,
    SELF_TAPE_REQUESTED,
    SELF_TAPE_DELIVERED,
    PRODUCTION_CREATED,
    PRODUCTION_STAGE_CHANGED,
    BUDGET_LINE_EXCEEDED,
    SHOOT_DAY_SCHEDULED,
    SHOOT_DAY_MOVED,
    SHOOT_DAY_CANCELLED,
    CALL_SHEET_PUBLISHED,
    CALL_SHEET_CONFIRMED,
    ENGAGEMENT_CREATED,
    ENGAGEMENT_ESTIMATED,
    PAY_RUN_ISSUED,
    PAYMENT_ISSUED,
    PAYMENT_RETURNED,
    CONTRACT_DRAFTED,
    CONTRACT_SENT,
    CONTRACT_SIGNED,
    CONTRACT_COUNTERSIGNED,
    CONTRACT_VOIDED,
    WORK_PERMIT_RECORDED,
    FILM_PERMIT_REQUESTED,
    INSURANCE_RECORDED,
)
BY_NAME: Mapping[str, EventType[Any]] = {t.name: t for t in EVENT_TYPES}


def published_by(producer: str) -> dict[str, int]:
    """The topics a service publishes, with their partition counts (for topic bootstrap)."""
    return {t.name: t.partitions for t in TOPICS if t.producer == producer}


def topics_of(types: Iterable[EventType[Any]]) -> list[str]:
    """The distinct topics that carry these event types, in a stable order."""
    return sorted({t.topic.name for t in types})


Handler = Callable[[Envelope], Awaitable[None]]


class Dispatch:
    """A consumer handler that decodes each envelope by its type and calls that type's handler.

    Types without a handler are skipped (a topic carries more types than any one reader needs);
    a payload that does not decode as its type's message is poison and is dead-lettered.
    """

    def __init__(self, handlers: Mapping[EventType[Any], Callable[[Any], Awaitable[None]]]):
        self._handlers = {t.name: (t, h) for t, h in handlers.items()}
        self.types: tuple[EventType[Any], ...] = tuple(handlers)

    @property
    def topics(self) -> list[str]:
        return topics_of(self.types)

    def handles(self, type_name: str) -> bool:
        """Whether an envelope of this type does anything here (others are skipped)."""
        return type_name in self._handlers

    async def __call__(self, envelope: Envelope) -> None:
        entry = self._handlers.get(envelope.type)
        if entry is None:
            return
        event_type, handler = entry
        await handler(event_type.decode(envelope))


def dispatch(handlers: Mapping[EventType[Any], Callable[[Any], Awaitable[None]]]) -> Dispatch:
    """Build a dispatching handler from a table of event type -> handler of its message."""
    return Dispatch(handlers)
