"""`bookingEvents` through the gateway over graphql-ws, fed from Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import websockets

from .conftest import CONFIRM, GATEWAY, Gateway, ok, spine_booking, token

pytestmark = pytest.mark.e2e

SUBSCRIPTION = """
subscription($p: ID!) {
  bookingEvents(productionId: $p) { kind booking { id status talent { name } } }
}"""


async def next_message(ws: Any, wait_s: float = 15) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), wait_s))
        if message["type"] != "ping":
            return message
        await ws.send(json.dumps({"type": "pong"}))


@contextlib.asynccontextmanager
async def booking_events(production_id: str, bearer: str) -> AsyncIterator[Any]:
    """A graphql-ws connection to the gateway, subscribed to one production's booking events."""
    url = GATEWAY.replace("http://", "ws://")
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {bearer}"}}
        await ws.send(json.dumps(init))
        assert (await next_message(ws))["type"] == "connection_ack"
        variables = {"p": production_id}
        payload = {"query": SUBSCRIPTION, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        yield ws


async def test_subscriber_sees_the_confirmation_of_its_productions_booking(
    gateway: Gateway, producer: str
) -> None:
    ids = await spine_booking(gateway, producer)
    async with booking_events(ids["production"], producer) as ws:
        await asyncio.sleep(1.5)  # the gateway opens its own subscription to casting meanwhile
        ok(await gateway(CONFIRM, {"bookingId": ids["booking"]}, token=producer), "confirmBooking")
        message = await next_message(ws)
        assert message["type"] == "next", message
        event = message["payload"]["data"]["bookingEvents"]
        assert event == {
            "kind": "CONFIRMED",
            "booking": {"id": ids["booking"], "status": "BOOKED", "talent": {"name": "Rosa Díaz"}},
        }


async def test_subscription_to_another_orgs_production_is_refused(
    gateway: Gateway, producer: str
) -> None:
    ids = await spine_booking(gateway, producer)
    intruder = token("org_intruder", "producer")
    async with booking_events(ids["production"], intruder) as ws:
        message = await next_message(ws)
        assert message["type"] in ("error", "next"), message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert "productionId" in json.dumps(errors), errors
