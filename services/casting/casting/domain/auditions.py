"""Auditions: sessions cut into slots per room, invitations of submitted talent to slots (never
two in one slot of a room, never one talent in two places at once), the talent's answer,
callbacks after an audition, and self-tape requests with a due time and the tape's link."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slate_domain import Aggregate, Invalid, Problem

from casting.domain.model import (
    MAX_SHORT,
    MAX_URL,
    Submission,
    SubmissionStatus,
    is_url,
    parse_date,
    parse_instant,
    shown,
)

MAX_ROOMS = 20
MIN_SLOT, MAX_SLOT = 5, 240
MAX_SLOTS = 2000  # per session, all rooms together
MAX_TAPE_DAYS = 90
MAX_SESSION_DAYS = 730  # sessions are planned at most two years ahead
# A submission casting still considers (one declined or withdrawn is not invited).
INVITABLE = frozenset(
    {
        SubmissionStatus.SUBMITTED,
        SubmissionStatus.VIEWED,
        SubmissionStatus.SHORTLISTED,
        SubmissionStatus.SELECTED,
    }
)


class SessionKind(StrEnum):
    AUDITION = "AUDITION"
    CALLBACK = "CALLBACK"  # a second round: only for talent who came to an audition


class InvitationStatus(StrEnum):
    INVITED = "INVITED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"


ACTIVE_INVITATIONS = frozenset({InvitationStatus.INVITED, InvitationStatus.ACCEPTED})


class SelfTapeStatus(StrEnum):
    REQUESTED = "REQUESTED"
    DELIVERED = "DELIVERED"


@dataclass(frozen=True)
class Slot:
    room: str
    starts_at: datetime  # UTC
    ends_at: datetime


@dataclass(frozen=True)
class SessionDraft:
    day: date
    timezone: str
    start: time
    end: time
    slot_minutes: int
    rooms: tuple[str, ...]
    kind: SessionKind


def _time(raw: str, field: str, problems: list[Problem]) -> time | None:
    try:
        if len(raw) != 5:
            raise ValueError(raw)
        return time.fromisoformat(raw)
    except ValueError:
        problems.append(Problem(field, f"not a time of day (HH:MM): {shown(raw)}"))
        return None


def validate_session(
    *,
    day: str,
    timezone: str,
    start: str,
    end: str,
    slot_minutes: int,
    rooms: Sequence[str],
    kind: str,
    today: date,
) -> SessionDraft:
    """A dated block from start to end in a time zone, cut into slots of `slot_minutes` in each
    room; every problem at once by field."""
    problems: list[Problem] = []
    on = parse_date(day, "date", problems)
    if on is not None and on < today:
        problems.append(Problem("date", "must not be in the past"))
    elif on is not None and on > today + timedelta(days=MAX_SESSION_DAYS):
        problems.append(Problem("date", f"at most {MAX_SESSION_DAYS} days ahead"))
    try:
        if not timezone or len(timezone) > MAX_SHORT:
            raise ValueError(timezone)
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem("timezone", f"unknown time zone {shown(timezone)}"))
    begins, ends = _time(start, "start", problems), _time(end, "end", problems)
    if begins is not None and ends is not None and ends <= begins:
        problems.append(Problem("end", "must be after start"))
    if not MIN_SLOT <= slot_minutes <= MAX_SLOT:
        problems.append(Problem("slotMinutes", f"must be between {MIN_SLOT} and {MAX_SLOT}"))
    clean_rooms: list[str] = []
    if not rooms:
        problems.append(Problem("rooms", "at least one room"))
    elif len(rooms) > MAX_ROOMS:
        problems.append(Problem("rooms", f"at most {MAX_ROOMS} rooms"))
    for i, room in enumerate(rooms[:MAX_ROOMS]):
        name = room.strip()
        if not name or len(name) > MAX_SHORT:
            problems.append(Problem(f"rooms[{i}]", f"1 to {MAX_SHORT} characters"))
        elif name in clean_rooms:
            problems.append(Problem(f"rooms[{i}]", f"{shown(name)} is named twice"))
        else:
            clean_rooms.append(name)
    if kind not in SessionKind.__members__:
        problems.append(Problem("kind", f"unknown kind {shown(kind)}"))
    if not problems and begins is not None and ends is not None:
        minutes = (ends.hour * 60 + ends.minute) - (begins.hour * 60 + begins.minute)
        if minutes // slot_minutes * len(clean_rooms) > MAX_SLOTS:
            problems.append(Problem("slotMinutes", f"at most {MAX_SLOTS} slots in a session"))
        elif minutes < slot_minutes:
            problems.append(Problem("slotMinutes", "longer than the session"))
    if problems:
        raise Invalid(problems)
    assert on is not None
    assert begins is not None
    assert ends is not None
    return SessionDraft(
        on, timezone, begins, ends, slot_minutes, tuple(clean_rooms), SessionKind(kind)
    )


@dataclass(frozen=True)
class SessionCreated:
    session: AuditionSession


@dataclass(frozen=True)
class InvitationChanged:
    invitation: AuditionInvitation
    by: str


@dataclass(frozen=True)
class SelfTapeChanged:
    request: SelfTapeRequest
    by: str


AuditionEvent = SessionCreated | InvitationChanged | SelfTapeChanged


def _conflict(field: str, message: str) -> Invalid:
    return Invalid([Problem(field, message, "CONFLICT")])


@dataclass(kw_only=True)
class AuditionSession(Aggregate[AuditionEvent]):
    """A dated audition (or callback) block of a production, its rooms and slot length."""

    production_id: str
    kind: SessionKind
    day: date
    timezone: str
    start: time
    end: time
    slot_minutes: int
    rooms: tuple[str, ...]

    @classmethod
    def create(
        cls, *, id: str, org_id: str, production_id: str, draft: SessionDraft
    ) -> AuditionSession:
        session = cls(
            id=id,
            org_id=org_id,
            production_id=production_id,
            kind=draft.kind,
            day=draft.day,
            timezone=draft.timezone,
            start=draft.start,
            end=draft.end,
            slot_minutes=draft.slot_minutes,
            rooms=draft.rooms,
        )
        session.record(SessionCreated(replace(session, version=1, events=[])))
        return session

    def slots(self) -> list[Slot]:
        """Every slot, room by room, in time order (times in UTC)."""
        zone = ZoneInfo(self.timezone)
        begins = datetime.combine(self.day, self.start, tzinfo=zone)
        ends = datetime.combine(self.day, self.end, tzinfo=zone)
        step = timedelta(minutes=self.slot_minutes)
        out = []
        for room in self.rooms:
            at = begins
            while at + step <= ends:
                out.append(Slot(room, at.astimezone(UTC), (at + step).astimezone(UTC)))
                at += step
        return out

    def choose_slot(
        self,
        *,
        taken: Iterable[tuple[str, datetime]],
        talent_busy: Sequence[tuple[datetime, datetime]],
        room: str | None = None,
        starts_at: datetime | None = None,
    ) -> Slot:
        """The slot asked for, or the first free one: free in its room (no other invitation
        there) and not overlapping anywhere the talent is already expected."""
        occupied = set(taken)
        slots = self.slots()
        if room is not None and room not in self.rooms:
            raise Invalid([Problem("room", f"the session has no room {shown(room)}")])
        wanted = [
            s
            for s in slots
            if (room is None or s.room == room) and (starts_at is None or s.starts_at == starts_at)
        ]
        if starts_at is not None and not wanted:
            raise Invalid([Problem("start", "not the start of a slot of this session")])
        for slot in wanted:
            if (slot.room, slot.starts_at) in occupied:
                continue
            if any(b < slot.ends_at and slot.starts_at < e for b, e in talent_busy):
                continue
            return slot
        if starts_at is not None and any(
            b < wanted[0].ends_at and wanted[0].starts_at < e for b, e in talent_busy
        ):
            raise _conflict("submissionId", "the talent is expected elsewhere at that time")
        raise _conflict("sessionId", "no free slot for the talent in this session")


@dataclass(kw_only=True)
class AuditionInvitation(Aggregate[AuditionEvent]):
    """A submitted talent invited to one slot of a session; the talent accepts or declines."""

    session_id: str
    production_id: str
    role_id: str
    submission_id: str
    talent_id: str
    submitted_by_org: str
    kind: SessionKind
    room: str
    starts_at: datetime
    ends_at: datetime
    status: InvitationStatus

    @classmethod
    def invite(
        cls,
        *,
        id: str,
        session: AuditionSession,
        submission: Submission,
        slot: Slot,
        auditioned: bool,
        by: str,
    ) -> AuditionInvitation:
        """Invite the talent of a live submission to a production's session; a callback only
        for talent who accepted an audition for the role."""
        if submission.status not in INVITABLE:
            raise _conflict(
                "submissionId", f"cannot invite a submission that is {submission.status}"
            )
        if submission.production_id != session.production_id:
            raise Invalid([Problem("sessionId", "the session is for another production")])
        if session.kind == SessionKind.CALLBACK and not auditioned:
            raise _conflict("submissionId", "a callback follows an audition the talent accepted")
        invitation = cls(
            id=id,
            org_id=session.org_id,
            session_id=session.id,
            production_id=session.production_id,
            role_id=submission.role_id,
            submission_id=submission.id,
            talent_id=submission.talent_id,
            submitted_by_org=submission.submitted_by_org,
            kind=session.kind,
            room=slot.room,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            status=InvitationStatus.INVITED,
        )
        invitation.record(InvitationChanged(replace(invitation, version=1, events=[]), by))
        return invitation

    def reinvite(self, invitation: AuditionInvitation) -> None:
        """Its slot was declined: the new invitation takes the slot's record over."""
        if self.status != InvitationStatus.DECLINED:
            raise _conflict("sessionId", "the slot is taken")
        for name in ("role_id", "submission_id", "talent_id", "submitted_by_org", "status"):
            setattr(self, name, getattr(invitation, name))
        [event] = invitation.events
        assert isinstance(event, InvitationChanged)
        self.record(InvitationChanged(replace(self, version=self.version + 1, events=[]), event.by))

    def respond(self, accept: bool, by: str) -> None:
        """The talent (or their agent) accepts or declines, once."""
        if self.status != InvitationStatus.INVITED:
            raise _conflict("invitationId", f"the invitation is {self.status} already")
        self.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        self.record(InvitationChanged(replace(self, version=self.version + 1, events=[]), by))


