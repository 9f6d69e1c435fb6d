"""A tiny OTLP/HTTP trace receiver for tests: one JSON line per span, appended to a file.

Run: `python -m slate_tools.trace_sink --port 4318 --out .local/traces.jsonl`, point services at
it with
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318, then `read_spans(path)`. It accepts
`POST /v1/traces` as protobuf (`ExportTraceServiceRequest`) or OTLP/JSON, optionally gzipped;
metrics and logs are accepted and dropped. Each line is:

    {"trace_id": hex32, "span_id": hex16, "parent_span_id": hex16 | null, "name", "kind"
     (SERVER|CLIENT|PRODUCER|CONSUMER|INTERNAL), "service": service.name, "scope",
     "start_ns", "end_ns", "attributes": {…}, "links": [{"trace_id", "span_id", "attributes"}],
     "status": {"code": UNSET|OK|ERROR, "message"}}
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import socket
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

_KINDS = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
_STATUS = {0: "UNSET", 1: "OK", 2: "ERROR"}
_PROTOBUF = "application/x-protobuf"


# --------------------------------------------------------------------------- protobuf


def _pb_value(value: AnyValue) -> Any:
    which = value.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return [_pb_value(v) for v in value.array_value.values]
    if which == "kvlist_value":
        return _pb_attributes(value.kvlist_value.values)
    if which == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, which)


def _pb_attributes(attributes: Iterable[KeyValue]) -> dict[str, Any]:
    return {kv.key: _pb_value(kv.value) for kv in attributes}


def spans_from_protobuf(body: bytes) -> list[dict[str, Any]]:
    """Flatten an ExportTraceServiceRequest (protobuf bytes) into one dict per span."""
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    out: list[dict[str, Any]] = []
    for rs in request.resource_spans:
        resource = _pb_attributes(rs.resource.attributes)
        for ss in rs.scope_spans:
            for span in ss.spans:
                out.append(
                    {
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex() or None,
                        "name": span.name,
                        "kind": _KINDS.get(span.kind, str(span.kind)),
                        "service": resource.get("service.name"),
                        "scope": ss.scope.name,
                        "start_ns": span.start_time_unix_nano,
                        "end_ns": span.end_time_unix_nano,
                        "attributes": _pb_attributes(span.attributes),
                        "links": [
                            {
                                "trace_id": link.trace_id.hex(),
                                "span_id": link.span_id.hex(),
                                "attributes": _pb_attributes(link.attributes),
                            }
                            for link in span.links
                        ],
                        "status": {
                            "code": _STATUS.get(span.status.code, str(span.status.code)),
                            "message": span.status.message,
                        },
                    }
                )
    return out


# --------------------------------------------------------------------------- OTLP/JSON


def _json_value(value: Mapping[str, Any]) -> Any:
    for key, raw in value.items():
        if key == "arrayValue":
            return [_json_value(v) for v in raw.get("values", [])]
        if key == "kvlistValue":
            return _json_attributes(raw.get("values", []))
        if key == "intValue":
            return int(raw)
        if key == "doubleValue":
            return float(raw)
        return raw
    return None


def _json_attributes(attributes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    return {kv["key"]: _json_value(kv.get("value", {})) for kv in attributes}


def spans_from_json(body: bytes) -> list[dict[str, Any]]:
    """Flatten an OTLP/JSON export request (hex ids, camelCase) into one dict per span."""
    request = json.loads(body)
    out: list[dict[str, Any]] = []
    for rs in request.get("resourceSpans", []):
        resource = _json_attributes(rs.get("resource", {}).get("attributes", []))
        for ss in rs.get("scopeSpans", []):
            for span in ss.get("spans", []):
                status = span.get("status", {})
                out.append(
                    {
                        "trace_id": span.get("traceId", "").lower(),
                        "span_id": span.get("spanId", "").lower(),
                        "parent_span_id": span.get("parentSpanId", "").lower() or None,
                        "name": span.get("name", ""),
                        "kind": _KINDS.get(int(span.get("kind", 0)), str(span.get("kind"))),
                        "service": resource.get("service.name"),
                        "scope": ss.get("scope", {}).get("name", ""),
                        "start_ns": int(span.get("startTimeUnixNano", 0)),
                        "end_ns": int(span.get("endTimeUnixNano", 0)),
                        "attributes": _json_attributes(span.get("attributes", [])),
                        "links": [
                            {
                                "trace_id": link.get("traceId", "").lower(),
                                "span_id": link.get("spanId", "").lower(),
                                "attributes": _json_attributes(link.get("attributes", [])),
                            }
                            for link in span.get("links", [])
                        ],
                        "status": {
                            "code": _STATUS.get(int(status.get("code", 0)), "UNSET"),
                            "message": status.get("message", ""),
                        },
                    }
                )
    return out


# --------------------------------------------------------------------------- app


DEFAULT_MAX_BYTES = 64 << 20
KEEP = 2  # rotated files kept beside `out`: out.1 (newer) … out.KEEP (older)


def rotated(out: Path) -> list[Path]:
    """`out`'s rotated files, oldest first (they are read before `out`)."""
    return [p for i in range(KEEP, 0, -1) if (p := out.with_name(f"{out.name}.{i}")).exists()]


