"""Fault soak: holds and confirmations through the gateway while a consumer is SIGKILLed and
restarted, Kafka restarts and FerretDB restarts; then the invariants, read from the databases and
topics, and the share of requests that failed during each fault.

Run by tests/soak/run.sh (`make soak`), which starts an isolated copy of the stack (own Kafka,
FerretDB, services, gateway and ports; state under .local/soak/) and exports its addresses; this
script refuses to run against the shared infrastructure's default ports.

One run, in a fresh organisation:
  setup      a production; per client R roles (one work date each, T places) and T talent, so
             each client has R*T (role, talent) pairs of its own and never races another client
             for a role, and no hold conflicts with another on the talent's calendar
  stream     each client: hold a pair, confirm 3 holds of 4 (a failed confirm is retried while the
             error is transient, at most 3 more times), pause, next pair; every attempt is timed
  baseline   no fault; two poison records go to the booking topic (one without CloudEvents
             headers, one booking.confirmed whose payload is not protobuf) and the run waits
             until every reader group has dead-lettered them
  faults     SIGKILL of legal or payroll (taking turns) and `stack.sh start` to restart it; then
             `infra.sh restart kafka`; then `infra.sh restart ferretdb`; a fault's window is from
             the injection until the component answers again; each is followed by a steady
             phase ("after ...", at least --after s) that lasts until requests succeed again
  quiescence every outbox empty and every consumer group at the end of its topics
  invariants every BOOKED booking has exactly one engagement and one contract; a booking never
             confirmed has none (and is not BOOKED); no engagement or contract of another
             booking, none twice; every confirmation the client saw succeed is BOOKED; the
             dead-letter topics gained exactly the poison records, once per reader group; no
             outbox event was parked
Exit status: 0 when every run holds, 1 on any violation, 2 when the harness could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient
from slate.auth import issue_dev_token
from slate.config import Settings
from slate.events.catalogue import BOOKING_CONFIRMED, BOOKING_TOPIC
from slate.events.model import CONTENT_TYPE, PENDING_FIELD, SPECVERSION, rfc3339
from slate.events.relay import PARKED_COLLECTION
from slate.events.topics import DLQ_SUFFIX

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
SERVICES = ("casting", "payroll", "scheduling", "legal")
# The consumer groups reading the booking topic; each handles booking.confirmed, so each
# dead-letters both kinds of poison. A new reader must be added here (the run says so).
BOOKING_READERS = ("slate-legal.bookings", "slate-payroll.bookings", "slate-scheduling.bookings")
POISON_HEADER = "soak_poison"
# Answers a user would retry (the service said so, or never answered).
FINAL_CODES = {"CONFLICT", "INVALID", "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED", "BAD_USER_INPUT"}

CREATE_PRODUCTION = """
mutation SoakProduction($title: String!) {
  createProduction(input: {title: $title, client: "Soak Co", kind: COMMERCIAL,
                           timezone: "America/Los_Angeles"}) {
    production { id } userErrors { field message code } } }"""
CREATE_ROLE = """
mutation SoakRole($productionId: ID!, $name: String!, $dates: [String!]!, $places: Int!) {
  createRole(input: {productionId: $productionId, name: $name, quantity: $places,
                     rate: {amount: "1200.00", currency: "USD", unit: DAY}, workDates: $dates}) {
    role { id } userErrors { field message code } } }"""
REGISTER_TALENT = """
mutation SoakTalent($name: String!, $email: String!) {
  registerTalent(input: {name: $name, email: $email, dateOfBirth: "1990-05-17",
                         union: SAG_AFTRA}) {
    talent { id } userErrors { field message code } } }"""
HOLD = """
mutation SoakHold($roleId: ID!, $talentId: ID!) {
  holdTalent(input: {roleId: $roleId, talentId: $talentId}) {
    booking { id status } userErrors { field message code } } }"""
CONFIRM = """
mutation SoakConfirm($bookingId: ID!) {
  confirmBooking(input: {bookingId: $bookingId}) {
    booking { id status } userErrors { field message code } } }"""


def say(message: str) -> None:
    print(f"[soak] {message}", flush=True)


class HarnessError(Exception):
    """The harness could not do its part (setup, a restart, reading a topic): not a verdict."""


# --------------------------------------------------------------------------- the isolated copy


@dataclass(frozen=True)
class Target:
    """The isolated stack's addresses, as tests/soak/run.sh exported them."""

    gateway: str
    kafka: str
    mongo: str
    state: Path
    service_ports: Mapping[str, int]

    @classmethod
    def from_env(cls) -> Target:
        env = os.environ
        names = ("SOAK_GATEWAY_URL", "SLATE_KAFKA_BOOTSTRAP", "SLATE_MONGO_URL", "STACK_STATE_DIR")
        missing = [name for name in names if not env.get(name)]
        if missing:
            raise HarnessError(
                f"{', '.join(missing)} not set: run the soak through tests/soak/run.sh (make soak)"
            )
        target = cls(
            gateway=env["SOAK_GATEWAY_URL"],
            kafka=env["SLATE_KAFKA_BOOTSTRAP"],
            mongo=env["SLATE_MONGO_URL"],
            state=Path(env["STACK_STATE_DIR"]),
            service_ports={s: int(env[f"SLATE_{s.upper()}_HTTP_PORT"]) for s in SERVICES},
        )
        shared = {":9092", ":27017", ":4000/"}
        if any(port in address for port in shared for address in (target.kafka, target.mongo)):
            raise HarnessError("refusing to run against the shared infrastructure's ports")
        if ":4000/" in target.gateway or Path(target.state).resolve() == (ROOT / ".local"):
            raise HarnessError("refusing to run against the shared stack")
        return target


