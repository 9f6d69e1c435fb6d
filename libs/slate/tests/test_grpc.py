"""gRPC helpers against a real in-process grpc.aio server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import grpc.aio
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from slate import grpc as slate_grpc
from slate.auth import AuthError, TokenVerifier, issue_dev_token
from slate.config import Settings
from slate.errors import NotFound
from slate.grpc import (
    PeerUnavailable,
    bound_port,
    call,
    create_channel,
    current_authorization,
    current_principal,
    start_server,
    stop_server,
)

ECHO = "/slate.test.Echo/Say"


async def _say(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    if request == b"whoami":
        p = current_principal()
        return f"{p.sub}@{p.org} {current_authorization() is not None}".encode() if p else b"anon"
    if request == b"slow":
        await asyncio.sleep(1.0)
    if request == b"missing":
        raise NotFound("no such booking", field="bookingId")
    if request == b"forbidden":
        raise AuthError("FORBIDDEN", "accounting only")
    if request.startswith(b"flaky:"):
        # Refuses the first call of each key as a restarting peer would, answers the next.
        if request not in _seen:
            _seen.add(request)
            await context.abort(grpc.StatusCode.UNAVAILABLE, "restarting")
        return b"answered"
    return request


_seen: set[bytes] = set()


def _register(server: grpc.aio.Server) -> None:
    handler = grpc.unary_unary_rpc_method_handler(_say)
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("slate.test.Echo", {"Say": handler}),)
    )


@pytest.fixture(autouse=True)
def fresh_breakers() -> Iterator[None]:
    slate_grpc._breakers.clear()
    yield
    slate_grpc._breakers.clear()


@pytest.fixture
def spans() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(service="test", env="test", dev_key_dir=tmp_path)


@pytest.fixture
async def server(
    spans: tuple[TracerProvider, InMemorySpanExporter], settings: Settings
) -> AsyncIterator[grpc.aio.Server]:
    srv = await start_server(
        0,
        _register,
        service_names=["slate.test.Echo"],
        verifier=TokenVerifier.from_settings(settings),
        tracer_provider=spans[0],
    )
    yield srv
    await stop_server(srv, grace_s=0.1)


@pytest.fixture
async def channel(
    server: grpc.aio.Server, spans: tuple[TracerProvider, InMemorySpanExporter]
) -> AsyncIterator[grpc.aio.Channel]:
    ch = create_channel(f"127.0.0.1:{bound_port(server)}", tracer_provider=spans[0])
    yield ch
    await ch.close()


async def test_health_reports_serving_for_each_service(channel: grpc.aio.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(channel)
    for name in ("", "slate.test.Echo"):
        reply = await call(stub.Check, health_pb2.HealthCheckRequest(service=name))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await call(stub.Check, health_pb2.HealthCheckRequest(service="nope"))
    assert exc.value.code() == grpc.StatusCode.NOT_FOUND


async def test_server_span_continues_the_client_trace(
    channel: grpc.aio.Channel, spans: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = spans
    stub = health_pb2_grpc.HealthStub(channel)
    with provider.get_tracer("t").start_as_current_span("mutation confirmBooking") as root:
        await call(stub.Check, health_pb2.HealthCheckRequest(service=""))
    by_kind = {s.kind: s for s in exporter.get_finished_spans()}
    client, server = by_kind[trace.SpanKind.CLIENT], by_kind[trace.SpanKind.SERVER]
    assert client.name == server.name == "grpc.health.v1.Health/Check"
    assert client.parent is not None
    assert client.parent.span_id == root.get_span_context().span_id
    assert server.parent is not None
    assert server.parent.span_id == client.context.span_id
    assert server.context.trace_id == root.get_span_context().trace_id
    assert server.attributes is not None
    assert server.attributes["rpc.service"] == "grpc.health.v1.Health"
    assert server.attributes["rpc.grpc.status_code"] == 0


async def test_call_without_token_is_unauthenticated(channel: grpc.aio.Channel) -> None:
    say = channel.unary_unary(ECHO)
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await call(say, b"whoami")
    assert exc.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "authorization" in (exc.value.details() or "").lower()


async def test_handler_sees_the_verified_principal(
    channel: grpc.aio.Channel, settings: Settings
) -> None:
    token = issue_dev_token(settings, org="org_1", roles=["casting"], sub="svc")
    say = channel.unary_unary(ECHO)
    assert await call(say, b"whoami", authorization=f"Bearer {token}") == b"svc@org_1 True"
    assert await call(say, b"whoami", authorization=token) == b"svc@org_1 True"


async def test_bad_token_is_unauthenticated(channel: grpc.aio.Channel) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await call(channel.unary_unary(ECHO), b"hi", authorization="Bearer forged")
    assert exc.value.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize(
    ("request_body", "status", "fragment"),
    [
        (b"missing", grpc.StatusCode.NOT_FOUND, "no such booking"),
        (b"forbidden", grpc.StatusCode.PERMISSION_DENIED, "accounting only"),
    ],
)
async def test_handler_errors_become_statuses(
    channel: grpc.aio.Channel,
    settings: Settings,
    request_body: bytes,
    status: grpc.StatusCode,
    fragment: str,
) -> None:
    token = issue_dev_token(settings, org="o", roles=["viewer"])
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await call(channel.unary_unary(ECHO), request_body, authorization=token)
    assert exc.value.code() == status
    assert fragment in (exc.value.details() or "")


async def test_slow_peer_is_unavailable_after_the_deadline(
    channel: grpc.aio.Channel, settings: Settings
) -> None:
    token = issue_dev_token(settings, org="o", roles=["viewer"])
    with pytest.raises(PeerUnavailable) as exc:
        await call(channel.unary_unary(ECHO), b"slow", timeout_s=0.2, authorization=token)
    assert exc.value.status == "DEADLINE_EXCEEDED"
    assert exc.value.code == "UNAVAILABLE"
    assert "slate.test.Echo/Say" in exc.value.message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_nothing_listening_is_peer_unavailable() -> None:
    channel = create_channel(f"127.0.0.1:{_free_port()}")
    try:
        stub = health_pb2_grpc.HealthStub(channel)
        with pytest.raises(PeerUnavailable) as exc:
            await call(stub.Check, health_pb2.HealthCheckRequest(), timeout_s=0.5, peer="legal")
    finally:
        await channel.close()
    assert exc.value.peer == "legal"
    assert exc.value.status in ("UNAVAILABLE", "DEADLINE_EXCEEDED")
    assert "legal is unavailable (grpc.health.v1.Health/Check" in exc.value.message


async def test_stopping_reports_not_serving_first(spans: tuple[TracerProvider, object]) -> None:
    srv = await start_server(0, lambda s: None, service_names=["x"], tracer_provider=spans[0])
    port = bound_port(srv)
    await stop_server(srv, grace_s=0.1)
    channel = create_channel(f"127.0.0.1:{port}")
    try:
        with pytest.raises(PeerUnavailable):
            await call(health_pb2_grpc.HealthStub(channel).Check, health_pb2.HealthCheckRequest())
    finally:
        await channel.close()


async def test_an_idempotent_call_to_a_restarting_peer_is_retried(
    channel: grpc.aio.Channel, settings: Settings
) -> None:
    token = issue_dev_token(settings, org="o", roles=["viewer"])
    say = channel.unary_unary(ECHO)
    assert await call(say, b"flaky:1", authorization=token) == b"answered"
    with pytest.raises(PeerUnavailable):  # not idempotent: the first refusal is final
        await call(say, b"flaky:2", authorization=token, idempotent=False)


async def test_a_peer_that_keeps_failing_opens_its_circuit_and_calls_fail_fast(
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = create_channel(f"127.0.0.1:{_free_port()}")
    try:
        stub = health_pb2_grpc.HealthStub(channel)
        with caplog.at_level("WARNING", logger="slate.grpc"):
            for _ in range(slate_grpc.breaker_for("grpc.health.v1.Health").threshold):
                with pytest.raises(PeerUnavailable):
                    await call(stub.Check, health_pb2.HealthCheckRequest(), timeout_s=0.5)
            started = asyncio.get_running_loop().time()
            with pytest.raises(PeerUnavailable) as exc:
                await call(stub.Check, health_pb2.HealthCheckRequest(), timeout_s=0.5)
            took = asyncio.get_running_loop().time() - started
    finally:
        await channel.close()
    assert exc.value.status == "CIRCUIT_OPEN"
    assert "failures in a row" in exc.value.message
    assert took < 0.05
    failures = [r for r in caplog.records if r.getMessage() == "peer call failed"]
    assert len(failures) == 5
    assert all(r.__dict__["rpc_method"] == "grpc.health.v1.Health/Check" for r in failures)
    assert any(r.getMessage() == "peer call refused: circuit open" for r in caplog.records)
