"""`bookingEvents` through the gateway over graphql-ws, fed from Kafka."""

from __future__ import annotations

import asyncio
import json
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


async def test_subscriber_sees_the_confirmation_of_its_productions_booking(
    gateway: Gateway, producer: str
) -> None:
    ids = await spine_booking(gateway, producer)
    url = GATEWAY.replace("http://", "ws://")
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {producer}"}}
            )
        )
        assert (await next_message(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"p": ids["production"]}},
                }
            )
        )
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
    url = GATEWAY.replace("http://", "ws://")
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {intruder}"}}
            )
        )
        assert (await next_message(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"p": ids["production"]}},
                }
            )
        )
        message = await next_message(ws)
        assert message["type"] in ("error", "next"), message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert "productionId" in json.dumps(errors), errors
