"""Data for bench/load_gateway.py, written in process through casting's own use cases.

`Casting` runs here on the real database (`MongoDatabase` over slate_casting, the same cipher key
file as the running service) with scripted peers: productions come from scheduling through the
gateway, and every talent's work dates are distinct, so scheduling would see no conflict and
legal no blocking issue. The bookings, their audit records and their outbox events are exactly
what a request would write; the running casting relay publishes the events (its pass over
pending documents), and payroll, legal and scheduling consume them as they would any other.
Nothing here is measured.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from casting import events as casting_events
from casting.domain.model import Booking, Production, Rate
from casting.store import CastingStore
from casting.usecases import Casting, ComplianceIssue, Conflict
from slate.auth import Principal
from slate.config import Settings
from slate.events.model import PENDING_FIELD
from slate.events.relay import OutboxRelay
from slate.runtime import Runtime

WRITER_ROLES = ("producer", "casting")
FIRST_DAY = date(2027, 2, 1)


class ScriptedPeers:
    """Scheduling, payroll and legal as the seed needs them (see the module's docstring)."""

    def __init__(self) -> None:
        self.productions: dict[str, Production] = {}

    def know(self, org_id: str, production_id: str, title: str) -> None:
        self.productions[production_id] = Production(
            id=production_id,
            org_id=org_id,
            title=title,
            client="Acme Soda",
            kind="COMMERCIAL",
            timezone="America/Los_Angeles",
            stage="PRE_PRODUCTION",
        )

    async def production(self, org_id: str, production_id: str) -> Production | None:
        known = self.productions.get(production_id)
        return known if known is not None and known.org_id == org_id else None

    async def conflicts(self, booking: Booking) -> list[Conflict]:
        return []

    async def compliance(self, booking: Booking) -> list[ComplianceIssue]:
        return []

    async def check_rate(self, org_id: str, rate: Rate, work_dates: Sequence[date]) -> None:
        return None


def principal(org: str) -> Principal:
    return Principal(sub="bench-seed", org=org, roles=frozenset(WRITER_ROLES))


class Kit:
    """Casting's use cases in this process, on the real database."""

    def __init__(self) -> None:
        settings = Settings.from_env("casting", http_port=1, grpc_port=1)
        self.runtime = Runtime(settings)
        self.peers = ScriptedPeers()
        store = CastingStore(self.runtime.database, casting_events.to_outbox)
        self.casting = Casting(store, self.peers, self.runtime.cipher, self.runtime.audit)
        self.timings = (0.0, 0.0, 0.0)  # the last hold_then_confirm: holds, relay, confirms (s)
        self.relayed_here = 0  # events published by this process (see `published`)

    async def close(self) -> None:
        await self.runtime.close()

    async def roles(
        self, org: str, production_id: str, days: Iterable[date], prefix: str, places: int
    ) -> list[str]:
        """One role per day (a one-day booking at 1,200.00 USD a day) with `places` places, so
        that many of its holds can be confirmed."""
        ids = []
        for i, day in enumerate(days):
            role = await self.casting.create_role(
                principal(org),
                production_id=production_id,
                name=f"{prefix} {i + 1}",
                amount="1200.00",
                currency="USD",
                unit="DAY",
                work_dates=[day.isoformat()],
                quantity=places,
            )
            ids.append(role.id)
        return ids

    async def talents(self, org: str, count: int, prefix: str) -> list[str]:
        """Adult performers, half of them SAG-AFTRA."""
        ids = []
        for i in range(count):
            talent = await self.casting.register_talent(
                principal(org),
                name=f"{prefix} {i + 1}",
                email=f"{prefix.lower().replace(' ', '.')}.{i + 1}@example.com",
                date_of_birth="1990-05-17",
                union="SAG_AFTRA" if i % 2 else "NONE",
            )
            ids.append(talent.id)
        return ids

    async def hold(self, org: str, role_id: str, talent_id: str) -> str:
        booking = await self.casting.hold_talent(
            principal(org), role_id=role_id, talent_id=talent_id
        )
        return booking.id

    async def confirm(self, org: str, booking_id: str) -> None:
        await self.casting.confirm_booking(principal(org), booking_id=booking_id)

    async def published(
        self, booking_ids: Sequence[str], timeout_s: float, *, fallback_after_s: float = 30.0
    ) -> bool:
        """Wait until these bookings' events are published and cleared from their documents.

        The running casting relay does it (its pass over pending documents). Should it publish
        none of them for `fallback_after_s` (a relay that only publishes what its own process
        wrote), the same relay code publishes them from here (`OutboxRelay.drain_hinted`, these
        documents only, which nothing else writes meanwhile); `relayed_here` counts them.

        Also why the seed confirms a hold only once it is published: a second process must not
        update a document while casting's relay may be clearing it, since FerretDB's filtered
        updates are not atomic (docs/architecture.md, "Departures") and casting's per-document
        lock only orders the writers inside casting."""
        bookings = self.runtime.db["bookings"]
        start = progress = time.monotonic()
        left = list(booking_ids)
        while left:
            still: list[str] = []
            for i in range(0, len(left), 500):
                chunk = left[i : i + 500]
                cursor = bookings.find({"_id": {"$in": chunk}, PENDING_FIELD: True}, {"_id": 1})
                still += [d["_id"] async for d in cursor]
            now = time.monotonic()
            if len(still) < len(left):
                progress = now
            left = still
            if not left:
                return True
            if now - start > timeout_s:
                return False
            if now - progress > fallback_after_s:
                await self._relay_here(left)
                progress = time.monotonic()
                continue
            await asyncio.sleep(0.5)
        return True

    async def _relay_here(self, booking_ids: Sequence[str]) -> None:
        relay = OutboxRelay(self.runtime.db, ["bookings"], self.runtime.settings.kafka_bootstrap)
        try:
            for booking_id in booking_ids:
                relay.wake("bookings", booking_id)
            self.relayed_here += await relay.drain_hinted()
        finally:
            await relay.stop()

    async def hold_many(self, holds: Sequence[tuple[str, str, str]], concurrency: int) -> list[str]:
        """Hold each (org, role, talent): one role's holds one after another (a hold claims a
        rank on its role, so concurrent holds on one role conflict), roles side by side; the
        booking ids in the order of `holds`."""
        by_role: dict[str, list[int]] = {}
        for i, (_, role_id, _) in enumerate(holds):
            by_role.setdefault(role_id, []).append(i)
        ids = [""] * len(holds)

        async def role_holds(indices: list[int]) -> None:
            for i in indices:
                ids[i] = await self.hold(*holds[i])

        await bounded(((lambda x=x: role_holds(x)) for x in by_role.values()), concurrency)
        return ids

    async def hold_then_confirm(
        self, holds: Sequence[tuple[str, str, str]], confirm: Sequence[bool], concurrency: int
    ) -> list[str]:
        """Hold each (org, role, talent), then confirm those flagged once the relay has published
        their holds; the booking ids, in order."""
        t0 = time.monotonic()
        ids = await self.hold_many(holds, concurrency)
        chosen = [(h[0], b) for h, b, c in zip(holds, ids, confirm, strict=True) if c]
        t1 = time.monotonic()
        if not await self.published([b for _, b in chosen], timeout_s=600):
            raise RuntimeError("the relay did not publish the holds within 600 s")
        t2 = time.monotonic()
        await bounded(((lambda o=o, b=b: self.confirm(o, b)) for o, b in chosen), concurrency)
        self.timings = (t1 - t0, t2 - t1, time.monotonic() - t2)
        if not await self.published(ids, timeout_s=600):
            raise RuntimeError("the relay did not publish the confirmations within 600 s")
        return ids


async def bounded(jobs: Iterable[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    """Run the jobs, at most `limit` at a time, in order of their results."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(one(j) for j in jobs)))


# --------------------------------------------------------------------------- the bulk seed

SEED_ORGS = 20  # bookings spread over this many organisations
ROLES_PER_BLOCK = 5  # a block: one production, 5 one-day roles x 20 talents = 100 bookings
TALENTS_PER_BLOCK = 20
CONFIRMED_ROLES = 3  # 60 % of the seeded bookings are confirmed, the rest stay on hold


@dataclass
class SeedReport:
    blocks: int = 0
    bookings: int = 0
    confirmed: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


async def seed_blocks(
    kit: Kit,
    create_production: Callable[[str, str], Awaitable[str]],
    *,
    first_block: int,
    blocks: int,
    concurrency: int,
    say: Callable[[str], None],
) -> SeedReport:
    """`blocks` productions of 100 bookings each (60 confirmed), across SEED_ORGS organisations.

    `create_production(org, title)` creates the production through the gateway (scheduling owns
    productions); roles, talent, holds and confirmations go through casting's use cases here.
    Each block's talent are its own and its roles are on distinct days, so no talent is booked
    twice on a day."""
    report = SeedReport()
    started = time.monotonic()

    holds: list[tuple[str, str, str]] = []
    confirm: list[bool] = []

    async def block(n: int) -> None:
        org = f"bench_seed_{n % SEED_ORGS:02d}"
        title = f"Seed block {n}"
        try:
            production_id = await create_production(org, title)
            kit.peers.know(org, production_id, title)
            first = FIRST_DAY + timedelta(days=(n * ROLES_PER_BLOCK) % 600)
            days = [first + timedelta(days=r) for r in range(ROLES_PER_BLOCK)]
            roles = await kit.roles(
                org, production_id, days, f"Seed role {n}", places=TALENTS_PER_BLOCK
            )
            talents = await kit.talents(org, TALENTS_PER_BLOCK, f"Seed Talent {n}")
        except Exception as exc:  # report and go on: the count at the end is what matters
            report.failures.append(f"block {n}: {type(exc).__name__}: {exc}")
            return
        for r, role_id in enumerate(roles):
            for talent_id in talents:
                holds.append((org, role_id, talent_id))
                confirm.append(r < CONFIRMED_ROLES)
        report.blocks += 1

    await bounded(
        (lambda n=n: block(n) for n in range(first_block, first_block + blocks)), concurrency
    )
    say(f"  {report.blocks} productions with roles and talent; holding {len(holds)} bookings")
    for i in range(0, len(holds), 1000):
        ids = await kit.hold_then_confirm(holds[i : i + 1000], confirm[i : i + 1000], concurrency)
        report.bookings += len(ids)
        report.confirmed += sum(confirm[i : i + 1000])
        rate = report.bookings / (time.monotonic() - started)
        h, p, c = kit.timings
        say(
            f"  {report.bookings} of {len(holds)} bookings held and confirmed ({rate:.0f}/s; "
            f"holds {h:.0f} s, relay {p:.0f} s, confirms {c:.0f} s)"
        )
    report.seconds = time.monotonic() - started
    return report
