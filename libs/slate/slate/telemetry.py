"""Tracing, JSON logs and trace propagation across HTTP, gRPC and Kafka.

`setup_telemetry` is called once by a service's bootstrap; nothing here runs at import time.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.baggage.propagation import W3CBaggagePropagator
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.http import ExcludeList
from prometheus_client import CollectorRegistry, make_asgi_app
from starlette.types import ASGIApp

from slate.config import Settings

__all__ = [
    "JsonFormatter",
    "configure_logging",
    "context_from_headers",
    "inject_trace_headers",
    "instrument_asgi",
    "metrics_app",
    "resource_service_name",
    "setup_telemetry",
    "shutdown_telemetry",
]

_log = logging.getLogger(__name__)

UNTRACED_PATHS = ("/healthz", "/readyz", "/metrics")


def resource_service_name(service_name: str) -> str:
    """The traced service name: `slate-<service>` ("casting" and "slate-casting" both give it)."""
    return service_name if service_name.startswith("slate-") else f"slate-{service_name}"


def setup_telemetry(service_name: str, settings: Settings) -> TracerProvider:
    """Make a TracerProvider (OTLP/HTTP export when settings.otlp_endpoint is set) and W3C
    propagation; the first provider made in a process becomes the global one. Caller shuts down."""
    resource = Resource.create(
        {
            "service.name": resource_service_name(service_name),
            "deployment.environment.name": settings.env,
        }
    )
    provider = TracerProvider(resource=resource)
    if settings.otlp_endpoint:
        endpoint = settings.otlp_endpoint.rstrip("/") + "/v1/traces"
        delay_ms = None if "OTEL_BSP_SCHEDULE_DELAY" in os.environ or not settings.is_dev else 500
        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint), schedule_delay_millis=delay_ms)
        )
    propagate.set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), W3CBaggagePropagator()])
    )
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        trace.set_tracer_provider(provider)
    else:
        _log.info("a global TracerProvider is already set; %s gets its own", service_name)
    return provider


def shutdown_telemetry(provider: TracerProvider) -> None:
    """Flush pending spans and stop the exporter (call from the lifespan's shutdown)."""
    provider.force_flush()
    provider.shutdown()


# --------------------------------------------------------------------------- logs

_STANDARD_RECORD_KEYS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, service, logger, message, trace ids, extras, exc."""

    def __init__(self, service_name: str) -> None:
        super().__init__()
        self.service = resource_service_name(service_name)

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` as a single JSON line (extras passed via `extra=` are included)."""
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            out["trace_id"] = trace.format_trace_id(ctx.trace_id)
            out["span_id"] = trace.format_span_id(ctx.span_id)
        for key, value in record.__dict__.items():
            if key not in _STANDARD_RECORD_KEYS and not key.startswith("_") and key not in out:
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["exc_type"] = record.exc_info[0].__name__
            out["exc_info"] = "".join(traceback.format_exception(*record.exc_info))
        elif record.exc_text:
            out["exc_info"] = record.exc_text
        if record.stack_info:
            out["stack_info"] = record.stack_info
        return json.dumps(out, default=str, ensure_ascii=False)


class _SlateHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler `configure_logging` installed, so a second call replaces it."""


def configure_logging(service_name: str, level: str = "INFO") -> None:
    """Send all logs (root, uvicorn, libraries) as JSON lines to stderr at `level`; idempotent.
    uvicorn's per-request access lines stay off unless SLATE_ACCESS_LOG=1."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, _SlateHandler):
            root.removeHandler(h)
    handler = _SlateHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service_name))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
    # uvicorn decides per connection whether to write access lines by asking whether its
    # "uvicorn.access" logger has handlers; propagating to the root handler said yes, which
    # turned `access_log=False` back on: a JSON line per request in every service (issue 9).
    # SLATE_ACCESS_LOG=1 keeps them.
    if os.environ.get("SLATE_ACCESS_LOG") != "1":
        logging.getLogger("uvicorn.access").propagate = False


# --------------------------------------------------------------------------- propagation


def inject_trace_headers() -> dict[str, str]:
    """The current trace context as W3C headers ({"traceparent", "tracestate"?, "baggage"?})."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: Sequence[tuple[str, bytes]] | Mapping[str, str]) -> Context:
    """The trace context carried by Kafka record headers (list of (str, bytes)) or a str mapping."""
    carrier: dict[str, str] = {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    for key, value in items:
        text = value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)
        carrier[key.lower()] = text
    return propagate.extract(carrier)


# --------------------------------------------------------------------------- ASGI


def instrument_asgi(
    app: ASGIApp, service_name: str, *, tracer_provider: trace.TracerProvider | None = None
) -> ASGIApp:
    """Wrap `app` so each request is a SERVER span continuing the caller's `traceparent`;
    /healthz, /readyz and /metrics are not traced. (`service_name` is on the resource already.)"""
    del service_name
    excluded = ExcludeList([f"{path}$" for path in UNTRACED_PATHS])
    return OpenTelemetryMiddleware(
        app,
        excluded_urls=excluded,
        tracer_provider=tracer_provider,
        exclude_spans=["receive", "send"],
    )


def metrics_app(registry: CollectorRegistry) -> ASGIApp:
    """An ASGI app serving `registry` in the Prometheus text format (mount at /metrics)."""
    return make_asgi_app(registry)
