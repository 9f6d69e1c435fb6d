"""Casting's test fixtures: the service on an in-memory database, scripted peers, a live feed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import date

import pytest
from casting import events
from casting.domain.model import Booking, Production, Rate, Role, Talent
from casting.search import TalentIndex
from casting.store import CastingStore
from casting.usecases import Casting, ComplianceIssue, Conflict
from slate.audit import AuditLog
from slate.auth import Principal
from slate.caller import current_authorization
from slate.errors import UserError
from slate.events import Envelope, OutboxEvent
from slate.repository import MemoryDatabase
from slate.testing import cipher, envelope, principal


class ScriptedPeers:
    """Scheduling, payroll and legal without the network: answers chosen by the test.

    Scheduling knows production `prd_1` of `org_a`. `calls` records each question with the
    caller's authorization as the peer would receive it (`slate.caller`).
    """

    def __init__(self) -> None:
        self.productions: dict[tuple[str, str], Production] = {
            ("org_a", "prd_1"): Production(
                id="prd_1", org_id="org_a", title="Spring Spot", timezone="America/Los_Angeles"
            )
        }
        self.conflicts_found: list[Conflict] = []
        self.busy: dict[str, list[Conflict]] = {}  # talent id -> conflicts on any date asked
        self.issues: list[ComplianceIssue] = []
        self.rate_refusal: str | None = None
        self.down: set[str] = set()
        self.calls: list[tuple[str, str | None]] = []
        # When set, compliance waits here: lets two confirmations read before either saves.
        self.compliance_gate: asyncio.Barrier | None = None
        # When set, conflicts wait here: lets two holds read the role before either writes.
        self.conflicts_gate: asyncio.Barrier | None = None

    def _ask(self, peer: str, question: str) -> None:
        self.calls.append((question, current_authorization()))
        if peer in self.down:
            raise UserError(f"{peer} is unavailable, retry shortly", code="UNAVAILABLE")

    async def production(self, org_id: str, production_id: str) -> Production | None:
        self._ask("scheduling", "production")
        return self.productions.get((org_id, production_id))

    async def conflicts(self, booking: Booking) -> list[Conflict]:
        self._ask("scheduling", "conflicts")
        if self.conflicts_gate is not None:
            await asyncio.wait_for(self.conflicts_gate.wait(), 5)
        return self.conflicts_found

    async def compliance(self, booking: Booking) -> list[ComplianceIssue]:
        self._ask("legal", "compliance")
        if self.compliance_gate is not None:
            await asyncio.wait_for(self.compliance_gate.wait(), 5)
        return self.issues

    async def availability(
        self, org_id: str, talent_id: str, dates: Sequence[date]
    ) -> list[Conflict]:
        self._ask("scheduling", "availability")
        return self.busy.get(talent_id, [])

    async def check_rate(self, org_id: str, rate: Rate, work_dates: Sequence[date]) -> None:
        self._ask("payroll", "check_rate")
        if self.rate_refusal is not None:
            raise UserError(self.rate_refusal, field="rate.amount")

    def asked(self) -> list[str]:
        return [question for question, _ in self.calls]


class LiveFeed:
    """The live topics in process: what `publish` gets, every current listener receives."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Envelope]] = set()
        self.listening = asyncio.Event()  # set while someone listens
        self.idle = asyncio.Event()  # set when the last listener has stopped

    @property
    def listeners(self) -> int:
        return len(self._queues)

    def publish(self, event: OutboxEvent) -> None:
        for queue in self._queues:
            queue.put_nowait(envelope(event))

    async def listen(self) -> AsyncIterator[Envelope]:
        queue: asyncio.Queue[Envelope] = asyncio.Queue()
        self._queues.add(queue)
        self.listening.set()
        self.idle.clear()
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues.discard(queue)
            if not self._queues:
                self.listening.clear()
                self.idle.set()


class Cast:
    """The spine's first steps as one caller, for tests about what comes after them."""

    def __init__(self, casting: Casting, database: MemoryDatabase, caller: Principal) -> None:
        self.casting = casting
        self.database = database
        self.caller = caller

    async def role(
        self, production_id: str = "prd_1", dates: Sequence[str] = ("2027-03-02",)
    ) -> Role:
        return await self.casting.create_role(
            self.caller,
            production_id=production_id,
            name="Lead",
            amount="1200.00",
            currency="USD",
            unit="DAY",
            work_dates=list(dates),
        )

    async def talent(self, dob: str = "1994-02-11", name: str = "Rosa Díaz") -> Talent:
        return await self.casting.register_talent(
            self.caller, name=name, email="rosa@example.com", date_of_birth=dob, union="SAG_AFTRA"
        )

    async def hold(self, dob: str = "1994-02-11") -> Booking:
        role = await self.role()
        talent = await self.talent(dob)
        return await self.casting.hold_talent(self.caller, role_id=role.id, talent_id=talent.id)

    async def outbox(self, booking_id: str) -> list[OutboxEvent]:
        """The events waiting in a booking's document, oldest first."""
        raw = await self.database.repository("bookings").raw(booking_id)
        assert raw is not None
        return [OutboxEvent.from_doc(e) for e in raw["_outbox"]]

    async def docs(self, collection: str) -> int:
        return len(self.database.collections.get(collection, {}))

    async def audited(self, target_id: str, org: str | None = None) -> list[str]:
        records = await AuditLog(self.database).for_target(org or self.caller.org, target_id)
        return [r["action"] for r in records]


PRODUCER = principal("org_a", "producer", "casting")


@pytest.fixture
def database() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def peers() -> ScriptedPeers:
    return ScriptedPeers()


@pytest.fixture
def feed() -> LiveFeed:
    return LiveFeed()


@pytest.fixture
def audit(database: MemoryDatabase) -> AuditLog:
    return AuditLog(database)


@pytest.fixture
async def casting(
    database: MemoryDatabase, peers: ScriptedPeers, feed: LiveFeed, audit: AuditLog
) -> Casting:
    store = CastingStore(database, events.to_outbox)
    await store.ensure_indexes()
    return Casting(
        store,
        peers,
        cipher(),
        audit,
        live=events.live_bookings(feed.listen),
        search=TalentIndex(),
    )


@pytest.fixture
def cast(casting: Casting, database: MemoryDatabase) -> Cast:
    return Cast(casting, database, PRODUCER)
