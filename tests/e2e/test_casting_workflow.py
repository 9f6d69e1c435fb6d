"""Issue 11's acceptance flow through the gateway: a role is published; two agents and one
talent submit; one is shortlisted, auditioned and put on first hold, another on second hold;
the first is released; the second is promoted and booked; the subscription delivered each
event in order; a minor without a permit is still refused with the reason."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import websockets

from .conftest import (
    CONFIRM,
    CREATE_PRODUCTION,
    GATEWAY,
    REGISTER_TALENT,
    Gateway,
    ok,
    token,
)

pytestmark = pytest.mark.e2e

CREATE_BREAKDOWN = """
mutation($p: ID!, $name: String!, $deadline: String!) {
  createRole(input: {productionId: $p, name: $name, rate: {amount: "1200.00"},
      workDates: ["2027-03-02", "2027-03-03"], cancellationFee: "600.00",
      description: "A skater who sings", submissionDeadline: $deadline,
      requirements: {ageMin: 18, ageMax: 40, skills: ["Skating"], union: SAG_AFTRA},
      usage: {media: ["TV", "Digital"], territory: "US", term: "24 months"}}) {
    role { id status }
    userErrors { field message code }
  }
}"""
PUBLISH = """
mutation($r: ID!) { publishRole(input: {roleId: $r}) {
  role { id status } userErrors { field message code } } }"""
SUBMIT = """
mutation($r: ID!, $t: ID!, $note: String!) {
  submitTalent(input: {roleId: $r, talentId: $t, note: $note}) {
    submission { id status } userErrors { field message code } } }"""
SHORTLIST = """
mutation($s: ID!) { shortlistSubmission(input: {submissionId: $s, rank: 1}) {
  submission { id status shortlistRank } userErrors { field message code } } }"""
SESSION = """
mutation($p: ID!, $date: String!) { createAuditionSession(input: {productionId: $p,
    date: $date, timezone: "America/Los_Angeles", start: "09:00", end: "12:00",
    slotMinutes: 15, rooms: ["Studio A"]}) {
  session { id } userErrors { field message code } } }"""
INVITE = """
mutation($session: ID!, $s: ID!) {
  inviteToAudition(input: {sessionId: $session, submissionId: $s}) {
  invitation { id status room startsAt } userErrors { field message code } } }"""
RESPOND = """
mutation($i: ID!) { respondToAudition(input: {invitationId: $i, accept: true}) {
  invitation { id status } userErrors { field message code } } }"""
HOLD = """
mutation($r: ID!, $t: ID!, $rank: Int) {
  holdTalent(input: {roleId: $r, talentId: $t, rank: $rank}) {
  booking { id status rank expiresAt } userErrors { field message code } } }"""
RELEASE = """
mutation($b: ID!) { releaseBooking(input: {bookingId: $b, reason: "went another way"}) {
  booking { id status cancellationFee { amount } } userErrors { field message code } } }"""
ROLE = """
query($id: ID!) { role(id: $id) {
  status submissions { id status talent { id } } bookings { id status rank } } }"""
EVENTS = """
subscription($p: ID!) {
  bookingEvents(productionId: $p) { kind fromRank booking { id status rank } }
}"""


async def next_message(ws: Any, wait_s: float = 15) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), wait_s))
        if message["type"] != "ping":
            return message
        await ws.send(json.dumps({"type": "pong"}))


@contextlib.asynccontextmanager
async def booking_events(production_id: str, bearer: str) -> AsyncIterator[Any]:
    url = GATEWAY.replace("http://", "ws://")
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {bearer}"}}
        await ws.send(json.dumps(init))
        assert (await next_message(ws))["type"] == "connection_ack"
        payload = {"query": EVENTS, "variables": {"p": production_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        yield ws


async def register(gateway: Gateway, bearer: str, name: str, dob: str = "1992-05-01") -> str:
    registered = ok(
        await gateway(REGISTER_TALENT, {"name": name, "dob": dob}, token=bearer), "registerTalent"
    )
    talent_id: str = registered["talent"]["id"]
    return talent_id


async def test_publish_submit_audition_hold_release_promote_and_book(
    gateway: Gateway, producer: str, org: str
) -> None:
    agent_a = token(f"{org}_agency_a", "casting", sub="agent-a")
    agent_b = token(f"{org}_agency_b", "casting", sub="agent-b")
    self_id = f"tal_{uuid.uuid4().hex[:24]}"
    talent = token(f"{org}_self", "talent", sub="self", talent_id=self_id)

    production = ok(
        await gateway(CREATE_PRODUCTION, {"title": "Skate Spot"}, token=producer),
        "createProduction",
    )["production"]["id"]
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    role = ok(
        await gateway(
            CREATE_BREAKDOWN,
            {"p": production, "name": "Lead Skater", "deadline": deadline},
            token=producer,
        ),
        "createRole",
    )["role"]
    assert role["status"] == "DRAFT"
    published = ok(await gateway(PUBLISH, {"r": role["id"]}, token=producer), "publishRole")
    assert published["role"]["status"] == "PUBLISHED"

    # two agents and one self-submitting talent
    first = await register(gateway, agent_a, "Rosa Díaz")
    second = await register(gateway, agent_b, "Ana Lee")
    assert await register(gateway, talent, "Juniper Song") == self_id
    submissions = {}
    for bearer, talent_id in ((agent_a, first), (agent_b, second), (talent, self_id)):
        made = ok(
            await gateway(SUBMIT, {"r": role["id"], "t": talent_id, "note": "Free"}, token=bearer),
            "submitTalent",
        )
        assert made["submission"]["status"] == "SUBMITTED"
        submissions[talent_id] = made["submission"]["id"]
    duplicate = await gateway(SUBMIT, {"r": role["id"], "t": first, "note": "again"}, token=agent_b)
    assert [e["code"] for e in duplicate["data"]["submitTalent"]["userErrors"]] == ["CONFLICT"]

    # shortlisted and auditioned
    listed = ok(
        await gateway(SHORTLIST, {"s": submissions[first]}, token=producer), "shortlistSubmission"
    )
    assert listed["submission"]["status"] == "SHORTLISTED"
    day = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    session = ok(
        await gateway(SESSION, {"p": production, "date": day}, token=producer),
        "createAuditionSession",
    )
    invited = ok(
        await gateway(
            INVITE, {"session": session["session"]["id"], "s": submissions[first]}, token=producer
        ),
        "inviteToAudition",
    )
    answered = ok(
        await gateway(RESPOND, {"i": invited["invitation"]["id"]}, token=agent_a),
        "respondToAudition",
    )
    assert answered["invitation"]["status"] == "ACCEPTED"

    async with booking_events(production, producer) as ws:
        await asyncio.sleep(1.5)  # the gateway opens its own subscription to casting meanwhile
        hold_1 = ok(
            await gateway(HOLD, {"r": role["id"], "t": first, "rank": 1}, token=producer),
            "holdTalent",
        )
        hold_2 = ok(
            await gateway(HOLD, {"r": role["id"], "t": second}, token=producer), "holdTalent"
        )
        assert (hold_1["booking"]["rank"], hold_2["booking"]["rank"]) == (1, 2)
        early = await gateway(CONFIRM, {"bookingId": hold_2["booking"]["id"]}, token=producer)
        assert [e["code"] for e in early["data"]["confirmBooking"]["userErrors"]] == ["CONFLICT"]
        released = ok(
            await gateway(RELEASE, {"b": hold_1["booking"]["id"]}, token=producer), "releaseBooking"
        )
        assert released["booking"] == {
            "id": hold_1["booking"]["id"],
            "status": "RELEASED",
            "cancellationFee": None,  # a hold, not a booking: nothing owed
        }
        booked = ok(
            await gateway(CONFIRM, {"bookingId": hold_2["booking"]["id"]}, token=producer),
            "confirmBooking",
        )
        assert booked["booking"]["status"] == "BOOKED"

        wanted = {
            hold_1["booking"]["id"]: [("HELD", 1), ("RELEASED", 1)],
            hold_2["booking"]["id"]: [("HELD", 2), ("PROMOTED", 1), ("CONFIRMED", 1)],
        }
        seen: dict[str, list[tuple[str, int]]] = {b: [] for b in wanted}
        while sum(map(len, seen.values())) < sum(map(len, wanted.values())):
            message = await next_message(ws)
            assert message["type"] == "next", message
            event = message["payload"]["data"]["bookingEvents"]
            seen[event["booking"]["id"]].append((event["kind"], event["booking"]["rank"]))
        assert seen == wanted  # each booking's events, in the order they happened

    state = (await gateway(ROLE, {"id": role["id"]}, token=producer))["data"]["role"]
    assert state["status"] == "PUBLISHED"
    assert {s["talent"]["id"]: s["status"] for s in state["submissions"]} == {
        first: "SHORTLISTED",
        second: "SUBMITTED",
        self_id: "SUBMITTED",
    }
    assert sorted((b["status"], b["rank"]) for b in state["bookings"]) == [
        ("BOOKED", 1),
        ("RELEASED", 1),
    ]
    # an agency sees only its own submission to the role, and no holds
    theirs = (await gateway(ROLE, {"id": role["id"]}, token=agent_b))["data"]["role"]
    assert [s["talent"]["id"] for s in theirs["submissions"]] == [second]
    assert theirs["bookings"] == []


async def test_a_minor_without_a_permit_is_still_refused_with_the_reason(
    gateway: Gateway, producer: str
) -> None:
    production = ok(
        await gateway(CREATE_PRODUCTION, {"title": "Kid Spot"}, token=producer), "createProduction"
    )["production"]["id"]
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    role = ok(
        await gateway(
            CREATE_BREAKDOWN, {"p": production, "name": "Kid", "deadline": deadline}, token=producer
        ),
        "createRole",
    )["role"]
    minor = await register(gateway, producer, "Kid Star", dob="2012-04-01")
    held = ok(
        await gateway(HOLD, {"r": role["id"], "t": minor, "rank": None}, token=producer),
        "holdTalent",
    )
    refused = (await gateway(CONFIRM, {"bookingId": held["booking"]["id"]}, token=producer))[
        "data"
    ]["confirmBooking"]
    assert refused["booking"] is None
    assert "MINOR_WORK_PERMIT_MISSING" in refused["userErrors"][0]["message"]
