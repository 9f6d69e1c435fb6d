"""`/metrics` in the Prometheus text format and the latency of every HTTP request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from slate import telemetry_names

ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})


def metrics_response(metrics: telemetry_names.Metrics | None) -> Response:
    body = generate_latest(metrics.registry) if metrics is not None else b""
    return Response(body, media_type=CONTENT_TYPE_LATEST)


class RequestTimer:
    """ASGI middleware: each HTTP request's latency by method, route and status."""

    def __init__(self, app: Any, metrics: Callable[[], telemetry_names.Metrics | None]) -> None:
        self.app = app
        self._metrics = metrics

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
            metrics = self._metrics()
            if metrics is not None:
                route = scope["path"] if scope["path"] in ROUTES else "other"
                metrics.http_request_seconds.labels(scope["method"], route, str(status)).observe(
                    time.perf_counter() - started
                )
