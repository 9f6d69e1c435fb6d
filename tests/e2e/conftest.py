"""End-to-end fixtures: the running stack (started by `make test`), tokens, a GraphQL client."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from slate.auth import issue_dev_token
from slate.config import Settings
from slate.events import topic_partitions

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = os.environ.get("SLATE_GATEWAY_URL", "http://127.0.0.1:4000/graphql")
KAFKA = os.environ.get("SLATE_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
TRACES = ROOT / ".local" / "traces.jsonl"

pytestmark = pytest.mark.e2e


def token(org: str, *roles: str, sub: str = "e2e-user", talent_id: str | None = None) -> str:
    settings = Settings.from_env("e2e", http_port=1, grpc_port=1)
    return issue_dev_token(settings, org=org, roles=list(roles), sub=sub, talent_id=talent_id)


class Gateway:
    """A GraphQL client for the gateway; raises on transport errors, returns the JSON body."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        all_headers = dict(headers or {})
        if token:
            all_headers["authorization"] = f"Bearer {token}"
        response = await self.client.post(
            GATEWAY, json={"query": query, "variables": dict(variables or {})}, headers=all_headers
        )
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="session")
async def gateway() -> AsyncIterator[Gateway]:
    async with httpx.AsyncClient(timeout=15) as client:
        try:
            await client.get(GATEWAY.replace("/graphql", "/healthcheck"))
        except httpx.TransportError as exc:
            pytest.fail(f"the gateway is not running at {GATEWAY} ({exc}); use `make test`")
        yield Gateway(client)


@pytest.fixture
def org() -> str:
    return f"org_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def producer(org: str) -> str:
    return token(org, "producer", "casting")


CREATE_PRODUCTION = """
mutation($title: String!) {
  createProduction(input: {title: $title, client: "Acme Soda", kind: COMMERCIAL,
                           timezone: "America/Los_Angeles"}) {
    production { id title }
    userErrors { field message code }
  }
}"""

CREATE_ROLE = """
mutation($productionId: ID!, $amount: String!, $dates: [String!]!) {
  createRole(input: {productionId: $productionId, name: "Lead Skater",
                     rate: {amount: $amount, currency: "USD", unit: DAY}, workDates: $dates}) {
    role { id name }
    userErrors { field message code }
  }
}"""

REGISTER_TALENT = """
mutation($name: String!, $dob: String!) {
  registerTalent(input: {name: $name, email: "talent@example.com", dateOfBirth: $dob,
                         union: SAG_AFTRA}) {
    talent { id name }
    userErrors { field message code }
  }
}"""

HOLD = """
mutation($roleId: ID!, $talentId: ID!) {
  holdTalent(input: {roleId: $roleId, talentId: $talentId}) {
    booking { id status }
    userErrors { field message code }
  }
}"""

CONFIRM = """
mutation($bookingId: ID!) {
  confirmBooking(input: {bookingId: $bookingId}) {
    booking { id status }
    userErrors { field message code }
  }
}"""

SPINE_QUERY = """
query($id: ID!) {
  production(id: $id) {
    id title
    roles { name bookings { id status talent { name } contract { status }
            engagement { status estimatedCost { total { amount } } } } }
  }
}"""


async def records_with_key(topic: str, key: str) -> list[dict[str, str]]:
    """The CloudEvents headers of every record on the topic with this key, read to the end."""
    ids = await topic_partitions(KAFKA, topic)
    assert ids, f"topic {topic} does not exist"
    partitions = [TopicPartition(topic, p) for p in ids]
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[dict[str, str]] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    if record.key == key.encode():
                        found.append({k: v.decode() for k, v in record.headers})
        return found
    finally:
        await consumer.stop()


def ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    """The mutation payload, asserting no GraphQL errors and no userErrors."""
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][field]
    assert payload["userErrors"] == [], payload
    return payload


async def spine_booking(
    gateway: Gateway,
    producer: str,
    *,
    dates: Sequence[str] = ("2027-03-02", "2027-03-03"),
    dob: str = "1994-02-11",
) -> dict[str, str]:
    """Production, role, talent and a hold: the ids, for a test to confirm."""
    prod = ok(
        await gateway(CREATE_PRODUCTION, {"title": "Spring Spot"}, token=producer),
        "createProduction",
    )
    production_id = prod["production"]["id"]
    role = ok(
        await gateway(
            CREATE_ROLE,
            {"productionId": production_id, "amount": "1200.00", "dates": list(dates)},
            token=producer,
        ),
        "createRole",
    )
    talent = ok(
        await gateway(REGISTER_TALENT, {"name": "Rosa Díaz", "dob": dob}, token=producer),
        "registerTalent",
    )
    hold = ok(
        await gateway(
            HOLD, {"roleId": role["role"]["id"], "talentId": talent["talent"]["id"]}, token=producer
        ),
        "holdTalent",
    )
    assert hold["booking"]["status"] == "ON_HOLD"
    return {
        "production": production_id,
        "role": role["role"]["id"],
        "talent": talent["talent"]["id"],
        "booking": hold["booking"]["id"],
    }
