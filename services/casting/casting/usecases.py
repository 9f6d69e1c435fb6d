"""Casting's use cases: one async method per command, the only place that loads and saves, and
the reads the GraphQL layer needs."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Sequence,
)
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from slate import authz
from slate.audit import AuditLog
from slate.auth import Principal
from slate.crypto import DATE_MASK, FieldCipher
from slate.errors import Forbidden, UserError, ValidationErrors, field_errors
from slate.events.snapshots import BookingSnapshot
from slate.ids import new_id
from slate.mongo import ConcurrencyConflict, DuplicateKey

from casting.domain import auditions as model_auditions
from casting.domain import model
from casting.domain import search as model_search
from casting.domain.auditions import (
    AuditionInvitation,
    AuditionSession,
    InvitationStatus,
    SelfTapeRequest,
    SessionKind,
)
from casting.domain.model import (
    Booking,
    Production,
    Relationship,
    Role,
    Submission,
    Talent,
    TalentNote,
)
from casting.domain.search import AVAILABILITY_CANDIDATES, IndexedTalent, TalentQuery
from casting.store import CastingStore

WRITERS = ("producer", "casting")
READERS = ("producer", "casting", "accounting", "legal", "viewer")


def _may_see(principal: Principal, booking: Booking) -> bool:
    """Staff who read bookings see their organisation's; anyone else (a talent, crew) only the
    holds and bookings of the talent they are: whom else a production holds is not theirs."""
    return principal.has_any(*READERS) or principal.is_talent(booking.talent_id)


# Who may do what: each command (GraphQL field or RPC name) and each guarded field.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "createRole": WRITERS,
    "registerTalent": (*WRITERS, "talent"),
    "publishRole": WRITERS,
    "closeRole": WRITERS,
    # Agents are staff (casting) of an agency organisation until the kernel knows an agent
    # role; a talent submits only themselves.
    "submitTalent": (*WRITERS, "talent"),
    "viewSubmission": WRITERS,
    "shortlistSubmission": WRITERS,
    "selectSubmission": WRITERS,
    "declineSubmission": WRITERS,
    "withdrawSubmission": (*WRITERS, "talent"),
    # A talent edits their own profile; staff of the organisation that registered them too.
    "updateTalentProfile": ("talent", *WRITERS),
    "setTalentNote": WRITERS,
    "searchTalent": WRITERS,
    "createAuditionSession": WRITERS,
    "inviteToAudition": WRITERS,
    # The talent answers (or their agency's staff for them); casting asks for tapes.
    "respondToAudition": (*WRITERS, "talent"),
    "requestSelfTape": WRITERS,
    "deliverSelfTape": (*WRITERS, "talent"),
    "holdTalent": WRITERS,
    "confirmBooking": WRITERS,
    "releaseBooking": WRITERS,
    # The sweep: a scheduler's service token sweeps every organisation, staff their own.
    "expireHolds": ("service", *WRITERS),
    "bookingEvents": READERS,
    # Reads: any authenticated caller (no role list), within their organisation; talent profiles
    # are network-wide. `_service` is answered by the kernel to authenticated callers only.
    "talent": (),
    "role": (),
    "breakdowns": (),
    "booking": (),
    "submission": (),
    "auditionSession": (),
    "_entities": (),
    "_service": (),
    # Personal fields: the talent themselves, and these roles only in an organisation tied to
    # the talent (see `Relationship`): email when it holds, books or registered them, the birth
    # date when it books them (issue 8, finding 3).
    "Talent.email": WRITERS,
    "Talent.dateOfBirth": ("legal",),
    # Derived from the birth date (which casting never sees): staff of any organisation, and the
    # talent themselves; the agent's contact details: staff; private notes: staff, their own
    # organisation's only.
    "Talent.age": (*WRITERS, "legal"),
    "Talent.representation.contact": WRITERS,
    "Talent.privateNote": WRITERS,
}


@dataclass(frozen=True)
class BreakdownInput:
    """A breakdown's fields as the API takes them (validated by `model.validate_breakdown`)."""

    description: str = ""
    age_min: int | None = None
    age_max: int | None = None
    skills: Sequence[str] = ()
    union: str | None = None
    media: Sequence[str] = ()
    territory: str = ""
    term: str = ""
    submission_deadline: str | None = None


@dataclass(frozen=True)
class Conflict:
    """Scheduling's answer: the talent is busy on `date` (a blocking one refuses the booking)."""

    date: str
    reason: str
    blocking: bool


@dataclass(frozen=True)
class ComplianceIssue:
    """Legal's answer: something a booking lacks (a blocking one refuses the confirmation)."""

    code: str
    message: str
    blocking: bool


class Peers(Protocol):
    """The synchronous questions casting asks other services (gRPC in production); each call
    acts for the request's caller (`slate.caller`)."""

    async def production(self, org_id: str, production_id: str) -> Production | None: ...

    async def conflicts(self, booking: Booking) -> list[Conflict]: ...

    async def compliance(self, booking: Booking) -> list[ComplianceIssue]: ...

    async def check_rate(
        self, org_id: str, rate: model.Rate, work_dates: Sequence[date]
    ) -> None: ...

    async def availability(
        self, org_id: str, talent_id: str, dates: Sequence[date]
    ) -> list[Conflict]: ...


class TalentSearch(Protocol):
    """The search index (casting.search.TalentIndex): a read model of the talent collection."""

    def put(self, talent: Sequence[IndexedTalent]) -> None: ...

    def search(self, query: TalentQuery, *, limit: int, offset: int) -> tuple[list[str], int]: ...


@dataclass(frozen=True)
class TalentPage:
    """One page of a search: the talent in rank order, how many match in all, and the offset of
    the next page (None on the last)."""

    talent: list[Talent]
    total: int
    next_offset: int | None


class BookingEventKind(StrEnum):
    HELD = "HELD"
    CONFIRMED = "CONFIRMED"
    RELEASED = "RELEASED"
    PROMOTED = "PROMOTED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class HoldTerms:
    """What casting's booking events say beyond the shared snapshot: the hold's rank on its
    role, when it lapses, and the cancellation fee owed once a confirmed booking is released."""

    rank: int = 1
    expires_at: datetime | None = None
    cancellation_fee: model.Money | None = None
    from_rank: int | None = None  # a promotion: the rank the hold had before


@dataclass(frozen=True)
class BookingChange:
    """A booking event as live subscribers see it."""

    kind: BookingEventKind
    booking: BookingSnapshot
    terms: HoldTerms = HoldTerms()


# The caller's organisation's relationship to one talent, asked only when a rule needs it (the
# GraphQL layer batches these questions: one database round trip per request, not per talent).
RelationshipOf = Callable[[], Awaitable[Relationship]]

# The index catches up from the talent written since its mark, re-reading this far back (writes
# that were in flight when it last looked), in batches of SEARCH_BATCH.
SEARCH_OVERLAP = timedelta(seconds=2)
SEARCH_BATCH = 2000
AVAILABILITY_QUESTIONS = 16  # asked of scheduling at once

# The most holds one sweep expires (the next sweep takes the rest).
SWEEP_BATCH = 500
RANK_RETRIES = 3

# Booking changes as they are published, from now on, every organisation's (events.py builds it).
LiveBookings = Callable[[], AsyncGenerator[BookingChange, None]]


def _possible(ids: Sequence[str]) -> list[str]:
    """The ids that could exist: one longer than any id is not looked up (it is not found)."""
    return [i for i in ids if len(i) <= model.MAX_ID]


def _own_profile_id(principal: Principal) -> str:
    """The one profile a talent may register: the one their token names."""
    talent_id = principal.talent_id or ""
    if not talent_id or len(talent_id) > model.MAX_ID:
        raise Forbidden(
            "registerTalent: a talent registers only their own profile, and this token names none"
        )
    return talent_id


def _within(principal: Principal, org_id: str) -> Principal:
    """The caller as recorded in the audit log of the organisation whose object it changed (the
    sweep's service caller acts across organisations)."""
    return principal if principal.org == org_id else dataclasses.replace(principal, org=org_id)


def _submission_id(role_id: str, talent_id: str) -> str:
    """One submission per talent and role: its id follows from both (a second insert of the
    same pair is a duplicate key, even from two requests at once)."""
    digest = hashlib.sha256(f"{role_id}\n{talent_id}".encode()).hexdigest()
    return f"sub_{digest[:24]}"


def _note_id(org_id: str, talent_id: str) -> str:
    """One private note per organisation and talent."""
    digest = hashlib.sha256(f"{org_id}\n{talent_id}".encode()).hexdigest()
    return f"tnt_{digest[:24]}"


def _slot_id(session_id: str, room: str, starts_at: datetime) -> str:
    """One invitation record per slot of a room: a second invitation to it is a duplicate."""
    key = f"{session_id}\n{room}\n{starts_at.isoformat()}"
    return f"inv_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def _answers_for(principal: Principal, asked: AuditionInvitation | SelfTapeRequest) -> bool:
    """The talent asked, or staff of the agency that submitted them."""
    return principal.is_talent(asked.talent_id) or (
        principal.org == asked.submitted_by_org and principal.has_any(*WRITERS)
    )


def _sees(principal: Principal, submission: Submission) -> bool:
    return principal.org in (submission.org_id, submission.submitted_by_org) or principal.is_talent(
        submission.talent_id
    )


def _changed(what: str, action: str) -> str:
    return f"the {what} changed during {action}; reload and retry"


class _Stored(Protocol):
    @property
    def id(self) -> str: ...


Stored = TypeVar("Stored", bound=_Stored)


def _profile_exists(talent_id: str) -> UserError:
    return UserError(f"the profile {talent_id} exists already", code="CONFLICT")


