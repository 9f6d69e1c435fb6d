"""Spans exported by setup_telemetry reach the trace sink's file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from slate_tools.trace_sink import KEEP, create_app, read_spans, rotated


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "traces.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "slate_tools.trace_sink", "--port", "0", "--out", str(out)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on " in line, line
        url = line.split("listening on ")[1].split()[0]
        yield url, out
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


SERVICE_SCRIPT = textwrap.dedent(
    """
    import sys
    from opentelemetry import trace
    from slate.config import Settings
    from slate.telemetry import setup_telemetry, shutdown_telemetry

    settings = Settings(service="casting", otlp_endpoint=sys.argv[1])
    provider = setup_telemetry("casting", settings)
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("POST /graphql", kind=trace.SpanKind.SERVER) as root:
        with tracer.start_as_current_span(
            "slate.casting.booking.v1 send",
            kind=trace.SpanKind.PRODUCER,
            attributes={"messaging.system": "kafka", "slate.attempt": 2},
            links=[trace.Link(root.get_span_context(), {"why": "test"})],
        ):
            pass
    shutdown_telemetry(provider)
    print(format(root.get_span_context().trace_id, "032x"))
    """
)


def _wait_for(out: Path, count: int) -> list[dict[str, object]]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        spans = read_spans(out)
        if len(spans) >= count:
            return spans
        time.sleep(0.05)
    raise AssertionError(f"sink got {len(read_spans(out))} spans, wanted {count}")


def test_spans_from_setup_telemetry_reach_the_sink_file(sink: tuple[str, Path]) -> None:
    url, out = sink
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    run = subprocess.run(
        [sys.executable, "-c", SERVICE_SCRIPT, url],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    trace_id = run.stdout.strip()
    spans = {s["name"]: s for s in _wait_for(out, 2)}
    root, child = spans["POST /graphql"], spans["slate.casting.booking.v1 send"]
    assert root["trace_id"] == child["trace_id"] == trace_id
    assert root["parent_span_id"] is None
    assert child["parent_span_id"] == root["span_id"]
    assert (root["kind"], child["kind"]) == ("SERVER", "PRODUCER")
    assert child["service"] == "slate-casting"
    assert child["attributes"] == {"messaging.system": "kafka", "slate.attempt": 2}
    assert child["links"] == [
        {"trace_id": trace_id, "span_id": root["span_id"], "attributes": {"why": "test"}}
    ]
    assert int(str(child["end_ns"])) >= int(str(child["start_ns"])) > 0


def test_sink_accepts_otlp_json(sink: tuple[str, Path]) -> None:
    url, out = sink
    service = {"key": "service.name", "value": {"stringValue": "slate-gateway"}}
    status_attr = {"key": "http.status", "value": {"intValue": "200"}}
    body = {
        "resourceSpans": [
            {
                "resource": {"attributes": [service]},
                "scopeSpans": [
                    {
                        "scope": {"name": "hive"},
                        "spans": [
                            {
                                "traceId": "0AF7651916CD43DD8448EB211C80319C",
                                "spanId": "b7ad6b7169203331",
                                "name": "POST /graphql",
                                "kind": 2,
                                "startTimeUnixNano": "1700000000000000000",
                                "endTimeUnixNano": "1700000000100000000",
                                "attributes": [status_attr],
                            }
                        ],
                    }
                ],
            }
        ]
    }
    r = httpx.post(f"{url}/v1/traces", json=body, timeout=5)
    assert r.status_code == 200
    (span,) = read_spans(out)
    assert span["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert span["service"] == "slate-gateway"
    assert span["kind"] == "SERVER"
    assert span["attributes"] == {"http.status": 200}
    assert span["parent_span_id"] is None


def test_sink_rejects_garbage(sink: tuple[str, Path]) -> None:
    url, _ = sink
    r = httpx.post(
        f"{url}/v1/traces",
        content=b"\xff\xff",
        headers={"content-type": "application/x-protobuf"},
        timeout=5,
    )
    assert r.status_code == 400


async def test_the_trace_file_rotates_and_never_grows_without_bound(tmp_path: Path) -> None:
    out = tmp_path / "traces.jsonl"
    app = create_app(out, max_bytes=2_000)
    span = {
        "traceId": "0AF7651916CD43DD8448EB211C80319C",
        "spanId": "b7ad6b7169203331",
        "name": "x" * 200,
        "kind": 1,
        "startTimeUnixNano": "1",
        "endTimeUnixNano": "2",
    }
    body = {"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [span]}]}]}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sink") as client:
        for _ in range(60):
            assert (await client.post("/v1/traces", json=body)).status_code == 200
    files = [out, *rotated(out)]
    assert len(files) == 1 + KEEP
    assert all(f.stat().st_size < 2_000 + 1_000 for f in files)
    kept = read_spans(out)
    assert 0 < len(kept) < 60  # the oldest were dropped with the oldest file
