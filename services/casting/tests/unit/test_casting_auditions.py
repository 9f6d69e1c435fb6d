"""Auditions and self-tapes (issue 11): sessions with a date, time zone, rooms and slot length;
invitations to slots with no overlap in a room and no talent in two places at once; the talent
accepts or declines; callbacks after an audition; self-tape requests with a due time and the
tape's link when delivered. Domain, use cases on MemoryDatabase, the subgraph."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from casting.domain import auditions, model
from casting.domain.auditions import (
    AuditionInvitation,
    AuditionSession,
    InvitationStatus,
    SelfTapeRequest,
    SessionKind,
)
from casting.domain.model import Submission, SubmissionStatus
from casting.usecases import BreakdownInput, Casting
from slate.errors import UserError, ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import (
    AUDITION_ACCEPTED,
    AUDITION_INVITED,
    AUDITION_SESSION_CREATED,
    SELF_TAPE_DELIVERED,
    SELF_TAPE_REQUESTED,
)
from slate.repository import MemoryDatabase
from slate.testing import data, principal

from ..builders import new_role, new_talent, run

PRODUCER = principal("org_a", "producer", "casting")
AGENT = principal("org_agency", "casting", sub="agent_1")
TODAY = date(2027, 1, 1)
DAY = "2027-02-10"  # PST: 09:00 local is 17:00 UTC


def session(
    kind: str = "AUDITION", rooms: tuple[str, ...] = ("A", "B"), **kw: Any
) -> AuditionSession:
    values: dict[str, Any] = {
        "day": DAY,
        "timezone": "America/Los_Angeles",
        "start": "09:00",
        "end": "10:00",
        "slot_minutes": 15,
        "rooms": list(rooms),
        "kind": kind,
        "today": TODAY,
    }
    values.update(kw)
    draft = auditions.validate_session(**values)
    s = AuditionSession.create(id="aud_1", org_id="org_a", production_id="prd_1", draft=draft)
    s.version, s.events = 1, []
    return s


def submission(status: SubmissionStatus = SubmissionStatus.SHORTLISTED) -> Submission:
    return Submission(
        id="sub_1",
        org_id="org_a",
        role_id="rol_1",
        production_id="prd_1",
        talent_id="tal_1",
        submitted_by_org="org_agency",
        submitted_by="agent_1",
        self_submitted=False,
        note="",
        status=status,
        submitted_at=datetime(2027, 1, 1, tzinfo=UTC),
        version=1,
    )


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(2027, 2, 10, hh, mm, tzinfo=UTC)


# --- domain ----------------------------------------------------------------------------------


def test_a_session_is_cut_into_slots_per_room_in_utc() -> None:
    slots = session().slots()
    assert len(slots) == 8
    assert (slots[0].room, slots[0].starts_at, slots[0].ends_at) == ("A", at(17), at(17, 15))
    assert (slots[4].room, slots[4].starts_at) == ("B", at(17))


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"day": "2026-12-31"}, "date"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"start": "9am"}, "start"),
        ({"end": "08:00"}, "end"),
        ({"slot_minutes": 2}, "slotMinutes"),
        ({"slot_minutes": 90}, "slotMinutes"),
        ({"rooms": []}, "rooms"),
        ({"rooms": ["A", "A"]}, "rooms[1]"),
        ({"kind": "TABLE_READ"}, "kind"),
    ],
)
def test_each_bad_session_field_is_named(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(model.Invalid) as exc:
        session(**kw)
    assert [p.field for p in exc.value.problems] == [field]


def test_the_first_free_slot_skips_taken_slots_and_the_talents_other_engagements() -> None:
    s = session()
    slot = s.choose_slot(taken=[("A", at(17))], talent_busy=[(at(17, 10), at(17, 20))])
    assert (slot.room, slot.starts_at) == ("A", at(17, 30))  # 17:15 overlaps 17:10-17:20


def test_inviting_a_talent_to_two_overlapping_slots_is_refused() -> None:
    s = session()
    with pytest.raises(model.Invalid) as exc:
        s.choose_slot(taken=[], talent_busy=[(at(17), at(17, 15))], room="B", starts_at=at(17))
    [p] = exc.value.problems
    assert (p.field, p.code) == ("submissionId", "CONFLICT")
    assert "elsewhere" in p.message


def test_a_full_session_has_no_slot() -> None:
    s = session(rooms=("A",))
    taken = [(x.room, x.starts_at) for x in s.slots()]
    with pytest.raises(model.Invalid) as exc:
        s.choose_slot(taken=taken, talent_busy=[])
    assert exc.value.problems[0].field == "sessionId"


@pytest.mark.parametrize("status", [SubmissionStatus.WITHDRAWN, SubmissionStatus.DECLINED])
def test_a_withdrawn_or_declined_submission_is_not_invited(status: SubmissionStatus) -> None:
    s = session()
    with pytest.raises(model.Invalid) as exc:
        AuditionInvitation.invite(
            id="inv_1",
            session=s,
            submission=submission(status),
            slot=s.slots()[0],
            auditioned=False,
            by="cd",
        )
    assert exc.value.problems[0].code == "CONFLICT"


def test_a_callback_needs_an_accepted_audition_and_an_answer_is_given_once() -> None:
    cb = session(kind="CALLBACK")
    with pytest.raises(model.Invalid) as exc:
        AuditionInvitation.invite(
            id="inv_1",
            session=cb,
            submission=submission(),
            slot=cb.slots()[0],
            auditioned=False,
            by="cd",
        )
    assert "callback follows an audition" in exc.value.problems[0].message
    inv = AuditionInvitation.invite(
        id="inv_1",
        session=cb,
        submission=submission(),
        slot=cb.slots()[0],
        auditioned=True,
        by="cd",
    )
    inv.respond(True, "tal")
    assert inv.status is InvitationStatus.ACCEPTED
    with pytest.raises(model.Invalid) as again:
        inv.respond(False, "tal")
    assert again.value.problems[0].field == "invitationId"


def test_a_self_tape_is_due_in_the_future_delivered_once_and_marked_late() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(model.Invalid) as exc:
        SelfTapeRequest.request(
            id="tap_1", submission=submission(), instructions="", due_at=now, now=now, by="cd"
        )
    assert [p.field for p in exc.value.problems] == ["dueAt"]
    tape = SelfTapeRequest.request(
        id="tap_1",
        submission=submission(),
        instructions="Sides p.3",
        due_at=now + timedelta(days=1),
        now=now,
        by="cd",
    )
    with pytest.raises(model.Invalid) as bad:
        tape.deliver("file:///tmp/x.mov", at=now, by="t")
    assert bad.value.problems[0].field == "url"
    tape.deliver("https://vimeo.example/1", at=now + timedelta(days=2), by="t")
    assert (tape.late, tape.media_url) == (True, "https://vimeo.example/1")
    with pytest.raises(model.Invalid):
        tape.deliver("https://vimeo.example/2", at=now, by="t")


# --- use cases ---------------------------------------------------------------------------------


async def cast_submissions(casting: Casting, n: int = 2) -> list[Submission]:
    role = await new_role(casting, name="Barista", breakdown=BreakdownInput(description="Sings."))
    await casting.publish_role(PRODUCER, role_id=role.id)
    out = []
    for i in range(n):
        t = await new_talent(casting, AGENT, i, name=f"T {i}")
        out.append(await casting.submit_talent(AGENT, role_id=role.id, talent_id=t.id))
    return out


async def new_session(
    casting: Casting, kind: str = "AUDITION", rooms: tuple[str, ...] = ("A",)
) -> AuditionSession:
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    return await casting.create_audition_session(
        PRODUCER,
        production_id="prd_1",
        date=day,
        timezone="America/Los_Angeles",
        start="09:00",
        end="10:00",
        slot_minutes=20,
        rooms=list(rooms),
        kind=kind,
    )


async def outbox(database: MemoryDatabase, collection: str, id: str) -> list[str]:
    raw = await database.repository(collection, org_scoped=False).raw(id)
    assert raw is not None
    return [OutboxEvent.from_doc(e).type for e in raw["_outbox"]]


async def test_invitations_fill_slots_in_order_and_never_put_a_talent_in_two_places(
    casting: Casting, database: MemoryDatabase, cast: Any
) -> None:
    a, b = await cast_submissions(casting)
    first = await new_session(casting, rooms=("A", "B"))
    assert await outbox(database, "audition_sessions", first.id) == [AUDITION_SESSION_CREATED.name]
    one = await casting.invite_to_audition(PRODUCER, session_id=first.id, submission_id=a.id)
    two = await casting.invite_to_audition(PRODUCER, session_id=first.id, submission_id=b.id)
    assert (one.room, two.room, two.starts_at - one.starts_at) == ("A", "A", timedelta(minutes=20))
    # the same talent in room B at the same time: elsewhere already
    with pytest.raises(ValidationErrors) as exc:
        await casting.invite_to_audition(
            PRODUCER,
            session_id=first.id,
            submission_id=a.id,
            room="B",
            start=one.starts_at.isoformat(),
        )
    assert [(e.field, e.code) for e in exc.value.errors] == [("submissionId", "CONFLICT")]
    # another session at the same hours: the talent gets a slot that does not overlap
    second = await new_session(casting, rooms=("C",))
    three = await casting.invite_to_audition(PRODUCER, session_id=second.id, submission_id=a.id)
    assert three.starts_at >= one.ends_at or three.ends_at <= one.starts_at
    assert await outbox(database, "audition_invitations", one.id) == [AUDITION_INVITED.name]
    assert await cast.audited(one.id) == ["inviteToAudition"]
    assert await cast.docs("audition_invitations") == 3


async def test_the_talent_answers_and_a_declined_slot_is_given_again(
    casting: Casting, database: MemoryDatabase
) -> None:
    a, b = await cast_submissions(casting)
    s = await new_session(casting)
    inv = await casting.invite_to_audition(PRODUCER, session_id=s.id, submission_id=a.id)
    stranger = principal("org_x", "talent", talent_id="tal_someone")
    with pytest.raises(UserError) as unknown:
        await casting.respond_to_audition(stranger, invitation_id=inv.id, accept=True)
    assert (unknown.value.field, unknown.value.code) == ("invitationId", "NOT_FOUND")
    me = principal("org_t", "talent", talent_id=a.talent_id)
    declined = await casting.respond_to_audition(me, invitation_id=inv.id, accept=False)
    assert declined.status is InvitationStatus.DECLINED
    again = await casting.invite_to_audition(
        PRODUCER, session_id=s.id, submission_id=b.id, start=inv.starts_at.isoformat()
    )
    assert (again.id, again.talent_id, again.status) == (
        inv.id,
        b.talent_id,
        InvitationStatus.INVITED,
    )
    accepted = await casting.respond_to_audition(AGENT, invitation_id=again.id, accept=True)
    assert accepted.status is InvitationStatus.ACCEPTED
    assert (await outbox(database, "audition_invitations", inv.id))[-1] == AUDITION_ACCEPTED.name


async def test_a_callback_after_an_accepted_audition_only(casting: Casting, cast: Any) -> None:
    a, b = await cast_submissions(casting)
    audition = await new_session(casting)
    callback = await new_session(casting, kind="CALLBACK", rooms=("Studio",))
    inv = await casting.invite_to_audition(PRODUCER, session_id=audition.id, submission_id=a.id)
    with pytest.raises(ValidationErrors) as exc:
        await casting.invite_to_audition(PRODUCER, session_id=callback.id, submission_id=b.id)
    assert [e.field for e in exc.value.errors] == ["submissionId"]
    await casting.respond_to_audition(AGENT, invitation_id=inv.id, accept=True)
    called = await casting.invite_to_audition(PRODUCER, session_id=callback.id, submission_id=a.id)
    assert called.kind is SessionKind.CALLBACK


async def test_only_the_roles_organisation_invites_and_bad_input_writes_nothing(
    casting: Casting, cast: Any
) -> None:
    (a,) = await cast_submissions(casting, 1)
    s = await new_session(casting)
    with pytest.raises(UserError) as exc:
        await casting.invite_to_audition(
            principal("org_a", "viewer"), session_id=s.id, submission_id=a.id
        )
    assert exc.value.code == "FORBIDDEN"
    for outsider in (AGENT, principal("org_b", "casting")):  # another organisation's session
        with pytest.raises(UserError) as other:
            await casting.invite_to_audition(outsider, session_id=s.id, submission_id=a.id)
        assert (other.value.field, other.value.code) == ("sessionId", "NOT_FOUND")
    with pytest.raises(ValidationErrors) as bad:
        await casting.invite_to_audition(
            PRODUCER, session_id=s.id, submission_id=a.id, room="Nowhere"
        )
    assert [e.field for e in bad.value.errors] == ["room"]
    with pytest.raises(ValidationErrors) as session_bad:
        await casting.create_audition_session(
            PRODUCER,
            production_id="prd_1",
            date="2027-02-10",
            timezone="Nowhere",
            start="10:00",
            end="09:00",
            slot_minutes=15,
            rooms=["A"],
        )
    assert [e.field for e in session_bad.value.errors] == ["timezone", "end"]
    assert (await cast.docs("audition_invitations"), await cast.docs("audition_sessions")) == (0, 1)


async def test_a_self_tape_is_requested_and_delivered_by_the_talent(
    casting: Casting, database: MemoryDatabase
) -> None:
    (a,) = await cast_submissions(casting, 1)
    due = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    tape = await casting.request_self_tape(
        PRODUCER, submission_id=a.id, due_at=due, instructions="Sides p.3"
    )
    with pytest.raises(UserError):
        await casting.deliver_self_tape(
            principal("org_z", "talent", talent_id="tal_z"), request_id=tape.id, url="https://x/1"
        )
    me = principal("org_t", "talent", talent_id=a.talent_id)
    done = await casting.deliver_self_tape(me, request_id=tape.id, url="https://vimeo.example/9")
    assert (done.media_url, done.late) == ("https://vimeo.example/9", False)
    assert await outbox(database, "self_tapes", tape.id) == [
        SELF_TAPE_REQUESTED.name,
        SELF_TAPE_DELIVERED.name,
    ]
    raw = await database.repository("self_tapes", org_scoped=False).raw(tape.id)
    assert raw is not None
    assert all(b"vimeo" not in OutboxEvent.from_doc(e).payload for e in raw["_outbox"])


# --- the subgraph ------------------------------------------------------------------------------

CREATE = """
mutation($p: ID!, $date: String!) { createAuditionSession(input: {productionId: $p, date: $date,
    timezone: "America/New_York", start: "10:00", end: "11:00", slotMinutes: 30,
    rooms: ["Studio 1"]}) {
  session { id kind date timezone start end slotMinutes rooms }
  userErrors { field message code } } }"""
INVITE = """
mutation($s: ID!, $sub: ID!) { inviteToAudition(input: {sessionId: $s, submissionId: $sub}) {
  invitation { id room startsAt endsAt status } userErrors { field message code } } }"""
SESSION = """
query($id: ID!) { auditionSession(id: $id) { id invitations { room status talent { id } } } }"""
SUBMISSION = """
query($id: ID!) { submission(id: $id) { auditions { status kind } selfTapes { status dueAt } } }"""


async def test_sessions_and_invitations_through_the_subgraph(casting: Casting) -> None:
    a, b = await cast_submissions(casting)
    day = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    made = data(await run(casting, CREATE, p="prd_1", date=day))["createAuditionSession"]
    assert made["userErrors"] == []
    assert made["session"]["rooms"] == ["Studio 1"]
    sid = made["session"]["id"]
    for sub in (a, b):
        invited = data(await run(casting, INVITE, s=sid, sub=sub.id))["inviteToAudition"]
        assert invited["invitation"]["status"] == "INVITED"
    full = data(await run(casting, INVITE, s=sid, sub=a.id))["inviteToAudition"]
    assert full["invitation"] is None
    assert [e["code"] for e in full["userErrors"]] == ["CONFLICT"]
    listed = data(await run(casting, SESSION, id=sid))["auditionSession"]
    assert [i["talent"]["id"] for i in listed["invitations"]] == [a.talent_id, b.talent_id]
    assert data(await run(casting, SESSION, principal("org_b", "casting"), id=sid)) == {
        "auditionSession": None
    }
    seen_by_agent = data(await run(casting, SUBMISSION, AGENT, id=a.id))["submission"]
    assert seen_by_agent == {
        "auditions": [{"status": "INVITED", "kind": "AUDITION"}],
        "selfTapes": [],
    }
    bad = data(await run(casting, CREATE, p="prd_1", date="2020-01-01"))["createAuditionSession"]
    assert [e["field"] for e in bad["userErrors"]] == ["date"]


def test_time_of_a_session_keeps_local_wall_clock() -> None:
    s = session(timezone="Europe/London", start="09:30", end="10:00", slot_minutes=30, rooms=("A",))
    assert (s.start, s.slots()[0].starts_at) == (time(9, 30), at(9, 30))


def test_a_session_is_planned_at_most_two_years_ahead() -> None:
    with pytest.raises(model.Invalid) as exc:
        session(day="9999-12-31", timezone="Etc/GMT+12", start="23:00", end="23:45")
    assert [p.field for p in exc.value.problems] == ["date"]
