"""The running stack as bench/load_gateway.py sees it: a GraphQL client for the gateway and the
subgraphs, dev tokens, the operations, waiting until events are consumed, FerretDB's CPU time.

Loopback only: the gateway on 127.0.0.1:4000, the subgraphs on 4001-4004, Kafka on 9092,
FerretDB on 27017 (the addresses `make run` uses), or a private stack's when the environment
carries `deploy/local/isolated.sh env BASE` (SLATE_GATEWAY_URL, SLATE_<SVC>_HTTP_PORT,
SLATE_KAFKA_BOOTSTRAP, SLATE_MONGO_URL, STACK_STATE_DIR).
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient
from slate.auth import issue_dev_token
from slate.config import Settings
from slate.events.model import PENDING_FIELD

ROOT = Path(__file__).resolve().parents[1]
# The shared stack (`make run`) by default; a private one (deploy/local/isolated.sh start BASE)
# when its exports are in the environment: eval "$(deploy/local/isolated.sh env BASE)".
_env = os.environ
GATEWAY = _env.get("SLATE_GATEWAY_URL", "http://127.0.0.1:4000/graphql")
SUBGRAPHS = {
    name: f"http://127.0.0.1:{_env.get(f'SLATE_{name.upper()}_HTTP_PORT', port)}"
    for name, port in (("casting", 4001), ("payroll", 4002), ("scheduling", 4003), ("legal", 4004))
}
KAFKA = _env.get("SLATE_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
MONGO = _env.get(
    "SLATE_MONGO_URL", "mongodb://127.0.0.1:27017/?directConnection=true&retryWrites=false"
)
STATE = Path(_env.get("STACK_STATE_DIR") or ROOT / ".local")  # run/*.pid, traces.jsonl
RUN = STATE / "run"
TRACES = STATE / "traces.jsonl"
FERRETDB_ADDRESS = MONGO.split("//", 1)[1].split("/", 1)[0]
# The consumer groups that react to casting's booking events (and casting's own).
GROUPS = (
    "slate-payroll.bookings",
    "slate-legal.bookings",
    "slate-scheduling.bookings",
    "slate-casting.productions",
)
OUTBOX_COLLECTIONS = ("roles", "talent", "bookings")  # casting's (CastingStore.outbox_collections)

# --------------------------------------------------------------------------- operations
# As in tests/e2e/conftest.py; named, so a trace names the operation it belongs to.

CREATE_PRODUCTION = """
mutation BenchCreateProduction($title: String!) {
  createProduction(input: {title: $title, client: "Acme Soda", kind: COMMERCIAL,
                           timezone: "America/Los_Angeles"}) {
    production { id title }
    userErrors { field message code }
  }
}"""

HOLD = """
mutation BenchHold($roleId: ID!, $talentId: ID!) {
  holdTalent(input: {roleId: $roleId, talentId: $talentId}) {
    booking { id status }
    userErrors { field message code }
  }
}"""

CONFIRM = """
mutation BenchConfirm($bookingId: ID!) {
  confirmBooking(input: {bookingId: $bookingId}) {
    booking { id status }
    userErrors { field message code }
  }
}"""

# The dashboard: production -> roles -> bookings -> talent, engagement, contract (SPINE_QUERY).
DASHBOARD = """
query BenchDashboard($id: ID!) {
  production(id: $id) {
    id title
    roles { name bookings { id status talent { name } contract { status }
            engagement { status estimatedCost { total { amount } } } } }
  }
}"""

VISIBLE = """
query BenchVisible($id: ID!) {
  booking(id: $id) { id status engagement { status } contract { status } }
}"""

# The same dashboard asked of the subgraphs one by one, as the gateway's plan does: scheduling's
# production, then casting's roles and bookings of it, then payroll and legal side by side.
DIRECT_PRODUCTION = "query($id: ID!) { production(id: $id) { __typename id title } }"
DIRECT_ROLES = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Production {
  roles { name bookings { __typename id status talent { name } } } } } }"""
DIRECT_ENGAGEMENTS = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Booking {
  engagement { status estimatedCost { total { amount } } } } } }"""
DIRECT_CONTRACTS = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Booking { contract { status } } } }"""


def token(org: str, *roles: str, sub: str = "bench-user") -> str:
    """A dev token, as tests/e2e/conftest.py makes them."""
    settings = Settings.from_env("e2e", http_port=1, grpc_port=1)
    return issue_dev_token(settings, org=org, roles=list(roles), sub=sub)


class Failed(Exception):
    """A request answered with errors (GraphQL or userErrors); `code` says which."""

    def __init__(self, code: str, detail: Any) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


