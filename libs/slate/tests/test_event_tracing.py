"""One trace across Kafka: request span -> relay's publish span -> consumer's process span."""

from __future__ import annotations

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from slate.events import Consumer, Envelope, OutboxEvent, OutboxRelay
from slate.mongo import Repository

pytestmark = pytest.mark.infra


async def test_consumer_span_is_a_child_of_the_publish_span_of_the_request_trace(
    db, topic, kafka_bootstrap, kit
):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")

    repo = Repository(db, "things")
    with tracer.start_as_current_span("POST /graphql") as request:
        ev = OutboxEvent.create(
            topic=topic,
            key="thg_1",
            type="slate.test.thing.created.v1",
            source="slate-test",
            message=StringValue(value="traced"),
        )
        await repo.insert({"_id": "thg_1", "org_id": "org_a"}, [ev])
    request_ctx = request.get_span_context()
    assert ev.traceparent is not None
    assert ev.traceparent.startswith(f"00-{request_ctx.trace_id:032x}-{request_ctx.span_id:016x}-")

    relay = OutboxRelay(db, ["things"], kafka_bootstrap, tracer_provider=provider)
    try:
        assert await relay.drain_once() == 1
    finally:
        await relay.stop()

    inside: list[trace.SpanContext] = []

    async def handler(envelope: Envelope) -> None:
        inside.append(trace.get_current_span().get_span_context())

    consumer = Consumer(
        bootstrap=kafka_bootstrap,
        group_id=kit.unique("trace-test"),
        topics=[topic],
        handler=handler,
        db=db,
        tracer_provider=provider,
    )
    await consumer.start()
    try:
        await kit.eventually(lambda: bool(inside))
    finally:
        await consumer.stop()

    spans = {s.name: s for s in exporter.get_finished_spans()}
    publish, process = spans[f"publish {topic}"], spans[f"process {topic}"]
    assert publish.kind == trace.SpanKind.PRODUCER
    assert process.kind == trace.SpanKind.CONSUMER
    assert publish.parent is not None
    assert publish.parent.span_id == request_ctx.span_id
    assert process.parent is not None
    assert process.parent.span_id == publish.context.span_id
    assert process.parent.is_remote
    assert publish.context.trace_id == process.context.trace_id == request_ctx.trace_id
    assert inside[0].span_id == process.context.span_id  # the handler runs inside the span
    assert process.attributes["messaging.message.id"] == ev.id
    assert process.attributes["messaging.destination.name"] == topic