class Casting:
    """Casting's commands and the reads the GraphQL layer needs."""

    def __init__(
        self,
        store: CastingStore,
        peers: Peers,
        cipher: FieldCipher,
        audit: AuditLog,
        live: LiveBookings | None = None,
        search: TalentSearch | None = None,
    ) -> None:
        self._store = store
        self._peers = peers
        self._cipher = cipher
        self._audit = audit
        self._live = live
        self._search = search
        self._search_lock = asyncio.Lock()
        self._search_mark: datetime | None = None
        self._indexed: dict[str, int] = {}  # talent id -> version in the index

    # --- productions (event-carried state) -----------------------------------------------

    async def _production_known(self, org_id: str, production_id: str) -> Production:
        """The production from the local copy, else asked of scheduling now and then kept."""
        local = await self._store.production(org_id, production_id)
        if local is not None:
            return local
        remote = await self._peers.production(org_id, production_id)
        if remote is None:
            raise UserError("unknown production", field="productionId", code="NOT_FOUND")
        await self._store.remember_production(remote)
        return remote

    async def remember_production(self, production: Production) -> None:
        """A production scheduling announced: keep casting's copy (replays change nothing)."""
        await self._store.remember_production(production)

    # --- roles ---------------------------------------------------------------------------

    async def create_role(
        self,
        principal: Principal,
        *,
        production_id: str,
        name: str,
        amount: str,
        currency: str,
        unit: str,
        work_dates: Sequence[str],
        quantity: int = 1,
        cancellation_fee: str | None = None,
        breakdown: BreakdownInput | None = None,
    ) -> Role:
        """A role (breakdown, a DRAFT until published) of a production of the caller's
        organisation, at a rate payroll accepts for its dates, with its places, cancellation fee
        (by default one unit of the rate), description, requirements, usage and deadline."""
        authz.require(principal, PERMISSIONS["createRole"], "createRole")
        problems: list[model.Problem] = []
        parts = breakdown or BreakdownInput()
        with field_errors():
            model.check_ids({"productionId": production_id})
            try:
                terms = model.validate_breakdown(
                    description=parts.description,
                    age_min=parts.age_min,
                    age_max=parts.age_max,
                    skills=parts.skills,
                    union=parts.union,
                    media=parts.media,
                    territory=parts.territory,
                    term=parts.term,
                    submission_deadline=parts.submission_deadline,
                    now=datetime.now(UTC),
                )
            except model.Invalid as exc:
                problems.extend(exc.problems)
                terms = model.Breakdown()
            try:
                draft = model.validate_role(
                    name,
                    amount,
                    currency,
                    unit,
                    work_dates,
                    quantity=quantity,
                    cancellation_fee=cancellation_fee,
                    breakdown=terms,
                )
            except model.Invalid as exc:
                problems[:0] = exc.problems
            if problems:
                raise model.Invalid(problems)
        production = await self._production_known(principal.org, production_id)
        await self._peers.check_rate(principal.org, draft.rate, draft.work_dates)
        role = await self._store.add(
            Role.create(id=new_id("rol"), production=production, draft=draft)
        )
        await self._audit.record(principal, "createRole", role.id)
        return role

    async def publish_role(self, principal: Principal, *, role_id: str) -> Role:
        """A draft breakdown goes out to talent and agents network-wide (role.published)."""
        authz.require(principal, PERMISSIONS["publishRole"], "publishRole")
        role = await self._own_role(principal, role_id)
        with field_errors():
            role.publish(principal.sub, at=datetime.now(UTC))
        return await self._save_role(principal, role, "publishRole")

    async def close_role(self, principal: Principal, *, role_id: str) -> Role:
        """A published breakdown stops taking submissions (role.closed)."""
        authz.require(principal, PERMISSIONS["closeRole"], "closeRole")
        role = await self._own_role(principal, role_id)
        with field_errors():
            role.close(principal.sub)
        return await self._save_role(principal, role, "closeRole")

    async def _own_role(self, principal: Principal, role_id: str) -> Role:
        with field_errors():
            model.check_ids({"roleId": role_id})
        role = await self._store.role(principal.org, role_id)
        if role is None:
            raise UserError("unknown role", field="roleId", code="NOT_FOUND")
        return role

    async def _save_role(self, principal: Principal, role: Role, action: str) -> Role:
        return await self._write(
            principal, action, self._store.save(role), "roleId", _changed("role", action)
        )

    async def _write(
        self,
        principal: Principal,
        action: str,
        write: Awaitable[Stored],
        field: str,
        conflict: str,
        *,
        audited: str | None = None,
    ) -> Stored:
        """Run one write (an add or a versioned save) and audit it; a lost race (the version
        moved, or the id was taken meanwhile) is a CONFLICT on `field` and writes nothing."""
        try:
            saved = await write
        except (ConcurrencyConflict, DuplicateKey):
            raise UserError(conflict, field=field, code="CONFLICT") from None
        await self._audit.record(principal, action, audited or saved.id)
        return saved

    # --- submissions ---------------------------------------------------------------------

    async def submit_talent(
        self, principal: Principal, *, role_id: str, talent_id: str, note: str = ""
    ) -> Submission:
        """Put a talent forward for a published role before its deadline: an agent (staff of
        an agency) any talent, a talent only themselves. One submission per talent and role (a
        withdrawn one may be made again)."""
        authz.require(principal, PERMISSIONS["submitTalent"], "submitTalent")
        if not principal.has_any(*WRITERS) and not principal.is_talent(talent_id):
            raise Forbidden("submitTalent: a talent submits only themselves", field="talentId")
        with field_errors():
            model.check_ids({"roleId": role_id, "talentId": talent_id})
            model.validate_note(note)
        role = (await self.roles(principal, [role_id])).get(role_id)
        if role is None:
            raise UserError("unknown role", field="roleId", code="NOT_FOUND")
        talent = await self._store.talent(talent_id)
        if talent is None:
            raise UserError("unknown talent", field="talentId", code="NOT_FOUND")
        now = datetime.now(UTC)
        self_submitted = not principal.has_any(*WRITERS)
        submission_id = _submission_id(role.id, talent.id)
        existing = await self._store.submission(submission_id)
        with field_errors():
            if existing is not None:
                existing.resubmit(
                    role=role,
                    by_org=principal.org,
                    by=principal.sub,
                    self_submitted=self_submitted,
                    note=note,
                    at=now,
                )
            else:
                submission = Submission.submit(
                    id=submission_id,
                    role=role,
                    talent=talent,
                    by_org=principal.org,
                    by=principal.sub,
                    self_submitted=self_submitted,
                    note=note,
                    at=now,
                )
        return await self._write(
            principal,
            "submitTalent",
            self._store.save(existing) if existing is not None else self._store.add(submission),
            "talentId",
            "the talent is already submitted to this role",
        )

    async def view_submission(self, principal: Principal, *, submission_id: str) -> Submission:
        """Casting has looked at it (from then on the submitter cannot withdraw it)."""
        return await self._decide(principal, submission_id, "viewSubmission", lambda s: s.view)

    async def shortlist_submission(
        self, principal: Principal, *, submission_id: str, rank: int
    ) -> Submission:
        """Into the role's shortlist (selects) at rank 1-6."""
        return await self._decide(
            principal,
            submission_id,
            "shortlistSubmission",
            lambda s: lambda by: s.shortlist(rank, by),
        )

    async def select_submission(self, principal: Principal, *, submission_id: str) -> Submission:
        return await self._decide(principal, submission_id, "selectSubmission", lambda s: s.select)

    async def decline_submission(self, principal: Principal, *, submission_id: str) -> Submission:
        return await self._decide(
            principal, submission_id, "declineSubmission", lambda s: s.decline
        )

    async def withdraw_submission(self, principal: Principal, *, submission_id: str) -> Submission:
        """The submitter (its agency's staff, or the talent themselves) takes it back, only
        before casting has viewed it."""
        authz.require(principal, PERMISSIONS["withdrawSubmission"], "withdrawSubmission")
        submission = await self._submission(principal, submission_id)
        mine = principal.is_talent(submission.talent_id) or (
            principal.org == submission.submitted_by_org and principal.has_any(*WRITERS)
        )
        if not mine:
            raise Forbidden(
                "withdrawSubmission: only its submitter or the talent may withdraw it",
                field="submissionId",
            )
        with field_errors():
            submission.withdraw(principal.sub)
        return await self._save_submission(principal, submission, "withdrawSubmission")

    async def _decide(
        self,
        principal: Principal,
        submission_id: str,
        action: str,
        step: Callable[[Submission], Callable[[str], object]],
    ) -> Submission:
        """One of casting's decisions on a submission to a role of the caller's organisation."""
        authz.require(principal, PERMISSIONS[action], action)
        submission = await self._submission(principal, submission_id)
        if submission.org_id != principal.org:
            raise UserError("unknown submission", field="submissionId", code="NOT_FOUND")
        with field_errors():
            changed = step(submission)(principal.sub)
        if changed is False:  # nothing to write (a second look)
            return submission
        return await self._save_submission(principal, submission, action)

    async def _submission(self, principal: Principal, submission_id: str) -> Submission:
        with field_errors():
            model.check_ids({"submissionId": submission_id})
        found = (await self.submissions(principal, [submission_id])).get(submission_id)
        if found is None:
            raise UserError("unknown submission", field="submissionId", code="NOT_FOUND")
        return found

    async def _save_submission(
        self, principal: Principal, submission: Submission, action: str
    ) -> Submission:
        return await self._write(
            principal,
            action,
            self._store.save(submission),
            "submissionId",
            _changed("submission", action),
        )

    async def submissions(self, principal: Principal, ids: Sequence[str]) -> dict[str, Submission]:
        """Submissions by id the caller may see: its organisation owns the role or made the
        submission, or the caller is the talent submitted."""
        found = await self._store.submissions(_possible(ids))
        return {i: s for i, s in found.items() if _sees(principal, s)}

    async def submissions_of_roles(
        self, principal: Principal, role_ids: Sequence[str]
    ) -> list[Submission]:
        """The submissions to these roles the caller sees, in two queries whatever the number
        of roles: all of them for the organisation that owns a role, else the ones it made."""
        wanted = _possible(role_ids)
        owned = await self._store.submissions_of_roles(principal.org, wanted, as_owner=True)
        made = await self._store.submissions_of_roles(principal.org, wanted, as_owner=False)
        return list({s.id: s for s in (*owned, *made)}.values())

    # --- auditions -------------------------------------------------------------------------

    async def create_audition_session(
        self,
        principal: Principal,
        *,
        production_id: str,
        date: str,
        timezone: str,
        start: str,
        end: str,
        slot_minutes: int,
        rooms: Sequence[str],
        kind: str = SessionKind.AUDITION.value,
    ) -> AuditionSession:
        """A dated audition (or callback) session of one of the caller's productions."""
        authz.require(principal, PERMISSIONS["createAuditionSession"], "createAuditionSession")
        with field_errors():
            model.check_ids({"productionId": production_id})
            draft = model_auditions.validate_session(
                day=date,
                timezone=timezone,
                start=start,
                end=end,
                slot_minutes=slot_minutes,
                rooms=rooms,
                kind=kind,
                today=datetime.now(UTC).date(),
            )
        production = await self._production_known(principal.org, production_id)
        session = await self._store.add(
            AuditionSession.create(
                id=new_id("aud"), org_id=principal.org, production_id=production.id, draft=draft
            )
        )
        await self._audit.record(principal, "createAuditionSession", session.id)
        return session

    async def invite_to_audition(
        self,
        principal: Principal,
        *,
        session_id: str,
        submission_id: str,
        room: str | None = None,
        start: str | None = None,
    ) -> AuditionInvitation:
        """Invite a submitted talent to a slot of a session (the one asked for, or the first
        free one): never two in one slot of a room, never the talent in two places at once
        (any organisation's invitations count); a callback only after an accepted audition."""
        authz.require(principal, PERMISSIONS["inviteToAudition"], "inviteToAudition")
        problems: list[model.Problem] = []
        with field_errors():
            model.check_ids({"sessionId": session_id, "submissionId": submission_id})
            starts_at = model.parse_instant(start, "start", problems) if start else None
            if problems:
                raise model.Invalid(problems)
        session = (await self._store.audition_sessions(principal.org, [session_id])).get(session_id)
        if session is None:
            raise UserError("unknown audition session", field="sessionId", code="NOT_FOUND")
        submission = await self._submission(principal, submission_id)
        if submission.org_id != principal.org:
            raise UserError("unknown submission", field="submissionId", code="NOT_FOUND")
        slots = session.slots()
        first, last = slots[0].starts_at, max(s.ends_at for s in slots)
        booked = await self._store.invitations_by("session_id", [session.id])
        taken = [
            (i.room, i.starts_at) for i in booked if i.status in model_auditions.ACTIVE_INVITATIONS
        ]
        elsewhere = await self._store.talent_expected(submission.talent_id, first, last)
        earlier = await self._store.invitations_by("submission_id", [submission.id])
        auditioned = any(
            i.kind == SessionKind.AUDITION and i.status == InvitationStatus.ACCEPTED
            for i in earlier
        )
        with field_errors():
            slot = session.choose_slot(
                taken=taken,
                talent_busy=[(i.starts_at, i.ends_at) for i in elsewhere],
                room=room,
                starts_at=starts_at,
            )
            invitation = AuditionInvitation.invite(
                id=_slot_id(session.id, slot.room, slot.starts_at),
                session=session,
                submission=submission,
                slot=slot,
                auditioned=auditioned,
                by=principal.sub,
            )
        previous = (await self._store.invitations([invitation.id])).get(invitation.id)
        if previous is not None:
            with field_errors():
                previous.reinvite(invitation)
        return await self._write(
            principal,
            "inviteToAudition",
            self._store.save(previous) if previous is not None else self._store.add(invitation),
            "sessionId",
            "the slot was taken meanwhile; retry",
        )

    async def respond_to_audition(
        self, principal: Principal, *, invitation_id: str, accept: bool
    ) -> AuditionInvitation:
        """The talent (or their agency's staff) accepts or declines an invitation, once."""
        authz.require(principal, PERMISSIONS["respondToAudition"], "respondToAudition")
        with field_errors():
            model.check_ids({"invitationId": invitation_id})
        invitation = (await self._store.invitations([invitation_id])).get(invitation_id)
        if invitation is None or not _answers_for(principal, invitation):
            raise UserError("unknown invitation", field="invitationId", code="NOT_FOUND")
        with field_errors():
            invitation.respond(accept, principal.sub)
        return await self._write(
            principal,
            "respondToAudition",
            self._store.save(invitation),
            "invitationId",
            _changed("invitation", "respondToAudition"),
        )

    async def request_self_tape(
        self, principal: Principal, *, submission_id: str, due_at: str, instructions: str = ""
    ) -> SelfTapeRequest:
        """Ask a talent submitted to one of the caller's roles for a self-tape by a due time."""
        authz.require(principal, PERMISSIONS["requestSelfTape"], "requestSelfTape")
        with field_errors():
            model.check_ids({"submissionId": submission_id})
            due = model_auditions.parse_due(due_at)
        submission = await self._submission(principal, submission_id)
        if submission.org_id != principal.org:
            raise UserError("unknown submission", field="submissionId", code="NOT_FOUND")
        with field_errors():
            request = SelfTapeRequest.request(
                id=new_id("tap"),
                submission=submission,
                instructions=instructions,
                due_at=due,
                now=datetime.now(UTC),
                by=principal.sub,
            )
        saved = await self._store.add(request)
        await self._audit.record(principal, "requestSelfTape", saved.id)
        return saved

    async def deliver_self_tape(
        self, principal: Principal, *, request_id: str, url: str
    ) -> SelfTapeRequest:
        """The talent (or their agency's staff) hands in the tape's link; a late one is taken
        and marked late."""
        authz.require(principal, PERMISSIONS["deliverSelfTape"], "deliverSelfTape")
        with field_errors():
            model.check_ids({"requestId": request_id})
        request = (await self._store.self_tapes([request_id])).get(request_id)
        if request is None or not _answers_for(principal, request):
            raise UserError("unknown self-tape request", field="requestId", code="NOT_FOUND")
        with field_errors():
            request.deliver(url, at=datetime.now(UTC), by=principal.sub)
        return await self._write(
            principal,
            "deliverSelfTape",
            self._store.save(request),
            "requestId",
            _changed("request", "deliverSelfTape"),
        )

    async def audition_sessions(
        self, org_id: str, ids: Sequence[str]
    ) -> dict[str, AuditionSession]:
        """The organisation's audition sessions by id."""
        return await self._store.audition_sessions(org_id, _possible(ids))

    async def invitations_of_sessions(
        self, principal: Principal, session_ids: Sequence[str]
    ) -> list[AuditionInvitation]:
        found = await self._store.invitations_by("session_id", _possible(session_ids))
        return [i for i in found if i.org_id == principal.org]

    async def invitations_of_submissions(
        self, principal: Principal, submission_ids: Sequence[str]
    ) -> list[AuditionInvitation]:
        found = await self._store.invitations_by("submission_id", _possible(submission_ids))
        return [i for i in found if i.org_id == principal.org or _answers_for(principal, i)]

    async def self_tapes_of_submissions(
        self, principal: Principal, submission_ids: Sequence[str]
    ) -> list[SelfTapeRequest]:
        found = await self._store.self_tapes_of(_possible(submission_ids))
        return [r for r in found if r.org_id == principal.org or _answers_for(principal, r)]

    # --- talent --------------------------------------------------------------------------

    async def register_talent(
        self, principal: Principal, *, name: str, email: str, date_of_birth: str, union: str
    ) -> Talent:
        """A network-wide talent profile; the birth date is stored only encrypted. Casting staff
        register anyone; a talent registers one profile only, their own (issue 8, finding 4)."""
        authz.require(principal, PERMISSIONS["registerTalent"], "registerTalent")
        # Staff (writers) register anyone; a caller with only the talent role registers one
        # profile, their own, under the id their token names.
        own = None if principal.has_any(*WRITERS) else _own_profile_id(principal)
        today = datetime.now(UTC).date()
        with field_errors():
            draft = model.validate_talent(name, email, date_of_birth, union, today)
        if own is not None and await self._store.talent(own) is not None:
            raise _profile_exists(own)
        talent_id = own or new_id("tal")
        sealed = self._cipher.encrypt(draft.date_of_birth.isoformat(), aad=talent_id)
        try:
            talent = await self._store.add(
                Talent.register(
                    id=talent_id, org_id=principal.org, draft=draft, sealed_date_of_birth=sealed
                )
            )
        except DuplicateKey:
            raise _profile_exists(talent_id) from None
        await self._audit.record(principal, "registerTalent", talent.id)
        return talent

    async def update_talent_profile(
        self, principal: Principal, *, talent_id: str, changes: model.ProfileChanges
    ) -> Talent:
        """The talent edits their own profile (staff of the organisation that registered them
        may too); only the fields given change. Announced as talent.profile_updated."""
        authz.require(principal, PERMISSIONS["updateTalentProfile"], "updateTalentProfile")
        with field_errors():
            model.check_ids({"talentId": talent_id})
        talent = await self._store.talent(talent_id)
        if talent is None:
            raise UserError("unknown talent", field="talentId", code="NOT_FOUND")
        if not (
            principal.is_talent(talent.id)
            or (principal.has_any(*WRITERS) and principal.org == talent.org_id)
        ):
            raise Forbidden(
                "updateTalentProfile: a talent edits only their own profile", field="talentId"
            )
        with field_errors():
            changed = talent.update_profile(
                model.validate_profile(talent.profile, changes), principal.sub
            )
        if not changed:
            return talent
        return await self._write(
            principal,
            "updateTalentProfile",
            self._store.save(talent),
            "talentId",
            _changed("profile", "updateTalentProfile"),
        )

    async def set_talent_note(
        self, principal: Principal, *, talent_id: str, note: str, rating: int | None
    ) -> TalentNote:
        """The caller's organisation's private note and rating (1-5) of a talent; no other
        organisation ever reads it."""
        authz.require(principal, PERMISSIONS["setTalentNote"], "setTalentNote")
        with field_errors():
            model.check_ids({"talentId": talent_id})
            model.validate_private_note(note, rating)
        if await self._store.talent(talent_id) is None:
            raise UserError("unknown talent", field="talentId", code="NOT_FOUND")
        note_id = _note_id(principal.org, talent_id)
        current = (await self._store.talent_notes(principal.org, [note_id])).get(note_id)
        entry = current or TalentNote(id=note_id, org_id=principal.org, talent_id=talent_id)
        with field_errors():
            entry.set(note, rating)
        return await self._write(
            principal,
            "setTalentNote",
            self._store.save(entry) if current else self._store.add(entry),
            "talentId",
            _changed("note", "setTalentNote"),
            audited=talent_id,
        )

    async def talent_notes(
        self, principal: Principal, talent_ids: Sequence[str]
    ) -> dict[str, TalentNote]:
        """The caller's organisation's notes on these talent, by talent id (staff only)."""
        if not principal.has_any(*PERMISSIONS["Talent.privateNote"]):
            return {}
        ids = {_note_id(principal.org, t): t for t in _possible(talent_ids)}
        found = await self._store.talent_notes(principal.org, list(ids))
        return {ids[i]: n for i, n in found.items()}

    def age_of(self, principal: Principal, talent: Talent, on: date | None = None) -> int | None:
        """Age today, from the sealed birth date: for the talent and for staff; None otherwise.
        The date itself is never shown to casting."""
        if not (principal.is_talent(talent.id) or principal.has_any(*PERMISSIONS["Talent.age"])):
            return None
        return model.age_on(self._date_of_birth(talent), on or datetime.now(UTC).date())

    def sees_agent_contact(self, principal: Principal, talent: Talent) -> bool:
        return principal.is_talent(talent.id) or principal.has_any(
            *PERMISSIONS["Talent.representation.contact"]
        )

    # --- search ------------------------------------------------------------------------------

    async def search_talent(
        self,
        principal: Principal,
        *,
        text: str | None = None,
        union_status: str | None = None,
        age_min: int | None = None,
        age_max: int | None = None,
        age_on: str | None = None,
        skills: Sequence[str] = (),
        languages: Sequence[str] = (),
        home_base: str | None = None,
        available_on: Sequence[str] = (),
        first: int,
        offset: int = 0,
    ) -> TalentPage:
        """Talent by relevance to the words over name, skills and bio, filtered by union status,
        age range on a date, skills, languages, home base and (scheduling's answer, for the
        AVAILABILITY_CANDIDATES best matches) availability on dates; a page from `offset`."""
        authz.require(principal, PERMISSIONS["searchTalent"], "searchTalent")
        with field_errors():
            query = model_search.validate_query(
                text=text,
                union_status=union_status,
                age_min=age_min,
                age_max=age_max,
                age_on=age_on,
                skills=skills,
                languages=languages,
                home_base=home_base,
                available_on=available_on,
                today=datetime.now(UTC).date(),
            )
        index = await self._refreshed_index()
        if not query.available_on:
            ids, total = index.search(query, limit=first, offset=offset)
        else:
            candidates, _ = index.search(query, limit=AVAILABILITY_CANDIDATES, offset=0)
            free = await self._available(principal, candidates, query.available_on)
            total, ids = len(free), free[offset : offset + first]
        found = await self._store.talents(ids)
        talent = [found[i] for i in ids if i in found]
        more = offset + len(ids) < total
        return TalentPage(
            talent=talent, total=total, next_offset=offset + len(ids) if more else None
        )

    async def _available(
        self, principal: Principal, talent_ids: Sequence[str], dates: Sequence[date]
    ) -> list[str]:
        """The talent scheduling sees free (no blocking conflict) on every one of `dates`."""
        gate = asyncio.Semaphore(AVAILABILITY_QUESTIONS)

        async def free(talent_id: str) -> bool:
            async with gate:
                conflicts = await self._peers.availability(principal.org, talent_id, dates)
            return not any(c.blocking for c in conflicts)

        answers = await asyncio.gather(*(free(t) for t in talent_ids))
        return [t for t, ok in zip(talent_ids, answers, strict=True) if ok]

    async def _refreshed_index(self) -> TalentSearch:
        """The index, caught up with every talent written since it last looked (the first time:
        all of them). Each replica keeps its own; the store is the feed every replica shares."""
        if self._search is None:
            raise UserError("search is not available", code="UNAVAILABLE")
        index = self._search
        async with self._search_lock:
            mark = self._search_mark
            since = None if mark is None else mark - SEARCH_OVERLAP
            after = ""
            while True:
                batch = await self._store.talent_changed_since(since, SEARCH_BATCH, after)
                fresh = [t for t, _ in batch if self._indexed.get(t.id) != t.version]
                index.put([IndexedTalent.of(t, self._date_of_birth(t)) for t in fresh])
                self._indexed.update((t.id, t.version) for t in fresh)
                if batch:
                    last, written = batch[-1]
                    mark = written if mark is None else max(mark, written)
                if len(batch) < SEARCH_BATCH:
                    break
                # the next page starts after the last talent read (by instant, then id)
                since, after = written, last.id
            self._search_mark = mark
        return index

    def _date_of_birth(self, talent: Talent) -> date:
        return date.fromisoformat(self._cipher.decrypt(talent.sealed_date_of_birth, aad=talent.id))

    # --- bookings ------------------------------------------------------------------------

    async def hold_talent(
        self,
        principal: Principal,
        *,
        role_id: str,
        talent_id: str,
        rank: int | None = None,
        expires_at: str | None = None,
    ) -> Booking:
        """Put talent on hold for a role at a rank (by default behind the role's other holds)
        until a set time (by default when the work starts), if scheduling sees no hard conflict
        on its dates."""
        authz.require(principal, PERMISSIONS["holdTalent"], "holdTalent")
        problems: list[model.Problem] = []
        with field_errors():
            model.check_ids({"roleId": role_id, "talentId": talent_id})
            lapses = (
                model.parse_instant(expires_at, "expiresAt", problems)
                if expires_at is not None
                else None
            )
            if problems:
                raise model.Invalid(problems)
        role = await self._store.role(principal.org, role_id)
        if role is None:
            raise UserError("unknown role", field="roleId", code="NOT_FOUND")
        talent = await self._store.talent(talent_id)
        if talent is None:
            raise UserError("unknown talent", field="talentId", code="NOT_FOUND")
        existing = await self._store.bookings_of_talent_for_role(principal.org, role_id, talent_id)
        for again in (b for b in existing if b.same_hold(principal.sub, rank, lapses)):
            # A retry of a hold that was stored though its answer was lost (the database
            # restarted before the audit record): the same answer, and the record it lacked.
            await self._audit_once(principal, "holdTalent", again.id)
            return again
        active = await self._store.active_bookings_of_role(principal.org, role_id)
        with field_errors():
            booking = Booking.hold(
                id=new_id("bkg"),
                role=role,
                talent=talent,
                date_of_birth=self._date_of_birth(talent),
                existing=existing,
                active=active,
                rank=rank,
                expires_at=lapses,
                now=datetime.now(UTC),
                by=principal.sub,
            )
        await self._refuse_conflicts(booking)
        await self._claim(role)
        held = await self._store.add(booking)
        await self._audit.record(principal, "holdTalent", held.id)
        return held

    async def _audit_once(self, principal: Principal, action: str, target_id: str) -> None:
        records = await self._audit.for_target(principal.org, target_id)
        if not any(r["action"] == action for r in records):
            await self._audit.record(principal, action, target_id)

    async def _claim(self, role: Role) -> None:
        """Ranks are decided on the role as read: a second hold decided on the same reading
        (a concurrent one) is refused instead of taking the same rank."""
        try:
            await self._store.save(role)
        except ConcurrencyConflict:
            raise UserError(
                "the role's holds changed meanwhile; reload and retry",
                field="roleId",
                code="CONFLICT",
            ) from None

    async def confirm_booking(self, principal: Principal, *, booking_id: str) -> Booking:
        """Confirm a hold: not lapsed, ranked within the role's places, free of conflicts,
        cleared by legal, and still at the version read."""
        authz.require(principal, PERMISSIONS["confirmBooking"], "confirmBooking")
        booking = await self._booking(principal, booking_id)
        role = await self._store.role(principal.org, booking.role_id)
        with field_errors():
            booking.confirm(
                principal.sub, at=datetime.now(UTC), places=role.quantity if role else 1
            )
        await self._refuse_conflicts(booking)
        blocking = [i for i in await self._peers.compliance(booking) if i.blocking]
        if blocking:
            raise ValidationErrors(
                UserError(f"{i.code}: {i.message}", field="bookingId", code="FORBIDDEN")
                for i in blocking
            )
        return await self._save(principal, booking, "confirmBooking")

    async def release_booking(
        self, principal: Principal, *, booking_id: str, reason: str
    ) -> Booking:
        """Release a hold or a booking (a confirmed one owes the role's cancellation fee); the
        role's holds behind it move up. Subscribers learn both from the booking events."""
        authz.require(principal, PERMISSIONS["releaseBooking"], "releaseBooking")
        booking = await self._booking(principal, booking_id)
        with field_errors():
            booking.release(reason)
        released = await self._save(principal, booking, "releaseBooking")
        await self._close_ranks(principal, released.org_id, released.role_id)
        return released

    async def expire_holds(
        self, principal: Principal, *, at: datetime | None = None
    ) -> list[Booking]:
        """The sweep: every hold whose time is up is expired (EXPIRED, announced as released)
        and the holds behind it move up. Idempotent: an expired hold is not found again, and a
        hold another sweep expired meanwhile is skipped. A service caller sweeps every
        organisation, staff their own; at most SWEEP_BATCH holds per call."""
        authz.require(principal, PERMISSIONS["expireHolds"], "expireHolds")
        now = at or datetime.now(UTC)
        org = None if principal.has_any("service") else principal.org
        expired: list[Booking] = []
        for booking in await self._store.lapsed_holds(org, now, SWEEP_BATCH):
            booking.expire(now)
            try:
                saved = await self._store.save(booking)
            except ConcurrencyConflict:
                continue  # changed since it was read: confirmed, released or expired by another
            await self._audit.record(_within(principal, saved.org_id), "expireHolds", saved.id)
            expired.append(saved)
        for org_id, role_id in dict.fromkeys((b.org_id, b.role_id) for b in expired):
            await self._close_ranks(principal, org_id, role_id)
        return expired

    async def _close_ranks(self, principal: Principal, org_id: str, role_id: str) -> list[Booking]:
        """Move the role's holds up into the ranks left free (each promotion announced). Safe to
        repeat: a reading changed meanwhile is read again, and ranks already closed stay."""
        for _ in range(RANK_RETRIES):
            promoted = model.close_ranks(await self._store.active_bookings_of_role(org_id, role_id))
            try:
                saved = [await self._store.save(b) for b in promoted]
            except ConcurrencyConflict:
                continue
            for b in saved:
                await self._audit.record(_within(principal, org_id), "promoteHold", b.id)
            return saved
        return []

    async def _booking(self, principal: Principal, booking_id: str) -> Booking:
        with field_errors():
            model.check_ids({"bookingId": booking_id})
        booking = await self._store.booking(principal.org, booking_id)
        if booking is None:
            raise UserError("unknown booking", field="bookingId", code="NOT_FOUND")
        return booking

    async def _refuse_conflicts(self, booking: Booking) -> None:
        blocking = [c for c in await self._peers.conflicts(booking) if c.blocking]
        if blocking:
            raise ValidationErrors(
                UserError(
                    f"talent unavailable on {c.date}: {c.reason}", field="talentId", code="CONFLICT"
                )
                for c in blocking
            )

    async def _save(self, principal: Principal, booking: Booking, action: str) -> Booking:
        """Save a transition and its event only if the booking is still at the version read."""
        return await self._write(
            principal, action, self._store.save(booking), "bookingId", _changed("booking", action)
        )

    # --- reads ---------------------------------------------------------------------------

    async def talents(self, principal: Principal, ids: Sequence[str]) -> dict[str, Talent]:
        """Talent profiles by id, whoever registered them: every organisation casts from the
        same network (their personal fields are guarded one by one below)."""
        return await self._store.talents(_possible(ids))

    async def roles(self, principal: Principal, ids: Sequence[str]) -> dict[str, Role]:
        """Roles by id the caller may see: every role of their organisation, and another
        organisation's once published (a draft of another organisation is absent)."""
        wanted = _possible(ids)
        own = await self._store.roles(principal.org, wanted)
        others = [i for i in wanted if i not in own]
        if others:
            own.update(await self._store.public_roles(others))
        return own

    async def breakdowns(
        self, principal: Principal, *, first: int, after: str | None
    ) -> list[Role]:
        """Published roles of every organisation, a page in id order after `after`."""
        if after is not None and len(after) > model.MAX_ID:
            return []
        return await self._store.published_roles(None, first, after)

    async def bookings(self, principal: Principal, ids: Sequence[str]) -> dict[str, Booking]:
        """The caller's organisation's bookings by id (others' are absent); a talent sees only
        their own."""
        found = await self._store.bookings(principal.org, _possible(ids))
        return {k: b for k, b in found.items() if _may_see(principal, b)}

    async def roles_of_productions(
        self, principal: Principal, production_ids: Sequence[str]
    ) -> list[Role]:
        """The roles of these productions of the caller's organisation."""
        return await self._store.roles_of_productions(principal.org, _possible(production_ids))

    async def bookings_of_roles(
        self, principal: Principal, role_ids: Sequence[str]
    ) -> list[Booking]:
        """The holds and bookings of these roles of the caller's organisation (a talent's own)."""
        found = await self._store.bookings_of_roles(principal.org, _possible(role_ids))
        return [b for b in found if _may_see(principal, b)]

    async def bookings_of_productions(
        self, principal: Principal, production_ids: Sequence[str]
    ) -> list[Booking]:
        """Every hold and booking of these productions of the caller's organisation (a talent's
        own)."""
        found = await self._store.bookings_of_productions(principal.org, _possible(production_ids))
        return [b for b in found if _may_see(principal, b)]

    async def relationships(
        self, principal: Principal, talent_ids: Sequence[str]
    ) -> dict[str, Relationship]:
        """The caller's organisation's ties to each of these talent, in one round trip (no tie:
        `model.NO_RELATIONSHIP`)."""
        found = await self._store.relationships(principal.org, _possible(talent_ids))
        return {t: found.get(t, model.NO_RELATIONSHIP) for t in talent_ids}

    async def email_of(
        self, principal: Principal, talent: Talent, relationship: RelationshipOf
    ) -> str | None:
        """Contact email: the talent themselves, and casting staff of an organisation that
        holds or books the talent or registered them; no one else."""
        if principal.is_talent(talent.id):
            return talent.email
        if not principal.has_any(*PERMISSIONS["Talent.email"]):
            return None
        if talent.org_id == principal.org or (await relationship()).holds_or_books:
            return talent.email
        return None

    async def date_of_birth_of(
        self, principal: Principal, talent: Talent, relationship: RelationshipOf
    ) -> str:
        """Birth date: the talent themselves, and legal of an organisation that books them;
        masked (not even decrypted) for everyone else."""
        if principal.is_talent(talent.id) or (
            principal.has_any(*PERMISSIONS["Talent.dateOfBirth"]) and (await relationship()).books
        ):
            return self._date_of_birth(talent).isoformat()
        return DATE_MASK

    async def booking_events(
        self, principal: Principal, *, production_id: str
    ) -> AsyncIterator[BookingChange]:
        """Booking changes of one of the caller's productions, as they happen."""
        authz.require(principal, PERMISSIONS["bookingEvents"], "bookingEvents")
        with field_errors():
            model.check_ids({"productionId": production_id})
        await self._production_known(principal.org, production_id)
        if self._live is None:
            raise UserError("live events are not available", code="UNAVAILABLE")
        async with contextlib.aclosing(self._live()) as changes:
            async for change in changes:
                b = change.booking
                if b.org_id == principal.org and b.production_id == production_id:
                    yield change
