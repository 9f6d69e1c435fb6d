"""The spine through the gateway: production → role → talent → hold → confirm, across 4 services."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from .conftest import (
    CONFIRM,
    CREATE_ROLE,
    REGISTER_TALENT,
    SPINE_QUERY,
    Gateway,
    ok,
    records_with_key,
    spine_booking,
    token,
)

pytestmark = pytest.mark.e2e


def first_booking(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    [role] = body["data"]["production"]["roles"]
    [booking] = role["bookings"]
    result: dict[str, Any] = booking
    return result


async def test_confirmed_booking_gets_engagement_and_contract_within_a_second(
    gateway: Gateway, producer: str
) -> None:
    ids = await spine_booking(gateway, producer)
    confirmed = ok(
        await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking"
    )
    assert confirmed["booking"]["status"] == "BOOKED"
    # Latency is measured to the moment the first query that saw both was sent: the state was
    # there by then, however long the (FerretDB-backed) query itself then took to answer.
    confirmed_at = time.monotonic()
    while True:
        sent_at = time.monotonic()
        booking = first_booking(
            await gateway(SPINE_QUERY, {"id": ids["production"]}, token=producer)
        )
        if booking["engagement"] and booking["contract"]:
            break
        assert sent_at - confirmed_at < 5, f"engagement/contract still missing: {booking}"
        await asyncio.sleep(0.02)
    elapsed = sent_at - confirmed_at
    assert booking["status"] == "BOOKED"
    assert booking["talent"] == {"name": "Rosa Díaz"}
    # 1,200.00 a day for two days, SAG-AFTRA: + 23.5 % P&H (the agent fee is 0 by default).
    assert booking["engagement"] == {
        "status": "PENDING_ONBOARDING",
        "estimatedCost": {"total": {"amount": "2964.00"}},
    }
    assert booking["contract"] == {"status": "DRAFT"}
    assert elapsed < 1.0, f"took {elapsed:.2f}s for payroll and legal to react"


async def test_concurrent_confirmations_exactly_one_wins(gateway: Gateway, producer: str) -> None:
    ids = await spine_booking(gateway, producer)
    bodies = await asyncio.gather(
        *(gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer) for _ in range(2))
    )
    payloads = [b["data"]["confirmBooking"] for b in bodies]
    winners = [p for p in payloads if p["booking"] and not p["userErrors"]]
    losers = [p for p in payloads if p["userErrors"]]
    assert len(winners) == 1, payloads
    assert len(losers) == 1, payloads
    assert winners[0]["booking"]["status"] == "BOOKED"
    assert losers[0]["userErrors"][0]["code"] == "CONFLICT"
    assert losers[0]["userErrors"][0]["field"] == "bookingId"
    # Exactly one confirmed event reaches Kafka (the relay may take a moment to publish it).
    deadline = time.monotonic() + 5
    while True:
        types = [
            h["ce_type"] for h in await records_with_key("slate.casting.booking.v1", ids["booking"])
        ]
        if "slate.casting.booking.confirmed.v1" in types or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert types.count("slate.casting.booking.confirmed.v1") == 1, types
    assert types.count("slate.casting.booking.held.v1") == 1, types


async def test_services_expose_health_readiness_and_event_metrics(
    gateway: Gateway, producer: str
) -> None:
    ids = await spine_booking(gateway, producer)
    ok(await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking")
    async with httpx.AsyncClient(timeout=10) as client:
        for port in (4001, 4002, 4003, 4004):
            assert (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
            ready = await client.get(f"http://127.0.0.1:{port}/readyz")
            assert ready.json() == {"status": "ready", "mongo": "ok", "kafka": "ok"}
        metrics = (await client.get("http://127.0.0.1:4001/metrics")).text
    assert 'slate_events_published_total{topic="slate.casting.booking.v1"}' in metrics
    assert "slate_http_request_seconds_count" in metrics


async def test_without_a_token_nothing_is_returned(gateway: Gateway, producer: str) -> None:
    ids = await spine_booking(gateway, producer)
    body = await gateway(SPINE_QUERY, {"id": ids["production"]})
    assert body.get("data") in (None, {"production": None}), body
    assert any(
        (e.get("extensions") or {}).get("code") == "UNAUTHENTICATED" or "token" in e["message"]
        for e in body["errors"]
    ), body


async def test_another_organisation_sees_nothing(gateway: Gateway, producer: str) -> None:
    ids = await spine_booking(gateway, producer)
    intruder = token("org_intruder", "producer", "casting", "accounting", "legal")
    body = await gateway(SPINE_QUERY, {"id": ids["production"]}, token=intruder)
    assert body["data"]["production"] is None, body
    booking = await gateway(
        "query($id: ID!) { booking(id: $id) { id status } }", {"id": ids["booking"]}, token=intruder
    )
    assert booking["data"]["booking"] is None, booking
    # Their own write against the first organisation's production is refused, naming the field.
    role = await gateway(
        CREATE_ROLE,
        {"productionId": ids["production"], "amount": "10.00", "dates": ["2027-01-04"]},
        token=intruder,
    )
    assert role["data"]["createRole"]["role"] is None
    assert role["data"]["createRole"]["userErrors"][0]["field"] == "productionId"


@pytest.mark.parametrize(
    ("amount", "production", "field"),
    [
        ("-100.00", None, "rate.amount"),
        ("twelve hundred", None, "rate.amount"),
        ("1200.00", "prd_does_not_exist", "productionId"),
        ("100.00", None, "rate.amount"),  # a day rate under California's minimum wage
    ],
)
async def test_bad_role_input_names_the_field_and_writes_nothing(
    gateway: Gateway, producer: str, amount: str, production: str | None, field: str
) -> None:
    ids = await spine_booking(gateway, producer)
    body = await gateway(
        CREATE_ROLE,
        {
            "productionId": production or ids["production"],
            "amount": amount,
            "dates": ["2027-01-04"],
        },
        token=producer,
    )
    payload = body["data"]["createRole"]
    assert payload["role"] is None
    assert [e["field"] for e in payload["userErrors"]] == [field]
    after = await gateway(SPINE_QUERY, {"id": ids["production"]}, token=producer)
    assert len(after["data"]["production"]["roles"]) == 1


async def test_birth_date_in_the_future_is_refused(gateway: Gateway, producer: str) -> None:
    body = await gateway(
        REGISTER_TALENT, {"name": "Future Kid", "dob": "2099-01-01"}, token=producer
    )
    payload = body["data"]["registerTalent"]
    assert payload["talent"] is None
    assert [e["field"] for e in payload["userErrors"]] == ["dateOfBirth"]


async def test_minor_without_work_permit_cannot_be_booked_until_legal_records_one(
    gateway: Gateway, producer: str, org: str
) -> None:
    ids = await spine_booking(gateway, producer, dob="2014-06-01")
    refused = (await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer))["data"][
        "confirmBooking"
    ]
    assert refused["booking"] is None
    assert "MINOR_WORK_PERMIT_MISSING" in refused["userErrors"][0]["message"]
    legal = token(org, "legal")
    permit = await gateway(
        """mutation($t: ID!) { recordWorkPermit(input: {talentId: $t, number: "EWP-123",
           expiresOn: "2027-06-01"}) { workPermit { id } userErrors { field message code } } }""",
        {"t": ids["talent"]},
        token=legal,
    )
    ok(permit, "recordWorkPermit")
    confirmed = ok(
        await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking"
    )
    assert confirmed["booking"]["status"] == "BOOKED"


async def test_releasing_a_booking_voids_its_contract_and_cancels_its_engagement(
    gateway: Gateway, producer: str
) -> None:
    ids = await spine_booking(gateway, producer)
    ok(await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking")
    for _ in range(100):
        booking = first_booking(
            await gateway(SPINE_QUERY, {"id": ids["production"]}, token=producer)
        )
        if booking["engagement"] and booking["contract"]:
            break
        await asyncio.sleep(0.05)
    released = ok(
        await gateway(
            """mutation($b: ID!) { releaseBooking(input: {bookingId: $b, reason: "recast"}) {
               booking { id status } userErrors { field message code } } }""",
            {"b": ids["booking"]},
            token=producer,
        ),
        "releaseBooking",
    )
    assert released["booking"]["status"] == "RELEASED"
    for _ in range(100):
        booking = first_booking(
            await gateway(SPINE_QUERY, {"id": ids["production"]}, token=producer)
        )
        if (
            booking["contract"]["status"] == "VOID"
            and booking["engagement"]["status"] == "CANCELLED"
        ):
            break
        await asyncio.sleep(0.05)
    assert booking["status"] == "RELEASED"
    assert booking["contract"]["status"] == "VOID"
    assert booking["engagement"]["status"] == "CANCELLED"
    again = await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer)
    assert again["data"]["confirmBooking"]["userErrors"][0]["code"] == "CONFLICT"
