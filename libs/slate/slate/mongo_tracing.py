"""A CLIENT span per MongoDB command, child of whatever span issued it.

PyMongo's command monitoring calls the listener synchronously in the issuing task, so the current
OpenTelemetry context is the caller's. Only names are recorded: never filters or documents, which
may hold personal data. A command issued outside any trace (the relay's passes, a consumer's inbox
check before its span starts, start-up) gets no span: alone in a trace of its own it says nothing
about any request, and exporting one per background query cost the services measurable CPU
(bench/RESULTS.md, issue 9).
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pymongo import monitoring

from slate import telemetry_names as names

# Commands the driver sends on its own (handshakes, heartbeats) are noise in a request's trace.
_SKIPPED = frozenset(
    {
        "hello",
        "ismaster",
        "isMaster",
        "ping",
        "saslStart",
        "saslContinue",
        "endSessions",
        "buildinfo",
        "buildInfo",
    }
)


class CommandTracer(monitoring.CommandListener):
    """Traces each command as `mongodb <command> <collection>`."""

    def __init__(self, tracer_provider: trace.TracerProvider | None = None) -> None:
        self._tracer = trace.get_tracer("slate.mongo", tracer_provider=tracer_provider)
        self._spans: dict[tuple[int, int], Span] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in _SKIPPED:
            return
        if not trace.get_current_span().get_span_context().is_valid:
            return
        collection = event.command.get(event.command_name)
        target = collection if isinstance(collection, str) else ""
        span = self._tracer.start_span(
            f"mongodb {event.command_name} {target}".rstrip(),
            kind=SpanKind.CLIENT,
            attributes={
                names.DB_SYSTEM_NAME: names.DB_SYSTEM_MONGODB,
                names.DB_OPERATION_NAME: event.command_name,
                names.DB_NAMESPACE: event.database_name,
                names.DB_COLLECTION_NAME: target,
            },
        )
        self._spans[(event.request_id, event.operation_id or 0)] = span

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        span = self._spans.pop((event.request_id, event.operation_id or 0), None)
        if span is not None:
            span.end()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        span = self._spans.pop((event.request_id, event.operation_id or 0), None)
        if span is not None:
            span.set_status(Status(StatusCode.ERROR, str(event.failure.get("codeName", "error"))))
            span.end()
