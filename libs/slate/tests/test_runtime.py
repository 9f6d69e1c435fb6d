"""The service runtime: a failed start closes everything it opened; readiness and health."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest
import strawberry
from slate.config import Settings
from slate.events.catalogue import PRODUCTION_CREATED, dispatch
from slate.runtime import ConsumerSpec, Runtime, StartupError, Wiring, create_app
from slate.runtime.lifespan import running

pytestmark = pytest.mark.infra


@strawberry.type
class Query:
    ok: bool = True


SCHEMA = strawberry.federation.Schema(query=Query)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def settings(kafka: str, mongo_url: str, database: str) -> Settings:
    return Settings(
        service="runtime-test",
        mongo_url=mongo_url,
        database=database,
        kafka_bootstrap=kafka,
        grpc_port=free_port(),
        http_port=free_port(),
    )


def wire_with(opened: list[Runtime]) -> Any:
    async def handle(_: Any) -> None:
        return None

    async def wire(runtime: Runtime) -> Wiring[None]:
        opened.append(runtime)
        await runtime.database.ensure_indexes({})
        await runtime.db.command("ping")
        return Wiring(
            schema=SCHEMA,
            services=None,
            outbox_collections=["things"],
            consumers=[ConsumerSpec.of("runtime-test", dispatch({PRODUCTION_CREATED: handle}))],
            grpc_register=lambda server: None,
        )

    return wire


async def test_unreachable_kafka_stops_the_start_with_a_clear_message_and_leaks_nothing(
    db, mongo_url
):
    dead = f"127.0.0.1:{free_port()}"  # nothing listens there
    config = settings(dead, mongo_url, db.name)
    opened: list[Runtime] = []
    before = set(asyncio.all_tasks())

    with pytest.raises(StartupError) as exc:
        async with running(config, wire_with(opened), step_timeout_s=5):
            pytest.fail("started without Kafka")

    message = str(exc.value)
    assert "Kafka" in message
    assert dead in message
    assert "make infra-up" in message
    # The database client that was opened first is closed again, gRPC never bound its port,
    # and no background task (relay, consumer, live fan-out) is left running.
    [runtime] = opened
    with pytest.raises(Exception, match=r"closed|after close|Cannot use"):
        await runtime.db.command("ping")
    assert port_is_free(config.grpc_port)
    await asyncio.sleep(0)
    leftover = {t for t in asyncio.all_tasks() - before if not t.done()}
    assert leftover == set(), leftover


async def test_a_running_service_answers_health_readiness_and_metrics(
    db, mongo_url, kafka_bootstrap
):
    app = create_app(settings(kafka_bootstrap, mongo_url, db.name), wire_with([]))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://svc") as client,
    ):
        assert (await client.get("/healthz")).json()["status"] == "alive"
        for _ in range(3):  # readiness reuses one admin client across probes
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json() == {"status": "ready", "mongo": "ok", "kafka": "ok"}
        metrics = await client.get("/metrics")
        assert "slate_http_request_seconds" in metrics.text


async def test_an_extra_route_is_served_with_the_wired_services_once_started(
    db, mongo_url, kafka_bootstrap
):
    from slate.runtime.app import ExtraRoute
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response

    async def echo(request: Request, services: Any) -> Response:
        return PlainTextResponse(f"{services}:{request.path_params['token']}")

    async def wire(runtime: Runtime) -> Wiring[str]:
        return Wiring(schema=SCHEMA, services="the-services")

    app = create_app(
        settings(kafka_bootstrap, mongo_url, db.name), wire, [ExtraRoute("/feed/{token}", echo)]
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        assert (await client.get("/feed/abc")).status_code == 503  # not started yet
        async with app.router.lifespan_context(app):
            found = await client.get("/feed/abc")
            assert found.status_code == 200
            assert found.text == "the-services:abc"
            assert (await client.post("/feed/abc")).status_code == 405
