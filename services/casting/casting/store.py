"""Casting's collections: documents in, aggregates out, events written with the state they cause.

Each aggregate's document keeps the field names it has always had, so data written before the
aggregates existed reads back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar, overload

from slate.events import OutboxEvent
from slate.mongo import IndexSpec
from slate.repository import Aggregates, Database

from casting.domain.auditions import (
    ACTIVE_INVITATIONS,
    AuditionEvent,
    AuditionInvitation,
    AuditionSession,
    InvitationStatus,
    SelfTapeRequest,
    SelfTapeStatus,
    SessionKind,
)
from casting.domain.model import (
    ACTIVE_STATUSES,
    AnyEvent,
    Booking,
    BookingStatus,
    Breakdown,
    MediaItem,
    MediaKind,
    Money,
    Physical,
    Production,
    Profile,
    Rate,
    RateUnit,
    Relationship,
    Representation,
    Requirements,
    Role,
    RoleStatus,
    Submission,
    SubmissionStatus,
    Talent,
    TalentNote,
    Union,
    UnionStatus,
    Usage,
)

A = TypeVar(
    "A",
    Role,
    Talent,
    Booking,
    Submission,
    TalentNote,
    AuditionSession,
    AuditionInvitation,
    SelfTapeRequest,
)
# At most this many bookings are read to answer one batch of relationship questions.
RELATIONSHIPS_SCANNED = 10_000
Outbox = Callable[[AnyEvent | AuditionEvent], OutboxEvent | None]


class CastingStore:
    """Casting's aggregates on a `Database`. Everything of a production is scoped by org;
    talent profiles are network-wide (the casting network is shared across organisations)."""

    def __init__(self, database: Database, outbox: Outbox) -> None:
        self._database = database
        self._productions = database.repository("productions")
        self._roles = Aggregates(database.repository("roles"), outbox, _role_doc, _role)
        # Published breakdowns are seen network-wide (the org scope is in the query instead).
        self._all_roles = database.repository("roles", org_scoped=False)
        self._talent = Aggregates(
            database.repository("talent", org_scoped=False), outbox, _talent_doc, _talent
        )
        self._bookings = Aggregates(database.repository("bookings"), outbox, _booking_doc, _booking)
        # A submission belongs to the role's organisation and is seen by the submitter's too:
        # each query names the organisation it answers for.
        self._submissions = Aggregates(
            database.repository("submissions", org_scoped=False),
            outbox,
            _submission_doc,
            _submission,
        )
        self._notes = Aggregates(database.repository("talent_notes"), outbox, _note_doc, _note)
        self._sessions = Aggregates(
            database.repository("audition_sessions"), outbox, _session_doc, _session
        )
        # Invitations and tape requests are seen by the talent and their agency too.
        self._invitations = Aggregates(
            database.repository("audition_invitations", org_scoped=False),
            outbox,
            _invitation_doc,
            _invitation,
        )
        self._tapes = Aggregates(
            database.repository("self_tapes", org_scoped=False), outbox, _tape_doc, _tape
        )
        # The sweep reads every organisation's lapsed holds (it then saves each in its own org).
        self._all_bookings = database.repository("bookings", org_scoped=False)

    @property
    def outbox_collections(self) -> list[str]:
        """The collections whose documents carry events for the relay."""
        return [
            "roles",
            "talent",
            "bookings",
            "submissions",
            "audition_sessions",
            "audition_invitations",
            "self_tapes",
        ]

    async def ensure_indexes(self) -> None:
        roles, talent, bookings = self._roles.repo, self._talent.repo, self._bookings.repo
        await self._database.ensure_indexes(
            {
                "productions": self._productions.indexes(),
                "roles": [
                    *roles.indexes(),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                    IndexSpec([("status", 1), ("_id", 1)]),
                ],
                "talent": [
                    *talent.indexes(),
                    IndexSpec([("email", 1)]),
                    IndexSpec([("updated_at", 1)]),
                    IndexSpec([("updated_at", 1), ("_id", 1)]),
                ],
                "talent_notes": self._notes.repo.indexes(),
                "audition_sessions": self._sessions.repo.indexes(),
                "audition_invitations": [
                    *self._invitations.repo.indexes(),
                    IndexSpec([("session_id", 1)]),
                    IndexSpec([("submission_id", 1)]),
                    IndexSpec([("talent_id", 1), ("starts_at", 1)]),
                ],
                "self_tapes": [*self._tapes.repo.indexes(), IndexSpec([("submission_id", 1)])],
                "submissions": [
                    *self._submissions.repo.indexes(),
                    IndexSpec([("org_id", 1), ("role_id", 1)]),
                    IndexSpec([("submitted_by_org", 1), ("role_id", 1)]),
                    IndexSpec([("talent_id", 1)]),
                ],
                "bookings": [
                    *bookings.indexes(),
                    IndexSpec([("org_id", 1), ("role_id", 1)]),
                    IndexSpec([("org_id", 1), ("production_id", 1)]),
                    IndexSpec([("talent_id", 1)]),
                    IndexSpec([("org_id", 1), ("talent_id", 1)]),
                    IndexSpec([("status", 1), ("expires_at", 1)]),
                ],
            }
        )

    # --- writes ---------------------------------------------------------------------------

    async def add(self, aggregate: A) -> A:
        """Insert a new aggregate (version 1) with its pending events, which it then clears."""
        return await self._of(aggregate).add(aggregate)

    async def save(self, aggregate: A) -> A:
        """Write an aggregate's state and pending events only if it is still at the version it
        was loaded at (ConcurrencyConflict otherwise); it then clears its events."""
        return await self._of(aggregate).save(aggregate)

    @overload
    def _of(self, aggregate: Role) -> Aggregates[Role]: ...
    @overload
    def _of(self, aggregate: Talent) -> Aggregates[Talent]: ...
    @overload
    def _of(self, aggregate: Booking) -> Aggregates[Booking]: ...
    @overload
    def _of(self, aggregate: Submission) -> Aggregates[Submission]: ...
    @overload
    def _of(self, aggregate: TalentNote) -> Aggregates[TalentNote]: ...
    @overload
    def _of(self, aggregate: AuditionSession) -> Aggregates[AuditionSession]: ...
    @overload
    def _of(self, aggregate: AuditionInvitation) -> Aggregates[AuditionInvitation]: ...
    @overload
    def _of(self, aggregate: SelfTapeRequest) -> Aggregates[SelfTapeRequest]: ...

    def _of(self, aggregate: Any) -> Aggregates[Any]:
        if isinstance(aggregate, AuditionSession):
            return self._sessions
        if isinstance(aggregate, AuditionInvitation):
            return self._invitations
        if isinstance(aggregate, SelfTapeRequest):
            return self._tapes
        if isinstance(aggregate, Submission):
            return self._submissions
        if isinstance(aggregate, TalentNote):
            return self._notes
        if isinstance(aggregate, Role):
            return self._roles
        if isinstance(aggregate, Talent):
            return self._talent
        return self._bookings

    async def remember_production(self, production: Production) -> None:
        """Keep the local copy of a production (a read model: no events; replays are harmless)."""
        await self._productions.upsert(
            production.org_id, production.id, _production_doc(production)
        )

    # --- reads ----------------------------------------------------------------------------

    async def production(self, org_id: str, production_id: str) -> Production | None:
        doc = await self._productions.get(org_id, production_id)
        return _production(doc) if doc is not None else None

    async def role(self, org_id: str, role_id: str) -> Role | None:
        return await self._roles.get(org_id, role_id)

    async def roles(self, org_id: str, ids: Sequence[str]) -> dict[str, Role]:
        return await self._roles.get_many(org_id, ids)

    async def public_roles(self, ids: Sequence[str]) -> dict[str, Role]:
        """Roles any organisation may see, by id: published or closed ones (not drafts)."""
        docs = await self._all_roles.find(
            "",
            {
                "_id": {"$in": list(ids)},
                "status": {"$in": [RoleStatus.PUBLISHED.value, RoleStatus.CLOSED.value]},
            },
            limit=len(ids),
        )
        return {d["_id"]: _role(d) for d in docs}

    async def published_roles(
        self, ids: Sequence[str] | None, first: int, after: str | None
    ) -> list[Role]:
        """Published roles of every organisation in id order, a page after `after` (or those
        among `ids`)."""
        query: dict[str, Any] = {"status": RoleStatus.PUBLISHED.value}
        if ids is not None:
            query["_id"] = {"$in": list(ids)}
        docs = await self._all_roles.find("", query, sort=[("_id", 1)], limit=first, after=after)
        return [_role(d) for d in docs]

    async def roles_of_productions(self, org_id: str, production_ids: Sequence[str]) -> list[Role]:
        return await self._roles.find_in(org_id, "production_id", production_ids)

    async def talent(self, talent_id: str) -> Talent | None:
        return await self._talent.get("", talent_id)

    async def talents(self, ids: Sequence[str]) -> dict[str, Talent]:
        return await self._talent.get_many("", ids)

    async def submission(self, submission_id: str) -> Submission | None:
        """A submission by id, whichever organisation's (the use case checks who may see it)."""
        return await self._submissions.get("", submission_id)

    async def submissions(self, ids: Sequence[str]) -> dict[str, Submission]:
        return await self._submissions.get_many("", ids)

    async def submissions_of_roles(
        self, org_id: str, role_ids: Sequence[str], *, as_owner: bool
    ) -> list[Submission]:
        """The submissions to these roles that `org_id` sees: every one when it owns the roles,
        else the ones it made."""
        owner_field = "org_id" if as_owner else "submitted_by_org"
        return await self._submissions.find(
            "", {owner_field: org_id, "role_id": {"$in": list(role_ids)}}, limit=20_000
        )

    async def submissions_by(
        self, org_id: str, talent_id: str | None, first: int, after: str | None
    ) -> list[Submission]:
        """Submissions an organisation made (or, with `talent_id`, of that talent), id order."""
        query: dict[str, Any] = (
            {"talent_id": talent_id} if talent_id is not None else {"submitted_by_org": org_id}
        )
        return await self._submissions.find("", query, sort=[("_id", 1)], limit=first, after=after)

    async def talent_notes(self, org_id: str, ids: Sequence[str]) -> dict[str, TalentNote]:
        """The organisation's private notes by note id (others' are never read)."""
        return await self._notes.get_many(org_id, ids)

    async def talent_changed_since(
        self, since: datetime | None, limit: int, after_id: str = ""
    ) -> list[tuple[Talent, datetime]]:
        """Talent written after `since` or at that instant with an id after `after_id` (every
        one when `since` is None), in write order then id order, each with when it was written:
        what the search index catches up from. The id breaks ties, so a page boundary inside
        many writes of one instant (a bulk import) loses none of them."""
        query: dict[str, Any] = (
            {}
            if since is None
            else {
                "$or": [
                    {"updated_at": {"$gt": since}},
                    {"updated_at": since, "_id": {"$gt": after_id}},
                ]
            }
        )
        docs = await self._talent.repo.find(
            "", query, sort=[("updated_at", 1), ("_id", 1)], limit=limit
        )
        out = []
        for d in docs:
            written = _utc(d.get("updated_at"))
            assert written is not None
            out.append((_talent(d), written))
        return out

    async def audition_sessions(
        self, org_id: str, ids: Sequence[str]
    ) -> dict[str, AuditionSession]:
        return await self._sessions.get_many(org_id, ids)

    async def invitations(self, ids: Sequence[str]) -> dict[str, AuditionInvitation]:
        return await self._invitations.get_many("", ids)

    async def invitations_by(self, field: str, values: Sequence[str]) -> list[AuditionInvitation]:
        """Invitations whose `field` (session_id, submission_id) is one of `values`."""
        return await self._invitations.find_in("", field, values)

    async def talent_expected(
        self, talent_id: str, starts_at: datetime, ends_at: datetime
    ) -> list[AuditionInvitation]:
        """The talent's live invitations (any organisation's) overlapping a time range."""
        return await self._invitations.find(
            "",
            {
                "talent_id": talent_id,
                "status": {"$in": sorted(s.value for s in ACTIVE_INVITATIONS)},
                "starts_at": {"$lt": ends_at},
                "ends_at": {"$gt": starts_at},
            },
            limit=1000,
        )

    async def self_tapes(self, ids: Sequence[str]) -> dict[str, SelfTapeRequest]:
        return await self._tapes.get_many("", ids)

    async def self_tapes_of(self, submission_ids: Sequence[str]) -> list[SelfTapeRequest]:
        return await self._tapes.find_in("", "submission_id", submission_ids)

    async def booking(self, org_id: str, booking_id: str) -> Booking | None:
        return await self._bookings.get(org_id, booking_id)

    async def bookings(self, org_id: str, ids: Sequence[str]) -> dict[str, Booking]:
        return await self._bookings.get_many(org_id, ids)

    async def bookings_of_roles(self, org_id: str, role_ids: Sequence[str]) -> list[Booking]:
        return await self._bookings.find_in(org_id, "role_id", role_ids)

    async def bookings_of_productions(
        self, org_id: str, production_ids: Sequence[str]
    ) -> list[Booking]:
        return await self._bookings.find_in(org_id, "production_id", production_ids)

    async def relationships(
        self, org_id: str, talent_ids: Sequence[str]
    ) -> dict[str, Relationship]:
        """The organisation's ties to each of these talent, from its active holds and bookings,
        in one query; a talent it has none with is absent. Past RELATIONSHIPS_SCANNED bookings
        the rest count as no tie (personal data stays hidden, never shown by mistake)."""
        docs = await self._bookings.repo.find(
            org_id,
            {
                "talent_id": {"$in": list(talent_ids)},
                "status": {"$in": sorted(s.value for s in ACTIVE_STATUSES)},
            },
            limit=RELATIONSHIPS_SCANNED,
        )
        statuses: dict[str, set[BookingStatus]] = {}
        for doc in docs:
            statuses.setdefault(doc["talent_id"], set()).add(BookingStatus(doc["status"]))
        return {t: Relationship.of_statuses(found) for t, found in statuses.items()}

    async def active_bookings_of_role(self, org_id: str, role_id: str) -> list[Booking]:
        """The role's holds and bookings that hold a rank (ON_HOLD or BOOKED)."""
        return await self._bookings.find(
            org_id,
            {"role_id": role_id, "status": {"$in": sorted(s.value for s in ACTIVE_STATUSES)}},
            limit=1000,
        )

    async def lapsed_holds(self, org_id: str | None, at: datetime, limit: int) -> list[Booking]:
        """Holds whose time is up at `at`, oldest expiry first: the organisation's, or every
        organisation's when `org_id` is None (the sweep's service caller)."""
        query = {"status": BookingStatus.ON_HOLD.value, "expires_at": {"$lte": at}}
        if org_id is None:
            docs = await self._all_bookings.find("", query, sort=[("expires_at", 1)], limit=limit)
            return [_booking(d) for d in docs]
        return await self._bookings.find(org_id, query, sort=[("expires_at", 1)], limit=limit)

    async def bookings_of_talent_for_role(
        self, org_id: str, role_id: str, talent_id: str
    ) -> list[Booking]:
        return await self._bookings.find(
            org_id, {"role_id": role_id, "talent_id": talent_id}, limit=100
        )


# --------------------------------------------------------------------------- mapping


def _rate_doc(rate: Rate) -> dict[str, str]:
    return {"amount": str(rate.amount), "currency": rate.currency, "unit": str(rate.unit)}


def _rate(doc: Mapping[str, Any]) -> Rate:
    return Rate(amount=Decimal(doc["amount"]), currency=doc["currency"], unit=RateUnit(doc["unit"]))


def _dates(raw: Sequence[str]) -> tuple[date, ...]:
    return tuple(date.fromisoformat(d) for d in raw)


def _production_doc(p: Production) -> dict[str, Any]:
    return {
        "title": p.title,
        "client": p.client,
        "kind": p.kind,
        "timezone": p.timezone,
        "stage": p.stage,
    }


def _production(doc: Mapping[str, Any]) -> Production:
    return Production(
        id=doc["_id"],
        org_id=doc["org_id"],
        title=doc.get("title", ""),
        client=doc.get("client", ""),
        kind=doc.get("kind", ""),
        timezone=doc.get("timezone", ""),
        stage=doc.get("stage", ""),
        version=int(doc.get("version", 1)),
    )


def _role_doc(r: Role) -> dict[str, Any]:
    return {
        "_id": r.id,
        "org_id": r.org_id,
        "production_id": r.production_id,
        "production_timezone": r.production_timezone,
        "name": r.name,
        "rate": _rate_doc(r.rate),
        "work_dates": [d.isoformat() for d in r.work_dates],
        "quantity": r.quantity,
        "cancellation_fee": str(r.cancellation_fee),
        "status": r.status.value,
        "breakdown": _breakdown_doc(r.breakdown),
    }


