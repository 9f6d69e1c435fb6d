"""The production dashboard (issue 14) through the gateway of a running stack: p50/p95/p99.

Usage: eval "$(deploy/local/isolated.sh env 23000)"   # or the shared stack's defaults
       .venv/bin/python bench/lifecycle_dashboard.py [--requests 400] [--concurrency 1,4]
           [--tasks 200] [--bookings 50]

Seeds one production of a fresh organisation through the gateway only: 200 workbook tasks in
chains and fan-ins (finish-to-start, some with lags), a budget with a line in every category
(8: the model keeps one line per category) and 50 confirmed bookings on 50 roles (each becomes a
payroll engagement whose estimate is a committed cost by event, and a legal contract that
legal's compliance report reads), and a shoot day from the stripboard. The issue asks for 20
budget lines; the model keeps one line per category (8), each summing its commitments.

Then asks `productionDashboard` (stage, gate, critical path, next due tasks, budget totals and
lines, bookings by status, legal's blockers over gRPC, next shoot day) `--requests` times per
concurrency level after a warm-up, interleaved request by request with the cheapest query of
the same production through the same gateway (`production { title }`), so a loaded machine
shows as a ratio; prints both latencies and the ratio of medians. `--production ID --org ORG`
measures an already seeded production. Nothing is left running; data stays in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from typing import Any

import httpx
from slate.auth import issue_dev_token
from slate.config import Settings

GATEWAY = os.environ.get("SLATE_GATEWAY_URL", "http://127.0.0.1:4000/graphql")

DASHBOARD = """
query($p: ID!) { productionDashboard(productionId: $p) {
  stage gate { to ready missing { field message } }
  criticalPath { id name earlyStart slack } nextDueTasks { id name dueDate }
  workbookDurationDays
  budget { lines { category budgeted { amount } committed { amount } actual { amount }
                   variance { amount } }
           totals { budgeted { amount } committed { amount } actual { amount } } }
  bookings { status count } complianceAvailable complianceBlockers { code message }
  nextShootDay { id date } production { id title }
} }"""
CREATE = """mutation { createProduction(input: {title: "Bench Spot", kind: COMMERCIAL,
  timezone: "America/Los_Angeles"}) { production { id } userErrors { field message } } }"""
ADD_TASK = """mutation($p: ID!, $name: String!, $d: Int!, $deps: [TaskDependencyInput!]!) {
  addTask(input: {productionId: $p, name: $name, durationDays: $d, dependsOn: $deps}) {
    task { id } userErrors { field message } } }"""
SET_BUDGET = """mutation($p: ID!, $lines: [BudgetLineInput!]!) {
  setBudget(input: {productionId: $p, lines: $lines}) { userErrors { field message } } }"""
ROLE = """mutation($p: ID!, $name: String!, $dates: [String!]!) {
  createRole(input: {productionId: $p, name: $name,
    rate: {amount: "900.00", currency: "USD", unit: DAY}, workDates: $dates}) {
    role { id } userErrors { field message } } }"""
TALENT = """mutation($name: String!) { registerTalent(input: {name: $name,
  email: "bench@example.com", dateOfBirth: "1990-01-01", union: SAG_AFTRA}) {
  talent { id } userErrors { field message } } }"""
HOLD = """mutation($r: ID!, $t: ID!) { holdTalent(input: {roleId: $r, talentId: $t}) {
  booking { id } userErrors { field message } } }"""
CONFIRM = """mutation($b: ID!) { confirmBooking(input: {bookingId: $b}) {
  booking { id } userErrors { field message } } }"""
LOCATION = """mutation($p: ID!) { createLocation(input: {productionId: $p, name: "Stage 1",
  address: "1 Lot Rd"}) { location { id } userErrors { field message } } }"""
SCENE = """mutation($p: ID!, $loc: ID!, $roles: [ID!]!) { createScene(input: {productionId: $p,
  number: "1", locationId: $loc, duration: 1, roleIds: $roles}) {
  scene { id } userErrors { field message } } }"""
APPLY = """mutation($p: ID!, $s: [ID!]!) { applyStripboard(input: {productionId: $p,
  sceneIds: $s, startDate: "2027-06-01"}) { shootDays { id } userErrors { field message } } }"""
COMMITTED = (
    """query($p: ID!) { production(id: $p) { budget { totals { committed { amount } } } } }"""
)
BASELINE = """query($p: ID!) { production(id: $p) { id title } }"""
CATEGORIES = (
    "TALENT",
    "CREW",
    "LOCATIONS",
    "EQUIPMENT",
    "POST",
    "INSURANCE",
    "FEES",
    "CONTINGENCY",
)


class Client:
    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http = http
        self.headers = {"authorization": f"Bearer {token}"}

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            GATEWAY, json={"query": query, "variables": variables}, headers=self.headers
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    async def ok(self, query: str, field: str, **variables: Any) -> dict[str, Any]:
        payload: dict[str, Any] = (await self(query, **variables))[field]
        if payload.get("userErrors"):
            raise RuntimeError(f"{field}: {payload['userErrors']}")
        return payload


async def seed(gql: Client, tasks: int, bookings: int) -> str:
    p = (await gql.ok(CREATE, "createProduction"))["production"]["id"]
    ids: list[str] = []
    for i in range(tasks):
        # Ten chains of dependent tasks; every fifth task also waits for the task two back
        # in another chain, with a lag: fan-ins, as a real production's workbook has.
        deps = []
        if i >= 10:
            deps.append({"taskId": ids[i - 10], "lagDays": 0})
        if i >= 12 and i % 5 == 0:
            deps.append({"taskId": ids[i - 12], "lagDays": 2})
        made = await gql.ok(ADD_TASK, "addTask", p=p, name=f"Task {i:03d}", d=1 + i % 4, deps=deps)
        ids.append(made["task"]["id"])
    lines = [{"category": c, "amount": f"{(n + 1) * 10000}.00"} for n, c in enumerate(CATEGORIES)]
    await gql.ok(SET_BUDGET, "setBudget", p=p, lines=lines)
    roles = []
    for i in range(bookings):
        dates = ["2027-06-01"]
        role = (await gql.ok(ROLE, "createRole", p=p, name=f"Role {i:02d}", dates=dates))["role"]
        talent = (await gql.ok(TALENT, "registerTalent", name=f"Bench Talent {i:02d}"))["talent"]
        hold = await gql.ok(HOLD, "holdTalent", r=role["id"], t=talent["id"])
        await gql.ok(CONFIRM, "confirmBooking", b=hold["booking"]["id"])
        roles.append(role["id"])
    loc = (await gql.ok(LOCATION, "createLocation", p=p))["location"]["id"]
    for _ in range(200):
        payload = (await gql(SCENE, p=p, loc=loc, roles=roles))["createScene"]
        if payload["scene"]:
            await gql.ok(APPLY, "applyStripboard", p=p, s=[payload["scene"]["id"]])
            break
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError("scheduling never heard of the roles")
    for _ in range(300):
        data = await gql(COMMITTED, p=p)
        committed = float(data["production"]["budget"]["totals"]["committed"]["amount"])
        if committed >= bookings * 900:
            break
        await asyncio.sleep(0.1)
    return str(p)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(
    gql: Client, p: str, requests: int, concurrency: int
) -> tuple[list[float], list[float]]:
    """Dashboard and baseline latencies (ms), alternating, `concurrency` callers at a time."""
    dashboard: list[float] = []
    baseline: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            for query, into in ((DASHBOARD, dashboard), (BASELINE, baseline)):
                start = time.perf_counter()
                await gql(query, p=p)
                into.append((time.perf_counter() - start) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return dashboard, baseline


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", default="1,4")
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--bookings", type=int, default=50)
    parser.add_argument("--production", help="an already seeded production (with --org)")
    parser.add_argument("--org")
    args = parser.parse_args()
    org = args.org or f"org_bench_{uuid.uuid4().hex[:8]}"
    settings = Settings.from_env("bench", http_port=1, grpc_port=1)
    token = issue_dev_token(settings, org=org, roles=["producer", "casting"], sub="bench")
    async with httpx.AsyncClient(timeout=30) as http:
        gql = Client(http, token)
        started = time.perf_counter()
        p = args.production or await seed(gql, args.tasks, args.bookings)
        print(f"production {p} of {org} ready in {time.perf_counter() - started:.1f} s ({GATEWAY})")
        board = (await gql(DASHBOARD, p=p))["productionDashboard"]
        print(
            f"  critical path {len(board['criticalPath'])} tasks, "
            f"{board['workbookDurationDays']} days; bookings {board['bookings']}; "
            f"budget lines {len(board['budget']['lines'])}; "
            f"committed {board['budget']['totals']['committed']['amount']}; "
            f"legal answered: {board['complianceAvailable']} "
            f"({len(board['complianceBlockers'])} blockers)"
        )
        await measure(gql, p, 30, 1)  # warm-up: connections, caches, JIT of the gateway
        for c in (int(x) for x in args.concurrency.split(",")):
            ms, base = await measure(gql, p, args.requests, c)
            print(
                f"concurrency {c}: dashboard n={len(ms)} p50 {statistics.median(ms):.1f} ms  "
                f"p95 {pct(ms, 0.95):.1f} ms  p99 {pct(ms, 0.99):.1f} ms  max {max(ms):.1f} ms | "
                f"baseline p50 {statistics.median(base):.1f} ms  p95 {pct(base, 0.95):.1f} ms | "
                f"ratio of medians {statistics.median(ms) / statistics.median(base):.2f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
