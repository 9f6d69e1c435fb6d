"""One trace: gateway, casting, gRPC to legal, Kafka, and payroll's and legal's handling."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

import pytest

from .conftest import CONFIRM, TRACES, Gateway, ok, spine_booking

pytestmark = pytest.mark.e2e


def spans_of(trace_id: str) -> list[dict[str, Any]]:
    if not TRACES.exists():
        return []
    found = []
    with TRACES.open() as f:
        for line in f:
            if trace_id in line:
                span = json.loads(line)
                if span["trace_id"] == trace_id:
                    found.append(span)
    return found


def kinds_by_service(spans: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(s["service"], s["kind"]) for s in spans}


async def test_one_trace_spans_gateway_casting_grpc_kafka_payroll_and_legal(
    gateway: Gateway, producer: str
) -> None:
    ids = await spine_booking(gateway, producer)
    trace_id = secrets.token_hex(16)
    traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
    ok(
        await gateway(
            CONFIRM,
            {"bookingId": ids["booking"]},
            token=producer,
            headers={"traceparent": traceparent},
        ),
        "confirmBooking",
    )
    wanted = {
        ("slate-gateway", "SERVER"),
        ("slate-casting", "SERVER"),
        ("slate-casting", "CLIENT"),
        ("slate-legal", "SERVER"),
        ("slate-casting", "PRODUCER"),
        ("slate-payroll", "CONSUMER"),
        ("slate-legal", "CONSUMER"),
        ("slate-payroll", "CLIENT"),  # the engagement's insert into payroll's database
    }
    deadline = time.monotonic() + 20
    while True:
        seen = kinds_by_service(spans_of(trace_id))
        if wanted <= seen or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.25)
    assert wanted <= seen, (
        f"missing from trace {trace_id}: {sorted(wanted - seen)}; saw {sorted(seen)}"
    )
    spans = spans_of(trace_id)
    grpc_server = [s for s in spans if s["service"] == "slate-legal" and s["kind"] == "SERVER"]
    assert any("CheckBooking" in s["name"] for s in grpc_server), grpc_server
    db_calls = [s for s in spans if s["attributes"].get("db.system.name") == "mongodb"]
    assert {s["service"] for s in db_calls} >= {"slate-casting", "slate-payroll", "slate-legal"}
    consumers = [s for s in spans if s["kind"] == "CONSUMER"]
    producers = {s["span_id"] for s in spans if s["kind"] == "PRODUCER"}
    # The Kafka hop is a parent-child link, not just a shared id: handlers descend from the produce.
    assert all(s["parent_span_id"] in producers for s in consumers), consumers