async def script(target: Target, *argv: str) -> None:
    """Run deploy/local/<script> with the isolated copy's environment; output to the soak log."""
    log = target.state / "logs" / "soak-scripts.log"
    with log.open("ab") as out:
        out.write(f"\n===== {' '.join(argv)} {datetime.now(UTC).isoformat()} =====\n".encode())
        out.flush()
        proc = await asyncio.create_subprocess_exec(
            str(ROOT / "deploy" / "local" / argv[0]), *argv[1:], stdout=out, stderr=out
        )
        rc = await proc.wait()
    if rc != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        raise HarnessError(f"{' '.join(argv)} exited {rc}:\n    " + "\n    ".join(tail))


def our_pid(target: Target, name: str) -> int:
    """The pid of the isolated stack's process NAME (checked: it carries SLATE_PROC=NAME)."""
    pid_file = target.state / "run" / f"{name}.pid"
    try:
        pid = int(pid_file.read_text().strip())
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except (OSError, ValueError) as exc:
        raise HarnessError(
            f"no live {name} process of the soak's stack ({pid_file}): {exc}"
        ) from None
    if f"SLATE_PROC={name}".encode() not in environ:
        raise HarnessError(f"pid {pid} in {pid_file} is not the soak's {name}")
    return pid


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


async def kill_and_restart(target: Target, name: str) -> None:
    pid = our_pid(target, name)
    os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        if gone(pid):
            break
        await asyncio.sleep(0.05)
    # stack.sh truncates a service's log when it starts it: keep the killed process's log.
    logs = target.state / "logs"
    with contextlib.suppress(OSError):
        shutil.copyfile(logs / f"{name}.log", logs / f"{name}.killed-{int(time.time())}.log")
    await script(target, "stack.sh", "start")


# --------------------------------------------------------------------------- requests


@dataclass
class Attempt:
    op: str
    start: float
    end: float
    code: str  # "OK" or why it failed
    message: str = ""


@dataclass
class Answer:
    ok: bool
    code: str
    payload: dict[str, Any]
    message: str = ""


class Gateway:
    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(10.0, connect=3.0),
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
        )
        self.attempts: list[Attempt] = []
        self.t0 = time.monotonic()

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self, op: str, query: str, variables: Mapping[str, Any], token: str, mutation: str
    ) -> Answer:
        start = time.monotonic()
        answer = await self._call(query, variables, token, mutation)
        self.attempts.append(
            Attempt(op, start - self.t0, time.monotonic() - self.t0, answer.code, answer.message)
        )
        return answer

    async def _call(
        self, query: str, variables: Mapping[str, Any], token: str, mutation: str
    ) -> Answer:
        try:
            response = await self.http.post(
                self.url,
                json={"query": query, "variables": dict(variables)},
                headers={"authorization": f"Bearer {token}"},
            )
        except httpx.TimeoutException:
            return Answer(False, "TIMEOUT", {})
        except httpx.TransportError as exc:
            return Answer(False, f"TRANSPORT_{type(exc).__name__}", {}, str(exc)[:200])
        try:
            body = response.json()
        except ValueError:
            return Answer(False, f"HTTP_{response.status_code}", {}, response.text[:200])
        if body.get("errors"):
            first = body["errors"][0]
            code = str((first.get("extensions") or {}).get("code") or "ERROR")
            return Answer(False, code, {}, str(first.get("message"))[:200])
        payload = (body.get("data") or {}).get(mutation)
        if not payload:
            return Answer(False, f"HTTP_{response.status_code}_NO_DATA", {})
        if payload.get("userErrors"):
            first = payload["userErrors"][0]
            code = str(first.get("code") or "USER_ERROR")
            return Answer(False, code, payload, str(first.get("message"))[:200])
        return Answer(True, "OK", payload)

    async def must(
        self, op: str, query: str, variables: Mapping[str, Any], token: str, mutation: str
    ) -> dict[str, Any]:
        """Setup steps: retried for a while, then the run cannot go on."""
        answer = Answer(False, "", {})
        for attempt in range(8):
            answer = await self._call(query, variables, token, mutation)
            if answer.ok:
                return answer.payload
            await asyncio.sleep(0.5 * (attempt + 1))
        raise HarnessError(f"setup step {op} keeps failing: {answer.code} {answer.payload}")


