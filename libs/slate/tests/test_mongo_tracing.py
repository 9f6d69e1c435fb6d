"""MongoDB CLIENT spans: one per command inside a trace, none for background work outside one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pymongo import AsyncMongoClient
from slate.mongo_tracing import CommandTracer

from conftest import unique


@pytest.fixture
async def traced(
    mongo_url: str,
) -> AsyncIterator[tuple[AsyncMongoClient[dict[str, Any]], TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        mongo_url, event_listeners=[CommandTracer(tracer_provider=provider)]
    )
    yield client, provider, exporter
    await client.close()
    provider.shutdown()


async def test_commands_in_a_trace_get_a_child_span_and_background_ones_none(
    traced: tuple[AsyncMongoClient[dict[str, Any]], TracerProvider, InMemorySpanExporter],
) -> None:
    client, provider, exporter = traced
    db = client[unique("slate_test").replace("-", "_")]
    try:
        await db.things.insert_one({"_id": "a"})  # outside any trace: a relay pass, say
        await db.things.find_one({"_id": "a"})
        assert exporter.get_finished_spans() == ()
        with provider.get_tracer("t").start_as_current_span("POST /graphql") as root:
            await db.things.find_one({"_id": "a"})
        spans = {s.name: s for s in exporter.get_finished_spans()}
        assert set(spans) == {"POST /graphql", "mongodb find things"}
        child = spans["mongodb find things"]
        assert child.parent is not None
        assert child.parent.span_id == root.get_span_context().span_id
        assert child.attributes is not None
        assert child.attributes["db.operation.name"] == "find"
    finally:
        await client.drop_database(db.name)