def _breakdown_doc(b: Breakdown) -> dict[str, Any]:
    req, usage = b.requirements, b.usage
    return {
        "description": b.description,
        "age_min": req.age_min,
        "age_max": req.age_max,
        "skills": list(req.skills),
        "union": req.union.value if req.union is not None else None,
        "media": list(usage.media),
        "territory": usage.territory,
        "term": usage.term,
        "submission_deadline": b.submission_deadline,
    }


def _breakdown(doc: Mapping[str, Any] | None) -> Breakdown:
    if not doc:  # roles stored before breakdowns
        return Breakdown()
    return Breakdown(
        description=doc.get("description", ""),
        requirements=Requirements(
            age_min=doc.get("age_min"),
            age_max=doc.get("age_max"),
            skills=tuple(doc.get("skills", ())),
            union=Union(doc["union"]) if doc.get("union") else None,
        ),
        usage=Usage(
            media=tuple(doc.get("media", ())),
            territory=doc.get("territory", ""),
            term=doc.get("term", ""),
        ),
        submission_deadline=_utc(doc.get("submission_deadline")),
    )


def _role(doc: Mapping[str, Any]) -> Role:
    return Role(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        production_timezone=doc.get("production_timezone", ""),
        name=doc["name"],
        rate=_rate(doc["rate"]),
        work_dates=_dates(doc["work_dates"]),
        quantity=int(doc.get("quantity", 1)),
        # Roles stored before their terms had a fee: one unit of the rate, the default.
        cancellation_fee=Decimal(doc.get("cancellation_fee", doc["rate"]["amount"])),
        breakdown=_breakdown(doc.get("breakdown")),
        status=RoleStatus(doc.get("status", RoleStatus.DRAFT.value)),
        version=int(doc["version"]),
    )