def _rotate(out: Path) -> None:
    for i in range(KEEP - 1, 0, -1):
        older = out.with_name(f"{out.name}.{i}")
        if older.exists():
            older.replace(out.with_name(f"{out.name}.{i + 1}"))
    out.replace(out.with_name(f"{out.name}.1"))
    out.touch()


def _append(out: Path, spans: list[dict[str, Any]], max_bytes: int) -> None:
    # A local test sink: writing a few lines synchronously is what keeps arrival order.
    if out.exists() and out.stat().st_size >= max_bytes:
        _rotate(out)
    with out.open("a", encoding="utf-8") as f:
        for span in spans:
            f.write(json.dumps(span, sort_keys=True) + "\n")


def create_app(out: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Starlette:
    """The receiver app: POST /v1/traces appends spans to `out` (rotated past `max_bytes`, so
    the file never grows without bound); GET /healthz answers ok."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.touch()

    async def traces(request: Request) -> Response:
        body = await request.body()
        if request.headers.get("content-encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        is_json = request.headers.get("content-type", "").startswith("application/json")
        try:
            spans = spans_from_json(body) if is_json else spans_from_protobuf(body)
        except (DecodeError, ValueError, KeyError, TypeError, AttributeError) as e:
            return PlainTextResponse(f"cannot decode OTLP traces: {e}", status_code=400)
        _append(out, spans, max_bytes)
        if is_json:
            return JSONResponse({})
        return Response(ExportTraceServiceResponse().SerializeToString(), media_type=_PROTOBUF)

    async def discard(request: Request) -> Response:
        await request.body()
        return Response(b"", media_type=_PROTOBUF)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/v1/traces", traces, methods=["POST"]),
            Route("/v1/metrics", discard, methods=["POST"]),
            Route("/v1/logs", discard, methods=["POST"]),
            Route("/healthz", healthz),
        ]
    )


def read_spans(path: Path) -> list[dict[str, Any]]:
    """Every span the sink has kept in `path` and its rotated files (in arrival order)."""
    files = [*rotated(path), path] if path.exists() else rotated(path)
    return [
        json.loads(line)
        for file in files
        for line in file.read_text(encoding="utf-8").splitlines()
        if line
    ]


async def serve(host: str, port: int, out: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Serve the sink until interrupted; prints the bound address (port 0 picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)  # accept into the backlog as soon as the address is printed
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(out, max_bytes), log_level="warning", lifespan="off", access_log=False
    )
    server = uvicorn.Server(config)
    print(f"trace sink listening on http://{host}:{bound} writing {out}", flush=True)
    await server.serve(sockets=[sock])


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m slate_tools.trace_sink --port 4318 --out .local/traces.jsonl`."""
    parser = argparse.ArgumentParser(prog="python -m slate_tools.trace_sink", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4318, help="0 picks a free port")
    parser.add_argument("--out", type=Path, default=Path(".local/traces.jsonl"))
    parser.add_argument(
        "--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="rotate the file past this size"
    )
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.out, args.max_bytes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
