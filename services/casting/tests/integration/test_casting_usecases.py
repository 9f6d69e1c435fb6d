"""Casting's use cases against the real database, with peers that are down or deny."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from casting import events
from casting.domain.model import NO_RELATIONSHIP, Booking, Production, Rate, Relationship
from casting.rpc import GrpcPeers
from casting.store import CastingStore
from casting.usecases import Casting, ComplianceIssue, Conflict, Peers
from slate import grpc as slate_grpc
from slate.audit import AuditLog
from slate.auth import Principal
from slate.errors import UserError, ValidationErrors
from slate.events.catalogue import BOOKING_CONFIRMED, BOOKING_HELD
from slate.mongo import explain_find
from slate.repository import MongoDatabase
from slate.testing import cipher

from ..builders import new_role, new_talent

pytestmark = pytest.mark.infra

PRODUCER = Principal(sub="u1", org="org_a", roles=frozenset({"producer", "casting"}))
CIPHER = cipher()


class ScriptedPeers:
    """Real answers without the network: a production that exists, chosen conflicts and issues."""

    def __init__(self, conflicts: list[Conflict], issues: list[ComplianceIssue]) -> None:
        self._conflicts = conflicts
        self._issues = issues

    async def production(self, org_id: str, production_id: str) -> Production | None:
        if org_id != "org_a":
            return None
        return Production(
            id=production_id, org_id=org_id, title="Spot", timezone="America/Los_Angeles"
        )

    async def conflicts(self, booking: Booking) -> list[Conflict]:
        return self._conflicts

    async def compliance(self, booking: Booking) -> list[ComplianceIssue]:
        return self._issues

    async def check_rate(self, org_id: str, rate: Rate, work_dates: Sequence[date]) -> None:
        return None


async def make_casting(db: Any, peers: Peers) -> Casting:
    database = MongoDatabase(db)
    store = CastingStore(database, events.to_outbox)
    await store.ensure_indexes()
    return Casting(store, peers, CIPHER, AuditLog(database))


async def role_and_talent(casting: Casting, dob: str = "1990-01-01") -> tuple[str, str]:
    role = await new_role(casting, PRODUCER)
    talent = await new_talent(casting, PRODUCER, name="Rosa", date_of_birth=dob)
    return role.id, talent.id


async def test_hold_fails_retriably_and_writes_nothing_when_scheduling_is_down(db: Any) -> None:
    channels: dict[str, Any] = {}

    def channel(peer: str) -> Any:
        channels.setdefault(peer, slate_grpc.create_channel("127.0.0.1:9"))  # nothing listens
        return channels[peer]

    role_id, talent_id = await role_and_talent(await make_casting(db, ScriptedPeers([], [])))
    casting = await make_casting(db, GrpcPeers(channel))
    with pytest.raises(UserError) as exc:
        await casting.hold_talent(PRODUCER, role_id=role_id, talent_id=talent_id)
    assert exc.value.code == "UNAVAILABLE"
    assert "scheduling" in exc.value.message
    assert await db["bookings"].count_documents({}) == 0
    for ch in channels.values():
        await ch.close()


async def test_hard_conflict_blocks_the_hold_and_names_the_date(db: Any) -> None:
    casting = await make_casting(db, ScriptedPeers([Conflict("2027-03-02", "booked", True)], []))
    role_id, talent_id = await role_and_talent(casting)
    with pytest.raises(ValidationErrors) as exc:
        await casting.hold_talent(PRODUCER, role_id=role_id, talent_id=talent_id)
    [error] = exc.value.errors
    assert (error.field, error.code) == ("talentId", "CONFLICT")
    assert "2027-03-02" in error.message
    assert await db["bookings"].count_documents({}) == 0


async def test_blocking_compliance_issue_leaves_the_booking_on_hold(db: Any) -> None:
    issue = ComplianceIssue("MINOR_WORK_PERMIT_MISSING", "needs a permit", True)
    casting = await make_casting(db, ScriptedPeers([], [issue]))
    role_id, talent_id = await role_and_talent(casting, dob="2015-01-01")
    booking = await casting.hold_talent(PRODUCER, role_id=role_id, talent_id=talent_id)
    assert booking.is_minor is True
    with pytest.raises(ValidationErrors) as exc:
        await casting.confirm_booking(PRODUCER, booking_id=booking.id)
    assert exc.value.errors[0].code == "FORBIDDEN"
    stored = await db["bookings"].find_one({"_id": booking.id})
    assert stored["status"] == "ON_HOLD"
    assert [e["type"] for e in stored["_outbox"]] == [BOOKING_HELD.name]


async def test_birth_date_is_encrypted_at_rest_and_never_in_events(db: Any) -> None:
    casting = await make_casting(db, ScriptedPeers([], []))
    role_id, talent_id = await role_and_talent(casting, dob="1994-02-11")
    raw = await db["talent"].find_one({"_id": talent_id})
    assert "1994-02-11" not in repr(raw)
    booking = await casting.hold_talent(PRODUCER, role_id=role_id, talent_id=talent_id)
    await casting.confirm_booking(PRODUCER, booking_id=booking.id)
    legal = Principal(sub="u3", org="org_a", roles=frozenset({"legal"}))  # of the booker
    [talent] = (await casting.talents(legal, [talent_id])).values()

    async def ties() -> Relationship:
        return (await casting.relationships(legal, [talent_id]))[talent_id]

    assert await casting.date_of_birth_of(legal, talent, ties) == "1994-02-11"
    stored = await db["bookings"].find_one({"_id": booking.id})
    for event in stored["_outbox"]:
        payload = bytes(event["payload"])
        assert b"1994" not in payload
        assert b"rosa@example.com" not in payload


async def test_relationships_come_from_the_orgs_active_bookings_through_an_index(
    db: Any,
) -> None:
    casting = await make_casting(db, ScriptedPeers([], []))
    role_id, talent_id = await role_and_talent(casting)
    _, other_id = await role_and_talent(casting)
    booking = await casting.hold_talent(PRODUCER, role_id=role_id, talent_id=talent_id)
    ids = [talent_id, other_id]
    assert await casting.relationships(PRODUCER, ids) == {
        talent_id: Relationship(holds_or_books=True, books=False),
        other_id: NO_RELATIONSHIP,
    }
    await casting.confirm_booking(PRODUCER, booking_id=booking.id)
    assert (await casting.relationships(PRODUCER, ids))[talent_id] == Relationship(
        holds_or_books=True, books=True
    )
    other_org = Principal(sub="u2", org="org_b", roles=frozenset({"producer", "legal"}))
    assert set((await casting.relationships(other_org, ids)).values()) == {NO_RELATIONSHIP}
    await casting.release_booking(PRODUCER, booking_id=booking.id, reason="")
    assert (await casting.relationships(PRODUCER, ids))[talent_id] == NO_RELATIONSHIP


async def test_the_relationships_query_is_answered_from_an_index(db: Any) -> None:
    casting = await make_casting(db, ScriptedPeers([], []))
    role_id, talent_id = await role_and_talent(casting)
    booking = await casting.hold_talent(PRODUCER, role_id=role_id, talent_id=talent_id)
    if not (await explain_find(db, "bookings", {"_id": booking.id})).index_backed:
        pytest.skip("this server uses no index even for _id (the unpatched local FerretDB)")
    plan = await explain_find(
        db,
        "bookings",
        {
            "org_id": "org_a",
            "talent_id": {"$in": [talent_id, "tal_x"]},
            "status": {"$in": ["BOOKED", "ON_HOLD"]},
        },
        sort=[("_id", 1)],
    )
    assert plan.index_backed, plan.planner


async def test_another_org_cannot_hold_on_a_role_it_does_not_own(db: Any) -> None:
    casting = await make_casting(db, ScriptedPeers([], []))
    role_id, talent_id = await role_and_talent(casting)
    other = Principal(sub="u2", org="org_b", roles=frozenset({"producer"}))
    with pytest.raises(UserError) as exc:
        await casting.hold_talent(other, role_id=role_id, talent_id=talent_id)
    assert (exc.value.field, exc.value.code) == ("roleId", "NOT_FOUND")


class BarrierPeers(ScriptedPeers):
    """Both confirmations have read the booking before either asks legal, then both save."""

    def __init__(self) -> None:
        super().__init__([], [])
        self.arrived = 0
        self.both = asyncio.Event()

    async def compliance(self, booking: Booking) -> list[ComplianceIssue]:
        self.arrived += 1
        if self.arrived == 2:
            self.both.set()
        await asyncio.wait_for(self.both.wait(), 5)
        return []


async def test_second_of_two_concurrent_confirmations_gets_a_conflict_and_writes_nothing(
    db: Any,
) -> None:
    casting = await make_casting(db, BarrierPeers())
    role_id, talent_id = await role_and_talent(casting, dob="1994-02-11")
    held = await casting.hold_talent(PRODUCER, role_id=role_id, talent_id=talent_id)
    results = await asyncio.gather(
        casting.confirm_booking(PRODUCER, booking_id=held.id),
        casting.confirm_booking(PRODUCER, booking_id=held.id),
        return_exceptions=True,
    )
    [won] = [r for r in results if isinstance(r, Booking)]
    [lost] = [r for r in results if isinstance(r, UserError)]
    assert (lost.field, lost.code) == ("bookingId", "CONFLICT")
    assert (won.status, won.version, won.confirmed_at is not None) == ("BOOKED", 2, True)
    stored = await db["bookings"].find_one({"_id": held.id})
    assert [e["type"] for e in stored["_outbox"]] == [
        BOOKING_HELD.name,
        BOOKING_CONFIRMED.name,
    ]
    [reloaded] = (await casting.bookings(PRODUCER, [held.id])).values()
    assert reloaded == won  # every field survives the trip through the document


async def test_ranked_holds_expire_and_promote_on_the_real_database(db: Any) -> None:
    """Rank, expiry and the cancellation fee round-trip through MongoDB; the sweep's query across
    organisations finds the lapsed hold once, and the hold behind it moves up."""
    from datetime import UTC, datetime, timedelta

    from casting.domain.model import BookingStatus

    casting = await make_casting(db, ScriptedPeers([], []))
    role = await new_role(casting, PRODUCER, cancellation_fee="250.00")
    a, b = [
        await casting.register_talent(
            PRODUCER, name=n, email=f"{n}@example.com", date_of_birth="1990-01-01", union="NONE"
        )
        for n in ("ana", "bea")
    ]
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    first = await casting.hold_talent(
        PRODUCER, role_id=role.id, talent_id=a.id, expires_at=soon.isoformat()
    )
    second = await casting.hold_talent(PRODUCER, role_id=role.id, talent_id=b.id)
    assert (first.rank, first.expires_at, second.rank) == (1, soon, 2)

    service = Principal(sub="sweeper", org="org_ops", roles=frozenset({"service"}))
    [expired] = await casting.expire_holds(service, at=soon)
    assert (expired.id, expired.status) == (first.id, BookingStatus.EXPIRED)
    assert await casting.expire_holds(service, at=soon) == []
    promoted = (await casting.bookings(PRODUCER, [second.id]))[second.id]
    assert promoted.rank == 1

    await casting.confirm_booking(PRODUCER, booking_id=second.id)
    released = await casting.release_booking(PRODUCER, booking_id=second.id, reason="recast")
    stored = (await casting.bookings(PRODUCER, [released.id]))[released.id]
    assert stored.cancellation_fee is not None
    assert (str(stored.cancellation_fee.amount), stored.cancellation_fee.currency) == (
        "250.00",
        "USD",
    )


async def test_the_search_index_catches_up_from_the_real_talent_collection(db: Any) -> None:
    """The index's feed (talent written since its mark, by `updated_at`) on MongoDB: a first
    search indexes everything, a later one the profile just edited."""
    from casting.domain.model import ProfileChanges
    from casting.search import TalentIndex

    database = MongoDatabase(db)
    store = CastingStore(database, events.to_outbox)
    await store.ensure_indexes()
    casting = Casting(
        store, ScriptedPeers([], []), CIPHER, AuditLog(database), search=TalentIndex()
    )
    ids = [
        (
            await casting.register_talent(
                PRODUCER, name=n, email=f"{n}@example.com", date_of_birth=dob, union="NONE"
            )
        ).id
        for n, dob in (("ana", "1990-01-01"), ("bea", "2012-01-01"), ("cy", "1985-01-01"))
    ]
    everyone = await casting.search_talent(PRODUCER, first=10)
    assert (everyone.total, sorted(t.id for t in everyone.talent)) == (3, sorted(ids))
    adults = await casting.search_talent(PRODUCER, age_min=18, first=10)
    assert sorted(t.id for t in adults.talent) == sorted([ids[0], ids[2]])
    await casting.update_talent_profile(
        PRODUCER, talent_id=ids[2], changes=ProfileChanges(skills=["Juggling"])
    )
    jugglers = await casting.search_talent(PRODUCER, text="juggling", first=10)
    assert [t.id for t in jugglers.talent] == [ids[2]]


async def test_the_catch_up_feed_pages_through_one_instant_by_id_on_the_real_database(
    db: Any,
) -> None:
    """Five talent written at one instant (a bulk import), read two at a time: the $or on
    (updated_at, _id) keeps every page boundary inside the instant, on MongoDB's own dates."""
    from datetime import UTC, datetime

    store = CastingStore(MongoDatabase(db), events.to_outbox)
    await store.ensure_indexes()
    instant = datetime(2027, 1, 5, 9, 0, 0, 123000, tzinfo=UTC)
    await db["talent"].insert_many(
        [
            {
                "_id": f"tal_{i}",
                "name": f"T {i}",
                "email": f"t{i}@example.com",
                "union": "NONE",
                "dob": {},
                "registered_by_org": "org_a",
                "version": 1,
                "created_at": instant,
                "updated_at": instant,
                "_outbox": [],
                "_pending": False,
            }
            for i in range(5)
        ]
    )
    seen: list[str] = []
    since, after = None, ""
    while True:
        page = await store.talent_changed_since(since, 2, after)
        seen += [t.id for t, _ in page]
        if len(page) < 2:
            break
        last, since = page[-1]
        after = last.id
    assert seen == [f"tal_{i}" for i in range(5)]
    assert since == instant
