"""Logs, propagation, ASGI tracing and metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry, generate_latest
from slate.events.catalogue import BOOKING_TOPIC
from slate.telemetry import (
    JsonFormatter,
    configure_logging,
    context_from_headers,
    inject_trace_headers,
    instrument_asgi,
)
from slate.telemetry_names import metrics
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


@pytest.fixture
def spans() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def _log_line(logger: logging.Logger, fn: str = "info", **kw: object) -> dict[str, object]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("casting"))
    logger.addHandler(handler)
    try:
        getattr(logger, fn)("booking %s confirmed", "bkg_1", **kw)
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    parsed: dict[str, object] = json.loads(lines[0])
    return parsed


def test_log_line_is_json_with_the_current_trace_id(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, _ = spans
    logger = logging.getLogger("slate.test.json")
    logger.setLevel(logging.INFO)
    with provider.get_tracer("t").start_as_current_span("op") as span:
        line = _log_line(logger, extra={"booking_id": "bkg_1"})
    ctx = span.get_span_context()
    assert line["message"] == "booking bkg_1 confirmed"
    assert line["service"] == "slate-casting"
    assert line["level"] == "INFO"
    assert line["logger"] == "slate.test.json"
    assert line["trace_id"] == f"{ctx.trace_id:032x}"
    assert line["span_id"] == f"{ctx.span_id:016x}"
    assert line["booking_id"] == "bkg_1"
    assert str(line["time"]).endswith("+00:00")


def test_log_line_without_span_has_no_trace_id_and_keeps_exception() -> None:
    logger = logging.getLogger("slate.test.exc")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        line = _log_line(logger, fn="exception")
    assert "trace_id" not in line
    assert line["level"] == "ERROR"
    assert line["exc_type"] == "RuntimeError"
    assert "boom" in str(line["exc_info"])


def test_configure_logging_is_idempotent() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        configure_logging("payroll", "debug")
        configure_logging("payroll", "info")
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1
        assert isinstance(added[0].formatter, JsonFormatter)
        assert root.level == logging.INFO
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
        root.setLevel(level)


def test_trace_context_crosses_kafka_headers(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("produce") as producer:
        headers = inject_trace_headers()
    assert headers["traceparent"].split("-")[1] == f"{producer.get_span_context().trace_id:032x}"
    record_headers = [(k, v.encode()) for k, v in headers.items()] + [("ce_id", b"e1")]
    with tracer.start_as_current_span("consume", context=context_from_headers(record_headers)):
        pass
    (_, c) = exporter.get_finished_spans()
    assert c.parent is not None
    assert c.parent.span_id == producer.get_span_context().span_id
    assert c.context.trace_id == producer.get_span_context().trace_id
    same = context_from_headers({"TraceParent": headers["traceparent"]})
    assert trace.get_current_span(same).get_span_context().span_id == c.parent.span_id


def test_no_headers_means_no_parent() -> None:
    assert not trace.get_current_span(context_from_headers([])).get_span_context().is_valid


async def test_asgi_spans_continue_the_caller_trace_and_skip_probes(
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans

    async def ok(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/graphql", ok, methods=["POST"]), Route("/healthz", ok)])
    traced = instrument_asgi(app, "casting", tracer_provider=provider)
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    transport = httpx.ASGITransport(app=traced)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/healthz")).status_code == 200
        r = await client.post("/graphql", headers={"traceparent": parent})
        assert r.status_code == 200
    finished = exporter.get_finished_spans()
    assert len(finished) == 1
    span = finished[0]
    assert span.kind == trace.SpanKind.SERVER
    assert f"{span.context.trace_id:032x}" == "0af7651916cd43dd8448eb211c80319c"
    assert span.parent is not None
    assert f"{span.parent.span_id:016x}" == "b7ad6b7169203331"


def test_metrics_live_on_their_own_registry() -> None:
    a = metrics("casting", CollectorRegistry())
    b = metrics("payroll")
    a.events_published_total.labels(topic=BOOKING_TOPIC.name).inc()
    a.outbox_depth.labels(collection="bookings").set(3)
    a.http_request_seconds.labels(method="POST", route="/graphql", status="200").observe(0.01)
    text = generate_latest(a.registry).decode()
    assert f'slate_events_published_total{{topic="{BOOKING_TOPIC.name}"}} 1.0' in text
    assert 'slate_outbox_depth{collection="bookings"} 3.0' in text
    assert 'slate_service_info{service="casting"} 1.0' in text
    assert "slate_events_published_total{" not in generate_latest(b.registry).decode()


async def test_uvicorn_access_lines_stay_off_after_logging_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What uvicorn asks before writing an access line for a request (its protocols'
    # `access_logger.hasHandlers()`), after the service configured its logging.
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    access = logging.getLogger("uvicorn.access")
    try:
        configure_logging("casting", "info")
        assert root.handlers
        assert not access.hasHandlers()
        assert logging.getLogger("uvicorn.error").hasHandlers()  # start-up lines still logged
        monkeypatch.setenv("SLATE_ACCESS_LOG", "1")
        configure_logging("casting", "info")
        assert access.hasHandlers()
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
        root.setLevel(level)
        access.propagate = True