class Client:
    """GraphQL over one pooled HTTP client (keep-alive, loopback)."""

    def __init__(self, connections: int = 64) -> None:
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(30.0),
            # Idle connections are dropped after 2 s, before the servers' 5 s keep-alive
            # (uvicorn, Node): reusing one the server is closing fails with a bare ReadError,
            # which stopped runs on a loaded machine.
            limits=httpx.Limits(
                max_connections=connections,
                max_keepalive_connections=connections,
                keepalive_expiry=2.0,
            ),
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def query(
        self, url: str, query: str, variables: Mapping[str, Any], bearer: str
    ) -> dict[str, Any]:
        response = await self.http.post(
            url,
            json={"query": query, "variables": dict(variables)},
            headers={"authorization": f"Bearer {bearer}"},
        )
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            raise Failed(f"HTTP_{response.status_code}", response.text[:200]) from None
        return body

    async def gateway(self, query: str, variables: Mapping[str, Any], bearer: str) -> Any:
        """The data of a gateway answer; raises Failed on any GraphQL error."""
        return data(await self.query(GATEWAY, query, variables, bearer))

    async def mutate(
        self, query: str, field: str, variables: Mapping[str, Any], bearer: str
    ) -> dict[str, Any]:
        """The mutation payload; raises Failed on GraphQL errors and on userErrors."""
        payload: dict[str, Any] = (await self.gateway(query, variables, bearer))[field]
        if payload["userErrors"]:
            first = payload["userErrors"][0]
            raise Failed(first.get("code") or "USER_ERROR", first.get("message"))
        return payload

    async def subgraph(
        self, name: str, query: str, variables: Mapping[str, Any], bearer: str
    ) -> Any:
        return data(await self.query(f"{SUBGRAPHS[name]}/graphql", query, variables, bearer))

    async def create_production(self, org_token: str, title: str) -> str:
        payload = await self.mutate(
            CREATE_PRODUCTION, "createProduction", {"title": title}, org_token
        )
        return str(payload["production"]["id"])

    async def direct_dashboard(self, production_id: str, bearer: str) -> dict[str, Any]:
        """The dashboard from the subgraphs, step by step as the gateway plans it."""
        production = (
            await self.subgraph("scheduling", DIRECT_PRODUCTION, {"id": production_id}, bearer)
        )["production"]
        if production is None:
            return {"production": None}
        rep = [{"__typename": "Production", "id": production_id}]
        [casting] = (await self.subgraph("casting", DIRECT_ROLES, {"r": rep}, bearer))["_entities"]
        bookings = [b for role in casting["roles"] for b in role["bookings"]]
        reps = [{"__typename": "Booking", "id": b["id"]} for b in bookings]
        engagements, contracts = await asyncio.gather(
            self.subgraph("payroll", DIRECT_ENGAGEMENTS, {"r": reps}, bearer),
            self.subgraph("legal", DIRECT_CONTRACTS, {"r": reps}, bearer),
        )
        for booking, e, c in zip(
            bookings, engagements["_entities"], contracts["_entities"], strict=True
        ):
            booking.update(e or {})
            booking.update(c or {})
        return {"production": {**production, "roles": casting["roles"]}}


def data(body: Mapping[str, Any]) -> Any:
    if body.get("errors"):
        first = body["errors"][0]
        code = (first.get("extensions") or {}).get("code") or "GRAPHQL_ERROR"
        raise Failed(str(code), first.get("message"))
    return body["data"]


async def stack_ready(client: Client) -> list[str]:
    """What is not answering (empty when the gateway and every subgraph are ready)."""
    down: list[str] = []
    for name, base in SUBGRAPHS.items():
        try:
            ok = (await client.http.get(f"{base}/readyz", timeout=5)).status_code == 200
        except httpx.HTTPError:
            ok = False
        if not ok:
            down.append(name)
    try:
        answer = await client.http.post(GATEWAY, json={"query": "{ __typename }"}, timeout=5)
        if answer.status_code != 200:
            down.append("gateway")
    except httpx.HTTPError:
        down.append("gateway")
    return down


# --------------------------------------------------------------------------- settling


@dataclass
class Backlog:
    pending_documents: int  # casting documents whose events the relay has not published yet
    lag: dict[str, int]  # records each consumer group has not processed yet

    @property
    def empty(self) -> bool:
        return self.pending_documents == 0 and not any(self.lag.values())

    def __str__(self) -> str:
        lags = ", ".join(
            f"{g.split('.')[0].removeprefix('slate-')} {n}" for g, n in self.lag.items()
        )
        return f"{self.pending_documents} documents to publish; lag {lags}"