def _talent_doc(t: Talent) -> dict[str, Any]:
    return {
        "_id": t.id,
        "name": t.name,
        "email": t.email,
        "union": t.union.value,
        "dob": dict(t.sealed_date_of_birth),
        "registered_by_org": t.org_id,
        "profile": _profile_doc(t.profile),
    }


def _profile_doc(p: Profile) -> dict[str, Any]:
    return {
        "pronouns": p.pronouns,
        "home_base": p.home_base,
        "union_status": p.union_status.value if p.union_status is not None else None,
        "skills": list(p.skills),
        "languages": list(p.languages),
        "physical": {
            "height_cm": p.physical.height_cm,
            "eyes": p.physical.eyes,
            "hair": p.physical.hair,
        },
        "bio": p.bio,
        "media": [
            {"url": m.url, "kind": m.kind.value, "caption": m.caption, "order": m.order}
            for m in p.media
        ],
        "representation": {
            "agency": p.representation.agency,
            "agent_name": p.representation.agent_name,
            "agent_email": p.representation.agent_email,
            "agent_phone": p.representation.agent_phone,
        },
    }


def _profile(doc: Mapping[str, Any] | None) -> Profile:
    if not doc:  # profiles stored before there were profiles
        return Profile()
    physical = doc.get("physical") or {}
    rep = doc.get("representation") or {}
    return Profile(
        pronouns=doc.get("pronouns", ""),
        home_base=doc.get("home_base", ""),
        union_status=UnionStatus(doc["union_status"]) if doc.get("union_status") else None,
        skills=tuple(doc.get("skills", ())),
        languages=tuple(doc.get("languages", ())),
        physical=Physical(
            height_cm=physical.get("height_cm"),
            eyes=physical.get("eyes", ""),
            hair=physical.get("hair", ""),
        ),
        bio=doc.get("bio", ""),
        media=tuple(
            MediaItem(m["url"], MediaKind(m["kind"]), m.get("caption", ""), m.get("order", 0))
            for m in doc.get("media", ())
        ),
        representation=Representation(
            agency=rep.get("agency", ""),
            agent_name=rep.get("agent_name", ""),
            agent_email=rep.get("agent_email", ""),
            agent_phone=rep.get("agent_phone", ""),
        ),
    )