def dev_token(org: str, sub: str) -> str:
    settings = Settings.from_env("soak", http_port=1, grpc_port=1)
    return issue_dev_token(settings, org=org, roles=["producer", "casting"], sub=sub)


# --------------------------------------------------------------------------- the stream


@dataclass
class Ledger:
    """What the clients saw."""

    held: set[str] = field(default_factory=set)  # holds answered with a booking
    hold_failures: int = 0
    confirm_sent: set[str] = field(default_factory=set)  # bookings a confirm was sent for
    confirmed: set[str] = field(default_factory=set)  # confirms answered BOOKED
    never_confirmed: set[str] = field(default_factory=set)  # held, and no confirm ever sent


async def setup_client(
    gw: Gateway, token: str, production: str, client: int, roles: int, talent: int, tag: str
) -> list[tuple[str, str]]:
    """Roles with one distinct work date each and room for every talent; the pairs to hold."""
    first = date(2027, 2, 1) + timedelta(days=client * roles)
    role_ids = []
    for r in range(roles):
        payload = await gw.must(
            "createRole",
            CREATE_ROLE,
            {
                "productionId": production,
                "name": f"Soak role {client}.{r}",
                "dates": [(first + timedelta(days=r)).isoformat()],
                "places": talent,
            },
            token,
            "createRole",
        )
        role_ids.append(payload["role"]["id"])
    talent_ids = []
    for t in range(talent):
        payload = await gw.must(
            "registerTalent",
            REGISTER_TALENT,
            {"name": f"Soak Talent {tag} {client}.{t}", "email": f"soak.{tag}.{client}.{t}@x.io"},
            token,
            "registerTalent",
        )
        talent_ids.append(payload["talent"]["id"])
    return [(role_ids[r], talent_ids[t]) for t in range(talent) for r in range(roles)]


async def client_loop(
    gw: Gateway,
    token: str,
    pairs: list[tuple[str, str]],
    ledger: Ledger,
    stop: asyncio.Event,
    pace_s: float,
) -> int:
    """Hold each pair, confirm 3 of 4; returns how many pairs were used."""
    used = 0
    for k, (role_id, talent_id) in enumerate(pairs):
        if stop.is_set():
            break
        used += 1
        hold = await gw.call(
            "hold", HOLD, {"roleId": role_id, "talentId": talent_id}, token, "holdTalent"
        )
        await asyncio.sleep(pace_s)
        if not hold.ok:
            ledger.hold_failures += 1
            continue
        booking = hold.payload["booking"]["id"]
        ledger.held.add(booking)
        if k % 4 == 3:
            ledger.never_confirmed.add(booking)
            continue
        ledger.confirm_sent.add(booking)
        for attempt in range(4):
            answer = await gw.call(
                "confirm", CONFIRM, {"bookingId": booking}, token, "confirmBooking"
            )
            await asyncio.sleep(pace_s)
            if answer.ok:
                if answer.payload["booking"]["status"] == "BOOKED":
                    ledger.confirmed.add(booking)
                break
            if answer.code in FINAL_CODES:
                break
            await asyncio.sleep(0.5 * (attempt + 1))
    return used


# --------------------------------------------------------------------------- Kafka


@dataclass(frozen=True)
class Poison:
    id: str
    kind: str
    key: str