class Backlogs:
    """Casting's unpublished outbox and the consumer groups' lag, read from FerretDB and Kafka."""

    def __init__(self, mongo: AsyncMongoClient[dict[str, Any]]) -> None:
        self._db = mongo["slate_casting"]
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._partitions: dict[str, list[int]] = {}

    async def start(self) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA, client_id="slate-bench")
        await self._admin.start()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, client_id="slate-bench")
        await self._consumer.start()

    async def close(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
        if self._admin is not None:
            await self._admin.close()

    async def _topic_partitions(self, topic: str) -> list[int]:
        if topic not in self._partitions:
            assert self._admin is not None
            described = await self._admin.describe_topics([topic])
            self._partitions[topic] = sorted(
                p["partition"] for d in described if d["topic"] == topic for p in d["partitions"]
            )
        return self._partitions[topic]

    async def lag(self, group: str) -> int:
        assert self._admin is not None
        assert self._consumer is not None
        committed = await self._admin.list_consumer_group_offsets(group)
        topics = {tp.topic for tp in committed}
        partitions = [
            TopicPartition(t, p) for t in sorted(topics) for p in await self._topic_partitions(t)
        ]
        if not partitions:
            return 0
        ends = await self._consumer.end_offsets(partitions)
        starts = await self._consumer.beginning_offsets(partitions)
        total = 0
        for tp in partitions:
            meta = committed.get(tp)
            position = meta.offset if meta is not None and meta.offset >= 0 else starts[tp]
            total += max(0, ends[tp] - position)
        return total

    async def now(self) -> Backlog:
        pending = 0
        for name in OUTBOX_COLLECTIONS:
            pending += await self._db[name].count_documents({PENDING_FIELD: True})
        return Backlog(pending, {g: await self.lag(g) for g in GROUPS})

    async def settle(self, timeout_s: float, *, say: Any = None, every_s: float = 10.0) -> float:
        """Wait until every event is published and consumed; the seconds it took, or -1 when
        `timeout_s` passed first."""
        start = time.monotonic()
        last_said = start
        while True:
            backlog = await self.now()
            waited = time.monotonic() - start
            if backlog.empty:
                return waited
            if waited > timeout_s:
                if say:
                    say(f"  still not settled after {waited:.0f} s: {backlog}")
                return -1.0
            if say and time.monotonic() - last_said >= every_s:
                say(f"  settling ({waited:.0f} s): {backlog}")
                last_said = time.monotonic()
            await asyncio.sleep(0.25 if waited < 5 else 1.0)


# --------------------------------------------------------------------------- CPU at rest


def ferretdb_pid() -> int:
    """FerretDB's process: the pid file deploy/local/infra.sh writes, else pgrep."""
    pid_file = RUN / "ferretdb.pid"
    try:
        pid = int(pid_file.read_text().strip())
        if b"ferretdb" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    except (OSError, ValueError):
        pass
    found = subprocess.run(
        ["pgrep", "-f", "-o", f"ferretdb --listen-addr={FERRETDB_ADDRESS}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    if not found:
        raise RuntimeError(f"FerretDB is not running (no {pid_file}, no pgrep match)")
    return int(found[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


STACK = ("gateway", "casting", "scheduling", "payroll", "legal", "ferretdb", "kafka", "trace-sink")


def stack_cpu() -> dict[str, float]:
    """CPU seconds so far of each process of the stack (pid files under .local/run) and of this
    benchmark (`bench`); a process that is not running is left out."""
    out: dict[str, float] = {}
    for name in STACK:
        try:
            pid = int((RUN / f"{name}.pid").read_text().strip())
            out[name] = cpu_seconds(pid)
        except (OSError, ValueError, IndexError):
            continue
    out["bench"] = time.process_time()
    return out


def started_at() -> dict[str, str]:
    """When each process of the stack started (local time), to tell which build was measured."""
    boot = next(
        int(line.split()[1])
        for line in Path("/proc/stat").read_text().splitlines()
        if line.startswith("btime ")
    )
    out: dict[str, str] = {}
    for name in STACK:
        try:
            pid = int((RUN / f"{name}.pid").read_text().strip())
            ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        except (OSError, ValueError, IndexError):
            continue
        at = boot + ticks / os.sysconf("SC_CLK_TCK")
        out[name] = time.strftime("%H:%M:%S", time.localtime(at))
    return out


def cpu_delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in after if k in before and after[k] >= before[k]}


@dataclass
class CpuSample:
    mean_pct: float  # over the whole window, % of one core
    median_pct: float  # median of the 1-second slices (robust to another engineer's burst)
    max_pct: float
    seconds: float


async def cpu_at_rest(pid: int, seconds: float = 10.0) -> CpuSample:
    """FerretDB's CPU use while this benchmark sends nothing, in 1-second slices."""
    slices: list[float] = []
    t0, c0 = time.monotonic(), cpu_seconds(pid)
    start_t, start_c = t0, c0
    while time.monotonic() - start_t < seconds:
        await asyncio.sleep(1.0)
        t1, c1 = time.monotonic(), cpu_seconds(pid)
        slices.append(100 * (c1 - c0) / (t1 - t0))
        t0, c0 = t1, c1
    return CpuSample(
        mean_pct=100 * (c0 - start_c) / (t0 - start_t),
        median_pct=statistics.median(slices),
        max_pct=max(slices),
        seconds=t0 - start_t,
    )


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = os.getloadavg()
    return one, five, fifteen


def quantile(values: Sequence[float], q: float) -> float:
    """Nearest-rank quantile (p99 of fewer than 100 samples is the largest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered))))
    return ordered[rank - 1]