def _note_doc(n: TalentNote) -> dict[str, Any]:
    return {
        "_id": n.id,
        "org_id": n.org_id,
        "talent_id": n.talent_id,
        "note": n.note,
        "rating": n.rating,
    }


def _note(doc: Mapping[str, Any]) -> TalentNote:
    return TalentNote(
        id=doc["_id"],
        org_id=doc["org_id"],
        talent_id=doc["talent_id"],
        note=doc.get("note", ""),
        rating=doc.get("rating"),
        version=int(doc["version"]),
    )


def _talent(doc: Mapping[str, Any]) -> Talent:
    return Talent(
        id=doc["_id"],
        org_id=doc.get("registered_by_org", ""),
        name=doc["name"],
        email=doc["email"],
        union=Union(doc.get("union", "NONE")),
        sealed_date_of_birth=dict(doc["dob"]),
        profile=_profile(doc.get("profile")),
        version=int(doc["version"]),
    )


def _booking_doc(b: Booking) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": b.id,
        "org_id": b.org_id,
        "production_id": b.production_id,
        "production_timezone": b.production_timezone,
        "role_id": b.role_id,
        "role_name": b.role_name,
        "talent_id": b.talent_id,
        "talent_name": b.talent_name,
        "union": b.union.value,
        "rate": _rate_doc(b.rate),
        "work_dates": [d.isoformat() for d in b.work_dates],
        "is_minor": b.is_minor,
        "age_band": b.age_band,
        "held_by": b.held_by,
        "status": b.status.value,
        "rank": b.rank,
        "cancellation_terms": str(b.cancellation_terms),
    }
    if b.confirmed_at is not None:
        doc["confirmed_at"] = b.confirmed_at
    if b.expires_at is not None:
        doc["expires_at"] = b.expires_at
    if b.cancellation_fee is not None:
        doc["cancellation_fee"] = {
            "amount": str(b.cancellation_fee.amount),
            "currency": b.cancellation_fee.currency,
        }
    return doc


