"""One process per service: GraphQL subgraph, gRPC server, outbox relay, consumers, health, metrics.

A service supplies `wire(runtime) -> Wiring`; this module owns the lifecycle so that every service
starts and stops the same way and nothing connects at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
import strawberry
import uvicorn
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo.asynchronous.database import AsyncDatabase
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from slate import grpc as slate_grpc
from slate import telemetry_names
from slate.audit import AuditLog, current_trace_id
from slate.auth import AuthError, TokenVerifier
from slate.config import Settings
from slate.crypto import FieldCipher
from slate.events import Consumer, Envelope, OutboxRelay, ensure_topics
from slate.events.live import LiveTopics
from slate.graphql import GraphQLContext
from slate.mongo import create_client
from slate.telemetry import configure_logging, instrument_asgi, setup_telemetry, shutdown_telemetry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer group of this service: the topics it reads and the handler of one envelope."""

    group_id: str
    topics: Sequence[str]
    handler: Callable[[Envelope], Awaitable[None]]


@dataclass
class Wiring:
    """What a service plugs into the runtime."""

    schema: strawberry.federation.Schema
    services: Any
    outbox_collections: Sequence[str] = ()
    publishes: Mapping[str, int] = field(default_factory=dict)
    consumers: Sequence[ConsumerSpec] = ()
    grpc_register: Callable[[grpc.aio.Server], None] | None = None
    grpc_service_names: Sequence[str] = ()
    live_topics: Sequence[str] = ()


class Runtime:
    """Clients owned by the process lifespan, handed to the service's wiring."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client = create_client(settings)
        self.db: AsyncDatabase[dict[str, Any]] = self.client[settings.database]
        self.verifier = TokenVerifier.from_settings(settings)
        self.cipher = FieldCipher.from_settings(settings)
        self.audit = AuditLog(self.db)
        self.metrics = telemetry_names.metrics(f"slate-{settings.service}")
        self.registry = self.metrics.registry
        self.relay: OutboxRelay | None = None
        self.live: LiveTopics | None = None
        self._channels: dict[str, grpc.aio.Channel] = {}

    def wake_relay(self, collection: str, doc_id: Any) -> None:
        """Wake the outbox relay right after a write that carried events."""
        if self.relay is not None:
            self.relay.wake(collection, doc_id)

    def channel(self, peer: str) -> grpc.aio.Channel:
        """One long-lived channel per peer service."""
        if peer not in self._channels:
            self._channels[peer] = slate_grpc.create_channel(self.settings.grpc_targets[peer])
        return self._channels[peer]

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()
        await self.client.close()


class SubgraphApp(GraphQL[GraphQLContext, None]):
    """Strawberry's ASGI app with a context that carries the verified principal."""

    def __init__(self, schema: strawberry.federation.Schema, runtime: Runtime, services: Any):
        super().__init__(
            schema,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
        )
        self._runtime = runtime
        self._services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> GraphQLContext:
        context = GraphQLContext(
            principal=None,
            authorization=None,
            auth_error=None,
            services=self._services,
            trace_id=current_trace_id(),
        )
        self._authenticate(context, request.headers.get("authorization"))
        return context

    def _authenticate(self, context: GraphQLContext, header: str | None) -> None:
        if not header:
            return
        try:
            context.principal = self._runtime.verifier.principal_from_authorization(header)
            context.authorization = header
            context.auth_error = None
        except AuthError as exc:
            context.auth_error = str(exc)

    async def on_ws_connect(self, context: GraphQLContext) -> Any:
        """graphql-ws clients may send the token in connection_init's payload, not a header."""
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        if context.principal is None and raw:
            self._authenticate(context, str(raw))
        return None


def create_app(settings: Settings, wire: Callable[[Runtime], Awaitable[Wiring]]) -> Starlette:
    """The service's ASGI app; all I/O happens in its lifespan."""
    state: dict[str, Any] = {}

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive", "service": settings.service})

    async def readyz(_: Request) -> Response:
        runtime: Runtime | None = state.get("runtime")
        checks: dict[str, str] = {}
        if runtime is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        try:
            await asyncio.wait_for(runtime.db.command("ping"), 2)
            checks["mongo"] = "ok"
        except Exception as exc:  # readiness reports any failure; it never raises
            checks["mongo"] = f"error: {type(exc).__name__}"
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        try:
            await asyncio.wait_for(admin.start(), 3)
            await asyncio.wait_for(admin.list_topics(), 3)
            checks["kafka"] = "ok"
        except Exception as exc:
            checks["kafka"] = f"error: {type(exc).__name__}"
        finally:
            with contextlib.suppress(Exception):
                await admin.close()
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not ready", **checks}, 200 if ok else 503
        )

    async def metrics(_: Request) -> Response:
        runtime: Runtime | None = state.get("runtime")
        body = generate_latest(runtime.registry) if runtime else b""
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    graphql = _DeferredGraphQL(state)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        configure_logging(f"slate-{settings.service}")
        provider = setup_telemetry(f"slate-{settings.service}", settings)
        runtime = Runtime(settings)
        wiring = await wire(runtime)
        topics = dict(wiring.publishes)
        for spec in wiring.consumers:
            for topic in spec.topics:
                topics.setdefault(topic, 3)
        await ensure_topics(settings.kafka_bootstrap, topics)
        relay = OutboxRelay(
            runtime.db,
            list(wiring.outbox_collections),
            settings.kafka_bootstrap,
            poll_interval_s=settings.relay_poll_interval_s,
            metrics=runtime.metrics,
        )
        runtime.relay = relay
        await relay.start()
        consumers = [
            Consumer(
                bootstrap=settings.kafka_bootstrap,
                group_id=spec.group_id,
                topics=list(spec.topics),
                handler=spec.handler,
                db=runtime.db,
                max_attempts=settings.consumer_max_attempts,
                metrics=runtime.metrics,
            )
            for spec in wiring.consumers
        ]
        for consumer in consumers:
            await consumer.start()
        if wiring.live_topics:
            runtime.live = LiveTopics(settings.kafka_bootstrap, wiring.live_topics)
            await runtime.live.start()
        server = None
        if wiring.grpc_register is not None:
            server = await slate_grpc.start_server(
                settings.grpc_port,
                wiring.grpc_register,
                service_names=list(wiring.grpc_service_names),
                verifier=runtime.verifier,
                host=settings.grpc_host,
            )
        state["runtime"] = runtime
        state["graphql"] = SubgraphApp(wiring.schema, runtime, wiring.services)
        log.info("service started", extra={"http_port": settings.http_port})
        try:
            yield
        finally:
            state.pop("graphql", None)
            if server is not None:
                await server.stop(grace=2)
            if runtime.live is not None:
                await runtime.live.stop()
            for consumer in consumers:
                await consumer.stop()
            await relay.stop()
            await runtime.close()
            state.pop("runtime", None)
            shutdown_telemetry(provider)

    app = Starlette(
        middleware=[Middleware(_RequestTimer, state=state)],
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
    return app


ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})


class _RequestTimer:
    """Records each HTTP request's latency by method, route and status."""

    def __init__(self, app: Any, state: dict[str, Any]) -> None:
        self.app = app
        self._state = state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_and_note(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            runtime: Runtime | None = self._state.get("runtime")
            if runtime is not None:
                route = scope["path"] if scope["path"] in ROUTES else "other"
                runtime.metrics.http_request_seconds.labels(
                    scope["method"], route, str(status)
                ).observe(time.perf_counter() - started)


class _DeferredGraphQL:
    """ASGI app that forwards to the subgraph app the lifespan created (503 until then)."""

    def __init__(self, state: dict[str, Any]) -> None:
        self._state = state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        app: SubgraphApp | None = self._state.get("graphql")
        if app is not None:
            await app(scope, receive, send)
        elif scope["type"] == "websocket":
            await WebSocket(scope, receive, send).close(code=1013)
        else:
            await JSONResponse({"errors": [{"message": "starting"}]}, 503)(scope, receive, send)


def serve(settings: Settings, wire: Callable[[Runtime], Awaitable[Wiring]]) -> None:
    """Run the service until SIGTERM/SIGINT."""
    app = instrument_asgi(create_app(settings, wire), f"slate-{settings.service}")
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        ws="websockets",
        lifespan="on",
    )
