"""gRPC (grpc.aio) server and client helpers: health, tracing, auth, deadlines, clear errors.

Server: `start_server` adds the standard `grpc.health.v1` service, continues the caller's trace
from `traceparent` metadata in a SERVER span per call, verifies the `authorization` metadata
(when given a `TokenVerifier`) and exposes the caller through `current_principal()`. A handler
may raise `UserError` / `AuthError`; they become the matching gRPC status.

Client: `create_channel` injects `traceparent` and makes a CLIENT span per call; `call` sets the
deadline, forwards the caller's `authorization` (from `slate.caller`), and turns "peer down /
too slow" into `PeerUnavailable`.
Only unary-unary calls are traced on the client; servers trace and authenticate every kind.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from typing import Any, TypeVar

import grpc
import grpc.aio
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from slate import authz
from slate.auth import AuthError, Principal, TokenVerifier, bearer_token
from slate.caller import (
    CLIENT_HEADER,
    Tokens,
    current_authorization,
    current_client_header,
    current_principal,
    reset_caller,
    set_caller,
    verify_client,
)
from slate.errors import UserError, ValidationErrors
from slate.telemetry_names import (
    RPC_GRPC_STATUS_CODE,
    RPC_METHOD,
    RPC_SERVICE,
    RPC_SYSTEM,
    RPC_SYSTEM_GRPC,
    SERVER_ADDRESS,
)

T = TypeVar("T")

__all__ = [
    "PeerUnavailable",
    "call",
    "create_channel",
    "current_authorization",
    "current_principal",
    "require_caller",
    "require_principal",
    "start_server",
    "stop_server",
]

_INSTRUMENTATION = "slate.grpc"
_log = logging.getLogger(__name__)
UNAUTHENTICATED_METHOD_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

_health_of: weakref.WeakKeyDictionary[Any, health.aio.HealthServicer] = weakref.WeakKeyDictionary()


def require_principal() -> Principal:
    """The verified caller, or AuthError(UNAUTHENTICATED) when the call carried none."""
    principal = current_principal()
    if principal is None:
        raise AuthError("UNAUTHENTICATED", "this call needs an authorization token")
    return principal


def require_caller(org_id: str, roles: Collection[str], action: str) -> Principal:
    """The verified caller, a member of `org_id` holding one of `roles` (the GraphQL
    operation's own rule): PERMISSION_DENIED / UNAUTHENTICATED otherwise."""
    return authz.require(require_principal(), roles, action, org=org_id)


def _split_method(full: str) -> tuple[str, str]:
    """ "/legal.v1.Compliance/CheckBooking" -> ("legal.v1.Compliance", "CheckBooking")."""
    service, _, method = full.lstrip("/").rpartition("/")
    return service, method


_USER_CODES: dict[str, grpc.StatusCode] = {
    "INVALID": grpc.StatusCode.INVALID_ARGUMENT,
    "NOT_FOUND": grpc.StatusCode.NOT_FOUND,
    "CONFLICT": grpc.StatusCode.ABORTED,
    "FORBIDDEN": grpc.StatusCode.PERMISSION_DENIED,
    "UNAUTHENTICATED": grpc.StatusCode.UNAUTHENTICATED,
    "UNAVAILABLE": grpc.StatusCode.UNAVAILABLE,
}


def _status_for(exc: BaseException) -> tuple[grpc.StatusCode, str] | None:
    """The gRPC status a handler's error maps to (None: an unexpected error, i.e. INTERNAL)."""
    if isinstance(exc, AuthError):
        code = "FORBIDDEN" if exc.code == "FORBIDDEN" else "UNAUTHENTICATED"
        return _USER_CODES[code], exc.message
    if isinstance(exc, UserError):
        return _USER_CODES[exc.code], str(exc)
    if isinstance(exc, ValidationErrors):
        return grpc.StatusCode.INVALID_ARGUMENT, str(exc)
    return None


class _ServerInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Wraps every handler: SERVER span continuing `traceparent`, auth, error -> status."""

    def __init__(self, tracer: trace.Tracer, verifier: TokenVerifier | None) -> None:
        self._tracer = tracer
        self._verifier = verifier

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None:
            return None
        method: str = details.method
        replacements: dict[str, Any] = {}
        for kind in ("unary_unary", "stream_unary", "unary_stream", "stream_stream"):
            behavior = getattr(handler, kind)
            if behavior is not None:
                streaming = kind.endswith("_stream")
                replacements[kind] = self._wrap(method, behavior, response_streaming=streaming)
        return handler._replace(**replacements)

    async def _enter(self, method: str, context: grpc.aio.ServicerContext) -> Principal | None:
        """Verify the caller's token (unless the method is exempt); abort UNAUTHENTICATED."""
        if self._verifier is None or method.startswith(UNAUTHENTICATED_METHOD_PREFIXES):
            return None
        metadata = dict(context.invocation_metadata() or ())
        try:
            token = bearer_token(metadata.get("authorization"))
            return await self._verifier.verify_async(token)
        except AuthError as e:
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, e.message)
            raise  # unreachable: abort raises

    def _set_caller(self, principal: Principal | None, context: grpc.aio.ServicerContext) -> Tokens:
        metadata = dict(context.invocation_metadata() or ())
        authorization = metadata.get("authorization")
        secret = self._verifier.client_secret if self._verifier is not None else None
        client = verify_client(secret, metadata.get(CLIENT_HEADER), authorization)
        return set_caller(principal, authorization, client)

    def _start_span(self, method: str, context: grpc.aio.ServicerContext) -> trace.Span:
        metadata = {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}
        service, name = _split_method(method)
        return self._tracer.start_span(
            method.lstrip("/"),
            context=propagate.extract(metadata),
            kind=SpanKind.SERVER,
            attributes={RPC_SYSTEM: RPC_SYSTEM_GRPC, RPC_SERVICE: service, RPC_METHOD: name},
        )

    def _wrap(self, method: str, behavior: Any, *, response_streaming: bool) -> Any:
        interceptor = self

        async def finish(span: trace.Span, context: grpc.aio.ServicerContext, exc: Any) -> None:
            if exc is None:
                code = context.code() or grpc.StatusCode.OK
            elif isinstance(exc, grpc.aio.AbortError):
                code = context.code() or grpc.StatusCode.UNKNOWN
            else:
                mapped = _status_for(exc)
                code = mapped[0] if mapped else grpc.StatusCode.INTERNAL
                if mapped is None:
                    span.record_exception(exc)
            value = code.value[0] if isinstance(code, grpc.StatusCode) else int(code)
            span.set_attribute(RPC_GRPC_STATUS_CODE, value)
            if code not in (grpc.StatusCode.OK, None):
                span.set_status(Status(StatusCode.ERROR, getattr(code, "name", str(code))))
            span.end()

        async def reraise_as_status(exc: BaseException, context: grpc.aio.ServicerContext) -> None:
            mapped = _status_for(exc)
            if mapped is not None:
                await context.abort(mapped[0], mapped[1])

        if not response_streaming:

            async def unary_response(request: Any, context: grpc.aio.ServicerContext) -> Any:
                span = interceptor._start_span(method, context)
                tokens = None
                try:
                    with trace.use_span(span, end_on_exit=False):
                        principal = await interceptor._enter(method, context)
                        tokens = interceptor._set_caller(principal, context)
                        result = behavior(request, context)
                        if inspect.isawaitable(result):
                            result = await result
                except BaseException as exc:
                    await finish(span, context, exc)
                    await reraise_as_status(exc, context)
                    raise
                finally:
                    reset_caller(tokens)
                await finish(span, context, None)
                return result

            return unary_response

        async def stream_response(
            request: Any, context: grpc.aio.ServicerContext
        ) -> AsyncIterator[Any]:
            span = interceptor._start_span(method, context)
            tokens = None
            try:
                with trace.use_span(span, end_on_exit=False):
                    principal = await interceptor._enter(method, context)
                    tokens = interceptor._set_caller(principal, context)
                    result = behavior(request, context)
                    if inspect.isasyncgen(result) or hasattr(result, "__aiter__"):
                        async for item in result:
                            yield item
                    elif inspect.isawaitable(result):
                        await result
            except BaseException as exc:
                await finish(span, context, exc)
                await reraise_as_status(exc, context)
                raise
            finally:
                reset_caller(tokens)
            await finish(span, context, None)

        return stream_response


