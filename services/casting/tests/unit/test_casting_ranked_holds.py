"""Ranked holds (issue 11): a rank per role, promotion when a better-ranked hold leaves, holds
that lapse at a set time and an idempotent sweep, and the cancellation fee a booking owes when
it is released after its confirmation. Domain, use cases on MemoryDatabase, the live stream and
the subgraph in process."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from casting import events
from casting.domain import model
from casting.domain.model import (
    Booking,
    BookingPromoted,
    BookingReleased,
    BookingStatus,
    Production,
    Role,
    Talent,
)
from casting.usecases import BookingEventKind, Casting
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import BOOKING_HELD, BOOKING_PROMOTED, BOOKING_RELEASED
from slate.testing import data, envelope, principal

from ..builders import new_role, new_talents, run

NOW = datetime(2027, 2, 1, 12, tzinfo=UTC)
PRODUCTION = Production(id="prd_1", org_id="org_a", timezone="America/Los_Angeles")
PRODUCER = principal("org_a", "producer", "casting")
SWEEPER = principal("org_ops", "service")


def role(quantity: int = 1, fee: str | None = None) -> Role:
    draft = model.validate_role(
        "Lead", "1200", "USD", "DAY", ["2027-03-02"], quantity=quantity, cancellation_fee=fee
    )
    return Role.create(id="rol_1", production=PRODUCTION, draft=draft)


def talent(id: str) -> Talent:
    draft = model.validate_talent(
        "Rosa", "rosa@example.com", "1994-02-11", "NONE", date(2027, 1, 1)
    )
    return Talent.register(id=id, org_id="org_a", draft=draft, sealed_date_of_birth={"ct": "x"})


def hold(
    n: int,
    active: tuple[Booking, ...] = (),
    rank: int | None = None,
    expires_at: datetime | None = None,
    of: Role | None = None,
) -> Booking:
    b = Booking.hold(
        id=f"bkg_{n}",
        role=of or role(),
        talent=talent(f"tal_{n}"),
        date_of_birth=date(1994, 2, 11),
        existing=(),
        active=active,
        rank=rank,
        expires_at=expires_at,
        now=NOW,
    )
    b.version, b.events = 1, []
    return b


def problem(exc: pytest.ExceptionInfo[model.Invalid]) -> tuple[str, str]:
    [p] = exc.value.problems
    return p.field, p.code


# --- domain ----------------------------------------------------------------------------------


def test_holds_take_the_next_rank_by_default_and_a_free_one_when_asked() -> None:
    first = hold(1)
    second = hold(2, (first,))
    assert (first.rank, second.rank) == (1, 2)
    assert hold(3, (first, second), rank=3).rank == 3


@pytest.mark.parametrize(
    ("rank", "field_code", "words"),
    [
        (1, ("rank", "CONFLICT"), "rank 1 is held on this role; the next free rank is 3"),
        (4, ("rank", "INVALID"), "the next free rank is 3"),
        (0, ("rank", "INVALID"), "between 1 and 99"),
        (100, ("rank", "INVALID"), "between 1 and 99"),
    ],
)
def test_a_taken_or_skipped_rank_is_refused_by_field(
    rank: int, field_code: tuple[str, str], words: str
) -> None:
    active = (hold(1), hold(2, rank=2, active=(hold(1),)))
    with pytest.raises(model.Invalid) as exc:
        hold(3, active, rank=rank)
    assert problem(exc) == field_code
    assert words in exc.value.problems[0].message


def test_a_hold_lapses_when_the_work_starts_unless_told_otherwise() -> None:
    # 2 March 2027, midnight in Los Angeles (PST) is 08:00 UTC.
    assert hold(1).expires_at == datetime(2027, 3, 2, 8, tzinfo=UTC)
    assert hold(1, expires_at=NOW + timedelta(days=2)).expires_at == NOW + timedelta(days=2)


@pytest.mark.parametrize(
    ("expires_at", "words"),
    [
        (NOW - timedelta(seconds=1), "must be in the future"),
        (datetime(2027, 3, 2, 9, tzinfo=UTC), "must not be after the work starts"),
    ],
)
def test_an_expiry_in_the_past_or_after_the_work_starts_is_refused(
    expires_at: datetime, words: str
) -> None:
    with pytest.raises(model.Invalid) as exc:
        hold(1, expires_at=expires_at)
    assert problem(exc) == ("expiresAt", "INVALID")
    assert words in exc.value.problems[0].message


def test_a_second_hold_is_confirmed_only_within_the_roles_places() -> None:
    second = hold(2, (hold(1),))
    with pytest.raises(model.Invalid) as exc:
        second.confirm("u1", at=NOW, places=1)
    assert problem(exc) == ("bookingId", "CONFLICT")
    assert "ranked 2" in exc.value.problems[0].message
    assert (second.status, second.events) == (BookingStatus.ON_HOLD, [])
    second.confirm("u1", at=NOW, places=2)
    assert second.status is BookingStatus.BOOKED


def test_a_lapsed_hold_cannot_be_confirmed() -> None:
    b = hold(1, expires_at=NOW + timedelta(hours=1))
    with pytest.raises(model.Invalid) as exc:
        b.confirm("u1", at=NOW + timedelta(hours=1))
    assert problem(exc) == ("bookingId", "CONFLICT")
    assert "expired" in exc.value.problems[0].message


def test_booking_a_released_hold_is_refused() -> None:
    b = hold(1)
    b.release("recast")
    b.events.clear()
    with pytest.raises(model.Invalid) as exc:
        b.confirm("u1", at=NOW)
    assert problem(exc) == ("bookingId", "CONFLICT")


def test_a_confirmed_booking_released_owes_the_roles_cancellation_fee_a_hold_none() -> None:
    b = hold(1, of=role(fee="600.00"))
    b.confirm("u1", at=NOW)
    b.release("recast")
    assert b.cancellation_fee == model.Money(Decimal("600.00"), "USD")
    released = b.events[-1]
    assert isinstance(released, BookingReleased)
    assert released.booking.cancellation_fee == b.cancellation_fee
    only_held = hold(2)
    only_held.release("recast")
    assert only_held.cancellation_fee is None  # a first refusal or hold owes nothing


def test_the_default_cancellation_fee_is_one_unit_of_the_rate() -> None:
    assert role().cancellation_fee == Decimal("1200.00")
    assert role(fee="0").cancellation_fee == Decimal("0.00")


@pytest.mark.parametrize(
    ("quantity", "fee", "field"),
    [(0, None, "quantity"), (501, None, "quantity"), (1, "-1", "cancellationFee")],
)
def test_bad_places_or_fee_are_refused_by_field(quantity: int, fee: str | None, field: str) -> None:
    with pytest.raises(model.Invalid) as exc:
        role(quantity=quantity, fee=fee)
    assert [p.field for p in exc.value.problems] == [field]


def test_expiring_a_lapsed_hold_records_a_release_and_a_second_expiry_is_refused() -> None:
    b = hold(1, expires_at=NOW + timedelta(hours=1))
    with pytest.raises(model.Invalid):
        b.expire(NOW)  # not yet
    b.expire(NOW + timedelta(hours=1))
    [event] = b.events
    assert isinstance(event, BookingReleased)
    assert (event.reason, event.booking.status) == ("expired", BookingStatus.EXPIRED)
    with pytest.raises(model.Invalid) as exc:
        b.expire(NOW + timedelta(hours=2))
    assert problem(exc) == ("bookingId", "CONFLICT")


def test_promoting_while_rank_1_is_still_held_is_refused() -> None:
    first = hold(1)
    second = hold(2, (first,))
    with pytest.raises(model.Invalid) as exc:
        second.promote(1, taken={1, 2})
    assert problem(exc) == ("rank", "CONFLICT")
    assert "rank 1 is still held" in exc.value.problems[0].message
    with pytest.raises(model.Invalid):
        first.promote(1, taken=set())  # no better rank than the first
    first.release("recast")
    with pytest.raises(model.Invalid):
        first.promote(1, taken=set())  # released: not in the ranking any more
    assert second.rank == 2


def test_releasing_rank_1_promotes_those_behind_once() -> None:
    first = hold(1)
    second = hold(2, (first,))
    third = hold(3, (first, second))
    first.release("recast")
    promoted = model.close_ranks([second, third])
    assert [(b.id, b.rank) for b in promoted] == [("bkg_2", 1), ("bkg_3", 2)]
    event = second.events[-1]
    assert isinstance(event, BookingPromoted)
    assert (event.from_rank, event.booking.rank, event.booking.version) == (2, 1, 2)
    assert model.close_ranks([second, third]) == []  # ranks closed: nobody moves again


def test_a_booked_rank_stays_and_holds_behind_move_up_around_it() -> None:
    first = hold(1, of=role(quantity=2))
    second = hold(2, (first,), of=role(quantity=2))
    third = hold(3, (first, second), of=role(quantity=2))
    first.confirm("u1", at=NOW, places=2)
    second.release("recast")
    assert [b.id for b in model.close_ranks([first, third])] == ["bkg_3"]
    assert (first.rank, third.rank) == (1, 2)


# --- use cases ---------------------------------------------------------------------------------


async def outbox(database: Any, booking_id: str) -> list[OutboxEvent]:
    raw = await database.repository("bookings").raw(booking_id)
    return [OutboxEvent.from_doc(e) for e in raw["_outbox"]]


async def cast_of(casting: Casting, n: int, quantity: int = 1, fee: str | None = None) -> Any:
    """A role and `n` talent, registered by the producer."""
    r = await new_role(casting, quantity=quantity, cancellation_fee=fee)
    return r, await new_talents(casting, n)


async def test_releasing_the_first_hold_promotes_the_second_which_can_then_be_booked(
    casting: Casting, database: Any, cast: Any
) -> None:
    r, (a, b) = await cast_of(casting, 2)
    first = await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=a.id, rank=1)
    second = await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=b.id)
    assert (first.rank, second.rank) == (1, 2)
    with pytest.raises(ValidationErrors) as refused:
        await casting.confirm_booking(PRODUCER, booking_id=second.id)
    assert [(e.field, e.code) for e in refused.value.errors] == [("bookingId", "CONFLICT")]

    await casting.release_booking(PRODUCER, booking_id=first.id, reason="recast")
    [now_first] = (await casting.bookings(PRODUCER, [second.id])).values()
    assert (now_first.rank, now_first.version) == (1, 2)
    held, promoted = await outbox(database, second.id)
    assert (held.type, promoted.type) == (BOOKING_HELD.name, BOOKING_PROMOTED.name)
    message = BOOKING_PROMOTED.decode(envelope(promoted))
    assert (message.from_rank, message.booking.rank, message.booking.version) == (2, 1, 2)
    assert await cast.audited(second.id) == ["holdTalent", "promoteHold"]
    booked = await casting.confirm_booking(PRODUCER, booking_id=second.id)
    assert booked.status is BookingStatus.BOOKED


async def test_a_refused_rank_writes_nothing(casting: Casting, cast: Any) -> None:
    r, (a, b) = await cast_of(casting, 2)
    await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=a.id)
    before = (await cast.docs("bookings"), (await casting.roles(PRODUCER, [r.id]))[r.id].version)
    for rank, code in ((1, "CONFLICT"), (3, "INVALID")):
        with pytest.raises(ValidationErrors) as exc:
            await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=b.id, rank=rank)
        assert [(e.field, e.code) for e in exc.value.errors] == [("rank", code)]
    with pytest.raises(ValidationErrors) as exc:
        await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=b.id, expires_at="tomorrow")
    assert [e.field for e in exc.value.errors] == ["expiresAt"]
    after = (await cast.docs("bookings"), (await casting.roles(PRODUCER, [r.id]))[r.id].version)
    assert after == before


async def test_two_holds_decided_on_the_same_reading_do_not_share_a_rank(
    casting: Casting, database: Any, peers: Any
) -> None:
    r, (a, b) = await cast_of(casting, 2)
    peers.conflicts_gate = asyncio.Barrier(2)  # both have read the role's holds: rank 1 each
    results = await asyncio.gather(
        casting.hold_talent(PRODUCER, role_id=r.id, talent_id=a.id),
        casting.hold_talent(PRODUCER, role_id=r.id, talent_id=b.id),
        return_exceptions=True,
    )
    held = [x for x in results if isinstance(x, Booking)]
    refused = [x for x in results if isinstance(x, UserError)]
    assert [b.rank for b in await casting.bookings_of_roles(PRODUCER, [r.id])] == [1]
    assert (len(held), [(e.field, e.code) for e in refused]) == (1, [("roleId", "CONFLICT")])


async def test_a_confirmed_booking_released_carries_its_cancellation_fee_in_the_event(
    casting: Casting, database: Any
) -> None:
    r, (a,) = await cast_of(casting, 1, fee="450.00")
    b = await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=a.id)
    await casting.confirm_booking(PRODUCER, booking_id=b.id)
    released = await casting.release_booking(PRODUCER, booking_id=b.id, reason="rewrite")
    assert released.status is BookingStatus.RELEASED
    assert released.cancellation_fee == model.Money(Decimal("450.00"), "USD")
    event = (await outbox(database, b.id))[-1]
    fee = BOOKING_RELEASED.decode(envelope(event)).booking.cancellation_fee
    assert (fee.amount, fee.currency) == ("450.00", "USD")


async def test_the_sweep_expires_lapsed_holds_promotes_and_is_idempotent(
    casting: Casting, database: Any, cast: Any
) -> None:
    r, (a, b, c) = await cast_of(casting, 3)
    soon = datetime.now(UTC) + timedelta(hours=1)
    lapsing = await casting.hold_talent(
        PRODUCER, role_id=r.id, talent_id=a.id, expires_at=soon.isoformat()
    )
    second = await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=b.id)
    third = await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=c.id)
    assert await casting.expire_holds(SWEEPER, at=soon - timedelta(seconds=1)) == []

    expired = await casting.expire_holds(SWEEPER, at=soon)
    assert [(x.id, x.status) for x in expired] == [(lapsing.id, BookingStatus.EXPIRED)]
    event = (await outbox(database, lapsing.id))[-1]
    assert event.type == BOOKING_RELEASED.name
    assert BOOKING_RELEASED.decode(envelope(event)).reason == "expired"
    ranks = {
        x.id: x.rank for x in (await casting.bookings(PRODUCER, [second.id, third.id])).values()
    }
    assert ranks == {second.id: 1, third.id: 2}

    before = {x: len(await outbox(database, x)) for x in (lapsing.id, second.id, third.id)}
    assert await casting.expire_holds(SWEEPER, at=soon + timedelta(hours=1)) == []
    after = {x: len(await outbox(database, x)) for x in (lapsing.id, second.id, third.id)}
    assert after == before  # a second sweep writes nothing
    assert await cast.audited(lapsing.id) == ["holdTalent", "expireHolds"]


async def test_staff_sweep_only_their_organisation_and_others_may_not_sweep(
    casting: Casting, database: Any
) -> None:
    r, (a,) = await cast_of(casting, 1)
    soon = datetime.now(UTC) + timedelta(hours=1)
    await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=a.id, expires_at=soon.isoformat())
    assert await casting.expire_holds(principal("org_b", "casting"), at=soon) == []
    with pytest.raises(Forbidden):
        await casting.expire_holds(principal("org_a", "viewer"), at=soon)
    assert len(await casting.expire_holds(PRODUCER, at=soon)) == 1


async def test_live_events_tell_promotions_and_expiries_apart(
    casting: Casting, database: Any, feed: Any
) -> None:
    r, (a, b) = await cast_of(casting, 2)
    soon = datetime.now(UTC) + timedelta(hours=1)
    first = await casting.hold_talent(
        PRODUCER, role_id=r.id, talent_id=a.id, expires_at=soon.isoformat()
    )
    second = await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=b.id)
    changes = casting.booking_events(PRODUCER, production_id="prd_1")
    got = asyncio.ensure_future(anext(changes))
    await asyncio.wait_for(feed.listening.wait(), 2)
    await casting.expire_holds(SWEEPER, at=soon)
    for booking_id in (first.id, second.id):
        for event in (await outbox(database, booking_id))[1:]:
            feed.publish(event)
    expired = await asyncio.wait_for(got, 2)
    promoted = await asyncio.wait_for(anext(changes), 2)
    assert (expired.kind, expired.booking.status) == (BookingEventKind.EXPIRED, "EXPIRED")
    assert (promoted.kind, promoted.terms.rank, promoted.terms.from_rank) == (
        BookingEventKind.PROMOTED,
        1,
        2,
    )
    await changes.aclose()


def test_hold_terms_are_read_back_from_every_booking_event() -> None:
    b = hold(1, of=role(fee="10.00"))
    b.confirm("u1", at=NOW)
    b.release("recast")
    event = events.to_outbox(b.events[-1])
    terms = events.terms_of(BOOKING_RELEASED.decode(envelope(event)))
    assert terms.rank == 1
    assert terms.expires_at == datetime(2027, 3, 2, 8, tzinfo=UTC)
    assert terms.cancellation_fee == model.Money(Decimal("10.00"), "USD")


# --- the subgraph ------------------------------------------------------------------------------

RANKED = """
mutation($r: ID!, $t: ID!, $rank: Int, $until: String) {
  holdTalent(input: {roleId: $r, talentId: $t, rank: $rank, expiresAt: $until}) {
    booking { id status rank expiresAt cancellationFee { amount currency } }
    userErrors { field message code }
  }
}"""


async def test_hold_rank_expiry_and_cancellation_fee_through_the_subgraph(
    casting: Casting,
) -> None:
    r, (a, b) = await cast_of(casting, 2, fee="300")
    until = "2027-03-01T18:00:00Z"
    first = data(await run(casting, RANKED, r=r.id, t=a.id, rank=1, until=until))["holdTalent"]
    assert first["userErrors"] == []
    assert {k: first["booking"][k] for k in ("rank", "expiresAt", "cancellationFee")} == {
        "rank": 1,
        "expiresAt": until,
        "cancellationFee": None,
    }
    taken = data(await run(casting, RANKED, r=r.id, t=b.id, rank=1))["holdTalent"]
    assert taken["booking"] is None
    assert [(e["field"], e["code"]) for e in taken["userErrors"]] == [("rank", "CONFLICT")]

    booking_id = first["booking"]["id"]
    confirm = "mutation($b: ID!) { confirmBooking(input: {bookingId: $b}) { booking { id } } }"
    assert data(await run(casting, confirm, b=booking_id))["confirmBooking"]["booking"]
    release = """mutation($b: ID!) { releaseBooking(input: {bookingId: $b, reason: "x"}) {
        booking { status cancellationFee { amount currency } } } }"""
    released = data(await run(casting, release, b=booking_id))["releaseBooking"]["booking"]
    assert released == {
        "status": "RELEASED",
        "cancellationFee": {"amount": "300.00", "currency": "USD"},
    }
    role = data(
        await run(
            casting,
            "query($id: ID!) { role(id: $id) { quantity cancellationFee { amount } } }",
            id=r.id,
        )
    )["role"]
    assert role == {"quantity": 1, "cancellationFee": {"amount": "300.00"}}


async def test_expire_holds_through_the_subgraph(casting: Casting) -> None:
    r, (a,) = await cast_of(casting, 1)
    await casting.hold_talent(PRODUCER, role_id=r.id, talent_id=a.id)
    sweep = "mutation { expireHolds { expired { id status } userErrors { field code } } }"
    assert data(await run(casting, sweep, SWEEPER))["expireHolds"] == {
        "expired": [],
        "userErrors": [],
    }
    refused = data(await run(casting, sweep, principal("org_a", "viewer")))["expireHolds"]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]


@pytest.mark.parametrize("raw", ["9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+14:00"])
def test_an_instant_off_the_calendar_in_utc_is_refused_by_field(raw: str) -> None:
    problems: list[model.Problem] = []
    assert model.parse_instant(raw, "expiresAt", problems) is None
    assert [p.field for p in problems] == ["expiresAt"]


def test_a_work_start_off_the_calendar_in_utc_stays_on_it() -> None:
    kiritimati = Production(id="prd_k", org_id="org_a", timezone="Etc/GMT-14")  # UTC+14
    draft = model.validate_role("Lead", "1200", "USD", "DAY", ["0001-01-01"])
    early = Role.create(id="rol_k", production=kiritimati, draft=draft)
    assert early.work_starts() == datetime(1, 1, 1, tzinfo=UTC)


# --- the scheduled sweep -------------------------------------------------------------------------


async def test_the_sweep_job_expires_lapsed_holds_once_and_runs_in_the_service_wiring(
    casting: Casting,
) -> None:
    from casting import sweep

    r, (a, b) = await cast_of(casting, 2)
    soon = datetime.now(UTC) + timedelta(hours=1)
    for t in (a, b):
        await casting.hold_talent(
            PRODUCER, role_id=r.id, talent_id=t.id, expires_at=soon.isoformat()
        )
    job = sweep.hold_sweep(casting, every_s=0.01, clock=lambda: soon)
    assert (job.name, job.interval_s) == ("hold-sweep", 0.01)
    assert await job.run() == 2  # the first pass expires both
    assert await job.run() == 0  # the second finds nothing: idempotent
    assert await casting.expire_holds(sweep.SWEEPER, at=soon) == []
    [default] = sweep.jobs(casting)
    assert default.interval_s == sweep.DEFAULT_INTERVAL_S == sweep.interval_s({})
    assert sweep.interval_s({"SLATE_CASTING_SWEEP_INTERVAL_S": "5"}) == 5.0