def _utc(value: datetime | None) -> datetime | None:
    """MongoDB hands datetimes back naive (in UTC): make them aware again."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _booking(doc: Mapping[str, Any]) -> Booking:
    return Booking(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        production_timezone=doc.get("production_timezone", ""),
        role_id=doc["role_id"],
        role_name=doc["role_name"],
        talent_id=doc["talent_id"],
        talent_name=doc["talent_name"],
        union=Union(doc.get("union", "NONE")),
        rate=_rate(doc["rate"]),
        work_dates=_dates(doc["work_dates"]),
        is_minor=bool(doc.get("is_minor")),
        age_band=doc.get("age_band", ""),
        held_by=doc.get("held_by", ""),
        status=BookingStatus(doc["status"]),
        confirmed_at=_utc(doc.get("confirmed_at")),
        rank=int(doc.get("rank", 1)),  # bookings stored before holds were ranked
        expires_at=_utc(doc.get("expires_at")),
        cancellation_terms=Decimal(doc.get("cancellation_terms", "0")),
        cancellation_fee=(
            Money(Decimal(fee["amount"]), fee["currency"])
            if (fee := doc.get("cancellation_fee")) is not None
            else None
        ),
        version=int(doc["version"]),
    )


def _submission_doc(s: Submission) -> dict[str, Any]:
    return {
        "_id": s.id,
        "org_id": s.org_id,
        "role_id": s.role_id,
        "production_id": s.production_id,
        "talent_id": s.talent_id,
        "submitted_by_org": s.submitted_by_org,
        "submitted_by": s.submitted_by,
        "self_submitted": s.self_submitted,
        "note": s.note,
        "status": s.status.value,
        "shortlist_rank": s.shortlist_rank,
        "submitted_at": s.submitted_at,
    }


def _submission(doc: Mapping[str, Any]) -> Submission:
    submitted_at = _utc(doc.get("submitted_at"))
    assert submitted_at is not None
    return Submission(
        id=doc["_id"],
        org_id=doc["org_id"],
        role_id=doc["role_id"],
        production_id=doc["production_id"],
        talent_id=doc["talent_id"],
        submitted_by_org=doc["submitted_by_org"],
        submitted_by=doc.get("submitted_by", ""),
        self_submitted=bool(doc.get("self_submitted")),
        note=doc.get("note", ""),
        status=SubmissionStatus(doc["status"]),
        shortlist_rank=doc.get("shortlist_rank"),
        submitted_at=submitted_at,
        version=int(doc["version"]),
    )


def _session_doc(s: AuditionSession) -> dict[str, Any]:
    return {
        "_id": s.id,
        "org_id": s.org_id,
        "production_id": s.production_id,
        "kind": s.kind.value,
        "day": s.day.isoformat(),
        "timezone": s.timezone,
        "start": s.start.strftime("%H:%M"),
        "end": s.end.strftime("%H:%M"),
        "slot_minutes": s.slot_minutes,
        "rooms": list(s.rooms),
    }


def _session(doc: Mapping[str, Any]) -> AuditionSession:
    return AuditionSession(
        id=doc["_id"],
        org_id=doc["org_id"],
        production_id=doc["production_id"],
        kind=SessionKind(doc["kind"]),
        day=date.fromisoformat(doc["day"]),
        timezone=doc["timezone"],
        start=time.fromisoformat(doc["start"]),
        end=time.fromisoformat(doc["end"]),
        slot_minutes=int(doc["slot_minutes"]),
        rooms=tuple(doc["rooms"]),
        version=int(doc["version"]),
    )


def _invitation_doc(i: AuditionInvitation) -> dict[str, Any]:
    return {
        "_id": i.id,
        "org_id": i.org_id,
        "session_id": i.session_id,
        "production_id": i.production_id,
        "role_id": i.role_id,
        "submission_id": i.submission_id,
        "talent_id": i.talent_id,
        "submitted_by_org": i.submitted_by_org,
        "kind": i.kind.value,
        "room": i.room,
        "starts_at": i.starts_at,
        "ends_at": i.ends_at,
        "status": i.status.value,
    }


def _invitation(doc: Mapping[str, Any]) -> AuditionInvitation:
    starts, ends = _utc(doc["starts_at"]), _utc(doc["ends_at"])
    assert starts is not None
    assert ends is not None
    return AuditionInvitation(
        id=doc["_id"],
        org_id=doc["org_id"],
        session_id=doc["session_id"],
        production_id=doc["production_id"],
        role_id=doc["role_id"],
        submission_id=doc["submission_id"],
        talent_id=doc["talent_id"],
        submitted_by_org=doc["submitted_by_org"],
        kind=SessionKind(doc["kind"]),
        room=doc["room"],
        starts_at=starts,
        ends_at=ends,
        status=InvitationStatus(doc["status"]),
        version=int(doc["version"]),
    )


def _tape_doc(r: SelfTapeRequest) -> dict[str, Any]:
    return {
        "_id": r.id,
        "org_id": r.org_id,
        "submission_id": r.submission_id,
        "role_id": r.role_id,
        "talent_id": r.talent_id,
        "submitted_by_org": r.submitted_by_org,
        "instructions": r.instructions,
        "due_at": r.due_at,
        "status": r.status.value,
        "media_url": r.media_url,
        "delivered_at": r.delivered_at,
    }


def _tape(doc: Mapping[str, Any]) -> SelfTapeRequest:
    due = _utc(doc["due_at"])
    assert due is not None
    return SelfTapeRequest(
        id=doc["_id"],
        org_id=doc["org_id"],
        submission_id=doc["submission_id"],
        role_id=doc["role_id"],
        talent_id=doc["talent_id"],
        submitted_by_org=doc["submitted_by_org"],
        instructions=doc.get("instructions", ""),
        due_at=due,
        status=SelfTapeStatus(doc["status"]),
        media_url=doc.get("media_url", ""),
        delivered_at=_utc(doc.get("delivered_at")),
        version=int(doc["version"]),
    )