async def start_server(
    port: int,
    register: Callable[[grpc.aio.Server], None],
    *,
    service_names: Sequence[str],
    host: str = "127.0.0.1",
    verifier: TokenVerifier | None = None,
    tracer_provider: trace.TracerProvider | None = None,
) -> grpc.aio.Server:
    """Start a grpc.aio server with health (SERVING for each name and ""), tracing and auth.

    `port=0` picks a free port; read it back with `bound_port(server)`.
    """
    tracer = trace.get_tracer(_INSTRUMENTATION, tracer_provider=tracer_provider)
    server = grpc.aio.server(interceptors=[_ServerInterceptor(tracer, verifier)])
    register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"gRPC server cannot bind {host}:{port}")
    await server.start()
    for name in ("", *service_names):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    _health_of[server] = health_servicer
    server.slate_port = bound
    return server


def bound_port(server: grpc.aio.Server) -> int:
    """The port `start_server` bound (useful with port 0)."""
    port: int = server.slate_port
    return port


async def stop_server(server: grpc.aio.Server, grace_s: float = 2.0) -> None:
    """Report NOT_SERVING on health, then stop, letting calls in flight finish within grace_s."""
    health_servicer = _health_of.pop(server, None)
    if health_servicer is not None:
        await health_servicer.enter_graceful_shutdown()
    await server.stop(grace_s)


