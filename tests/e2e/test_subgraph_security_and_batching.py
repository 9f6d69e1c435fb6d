"""Subgraphs refuse unauthenticated federation queries; nested lists cost constant round trips."""

from __future__ import annotations

import asyncio
import secrets
import time

import httpx
import pytest

from .conftest import (
    CONFIRM,
    CREATE_PRODUCTION,
    CREATE_ROLE,
    HOLD,
    REGISTER_TALENT,
    SPINE_QUERY,
    Gateway,
    ok,
    spine_booking,
    token,
)
from .test_tracing import spans_of

pytestmark = pytest.mark.e2e

CASTING = "http://127.0.0.1:4001/graphql"


async def test_service_sdl_and_entities_need_a_token_at_the_subgraph() -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        body = (await client.post(CASTING, json={"query": "{ _service { sdl } }"})).json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        entities = (
            await client.post(
                CASTING,
                json={
                    "query": "query($r: [_Any!]!) { _entities(representations: $r) "
                    "{ ... on Booking { id status } } }",
                    "variables": {"r": [{"__typename": "Booking", "id": "bkg_x"}]},
                },
            )
        ).json()
        assert entities["data"] is None
        assert entities["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_entities_of_another_org_resolve_to_null(gateway: Gateway, producer: str) -> None:
    ids = await spine_booking(gateway, producer)
    intruder = token("org_intruder", "producer", "casting")
    async with httpx.AsyncClient(timeout=10) as client:
        body = (
            await client.post(
                CASTING,
                headers={"authorization": f"Bearer {intruder}"},
                json={
                    "query": "query($r: [_Any!]!) { _entities(representations: $r) "
                    "{ ... on Booking { id status } } }",
                    "variables": {"r": [{"__typename": "Booking", "id": ids["booking"]}]},
                },
            )
        ).json()
    assert body["data"]["_entities"] == [None], body


async def production_with(gateway: Gateway, producer: str, n_roles: int) -> str:
    prod = ok(
        await gateway(CREATE_PRODUCTION, {"title": "Batching"}, token=producer), "createProduction"
    )
    production_id: str = prod["production"]["id"]
    for i in range(n_roles):
        role = ok(
            await gateway(
                CREATE_ROLE,
                {
                    "productionId": production_id,
                    "amount": "250.00",
                    "dates": [f"2028-01-{i + 1:02d}"],
                },
                token=producer,
            ),
            "createRole",
        )
        talent = ok(
            await gateway(
                REGISTER_TALENT, {"name": f"Extra {i}", "dob": "1990-01-01"}, token=producer
            ),
            "registerTalent",
        )
        hold = ok(
            await gateway(
                HOLD,
                {"roleId": role["role"]["id"], "talentId": talent["talent"]["id"]},
                token=producer,
            ),
            "holdTalent",
        )
        ok(
            await gateway(CONFIRM, {"bookingId": hold["booking"]["id"]}, token=producer),
            "confirmBooking",
        )
    return production_id


async def database_calls(gateway: Gateway, producer: str, production_id: str) -> dict[str, int]:
    trace_id = secrets.token_hex(16)
    body = await gateway(
        SPINE_QUERY,
        {"id": production_id},
        token=producer,
        headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    assert "errors" not in body, body
    wanted = {"slate-scheduling", "slate-casting", "slate-payroll", "slate-legal"}
    deadline = time.monotonic() + 15
    previous: dict[str, int] = {}
    while True:
        calls: dict[str, int] = {}
        for s in spans_of(trace_id):
            if s["attributes"].get("db.system.name") == "mongodb":
                calls[s["service"]] = calls.get(s["service"], 0) + 1
        # Spans arrive in batches (every 0.5 s): done when all are in and nothing changed for 1 s.
        if (wanted <= set(calls) and calls == previous) or time.monotonic() > deadline:
            return calls
        previous = calls
        await asyncio.sleep(1.0)


async def test_database_round_trips_do_not_grow_with_the_number_of_bookings(
    gateway: Gateway, producer: str
) -> None:
    small = await production_with(gateway, producer, 1)
    large = await production_with(gateway, producer, 6)
    await asyncio.sleep(1.0)  # let payroll and legal catch up so every field resolves
    few = await database_calls(gateway, producer, small)
    many = await database_calls(gateway, producer, large)
    assert set(few) == {"slate-scheduling", "slate-casting", "slate-payroll", "slate-legal"}, few
    assert many == few, (few, many)
