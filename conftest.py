"""Fixtures shared by every test: the in-memory database of unit tests, and for integration tests
the real database and Kafka, unique names."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from slate.config import Settings
from slate.events import ensure_topics, topic_partitions
from slate.mongo import create_client
from slate.repository import MemoryDatabase

MONGO_URL = os.environ.get("SLATE_MONGO_URL", Settings.mongo_url)
KAFKA = os.environ.get("SLATE_KAFKA_BOOTSTRAP", Settings.kafka_bootstrap)
START_HINT = "start it with: deploy/local/infra.sh start"
INFRA_FIXTURES = frozenset({"kafka_bootstrap", "mongo_url", "mongo_client", "db", "topic"})
E2E_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "e2e")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e needs the stack, whether or not its module says so: `make
    test-unit` (-m "not infra and not e2e") must never reach a running stack by accident."""
    for item in items:
        if str(item.path).startswith(E2E_DIR + os.sep):
            item.add_marker(pytest.mark.e2e)
        # Likewise a test that asks for the real Kafka or database is an infra test.
        if INFRA_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.infra)


def unique(prefix: str) -> str:
    """A name no other test run uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def eventually(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool], within: float = 30.0
) -> None:
    """Wait until check() is true, or fail after `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.05)


@pytest.fixture
def database() -> MemoryDatabase:
    """A fresh in-memory database for a service's use cases; a service's integration tests
    override it with `MongoDatabase(db)` to run the same fixtures on the real server."""
    return MemoryDatabase()


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return KAFKA


@pytest.fixture(scope="session")
def mongo_url() -> str:
    return MONGO_URL


@pytest.fixture(scope="session")
async def mongo_client() -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client = create_client(Settings(service="kernel-tests", mongo_url=MONGO_URL))
    try:
        await client.admin.command("ping")
    except Exception as exc:
        await client.close()
        pytest.fail(f"no MongoDB-protocol server at {MONGO_URL} ({exc}); {START_HINT}")
    yield client
    await client.close()


@pytest.fixture
async def db(
    mongo_client: AsyncMongoClient[dict[str, Any]],
) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    database = mongo_client[unique("slate_test").replace("-", "_")]
    yield database
    await mongo_client.drop_database(database.name)


@pytest.fixture
async def topic(kafka_bootstrap: str) -> str:
    name = unique("slate.test.thing.v1")
    try:
        await asyncio.wait_for(ensure_topics(kafka_bootstrap, {name: 3}), 30)
    except Exception as exc:
        pytest.fail(f"cannot create topics on Kafka at {kafka_bootstrap} ({exc!r}); {START_HINT}")
    return name


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int = 0, within: float = 20.0
) -> list[Any]:
    """Every record of a topic from the start (waiting until there are `at_least` of them)."""
    tps = [TopicPartition(topic, p) for p in await topic_partitions(bootstrap, topic) or ()]
    assert tps, f"topic {topic} does not exist"
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            end = await consumer.end_offsets(tps)
            if sum(end.values()) >= at_least or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.1)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        records: list[Any] = []

        async def behind() -> bool:
            return any([await consumer.position(tp) < end[tp] for tp in tps])

        while await behind():
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(
                    r for r in batch if r.offset < end[TopicPartition(r.topic, r.partition)]
                )
        return sorted(records, key=lambda r: (r.partition, r.offset))
    finally:
        await consumer.stop()


async def produce_raw(
    bootstrap: str,
    topic: str,
    value: bytes | None,
    *,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> None:
    """Produce one record as-is (for malformed-input tests)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers or [])
    finally:
        await producer.stop()


class Kit:
    """Helpers for tests (with importlib import mode, tests cannot import conftest)."""

    unique = staticmethod(unique)
    eventually = staticmethod(eventually)
    read_topic = staticmethod(read_topic)
    produce_raw = staticmethod(produce_raw)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit
