"""The service's ASGI app: the subgraph on /graphql (HTTP and WebSocket), health and metrics."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL

from slate.audit import current_trace_id
from slate.auth import AuthError, TokenVerifier
from slate.caller import CLIENT_HEADER, set_caller, verify_client
from slate.config import Settings
from slate.graphql import GraphQLContext
from slate.limits import BodyLimit
from slate.runtime import health
from slate.runtime.lifespan import Started, StartupError, running, start_logging
from slate.runtime.metrics import RequestTimer, metrics_response
from slate.runtime.wiring import Runtime, Wiring
from slate.telemetry import instrument_asgi

log = logging.getLogger(__name__)


class SubgraphApp(GraphQL[GraphQLContext[Any], None]):
    """Strawberry's ASGI app with a context that carries the verified principal."""

    def __init__(
        self, schema: strawberry.federation.Schema, verifier: TokenVerifier, services: Any
    ) -> None:
        super().__init__(
            schema,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL],
        )
        self._verifier = verifier
        self._services = services

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> GraphQLContext[Any]:
        context: GraphQLContext[Any] = GraphQLContext(
            principal=None,
            authorization=None,
            auth_error=None,
            services=self._services,
            trace_id=current_trace_id(),
        )
        self._authenticate(
            context, request.headers.get("authorization"), request.headers.get(CLIENT_HEADER)
        )
        return context

    def _authenticate(
        self, context: GraphQLContext[Any], header: str | None, client: str | None = None
    ) -> None:
        if not header:
            return
        try:
            context.principal = self._verifier.principal_from_authorization(header)
            context.authorization = header
            context.auth_error = None
        except AuthError as exc:
            context.auth_error = str(exc)
            return
        # Trusted only when the gateway signed it for this very authorization header.
        context.client = verify_client(self._verifier.client_secret, client, header)
        # The request's caller, for peer calls made while resolving it (slate.caller).
        set_caller(context.principal, context.authorization, context.client)

    async def on_ws_connect(self, context: GraphQLContext[Any]) -> Any:
        """graphql-ws clients may send the token in connection_init's payload, not a header."""
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        if context.principal is None and raw:
            self._authenticate(context, str(raw))
        return None


@dataclass(frozen=True)
class ExtraRoute:
    """A plain HTTP route a service serves beside its subgraph, for clients that cannot speak
    GraphQL or send a bearer token (a calendar app fetching a feed URL). `handler(request,
    services)` gets the wired use cases (what the GraphQL context carries); it authorises the
    request itself. Path parameters use Starlette's syntax (`/calendar/{token}`)."""

    path: str
    handler: Callable[[Request, Any], Awaitable[Response]]
    methods: tuple[str, ...] = ("GET",)


def create_app(
    settings: Settings,
    wire: Callable[[Runtime], Awaitable[Wiring[Any]]],
    extra_routes: Sequence[ExtraRoute] = (),
) -> Starlette:
    """The service's ASGI app; all I/O happens in its lifespan. `extra_routes` answer 503 until
    the service has started, like /graphql."""
    state: dict[str, Any] = {}

    def started() -> Started | None:
        found: Started | None = state.get("started")
        return found

    async def healthz(_: Request) -> Response:
        return await health.healthz(settings.service)

    async def readyz(_: Request) -> Response:
        return await health.readyz(started())

    async def metrics(_: Request) -> Response:
        now = started()
        return metrics_response(now.runtime.metrics if now else None)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        start_logging(settings)
        try:
            async with running(settings, wire) as now:
                state["graphql"] = SubgraphApp(
                    now.wiring.schema, now.runtime.verifier, now.wiring.services
                )
                state["started"] = now
                try:
                    yield
                finally:
                    state.clear()
        except StartupError as exc:
            log.error(str(exc))
            raise

    def current_metrics() -> Any:
        now = started()
        return now.runtime.metrics if now else None

    def extra(route: ExtraRoute) -> Route:
        async def endpoint(request: Request) -> Response:
            now = started()
            if now is None:
                return JSONResponse({"errors": [{"message": "starting"}]}, 503)
            return await route.handler(request, now.wiring.services)

        return Route(route.path, endpoint, methods=list(route.methods))

    return Starlette(
        middleware=[Middleware(RequestTimer, metrics=current_metrics), Middleware(BodyLimit)],
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/graphql", _DeferredGraphQL(state), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", _DeferredGraphQL(state)),
            *(extra(r) for r in extra_routes),
        ],
        lifespan=lifespan,
    )


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


def serve(
    settings: Settings,
    wire: Callable[[Runtime], Awaitable[Wiring[Any]]],
    extra_routes: Sequence[ExtraRoute] = (),
) -> None:
    """Run the service until SIGTERM/SIGINT; exit non-zero with a clear log line if it cannot
    start."""
    app = instrument_asgi(create_app(settings, wire, extra_routes), f"slate-{settings.service}")
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        ws="websockets",
        lifespan="on",
    )