# --------------------------------------------------------------------------- client


class _ClientInterceptor(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    """CLIENT span per unary call, with `traceparent` injected into the call's metadata."""

    def __init__(self, target: str, tracer: trace.Tracer) -> None:
        self._target = target
        self._tracer = tracer

    async def intercept_unary_unary(
        self,
        continuation: Callable[[grpc.aio.ClientCallDetails, Any], Awaitable[Any]],
        details: grpc.aio.ClientCallDetails,
        request: Any,
    ) -> Any:
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        service, name = _split_method(method)
        attributes = {
            RPC_SYSTEM: RPC_SYSTEM_GRPC,
            RPC_SERVICE: service,
            RPC_METHOD: name,
            SERVER_ADDRESS: self._target,
        }
        with self._tracer.start_as_current_span(
            method.lstrip("/"),
            kind=SpanKind.CLIENT,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            metadata = grpc.aio.Metadata(*(details.metadata or ()), *carrier.items())
            new_details = grpc.aio.ClientCallDetails(
                details.method,
                details.timeout,
                metadata,
                details.credentials,
                details.wait_for_ready,
            )
            rpc = await continuation(new_details, request)
            code = await rpc.code()
            span.set_attribute(RPC_GRPC_STATUS_CODE, code.value[0])
            if code != grpc.StatusCode.OK:
                span.set_status(Status(StatusCode.ERROR, code.name))
            return rpc


# gRPC's default reconnect backoff grows to 120 s: a peer that restarted stayed "unavailable"
# for 5-17 s after it was back (measured by the soak run). Retry the connection quickly instead.
CHANNEL_OPTIONS = (
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
)


def create_channel(
    target: str, *, tracer_provider: trace.TracerProvider | None = None
) -> grpc.aio.Channel:
    """An insecure grpc.aio channel to `target` whose unary calls are traced (CLIENT spans)."""
    tracer = trace.get_tracer(_INSTRUMENTATION, tracer_provider=tracer_provider)
    return grpc.aio.insecure_channel(
        target, options=CHANNEL_OPTIONS, interceptors=[_ClientInterceptor(target, tracer)]
    )


class PeerUnavailable(UserError):
    """The peer is down or too slow (UNAVAILABLE / DEADLINE_EXCEEDED): retriable, nothing done."""

    default_code = "UNAVAILABLE"
    retriable = True

    def __init__(self, message: str, *, method: str, status: str, peer: str | None = None) -> None:
        super().__init__(message)
        self.method = method
        self.status = status
        self.peer = peer


_RETRIABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
# A refused or reset connection is retried at once with a short backoff (the peer may be
# restarting); a deadline is not: a slow peer asked again only gets slower.
RETRY_BACKOFF_S = (0.05, 0.2)


class CircuitBreaker:
    """Per peer service: after `threshold` failures in a row, calls fail at once for
    `open_s` seconds with a clear message instead of each waiting for its deadline; then one
    trial call decides whether it closes again."""

    def __init__(self, threshold: int = 5, open_s: float = 5.0) -> None:
        self.threshold = threshold
        self.open_s = open_s
        self.failures = 0
        self.open_until = 0.0

    def check(self, now: float) -> float | None:
        """Seconds until a call may be tried again, or None if it may go now."""
        if self.failures < self.threshold or now >= self.open_until:
            return None
        return self.open_until - now

    def success(self) -> None:
        self.failures = 0

    def failure(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.open_until = now + self.open_s


# One breaker per peer service in this process: state about a peer, not a connection to it.
_breakers: dict[str, CircuitBreaker] = {}


def reset_breakers() -> None:
    """Forget every peer's failures (tests that make peers fail on purpose start clean)."""
    _breakers.clear()


def breaker_for(service: str) -> CircuitBreaker:
    """The circuit breaker of calls to one peer service (e.g. `slate.legal.v1.Compliance`)."""
    return _breakers.setdefault(service, CircuitBreaker())


def _method_name(method: Callable[..., Any]) -> str:
    raw = getattr(method, "_method", b"")
    return (raw.decode() if isinstance(raw, bytes) else str(raw)).lstrip("/") or repr(method)


async def call(
    method: Callable[..., Awaitable[T]],
    request: Any,
    *,
    timeout_s: float = 2.0,
    authorization: str | None = None,
    peer: str | None = None,
    idempotent: bool = True,
) -> T:
    """Call a stub method with a deadline, forwarding the caller's `authorization` ("Bearer …" or
    a bare token). An idempotent call that finds the peer unreachable is retried with a short
    backoff; UNAVAILABLE and DEADLINE_EXCEEDED become PeerUnavailable (logged with the trace id,
    counted by the peer's circuit breaker); other statuses stay AioRpcError."""
    metadata: tuple[tuple[str, str], ...] | None = None
    authorization = authorization or current_authorization()
    if authorization:
        value = authorization if " " in authorization.strip() else f"Bearer {authorization}"
        metadata = (("authorization", value),)
        # The end user's client, still signed for this authorization (slate.caller).
        client = current_client_header()
        if client and value == current_authorization():
            metadata += ((CLIENT_HEADER, client),)
    name = _method_name(method)
    service = _split_method(name)[0] or name
    who = peer or service or "peer"
    breaker = breaker_for(service)
    loop = asyncio.get_running_loop()
    wait = breaker.check(loop.time())
    if wait is not None:
        _log.warning(
            "peer call refused: circuit open",
            extra={"peer": who, "rpc_method": name, "retry_in_s": round(wait, 1)},
        )
        raise PeerUnavailable(
            f"{who} is unavailable ({name}: {breaker.failures} failures in a row; "
            f"not retried for {wait:.0f}s); try again shortly",
            method=name,
            status="CIRCUIT_OPEN",
            peer=peer,
        )
    deadline = loop.time() + timeout_s
    backoffs = list(RETRY_BACKOFF_S) if idempotent else []
    while True:
        left = deadline - loop.time()
        try:
            result = await method(request, timeout=max(left, 0.001), metadata=metadata)
        except grpc.aio.AioRpcError as e:
            code = e.code()
            if code not in _RETRIABLE:
                breaker.success()  # the peer answered; it is not down
                raise
            if code == grpc.StatusCode.UNAVAILABLE and backoffs:
                pause = backoffs.pop(0)
                if deadline - loop.time() > pause + 0.05:
                    await asyncio.sleep(pause)
                    continue
            breaker.failure(loop.time())
            reason = (
                f"no answer within {timeout_s:g}s"
                if code == grpc.StatusCode.DEADLINE_EXCEEDED
                else "unreachable"
            )
            _log.warning(
                "peer call failed",
                extra={"peer": who, "rpc_method": name, "status": code.name, "reason": reason},
            )
            raise PeerUnavailable(
                f"{who} is unavailable ({name}: {reason}); try again",
                method=name,
                status=code.name,
                peer=peer,
            ) from e
        breaker.success()
        return result