@dataclass(kw_only=True)
class SelfTapeRequest(Aggregate[AuditionEvent]):
    """Casting asks a submitted talent for a self-tape by a due time; the talent delivers a link."""

    submission_id: str
    role_id: str
    talent_id: str
    submitted_by_org: str
    instructions: str
    due_at: datetime
    status: SelfTapeStatus
    media_url: str = ""
    delivered_at: datetime | None = None

    @classmethod
    def request(
        cls,
        *,
        id: str,
        submission: Submission,
        instructions: str,
        due_at: datetime,
        now: datetime,
        by: str,
    ) -> SelfTapeRequest:
        problems = []
        if len(instructions) > 2000:
            problems.append(Problem("instructions", "at most 2000 characters"))
        if due_at <= now:
            problems.append(Problem("dueAt", "must be in the future"))
        elif due_at > now + timedelta(days=MAX_TAPE_DAYS):
            problems.append(Problem("dueAt", f"at most {MAX_TAPE_DAYS} days ahead"))
        if problems:
            raise Invalid(problems)
        if submission.status not in INVITABLE:
            raise _conflict("submissionId", f"cannot ask a submission that is {submission.status}")
        tape = cls(
            id=id,
            org_id=submission.org_id,
            submission_id=submission.id,
            role_id=submission.role_id,
            talent_id=submission.talent_id,
            submitted_by_org=submission.submitted_by_org,
            instructions=instructions.strip(),
            due_at=due_at,
            status=SelfTapeStatus.REQUESTED,
        )
        tape.record(SelfTapeChanged(replace(tape, version=1, events=[]), by))
        return tape

    @property
    def late(self) -> bool:
        return self.delivered_at is not None and self.delivered_at > self.due_at

    def deliver(self, url: str, *, at: datetime, by: str) -> None:
        """The tape's link, once (a late tape is taken and marked late)."""
        if len(url) > MAX_URL or not is_url(url):
            raise Invalid([Problem("url", f"not an http(s) link: {shown(url)}")])
        if self.status != SelfTapeStatus.REQUESTED:
            raise _conflict("requestId", "the tape was delivered already")
        self.status, self.media_url, self.delivered_at = SelfTapeStatus.DELIVERED, url, at
        self.record(SelfTapeChanged(replace(self, version=self.version + 1, events=[]), by))


def parse_due(raw: str) -> datetime:
    problems: list[Problem] = []
    due = parse_instant(raw, "dueAt", problems)
    if problems:
        raise Invalid(problems)
    assert due is not None
    return due
