"""Casting's events: its domain events as protobuf on the outbox, the productions it learns from
scheduling, and its own booking events decoded for live subscribers."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, assert_never

from slate.events import Envelope, OutboxEvent, PoisonMessage
from slate.events.catalogue import (
    AUDITION_ACCEPTED,
    AUDITION_DECLINED,
    AUDITION_INVITED,
    AUDITION_SESSION_CREATED,
    BOOKING_CONFIRMED,
    BOOKING_HELD,
    BOOKING_PROMOTED,
    BOOKING_RELEASED,
    PRODUCTION_CREATED,
    ROLE_CLOSED,
    ROLE_PUBLISHED,
    SELF_TAPE_DELIVERED,
    SELF_TAPE_REQUESTED,
    SUBMISSION_DECLINED,
    SUBMISSION_SELECTED,
    SUBMISSION_SHORTLISTED,
    SUBMISSION_SUBMITTED,
    SUBMISSION_VIEWED,
    SUBMISSION_WITHDRAWN,
    TALENT_PROFILE_UPDATED,
    TALENT_REGISTERED,
    Dispatch,
    EventType,
    dispatch,
)
from slate.events.snapshots import BookingSnapshot
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2, scheduling_pb2

from casting.domain.auditions import (
    AuditionEvent,
    AuditionInvitation,
    AuditionSession,
    InvitationChanged,
    InvitationStatus,
    SelfTapeChanged,
    SelfTapeRequest,
    SelfTapeStatus,
    SessionCreated,
)
from casting.domain.model import (
    AnyEvent,
    Booking,
    BookingConfirmed,
    BookingHeld,
    BookingPromoted,
    BookingReleased,
    BookingStatus,
    Money,
    Production,
    Role,
    RoleClosed,
    RolePublished,
    Submission,
    SubmissionChange,
    SubmissionChanged,
    Talent,
    TalentProfileUpdated,
    TalentRegistered,
)
from casting.usecases import BookingChange, BookingEventKind, Casting, HoldTerms, LiveBookings

# --------------------------------------------------------------------------- published


def snapshot(b: Booking) -> casting_pb2.BookingSnapshot:
    """The booking as casting announces it (never the talent's personal data)."""
    return casting_pb2.BookingSnapshot(
        booking_id=b.id,
        org_id=b.org_id,
        production_id=b.production_id,
        role_id=b.role_id,
        role_name=b.role_name,
        talent_id=b.talent_id,
        talent_name=b.talent_name,
        rate=money_pb2.Rate(
            money=money_pb2.Money(amount=str(b.rate.amount), currency=b.rate.currency),
            unit=str(b.rate.unit),
        ),
        work_dates=[d.isoformat() for d in b.work_dates],
        status=b.status.value,
        is_minor=b.is_minor,
        union=b.union.value,
        version=b.version,
        production_timezone=b.production_timezone,
        rank=b.rank,
        expires_at=_instant(b.expires_at),
        cancellation_fee=(
            money_pb2.Money(
                amount=str(b.cancellation_fee.amount), currency=b.cancellation_fee.currency
            )
            if b.cancellation_fee is not None
            else None
        ),
    )


def role_snapshot(r: Role) -> casting_pb2.RoleSnapshot:
    """The role's breakdown as casting announces it."""
    req, usage = r.breakdown.requirements, r.breakdown.usage
    return casting_pb2.RoleSnapshot(
        role_id=r.id,
        org_id=r.org_id,
        production_id=r.production_id,
        name=r.name,
        status=r.status.value,
        description=r.breakdown.description,
        rate=money_pb2.Rate(
            money=money_pb2.Money(amount=str(r.rate.amount), currency=r.rate.currency),
            unit=str(r.rate.unit),
        ),
        work_dates=[d.isoformat() for d in r.work_dates],
        quantity=r.quantity,
        age_min=req.age_min or 0,
        age_max=req.age_max or 0,
        skills=list(req.skills),
        union=req.union.value if req.union is not None else "",
        media=list(usage.media),
        territory=usage.territory,
        term=usage.term,
        submission_deadline=_instant(r.breakdown.submission_deadline),
        version=r.version,
    )


def submission_snapshot(s: Submission) -> casting_pb2.SubmissionSnapshot:
    """The submission as casting announces it (the note stays in casting)."""
    return casting_pb2.SubmissionSnapshot(
        submission_id=s.id,
        org_id=s.org_id,
        role_id=s.role_id,
        production_id=s.production_id,
        talent_id=s.talent_id,
        submitted_by_org=s.submitted_by_org,
        self_submitted=s.self_submitted,
        status=s.status.value,
        shortlist_rank=s.shortlist_rank or 0,
        version=s.version,
    )


def talent_snapshot(t: Talent) -> casting_pb2.TalentSnapshot:
    """The talent's public profile as casting announces it (never personal data)."""
    p = t.profile
    return casting_pb2.TalentSnapshot(
        talent_id=t.id,
        name=t.name,
        union=t.union.value,
        union_status=p.union_status.value if p.union_status is not None else "",
        skills=list(p.skills),
        languages=list(p.languages),
        home_base=p.home_base,
        bio=p.bio,
        version=t.version,
    )


SUBMISSION_EVENTS: Mapping[SubmissionChange, EventType[Any]] = {
    SubmissionChange.SUBMITTED: SUBMISSION_SUBMITTED,
    SubmissionChange.VIEWED: SUBMISSION_VIEWED,
    SubmissionChange.SHORTLISTED: SUBMISSION_SHORTLISTED,
    SubmissionChange.SELECTED: SUBMISSION_SELECTED,
    SubmissionChange.DECLINED: SUBMISSION_DECLINED,
    SubmissionChange.WITHDRAWN: SUBMISSION_WITHDRAWN,
}


def _instant(at: datetime | None) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at is not None else ""


def session_snapshot(s: AuditionSession) -> casting_pb2.AuditionSessionSnapshot:
    return casting_pb2.AuditionSessionSnapshot(
        session_id=s.id,
        org_id=s.org_id,
        production_id=s.production_id,
        kind=s.kind.value,
        date=s.day.isoformat(),
        timezone=s.timezone,
        start=s.start.strftime("%H:%M"),
        end=s.end.strftime("%H:%M"),
        slot_minutes=s.slot_minutes,
        rooms=list(s.rooms),
        version=s.version,
    )


def invitation_snapshot(i: AuditionInvitation) -> casting_pb2.AuditionInvitationSnapshot:
    return casting_pb2.AuditionInvitationSnapshot(
        invitation_id=i.id,
        org_id=i.org_id,
        session_id=i.session_id,
        production_id=i.production_id,
        role_id=i.role_id,
        submission_id=i.submission_id,
        talent_id=i.talent_id,
        kind=i.kind.value,
        room=i.room,
        starts_at=_instant(i.starts_at),
        ends_at=_instant(i.ends_at),
        status=i.status.value,
        version=i.version,
    )


def self_tape_snapshot(r: SelfTapeRequest) -> casting_pb2.SelfTapeSnapshot:
    """The request as announced (the tape's link stays in casting)."""
    return casting_pb2.SelfTapeSnapshot(
        request_id=r.id,
        org_id=r.org_id,
        submission_id=r.submission_id,
        role_id=r.role_id,
        talent_id=r.talent_id,
        due_at=_instant(r.due_at),
        status=r.status.value,
        late=r.late,
        version=r.version,
    )


INVITATION_EVENTS: Mapping[InvitationStatus, EventType[Any]] = {
    InvitationStatus.INVITED: AUDITION_INVITED,
    InvitationStatus.ACCEPTED: AUDITION_ACCEPTED,
    InvitationStatus.DECLINED: AUDITION_DECLINED,
}
SELF_TAPE_EVENTS: Mapping[SelfTapeStatus, EventType[Any]] = {
    SelfTapeStatus.REQUESTED: SELF_TAPE_REQUESTED,
    SelfTapeStatus.DELIVERED: SELF_TAPE_DELIVERED,
}


def to_outbox(event: AnyEvent | AuditionEvent) -> OutboxEvent:
    """The outbox entry (catalogue type, protobuf message, keyed by aggregate) of a domain event."""
    match event:
        case BookingHeld(booking=b):
            return BOOKING_HELD.outbox(b.id, casting_pb2.BookingHeld(booking=snapshot(b)))
        case BookingConfirmed(booking=b, by=by):
            return BOOKING_CONFIRMED.outbox(
                b.id, casting_pb2.BookingConfirmed(booking=snapshot(b), confirmed_by=by)
            )
        case BookingReleased(booking=b, reason=reason):
            return BOOKING_RELEASED.outbox(
                b.id, casting_pb2.BookingReleased(booking=snapshot(b), reason=reason)
            )
        case BookingPromoted(booking=b, from_rank=from_rank):
            return BOOKING_PROMOTED.outbox(
                b.id, casting_pb2.BookingPromoted(booking=snapshot(b), from_rank=from_rank)
            )
        case RolePublished(role=r, by=by):
            return ROLE_PUBLISHED.outbox(
                r.id, casting_pb2.RolePublished(role=role_snapshot(r), published_by=by)
            )
        case RoleClosed(role=r, by=by):
            return ROLE_CLOSED.outbox(
                r.id, casting_pb2.RoleClosed(role=role_snapshot(r), closed_by=by)
            )
        case TalentRegistered(talent=t):
            return TALENT_REGISTERED.outbox(
                t.id, casting_pb2.TalentRegistered(talent=talent_snapshot(t))
            )
        case TalentProfileUpdated(talent=t, by=by):
            return TALENT_PROFILE_UPDATED.outbox(
                t.id, casting_pb2.TalentProfileUpdated(talent=talent_snapshot(t), by=by)
            )
        case SubmissionChanged(submission=sub, change=change, by=by):
            event_type = SUBMISSION_EVENTS[change]
            return event_type.outbox(
                sub.id, event_type.message(submission=submission_snapshot(sub), by=by)
            )
        case SessionCreated(session=session):
            return AUDITION_SESSION_CREATED.outbox(
                session.id,
                casting_pb2.AuditionSessionCreated(session=session_snapshot(session)),
            )
        case InvitationChanged(invitation=inv, by=by):
            kind = INVITATION_EVENTS[inv.status]
            return kind.outbox(inv.id, kind.message(invitation=invitation_snapshot(inv), by=by))
        case SelfTapeChanged(request=req, by=by):
            kind = SELF_TAPE_EVENTS[req.status]
            return kind.outbox(req.id, kind.message(request=self_tape_snapshot(req), by=by))
        case _:
            assert_never(event)


# --------------------------------------------------------------------------- consumed


def handlers(casting: Casting) -> Dispatch:
    """What casting does with the events it consumes."""

    async def production_created(event: scheduling_pb2.ProductionCreated) -> None:
        await casting.remember_production(
            Production(
                id=event.production_id,
                org_id=event.org_id,
                title=event.title,
                client=event.client,
                kind=event.kind,
                timezone=event.timezone,
                stage=event.stage,
            )
        )

    return dispatch({PRODUCTION_CREATED: production_created})


# --------------------------------------------------------------------------- live

LIVE_KINDS: Mapping[EventType[Any], BookingEventKind] = {
    BOOKING_HELD: BookingEventKind.HELD,
    BOOKING_CONFIRMED: BookingEventKind.CONFIRMED,
    BOOKING_RELEASED: BookingEventKind.RELEASED,
    BOOKING_PROMOTED: BookingEventKind.PROMOTED,
}
_LIVE_BY_NAME = {t.name: (t, kind) for t, kind in LIVE_KINDS.items()}


def terms_of(message: Any) -> HoldTerms:
    """Casting's own facts of a booking event beyond the shared snapshot (PoisonMessage when
    they could not have been written by casting)."""
    b = message.booking
    try:
        expires_at = datetime.fromisoformat(b.expires_at) if b.expires_at else None
        fee = (
            Money(Decimal(b.cancellation_fee.amount), b.cancellation_fee.currency)
            if b.HasField("cancellation_fee")
            else None
        )
    except (ValueError, InvalidOperation):
        raise PoisonMessage(f"booking {b.booking_id}: bad hold terms") from None
    from_rank = int(message.from_rank) if isinstance(message, casting_pb2.BookingPromoted) else None
    return HoldTerms(
        rank=int(b.rank) or 1, expires_at=expires_at, cancellation_fee=fee, from_rank=from_rank
    )


def live_bookings(listen: Callable[[], AsyncIterator[Envelope]]) -> LiveBookings:
    """Booking events as they arrive on the live topics, decoded; other types are skipped. A
    release by the sweep is told apart as EXPIRED."""

    async def stream() -> AsyncGenerator[BookingChange, None]:
        envelopes = listen()
        try:
            async for envelope in envelopes:
                known = _LIVE_BY_NAME.get(envelope.type)
                if known is None:
                    continue
                event_type, kind = known
                try:
                    message = event_type.decode(envelope)
                    booking = BookingSnapshot.from_proto(message.booking)
                    terms = terms_of(message)
                except PoisonMessage:
                    continue  # the durable consumers dead-letter it; a live view just skips it
                if kind is BookingEventKind.RELEASED and booking.status == BookingStatus.EXPIRED:
                    kind = BookingEventKind.EXPIRED
                yield BookingChange(kind, booking, terms)
        finally:
            await _close(envelopes)

    return stream


async def _close(stream: AsyncIterator[Any]) -> None:
    """Stop listening now, not when the garbage collector finalizes the generator."""
    close = getattr(stream, "aclose", None)
    if close is not None:
        await close()