def poison_records(run_tag: str) -> list[tuple[Poison, bytes, list[tuple[str, bytes]]]]:
    """Two records no consumer can apply: one without CloudEvents headers, one booking.confirmed
    whose payload is not protobuf. Both carry `soak_poison` so their dead letters are known."""
    headless = Poison(f"soak-{run_tag}-headless", "no CloudEvents headers", f"soak-{run_tag}-h")
    garbled = Poison(f"soak-{run_tag}-garbled", "payload not protobuf", f"soak-{run_tag}-g")
    ce = [
        ("ce_specversion", SPECVERSION),
        ("ce_id", garbled.id),
        ("ce_source", BOOKING_TOPIC.producer),
        ("ce_type", BOOKING_CONFIRMED.name),
        ("ce_time", rfc3339(datetime.now(UTC))),
        ("content-type", CONTENT_TYPE),
        (POISON_HEADER, garbled.id),
    ]
    return [
        (headless, b"not an event", [(POISON_HEADER, headless.id.encode())]),
        (garbled, b"\x0f\xff\xff", [(k, v.encode()) for k, v in ce]),
    ]


async def produce_poison(kafka: str, run_tag: str) -> list[Poison]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", client_id="soak-poison")
    await producer.start()
    try:
        sent = []
        for poison, value, headers in poison_records(run_tag):
            await producer.send_and_wait(
                BOOKING_TOPIC.name, value=value, key=poison.key.encode(), headers=headers
            )
            sent.append(poison)
        return sent
    finally:
        await producer.stop()


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    group: str
    poison: str | None
    ce_type: str
    ce_id: str
    error: str


