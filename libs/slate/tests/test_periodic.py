"""Periodic jobs a service declares (`Wiring.periodic`): run at start and then at their interval,
a failed pass does not end the job, and stopping the service cancels it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry
from slate.audit import AuditLog
from slate.config import Settings
from slate.events import OutboxEvent
from slate.events.catalogue import Dispatch, dispatch
from slate.graphql import SubgraphSchema
from slate.repository import Database, MemoryDatabase
from slate.runtime import Periodic, Runtime, Service, Wiring
from slate.runtime.lifespan import every, running


async def test_a_job_runs_at_once_then_at_its_interval_and_survives_a_failed_pass() -> None:
    passes: list[int] = []
    fourth = asyncio.Event()

    async def run() -> None:
        passes.append(len(passes))
        if len(passes) == 4:
            fourth.set()
        if len(passes) == 2:
            raise RuntimeError("the database went away")

    task = asyncio.create_task(every(Periodic("sweep", 0.01, run)))
    await asyncio.wait_for(fourth.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert passes[:4] == [0, 1, 2, 3]  # the failure in pass 1 did not stop pass 2


async def test_the_interval_is_counted_from_the_end_of_a_pass() -> None:
    started: list[float] = []
    second = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def slow() -> None:
        started.append(loop.time())
        if len(started) == 2:
            second.set()
        await asyncio.sleep(0.05)

    task = asyncio.create_task(every(Periodic("slow", 0.05, slow)))
    await asyncio.wait_for(second.wait(), 5)
    task.cancel()
    assert started[1] - started[0] >= 0.095  # one pass (0.05) plus the interval (0.05)


@strawberry.type
class Query:
    ok: bool = True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.infra
async def test_a_running_service_runs_its_jobs_and_cancels_them_when_it_stops(
    db: Any, mongo_url: str, kafka_bootstrap: str
) -> None:
    passes = 0
    third = asyncio.Event()

    async def tick() -> None:
        nonlocal passes
        passes += 1
        if passes == 3:
            third.set()

    async def wire(runtime: Runtime) -> Wiring[None]:
        return Wiring(
            schema=strawberry.federation.Schema(query=Query),
            services=None,
            periodic=[Periodic("tick", 0.01, tick)],
        )

    config = Settings(
        service="periodic-test",
        mongo_url=mongo_url,
        database=db.name,
        kafka_bootstrap=kafka_bootstrap,
        grpc_port=free_port(),
        http_port=free_port(),
    )
    async with running(config, wire):
        await asyncio.wait_for(third.wait(), 5)
        jobs = [t for t in asyncio.all_tasks() if t.get_name() == "slate-periodic-tick"]
        assert len(jobs) == 1
    await asyncio.sleep(0)
    assert jobs[0].done()
    after = passes
    await asyncio.sleep(0.05)
    assert passes == after  # nothing runs once the service stopped


@dataclass
class Store:
    database: Database
    outbox: Any
    outbox_collections: Sequence[str] = ()

    async def ensure_indexes(self) -> None:
        return None


@dataclass
class Things:
    store: Store
    audit: AuditLog


class ThingEvents:
    """Stands for a service's `events` module."""

    @staticmethod
    def to_outbox(event: Any, /) -> OutboxEvent | None:
        return None

    @staticmethod
    def handlers(things: Things, /) -> Dispatch:
        return dispatch({})


@dataclass
class FakeRuntime:
    database: MemoryDatabase = field(default_factory=MemoryDatabase)

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.database)


async def test_a_declared_service_hands_its_jobs_the_wired_use_cases() -> None:
    schema = SubgraphSchema(query=Query)
    seen: list[Things] = []

    def jobs(things: Things) -> Sequence[Periodic]:
        async def run() -> None:
            seen.append(things)

        return [Periodic("tick", 60.0, run)]

    runtime: Any = FakeRuntime()
    declared = Service("legal", schema, Store, Things, ThingEvents(), periodic=jobs)
    wiring = await declared.wire(runtime)
    [job] = wiring.periodic
    await job.run()
    assert seen == [wiring.services]
    bare = await Service("legal", schema, Store, Things, ThingEvents()).wire(runtime)
    assert list(bare.periodic) == []
