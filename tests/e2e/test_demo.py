"""`slate demo` loads a production a newcomer can explore through the gateway."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import uuid

import pytest
from slate_tools.cli import main

from .conftest import SPINE_QUERY, Gateway, token

pytestmark = pytest.mark.e2e


async def test_demo_loads_a_cast_production_with_engagements_and_contracts(
    gateway: Gateway,
) -> None:
    org = f"org_demo_{uuid.uuid4().hex[:8]}"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = await asyncio.to_thread(main, ["demo", "--org", org])
    assert code == 0
    production_id = json.loads(out.getvalue())["production_id"]
    viewer = token(org, "producer")
    for _ in range(100):
        body = await gateway(SPINE_QUERY, {"id": production_id}, token=viewer)
        bookings = [b for r in body["data"]["production"]["roles"] for b in r["bookings"]]
        if all(b["engagement"] and b["contract"] for b in bookings if b["status"] == "BOOKED"):
            break
        await asyncio.sleep(0.1)
    assert sorted(b["status"] for b in bookings) == ["BOOKED", "BOOKED", "BOOKED", "ON_HOLD"]
    assert all(b["contract"]["status"] == "DRAFT" for b in bookings if b["status"] == "BOOKED")