class Kafka:
    """Short-lived clients of the isolated broker (opened after each fault, closed after use)."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="soak")
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, client_id="soak"
        )

    async def __aenter__(self) -> Kafka:
        await self.admin.start()
        await self.consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()
        await self.admin.close()

    async def partitions(self, topics: Iterable[str]) -> list[TopicPartition]:
        wanted = sorted(set(topics))
        if not wanted:
            return []
        described = await self.admin.describe_topics(wanted)
        return [
            TopicPartition(d["topic"], p["partition"])
            for d in described
            if d["error_code"] == 0
            for p in d["partitions"]
        ]

    async def dlq_ends(self) -> dict[TopicPartition, int]:
        topics = [t for t in await self.admin.list_topics() if t.endswith(DLQ_SUFFIX)]
        partitions = await self.partitions(topics)
        return dict(await self.consumer.end_offsets(partitions)) if partitions else {}

    async def dead_letters(self, since: Mapping[TopicPartition, int]) -> list[DeadLetter]:
        """Every record of every .dlq topic past `since` (0 for a partition new since then)."""
        ends = await self.dlq_ends()
        found: list[DeadLetter] = []
        for tp, end in ends.items():
            start = since.get(tp, 0)
            if end <= start:
                continue
            self.consumer.assign([tp])
            self.consumer.seek(tp, start)
            while await self.consumer.position(tp) < end:
                batch = await self.consumer.getmany(tp, timeout_ms=1000)
                for record in batch.get(tp, []):
                    if record.offset >= end:
                        break
                    h = {k: v.decode(errors="replace") for k, v in record.headers}
                    found.append(
                        DeadLetter(
                            tp.topic,
                            h.get("dlq_consumer_group", "?"),
                            h.get(POISON_HEADER),
                            h.get("ce_type", "-"),
                            h.get("ce_id", "-"),
                            h.get("dlq_error", "")[:160],
                        )
                    )
        self.consumer.unsubscribe()
        return found

    async def lag(self) -> dict[str, int]:
        """Records each slate-* consumer group has not committed yet, over its topics."""
        groups = sorted(
            g[0] for g in await self.admin.list_consumer_groups() if str(g[0]).startswith("slate-")
        )
        lags: dict[str, int] = {}
        for group in groups:
            committed = await self.admin.list_consumer_group_offsets(group)
            partitions = await self.partitions({tp.topic for tp in committed})
            if not partitions:
                lags[group] = 0
                continue
            ends = await self.consumer.end_offsets(partitions)
            starts = await self.consumer.beginning_offsets(partitions)
            total = 0
            for tp in partitions:
                meta = committed.get(tp)
                position = meta.offset if meta is not None and meta.offset >= 0 else starts[tp]
                total += max(0, ends[tp] - position)
            lags[group] = total
        return lags

    async def readers_of(self, topic: str) -> set[str]:
        groups = [g[0] for g in await self.admin.list_consumer_groups()]
        readers = set()
        for group in groups:
            committed = await self.admin.list_consumer_group_offsets(group)
            if any(tp.topic == topic for tp in committed):
                readers.add(str(group))
        return readers


async def with_kafka(bootstrap: str, work: Callable[[Kafka], Awaitable[T]]) -> T:
    """Run work with fresh clients, retried while the broker is (re)starting."""
    last: Exception | None = None
    for attempt in range(6):
        try:
            async with Kafka(bootstrap) as kafka:
                return await work(kafka)
        except Exception as exc:  # the broker may still be electing or loading after a restart
            last = exc
            await asyncio.sleep(1.0 + attempt)
    raise HarnessError(f"cannot read the soak's Kafka at {bootstrap}: {last!r}")


# --------------------------------------------------------------------------- databases


async def parked_events(mongo: AsyncMongoClient[dict[str, Any]]) -> dict[str, int]:
    """Outbox events a relay gave up on (moved to `outbox_parked`), per service database."""
    return {
        service: await mongo[f"slate_{service}"][PARKED_COLLECTION].count_documents({})
        for service in SERVICES
    }


async def pending_outboxes(mongo: AsyncMongoClient[dict[str, Any]]) -> dict[str, int]:
    """Documents whose events the relays have not published yet, per service database."""
    pending: dict[str, int] = {}
    for service in SERVICES:
        db = mongo[f"slate_{service}"]
        total = 0
        for name in await db.list_collection_names():
            indexes = [ix["name"] async for ix in await db[name].list_indexes()]
            if f"{PENDING_FIELD}_1" in indexes:
                total += await db[name].count_documents({PENDING_FIELD: True})
        pending[service] = total
    return pending


async def consumed_counts(gw: Gateway, port: int) -> dict[str, float]:
    """What a service's consumers did since it started, by outcome (its /metrics): after a
    SIGKILL, `duplicate` counts the records redelivered that its inbox had already applied."""
    counts: dict[str, float] = {}
    try:
        text = (await gw.http.get(f"http://127.0.0.1:{port}/metrics", timeout=5)).text
    except httpx.HTTPError:
        return counts
    for line in text.splitlines():
        if line.startswith("slate_events_consumed_total{"):
            labels, value = line.rsplit(" ", 1)
            outcome = labels.split('outcome="', 1)[1].split('"', 1)[0]
            counts[outcome] = counts.get(outcome, 0.0) + float(value)
    return counts


# --------------------------------------------------------------------------- one run


@dataclass
class Phase:
    name: str
    start: float
    end: float
    fault: bool
    recovered_s: float | None = None  # injection to ready again


@dataclass
class RunResult:
    run: int
    org: str
    killed: str
    phases: list[Phase]
    attempts: list[Attempt]
    ledger: Ledger
    violations: list[str]
    facts: dict[str, Any]
    seconds: float


async def one_run(target: Target, args: argparse.Namespace, run: int, killed: str) -> RunResult:
    t_run = time.monotonic()
    tag = f"{run}{uuid.uuid4().hex[:6]}"
    org = f"org_soak_{tag}"
    tokens = [dev_token(org, f"soak-client-{c}") for c in range(args.clients)]
    gw = Gateway(target.gateway)
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        target.mongo, serverSelectionTimeoutMS=5000
    )
    ledger = Ledger()
    phases: list[Phase] = []
    violations: list[str] = []
    facts: dict[str, Any] = {}
    try:
        # ---- setup
        production = (
            await gw.must(
                "createProduction",
                CREATE_PRODUCTION,
                {"title": f"Soak {tag}"},
                tokens[0],
                "createProduction",
            )
        )["production"]["id"]
        pairs = await asyncio.gather(
            *(
                setup_client(gw, tokens[c], production, c, args.roles, args.talent, tag)
                for c in range(args.clients)
            )
        )
        dlq_marks = await with_kafka(target.kafka, lambda k: k.dlq_ends())
        say(
            f"run {run}: org {org}, {args.clients} clients x {args.roles * args.talent} pairs "
            f"set up in {time.monotonic() - t_run:.0f}s"
        )

        # ---- stream
        stop = asyncio.Event()
        gw.attempts.clear()
        gw.t0 = time.monotonic()

        def now() -> float:
            return time.monotonic() - gw.t0

        clients = [
            asyncio.create_task(client_loop(gw, tokens[c], pairs[c], ledger, stop, args.pace))
            for c in range(args.clients)
        ]

        async def steady(name: str, seconds: float) -> None:
            """At least `seconds`, and on until the requests of the last 3 s all succeeded (at
            most --settle s): the next fault starts on a recovered stack, so each fault's share
            is its own and not the tail of the one before."""
            start = now()
            await asyncio.sleep(seconds)
            while now() - start < args.settle:
                recent = [a for a in gw.attempts if a.end >= now() - 3.0]
                if len(recent) >= 3 and all(a.code == "OK" for a in recent):
                    break
                await asyncio.sleep(0.5)
            phases.append(Phase(name, start, now(), fault=False))

        async def fault(name: str, inject: Awaitable[None]) -> None:
            start = now()
            await inject
            phases.append(Phase(name, start, now(), fault=True, recovered_s=now() - start))
            say(f"run {run}: {name}: ready again after {now() - start:.1f}s")

        # baseline, with the poison records and their dead letters
        start = now()
        poisons = await produce_poison(target.kafka, tag)
        expected = {(p.id, g) for p in poisons for g in BOOKING_READERS}
        deadline = time.monotonic() + 45
        while True:
            letters = await with_kafka(target.kafka, lambda k: k.dead_letters(dlq_marks))
            seen = {(d.poison, d.group) for d in letters}
            if expected <= seen or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        facts["poison_dead_lettered_s"] = round(now() - start, 1)
        await asyncio.sleep(max(0.0, args.baseline - (now() - start)))
        phases.append(Phase("baseline (+ poison)", start, now(), fault=False))

        await fault(f"SIGKILL {killed}", kill_and_restart(target, killed))
        await steady(f"after {killed}", args.after)
        await fault("Kafka restart", script(target, "infra.sh", "restart", "kafka"))
        await steady("after Kafka", args.after)
        await fault("FerretDB restart", script(target, "infra.sh", "restart", "ferretdb"))
        await steady("after FerretDB", args.after)
        stop.set()
        used = await asyncio.gather(*clients)
        facts["pairs_used"] = sum(used)
        if any(u == len(p) for u, p in zip(used, pairs, strict=True)):
            say(f"run {run}: WARNING a client ran out of pairs before the end (raise --roles)")

        # ---- quiescence
        t_quiet = time.monotonic()
        quiet = False
        pending: dict[str, int] = {}
        lags: dict[str, int] = {}
        while time.monotonic() - t_quiet < args.quiesce:
            try:
                pending = await pending_outboxes(mongo)
                lags = await with_kafka(target.kafka, lambda k: k.lag())
            except HarnessError:
                raise
            except Exception as exc:  # the database may still be coming back
                pending, lags = {"error": 1}, {repr(exc)[:80]: 1}
            if not any(pending.values()) and not any(lags.values()):
                quiet = True
                break
            await asyncio.sleep(1.0)
        facts["quiescent_after_s"] = round(time.monotonic() - t_quiet, 1)
        if not quiet:
            violations.append(
                f"not quiescent {args.quiesce:.0f}s after the stream: unpublished documents "
                f"{pending}, consumer lag {lags} (a relay or consumer that never recovered)"
            )

        facts["killed_consumer_after_restart"] = await consumed_counts(
            gw, target.service_ports[killed]
        )

        # ---- invariants
        letters = await with_kafka(target.kafka, lambda k: k.dead_letters(dlq_marks))
        readers = await with_kafka(target.kafka, lambda k: k.readers_of(BOOKING_TOPIC.name))
        violations += check_dead_letters(letters, poisons, readers)
        violations += await check_bookings(mongo, org, ledger, facts)
        parked = {s: n for s, n in (await parked_events(mongo)).items() if n}
        if parked:
            violations.append(f"outbox events parked (never published): {parked}")
    finally:
        await gw.close()
        await mongo.close()
    return RunResult(
        run, org, killed, phases, gw.attempts, ledger, violations, facts, time.monotonic() - t_run
    )


def check_dead_letters(
    letters: list[DeadLetter], poisons: list[Poison], readers: set[str]
) -> list[str]:
    violations = []
    if readers != set(BOOKING_READERS):
        violations.append(
            f"the booking topic's reader groups are {sorted(readers)}, the soak expects "
            f"{sorted(BOOKING_READERS)} (update BOOKING_READERS in tests/soak/soak.py)"
        )
    ours = {p.id for p in poisons}
    copies = Counter((d.poison, d.group) for d in letters if d.poison in ours)
    for d in letters:
        if d.poison not in ours:
            violations.append(
                f"unexpected dead letter on {d.topic} from {d.group}: {d.ce_type} {d.ce_id}: "
                f"{d.error}"
            )
    for p in poisons:
        for group in BOOKING_READERS:
            n = copies[(p.id, group)]
            if n != 1:
                violations.append(f"poison {p.id} ({p.kind}) dead-lettered {n} times by {group}")
    return violations


async def check_bookings(
    mongo: AsyncMongoClient[dict[str, Any]], org: str, ledger: Ledger, facts: dict[str, Any]
) -> list[str]:
    violations: list[str] = []
    bookings = {
        d["_id"]: d["status"]
        async for d in mongo["slate_casting"]["bookings"].find({"org_id": org}, {"status": 1})
    }
    engagements = [
        d
        async for d in mongo["slate_payroll"]["engagements"].find(
            {"org_id": org}, {"booking_id": 1}
        )
    ]
    contracts = [
        d async for d in mongo["slate_legal"]["contracts"].find({"org_id": org}, {"booking_id": 1})
    ]
    statuses = Counter(bookings.values())
    booked = {b for b, s in bookings.items() if s == "BOOKED"}
    facts.update(
        bookings=len(bookings),
        booked=len(booked),
        on_hold=statuses.get("ON_HOLD", 0),
        other_statuses={s: n for s, n in statuses.items() if s not in ("BOOKED", "ON_HOLD")},
        engagements=len(engagements),
        contracts=len(contracts),
        client_holds=len(ledger.held),
        client_confirms=len(ledger.confirmed),
        confirm_sent=len(ledger.confirm_sent),
        never_confirmed=len(ledger.never_confirmed),
    )
    for what, docs in (("engagement", engagements), ("contract", contracts)):
        ids = Counter(d["_id"] for d in docs)
        violations += [f"{what} id {i} stored {n} times" for i, n in ids.items() if n > 1]
        per_booking = Counter(d["booking_id"] for d in docs)
        for booking in sorted(booked):
            n = per_booking.get(booking, 0)
            if n != 1:
                violations.append(f"BOOKED booking {booking} has {n} {what}s (expected 1)")
        for booking, n in sorted(per_booking.items()):
            if booking not in bookings:
                violations.append(f"{n} {what}(s) for {booking}, not a booking of {org}")
            elif booking not in booked:
                violations.append(
                    f"{n} {what}(s) for booking {booking}, which is {bookings[booking]}"
                )
    lost = sorted(ledger.confirmed - booked)
    if lost:
        violations.append(f"{len(lost)} confirmation(s) answered BOOKED but not BOOKED: {lost[:5]}")
    missing = sorted(ledger.held - bookings.keys())
    if missing:
        violations.append(
            f"{len(missing)} hold(s) answered with a booking not stored: {missing[:5]}"
        )
    # Holds deliberately left unconfirmed, and holds whose answer was lost (stored, unknown to
    # the client): no confirmation was ever sent for either.
    strays = sorted(booked - ledger.confirm_sent)
    if strays:
        violations.append(f"{len(strays)} booking(s) BOOKED without a confirmation: {strays[:5]}")
    return violations


# --------------------------------------------------------------------------- report


def report(result: RunResult) -> list[dict[str, Any]]:
    rows = []
    print(
        f"\nrun {result.run}: {len(result.attempts)} requests in {result.seconds:.0f}s "
        f"(org {result.org})",
        flush=True,
    )
    print(
        f"  {'phase':<22}{'window':>8}{'requests':>10}{'failed':>8}{'share':>8}"
        f"{'p50':>7}{'max':>7}  errors",
        flush=True,
    )
    # A request belongs to the phase in which it ended: one sent just before an injection and
    # answered after it met the fault.
    for i, phase in enumerate(result.phases):
        inside = [a for a in result.attempts if phase.start <= a.end < phase.end]
        failed = [a for a in inside if a.code != "OK"]
        share = len(failed) / len(inside) if inside else 0.0
        latencies = [a.end - a.start for a in inside]
        p50 = statistics.median(latencies) if latencies else 0.0
        worst = max(latencies, default=0.0)
        codes = Counter(f"{a.op} {a.code}" for a in failed)
        shown = ", ".join(f"{c} x{n}" for c, n in codes.most_common(3)) or "-"
        last_failure = None
        if phase.fault:
            # How long requests kept failing: the fault and the steady phase after it.
            until = result.phases[i + 1].end if i + 1 < len(result.phases) else phase.end
            failing = [
                a.end for a in result.attempts if phase.start <= a.end < until and a.code != "OK"
            ]
            if failing:
                last_failure = max(failing) - phase.start
                shown += f"; last failure +{last_failure:.1f}s"
        mark = "*" if phase.fault else " "
        print(
            f" {mark}{phase.name:<22}{phase.end - phase.start:>7.1f}s{len(inside):>10}"
            f"{len(failed):>8}{100 * share:>7.1f}%{p50:>6.2f}s{worst:>6.1f}s  {shown}",
            flush=True,
        )
        rows.append(
            {
                "phase": phase.name,
                "fault": phase.fault,
                "seconds": round(phase.end - phase.start, 1),
                "requests": len(inside),
                "failed": len(failed),
                "share": round(share, 4),
                "errors": dict(codes),
                "recovered_s": phase.recovered_s,
                "last_failure_s": last_failure,
            }
        )
    f = result.facts
    print(
        f"  bookings {f.get('bookings')}: {f.get('booked')} BOOKED, {f.get('on_hold')} ON_HOLD "
        f"{f.get('other_statuses') or ''}; engagements {f.get('engagements')}, contracts "
        f"{f.get('contracts')}; client saw {f.get('client_holds')} holds, "
        f"{f.get('client_confirms')} confirmations; poison dead-lettered in "
        f"{f.get('poison_dead_lettered_s')}s; quiescent after {f.get('quiescent_after_s')}s; "
        f"{result.killed}'s consumers since their restart: "
        f"{f.get('killed_consumer_after_restart') or '-'}",
        flush=True,
    )
    samples: dict[str, str] = {}
    for a in result.attempts:
        if a.code != "OK":
            samples.setdefault(f"{a.op} {a.code}", a.message)
    for what, message in samples.items():
        print(f"  e.g. {what}: {message or '-'}", flush=True)
    result.facts["error_samples"] = samples
    if result.violations:
        print(f"  VIOLATIONS ({len(result.violations)}):", flush=True)
        for v in result.violations[:40]:
            print(f"    - {v}", flush=True)
    else:
        print("  invariants hold", flush=True)
    return rows


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--roles", type=int, default=12, help="roles per client")
    parser.add_argument("--talent", type=int, default=12, help="talent per client")
    parser.add_argument("--pace", type=float, default=0.15, help="pause after each request, s")
    parser.add_argument("--baseline", type=float, default=6.0, help="seconds before the faults")
    parser.add_argument("--after", type=float, default=5.0, help="steady seconds after a fault")
    parser.add_argument(
        "--settle", type=float, default=30.0, help="max seconds for requests to succeed again"
    )
    parser.add_argument("--quiesce", type=float, default=90.0, help="max wait for quiescence, s")
    parser.add_argument(
        "--kill", default="legal,payroll", help="services to SIGKILL, one per run, in turn"
    )
    parser.add_argument("--run-timeout", type=float, default=240.0, help="bound on one run, s")
    args = parser.parse_args(argv)
    kills = [k.strip() for k in args.kill.split(",") if k.strip()]
    if not kills or any(k not in SERVICES for k in kills):
        parser.error(f"--kill takes services among {', '.join(SERVICES)}")

    try:
        target = Target.from_env()
    except HarnessError as exc:
        say(f"ERROR: {exc}")
        return 2
    results: list[RunResult] = []
    summary: list[dict[str, Any]] = []
    t0 = time.monotonic()
    code = 0
    for run in range(1, args.runs + 1):
        killed = kills[(run - 1) % len(kills)]
        try:
            result = await asyncio.wait_for(
                one_run(target, args, run, killed), timeout=args.run_timeout
            )
        except TimeoutError:
            say(f"run {run}: did not finish within {args.run_timeout:.0f}s")
            code = 1
            break
        except HarnessError as exc:
            say(f"run {run}: the harness could not go on: {exc}")
            code = 2
            break
        results.append(result)
        rows = report(result)
        summary.append(
            {
                "run": run,
                "org": result.org,
                "killed": killed,
                "seconds": round(result.seconds, 1),
                "phases": rows,
                "facts": result.facts,
                "violations": result.violations,
            }
        )
        if result.violations:
            code = max(code, 1)
    (target.state / "soak-results.json").write_text(json.dumps(summary, indent=2, default=str))
    held = sum(len(r.violations) == 0 for r in results)
    print(
        f"\n[soak] {held} of {args.runs} runs held their invariants "
        f"({sum(len(r.attempts) for r in results)} requests, "
        f"{sum(r.facts.get('booked', 0) for r in results)} booked, "
        f"{sum(len(r.violations) for r in results)} violations) in {time.monotonic() - t0:.0f}s; "
        f"results: {target.state / 'soak-results.json'}",
        flush=True,
    )
    return code if results or code else 2


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
