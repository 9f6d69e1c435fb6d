"""Casting's use cases on the in-memory database with scripted peers: what each command writes,
what it refuses (by field, writing nothing), conflicts, organisation isolation, audit, outbox."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from casting.domain.model import NO_RELATIONSHIP, Booking, BookingStatus, Relationship
from casting.usecases import Casting, ComplianceIssue, Conflict
from slate.errors import UserError, ValidationErrors
from slate.events.catalogue import BOOKING_CONFIRMED, BOOKING_HELD, BOOKING_RELEASED
from slate.testing import booking_snapshot, principal
from slate_proto.slate.events.v1 import casting_pb2

from ..builders import new_role

PRODUCER = principal("org_a", "producer", "casting")
INTRUDER = principal("org_b", "producer", "casting")


def fields(exc: pytest.ExceptionInfo[ValidationErrors]) -> list[tuple[str | None, str]]:
    return [(e.field, e.code) for e in exc.value.errors]


# --- roles -----------------------------------------------------------------------------------


async def test_create_role_reads_the_production_through_once_then_keeps_a_local_copy(
    cast: Any, peers: Any
) -> None:
    first = await cast.role(dates=["2027-03-03", "2027-03-02"])
    second = await cast.role()
    assert (first.production_id, first.production_timezone) == ("prd_1", "America/Los_Angeles")
    assert [d.isoformat() for d in first.work_dates] == ["2027-03-02", "2027-03-03"]
    assert (first.version, second.version) == (1, 1)
    assert peers.asked() == ["production", "check_rate", "check_rate"]
    assert await cast.docs("productions") == 1
    assert await cast.audited(first.id) == ["createRole"]


async def test_create_role_names_every_bad_field_asks_no_peer_and_writes_nothing(
    casting: Casting, cast: Any, peers: Any
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await new_role(
            casting,
            name=" ",
            amount="1.005",
            currency="XXX",
            unit="YEAR",
            work_dates=["2027-02-30"],
        )
    assert {f for f, _ in fields(exc)} == {
        "name",
        "rate.amount",
        "rate.currency",
        "rate.unit",
        "workDates[0]",
    }
    assert {c for _, c in fields(exc)} == {"INVALID"}
    assert peers.calls == []
    assert await cast.docs("roles") == 0


@pytest.mark.parametrize(
    ("caller", "production_id"),
    [(PRODUCER, "prd_unknown"), (INTRUDER, "prd_1")],
    ids=["unknown", "another-orgs"],
)
async def test_create_role_on_a_production_the_caller_cannot_see_is_not_found(
    casting: Casting, cast: Any, caller: Any, production_id: str
) -> None:
    cast.caller = caller
    with pytest.raises(UserError) as exc:
        await cast.role(production_id=production_id)
    assert (exc.value.field, exc.value.code) == ("productionId", "NOT_FOUND")
    assert await cast.docs("roles") == 0
    assert await cast.docs("productions") == 0


async def test_a_rate_payroll_refuses_names_the_amount_and_writes_nothing(
    cast: Any, peers: Any
) -> None:
    peers.rate_refusal = "below the minimum wage in US-CA on 2027-03-02"
    with pytest.raises(UserError) as exc:
        await cast.role()
    assert (exc.value.field, exc.value.code) == ("rate.amount", "INVALID")
    assert await cast.docs("roles") == 0
    assert await cast.docs("audit") == 0


# --- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["createRole", "registerTalent", "holdTalent", "confirmBooking", "releaseBooking"]
)
async def test_every_command_refuses_a_caller_without_one_of_its_roles(
    casting: Casting, cast: Any, command: str
) -> None:
    booking = await cast.hold()
    before = {c: await cast.docs(c) for c in ("roles", "talent", "bookings", "audit")}
    viewer = principal("org_a", "viewer")
    attempts = {
        "createRole": lambda: new_role(casting, viewer),
        "registerTalent": lambda: casting.register_talent(
            viewer, name="Ana", email="ana@example.com", date_of_birth="1990-01-01", union="NONE"
        ),
        "holdTalent": lambda: casting.hold_talent(
            viewer, role_id=booking.role_id, talent_id=booking.talent_id
        ),
        "confirmBooking": lambda: casting.confirm_booking(viewer, booking_id=booking.id),
        "releaseBooking": lambda: casting.release_booking(viewer, booking_id=booking.id, reason=""),
    }
    with pytest.raises(UserError) as exc:
        await attempts[command]()
    assert exc.value.code == "FORBIDDEN"
    assert command in exc.value.message
    assert {c: await cast.docs(c) for c in before} == before


def register_as(casting: Casting, caller: Any, name: str = "Ana") -> Any:
    return casting.register_talent(
        caller, name=name, email="ana@example.com", date_of_birth="1990-01-01", union="NONE"
    )


async def test_talent_may_register_themselves_as_the_profile_their_token_names(
    casting: Casting, cast: Any
) -> None:
    talent = await register_as(casting, principal("org_a", "talent", talent_id="tal_self"))
    assert (talent.id, talent.name) == ("tal_self", "Ana")
    assert await cast.audited(talent.id) == ["registerTalent"]
    herself = principal("org_z", "talent", talent_id="tal_self")

    async def no_tie() -> Relationship:
        return NO_RELATIONSHIP

    assert await casting.email_of(herself, talent, no_tie) == "ana@example.com"


async def test_a_talent_owns_one_profile_and_can_never_register_another(
    casting: Casting, cast: Any
) -> None:
    """Issue 8, finding 4: a talent token registered new profiles of anyone."""
    me = principal("org_a", "talent", talent_id="tal_self")
    await register_as(casting, me)
    with pytest.raises(UserError) as exc:
        await register_as(casting, me, name="Someone Else")
    assert (exc.value.field, exc.value.code) == (None, "CONFLICT")
    assert "tal_self" in exc.value.message
    raw = await cast.database.repository("talent").raw("tal_self")
    assert (raw["name"], await cast.docs("talent")) == ("Ana", 1)
    assert await cast.audited("tal_self") == ["registerTalent"]


@pytest.mark.parametrize("talent_id", [None, "", "t" * 65], ids=["none", "empty", "too-long"])
async def test_a_talent_token_naming_no_usable_profile_registers_nothing(
    casting: Casting, cast: Any, talent_id: str | None
) -> None:
    with pytest.raises(UserError) as exc:
        await register_as(casting, principal("org_a", "talent", talent_id=talent_id))
    assert exc.value.code == "FORBIDDEN"
    assert "registerTalent" in exc.value.message
    assert (await cast.docs("talent"), await cast.docs("audit")) == (0, 0)


async def test_two_concurrent_self_registrations_make_one_profile(
    casting: Casting, cast: Any
) -> None:
    me = principal("org_a", "talent", talent_id="tal_self")
    results = await asyncio.gather(
        register_as(casting, me), register_as(casting, me), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, UserError)]
    assert [r.code for r in refused] == ["CONFLICT"]
    assert await cast.docs("talent") == 1


async def test_staff_who_are_also_talent_register_others_as_before(
    casting: Casting, cast: Any
) -> None:
    both = principal("org_a", "producer", "talent", talent_id="tal_self")
    first = await register_as(casting, both, name="Ana")
    second = await register_as(casting, both, name="Bea")
    assert len({first.id, second.id, "tal_self"}) == 3
    assert all(t.id.startswith("tal_") for t in (first, second))


# --- talent ------------------------------------------------------------------------------------


async def test_the_birth_date_is_stored_sealed_and_shown_only_to_the_talent_and_legal_of_a_booker(
    casting: Casting, cast: Any, database: Any
) -> None:
    talent = await cast.talent(dob="1994-02-11")
    raw = await database.repository("talent").raw(talent.id)
    assert "1994" not in repr(raw)
    assert raw["registered_by_org"] == "org_a"
    assert (talent.email, talent.union) == ("rosa@example.com", "SAG_AFTRA")
    themselves = principal("org_z", "talent", talent_id=talent.id)
    legal = principal("org_a", "legal")

    async def booker() -> Relationship:
        return Relationship(holds_or_books=True, books=True)

    async def stranger() -> Relationship:
        return NO_RELATIONSHIP

    assert await casting.date_of_birth_of(themselves, talent, stranger) == "1994-02-11"
    assert await casting.date_of_birth_of(legal, talent, booker) == "1994-02-11"
    assert await casting.date_of_birth_of(legal, talent, stranger) == "****-**-**"
    assert await casting.date_of_birth_of(PRODUCER, talent, booker) == "****-**-**"
    assert await casting.email_of(PRODUCER, talent, stranger) == "rosa@example.com"  # registrar
    assert await casting.email_of(INTRUDER, talent, stranger) is None
    assert await casting.email_of(INTRUDER, talent, booker) == "rosa@example.com"
    assert await casting.email_of(themselves, talent, stranger) == "rosa@example.com"
    assert await casting.email_of(legal, talent, booker) is None
    assert await cast.audited(talent.id) == ["registerTalent"]


async def test_relationships_come_from_the_callers_active_holds_and_bookings(
    casting: Casting, cast: Any, peers: Any
) -> None:
    held = await cast.hold()
    booked = await cast.hold()
    await casting.confirm_booking(PRODUCER, booking_id=booked.id)
    released = await cast.hold()
    await casting.release_booking(PRODUCER, booking_id=released.id, reason="")
    ids = [held.talent_id, booked.talent_id, released.talent_id, "tal_unknown"]
    assert await casting.relationships(PRODUCER, ids) == {
        held.talent_id: Relationship(holds_or_books=True, books=False),
        booked.talent_id: Relationship(holds_or_books=True, books=True),
        released.talent_id: NO_RELATIONSHIP,
        "tal_unknown": NO_RELATIONSHIP,
    }
    assert set((await casting.relationships(INTRUDER, ids)).values()) == {NO_RELATIONSHIP}


async def test_register_talent_names_every_bad_field_and_writes_nothing(
    casting: Casting, cast: Any
) -> None:
    with pytest.raises(ValidationErrors) as exc:
        await casting.register_talent(
            PRODUCER, name="", email="nope", date_of_birth="2999-01-01", union="EQUITY"
        )
    assert {f for f, _ in fields(exc)} == {"name", "email", "dateOfBirth", "union"}
    assert await cast.docs("talent") == 0


async def test_talent_profiles_are_network_wide(casting: Casting, cast: Any) -> None:
    talent = await cast.talent()
    assert set(await casting.talents(INTRUDER, [talent.id, "tal_none"])) == {talent.id}


# --- holds -------------------------------------------------------------------------------------


async def test_hold_writes_the_booking_with_its_held_event_in_the_same_document(
    cast: Any,
) -> None:
    booking = await cast.hold()
    assert (booking.status, booking.version, booking.is_minor) == (BookingStatus.ON_HOLD, 1, False)
    [event] = await cast.outbox(booking.id)
    assert (event.type, event.key, event.source) == (
        BOOKING_HELD.name,
        booking.id,
        BOOKING_HELD.source,
    )
    snapshot = BOOKING_HELD.message.FromString(event.payload).booking
    assert (snapshot.booking_id, snapshot.status, snapshot.version) == (booking.id, "ON_HOLD", 1)
    assert (snapshot.role_name, snapshot.talent_name, snapshot.union) == (
        "Lead",
        "Rosa Díaz",
        "SAG_AFTRA",
    )
    assert (snapshot.rate.money.amount, snapshot.rate.unit) == ("1200.00", "DAY")
    assert snapshot.production_timezone == "America/Los_Angeles"
    assert b"1994" not in event.payload
    assert b"rosa@example.com" not in event.payload
    assert await cast.audited(booking.id) == ["holdTalent"]


async def test_a_talent_under_18_on_a_work_date_makes_a_minors_booking(cast: Any) -> None:
    booking = await cast.hold(dob="2015-01-01")
    assert booking.is_minor is True
    [event] = await cast.outbox(booking.id)
    assert BOOKING_HELD.message.FromString(event.payload).booking.is_minor is True


async def test_a_second_active_hold_for_the_same_role_is_a_conflict_and_writes_nothing(
    casting: Casting, cast: Any
) -> None:
    first = await cast.hold()
    colleague = principal("org_a", "producer", sub="u2")  # the same caller's retry: hold_retry
    with pytest.raises(ValidationErrors) as exc:
        await casting.hold_talent(colleague, role_id=first.role_id, talent_id=first.talent_id)
    assert fields(exc) == [("talentId", "CONFLICT")]
    assert await cast.docs("bookings") == 1


async def test_a_hard_conflict_refuses_the_hold_naming_the_date_a_soft_one_does_not(
    cast: Any, peers: Any
) -> None:
    peers.conflicts_found = [Conflict("2027-03-02", "booked elsewhere", True)]
    with pytest.raises(ValidationErrors) as exc:
        await cast.hold()
    [error] = exc.value.errors
    assert (error.field, error.code) == ("talentId", "CONFLICT")
    assert "2027-03-02" in error.message
    assert await cast.docs("bookings") == 0
    peers.conflicts_found = [Conflict("2027-03-02", "a first option", False)]
    assert (await cast.hold()).status is BookingStatus.ON_HOLD


async def test_hold_of_unknown_talent_or_on_another_orgs_role_is_not_found(
    casting: Casting, cast: Any
) -> None:
    role = await cast.role()
    talent = await cast.talent()
    with pytest.raises(UserError) as unknown:
        await casting.hold_talent(PRODUCER, role_id=role.id, talent_id="tal_none")
    assert (unknown.value.field, unknown.value.code) == ("talentId", "NOT_FOUND")
    with pytest.raises(UserError) as foreign:
        await casting.hold_talent(INTRUDER, role_id=role.id, talent_id=talent.id)
    assert (foreign.value.field, foreign.value.code) == ("roleId", "NOT_FOUND")
    assert await cast.docs("bookings") == 0


async def test_hold_fails_retriably_and_writes_nothing_when_scheduling_is_down(
    casting: Casting, cast: Any, peers: Any
) -> None:
    role = await cast.role()
    talent = await cast.talent()
    peers.down.add("scheduling")
    with pytest.raises(UserError) as exc:
        await casting.hold_talent(PRODUCER, role_id=role.id, talent_id=talent.id)
    assert (exc.value.code, peers.asked()[-1]) == ("UNAVAILABLE", "conflicts")
    assert "scheduling" in exc.value.message
    assert await cast.docs("bookings") == 0
    assert await cast.audited(role.id) == ["createRole"]


async def test_confirm_fails_retriably_and_changes_nothing_when_legal_is_down(
    casting: Casting, cast: Any, peers: Any
) -> None:
    held = await cast.hold()
    peers.down.add("legal")
    with pytest.raises(UserError) as exc:
        await casting.confirm_booking(PRODUCER, booking_id=held.id)
    assert exc.value.code == "UNAVAILABLE"
    assert "legal" in exc.value.message
    [same] = (await casting.bookings(PRODUCER, [held.id])).values()
    assert (same.status, same.version) == (BookingStatus.ON_HOLD, 1)
    assert len(await cast.outbox(held.id)) == 1
    assert await cast.audited(held.id) == ["holdTalent"]


# --- confirm and release -------------------------------------------------------------------------


async def test_confirm_books_the_hold_and_records_confirmed_by_the_caller(
    casting: Casting, cast: Any, peers: Any
) -> None:
    held = await cast.hold()
    booked = await casting.confirm_booking(PRODUCER, booking_id=held.id)
    assert (booked.status, booked.version) == (BookingStatus.BOOKED, 2)
    assert booked.confirmed_at is not None
    assert peers.asked()[-2:] == ["conflicts", "compliance"]
    held_event, confirmed = await cast.outbox(held.id)
    assert (held_event.type, confirmed.type) == (BOOKING_HELD.name, BOOKING_CONFIRMED.name)
    message = BOOKING_CONFIRMED.message.FromString(confirmed.payload)
    assert (message.confirmed_by, message.booking.status, message.booking.version) == (
        PRODUCER.sub,
        "BOOKED",
        2,
    )
    assert await cast.audited(held.id) == ["holdTalent", "confirmBooking"]


async def test_a_blocking_compliance_issue_is_forbidden_and_leaves_the_hold(
    casting: Casting, cast: Any, peers: Any
) -> None:
    held = await cast.hold(dob="2015-01-01")
    peers.issues = [
        ComplianceIssue("MINOR_WORK_PERMIT_MISSING", "needs a permit", True),
        ComplianceIssue("COOGAN_ACCOUNT", "remember the trust account", False),
    ]
    with pytest.raises(ValidationErrors) as exc:
        await casting.confirm_booking(PRODUCER, booking_id=held.id)
    [error] = exc.value.errors
    assert (error.field, error.code) == ("bookingId", "FORBIDDEN")
    assert "MINOR_WORK_PERMIT_MISSING" in error.message
    [same] = (await casting.bookings(PRODUCER, [held.id])).values()
    assert (same.status, same.version) == (BookingStatus.ON_HOLD, 1)
    assert [e.type for e in await cast.outbox(held.id)] == [BOOKING_HELD.name]
    assert await cast.audited(held.id) == ["holdTalent"]


async def test_of_two_concurrent_confirmations_one_wins_and_the_other_conflicts(
    casting: Casting, cast: Any, peers: Any
) -> None:
    held = await cast.hold()
    peers.compliance_gate = asyncio.Barrier(2)  # both have read version 1 before either saves
    results = await asyncio.gather(
        casting.confirm_booking(PRODUCER, booking_id=held.id),
        casting.confirm_booking(PRODUCER, booking_id=held.id),
        return_exceptions=True,
    )
    [won] = [r for r in results if isinstance(r, Booking)]
    [lost] = [r for r in results if isinstance(r, UserError)]
    assert (won.status, won.version) == (BookingStatus.BOOKED, 2)
    assert (lost.field, lost.code) == ("bookingId", "CONFLICT")
    assert "reload and retry" in lost.message
    assert [e.type for e in await cast.outbox(held.id)] == [
        BOOKING_HELD.name,
        BOOKING_CONFIRMED.name,
    ]
    assert await cast.audited(held.id) == ["holdTalent", "confirmBooking"]


async def test_a_released_booking_can_be_neither_confirmed_nor_released_again(
    casting: Casting, cast: Any
) -> None:
    held = await cast.hold()
    released = await casting.release_booking(PRODUCER, booking_id=held.id, reason="recast")
    assert (released.status, released.version) == (BookingStatus.RELEASED, 2)
    [_, event] = await cast.outbox(held.id)
    message = BOOKING_RELEASED.message.FromString(event.payload)
    assert (event.type, message.reason, message.booking.status) == (
        BOOKING_RELEASED.name,
        "recast",
        "RELEASED",
    )
    for again in (
        casting.confirm_booking(PRODUCER, booking_id=held.id),
        casting.release_booking(PRODUCER, booking_id=held.id, reason=""),
    ):
        with pytest.raises(ValidationErrors) as exc:
            await again
        assert fields(exc) == [("bookingId", "CONFLICT")]
    assert len(await cast.outbox(held.id)) == 2
    assert await cast.audited(held.id) == ["holdTalent", "releaseBooking"]


async def test_another_org_can_neither_see_nor_change_a_booking(
    casting: Casting, cast: Any
) -> None:
    held = await cast.hold()
    for attempt in (
        casting.confirm_booking(INTRUDER, booking_id=held.id),
        casting.release_booking(INTRUDER, booking_id=held.id, reason=""),
    ):
        with pytest.raises(UserError) as exc:
            await attempt
        assert (exc.value.field, exc.value.code) == ("bookingId", "NOT_FOUND")
    assert await casting.bookings(INTRUDER, [held.id]) == {}
    assert await casting.roles(INTRUDER, [held.role_id]) == {}
    assert await casting.roles_of_productions(INTRUDER, ["prd_1"]) == []
    assert await casting.bookings_of_roles(INTRUDER, [held.role_id]) == []
    assert await casting.bookings_of_productions(INTRUDER, ["prd_1"]) == []
    assert [b.id for b in await casting.bookings_of_productions(PRODUCER, ["prd_1"])] == [held.id]


# --- live booking events -------------------------------------------------------------------------


async def next_change(stream: Any) -> Any:
    return await asyncio.wait_for(anext(stream), 2)


async def test_booking_events_stream_the_changes_of_the_callers_production_only(
    casting: Casting, cast: Any, feed: Any
) -> None:
    held = await cast.hold()
    stream = casting.booking_events(PRODUCER, production_id="prd_1")
    first = asyncio.ensure_future(next_change(stream))
    await asyncio.wait_for(feed.listening.wait(), 2)
    other_org = casting_pb2.BookingHeld(
        booking=booking_snapshot(booking_id="bkg_other", org_id="org_b", production_id="prd_1")
    )
    feed.publish(BOOKING_HELD.outbox("bkg_other", other_org))
    booked = await casting.confirm_booking(PRODUCER, booking_id=held.id)
    for event in (await cast.outbox(held.id))[1:]:
        feed.publish(event)
    change = await first
    assert (change.kind, change.booking.booking_id, change.booking.status) == (
        "CONFIRMED",
        booked.id,
        "BOOKED",
    )
    await stream.aclose()
    assert feed.listeners == 0


async def test_booking_events_of_another_orgs_production_are_not_found(
    casting: Casting, cast: Any
) -> None:
    await cast.hold()
    with pytest.raises(UserError) as exc:
        await anext(casting.booking_events(INTRUDER, production_id="prd_1"))
    assert (exc.value.field, exc.value.code) == ("productionId", "NOT_FOUND")


async def test_a_talent_token_reads_only_its_own_holds_and_bookings(
    casting: Casting, cast: Any
) -> None:
    mine = await cast.hold()
    role = await cast.role()
    other_talent = await cast.talent(name="Someone Else")
    theirs = await casting.hold_talent(PRODUCER, role_id=role.id, talent_id=other_talent.id)
    me = principal("org_a", "talent", talent_id=mine.talent_id)
    crew = principal("org_a", "crew")
    productions = [mine.production_id]
    assert set(await casting.bookings(me, [mine.id, theirs.id])) == {mine.id}
    assert [b.id for b in await casting.bookings_of_productions(me, productions)] == [mine.id]
    assert [b.id for b in await casting.bookings_of_roles(me, [role.id, mine.role_id])] == [mine.id]
    assert await casting.bookings_of_productions(crew, productions) == []
    staff = await casting.bookings_of_productions(PRODUCER, productions)
    assert {b.id for b in staff} == {mine.id, theirs.id}
