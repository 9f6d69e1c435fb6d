"""Where the time of bench/load_gateway.py's requests went, from the spans the stack exported to
.local/traces.jsonl (read with slate_tools.trace_sink.read_spans).

For each measured phase: the gateway requests of each operation, and per span (service and
name) its own time (its duration less its children's) and its total time in one request,
largest first; the relay's publish and the consumers that react to the request's events are
not part of the request. For confirmBooking also the path to visibility, from the confirm's
trace (the event carries it): the gateway's answer, the relay's publish span, each consumer's
process span; and `visible`: from the answer to the end of the later of payroll's and legal's
handling (the engagement and the contract are written then).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from load_stack import TRACES, quantile
from slate_tools.trace_sink import read_spans

Span = dict[str, Any]
OPERATIONS = ("BenchHold", "BenchConfirm", "BenchDashboard", "BenchVisible")
BOOKING_TOPIC = "slate.casting.booking.v1"


class Window(Protocol):
    name: str
    start_ns: int
    end_ns: int


def _ms(ns: float) -> str:
    return f"{ns / 1e6:,.1f}"


def _root(spans: Iterable[Span]) -> Span | None:
    return next(
        (
            s
            for s in spans
            if s["parent_span_id"] is None
            and s["service"] == "slate-gateway"
            and s["name"] == "POST /graphql"
        ),
        None,
    )


def _operation(spans: Iterable[Span]) -> str | None:
    for span in spans:
        document = span["attributes"].get("graphql.document") or ""
        for name in OPERATIONS:
            if name in document:
                return name
    return None


class Traces:
    """The gateway requests of this benchmark's phases, with every span of their traces."""

    def __init__(self, windows: Sequence[Window], path: Path = TRACES) -> None:
        self.windows = list(windows)
        first = min((w.start_ns for w in windows), default=0) - 1_000_000_000
        traces: dict[str, list[Span]] = defaultdict(list)
        for span in read_spans(path):
            if span["start_ns"] >= first:
                traces[span["trace_id"]].append(span)
        self._traces = [spans for spans in traces.values() if _root(spans) is not None]

    def requests(self, window: Window) -> dict[str, list[list[Span]]]:
        """The traces of the requests sent during `window`, by operation."""
        by_op: dict[str, list[list[Span]]] = defaultdict(list)
        for spans in self._traces:
            root = _root(spans)
            assert root is not None
            if window.start_ns <= root["start_ns"] <= window.end_ns:
                op = _operation(spans)
                if op is not None:
                    by_op[op].append(spans)
        return by_op

    def visible_ms(self, window: Window) -> list[float]:
        """Per confirm of the window: the answer to both the engagement and the contract written."""
        out = []
        for spans in self.requests(window).get("BenchConfirm", []):
            steps = _visibility_steps(spans)
            if "visible" in steps:
                out.append(steps["visible"] / 1e6)
        return out

    def report(self, top: int = 6) -> str:
        """Per phase (all runs together) and operation: the spans that took the time."""
        phases: dict[str, dict[str, list[list[Span]]]] = {}
        for window in self.windows:
            phase = phases.setdefault(window.name, defaultdict(list))
            for op, requests in self.requests(window).items():
                phase[op] += requests
        lines = ["### Where the time went (spans in .local/traces.jsonl, all runs)", ""]
        for name, by_op in phases.items():
            for op, requests in sorted(by_op.items()):
                lines += _breakdown(name, op, requests, top)
                if op == "BenchConfirm":
                    lines += _to_visible(requests)
        return "\n".join(lines)


def _request_spans(spans: Sequence[Span]) -> list[Span]:
    """The request's own spans: not the relay's publish, nor what consumers did after it."""
    children: dict[str, list[Span]] = defaultdict(list)
    for s in spans:
        if s["parent_span_id"]:
            children[s["parent_span_id"]].append(s)
    later: set[str] = set()
    stack = [s for s in spans if s["kind"] == "PRODUCER"]
    while stack:
        s = stack.pop()
        later.add(s["span_id"])
        stack += children.get(s["span_id"], [])
    return [s for s in spans if s["span_id"] not in later]


def _self_times(spans: Sequence[Span]) -> list[tuple[Span, float]]:
    """Each span with its own time: its duration less the time covered by its children."""
    children: dict[str, list[Span]] = defaultdict(list)
    for s in spans:
        if s["parent_span_id"]:
            children[s["parent_span_id"]].append(s)
    out = []
    for s in spans:
        covered = 0
        cursor = s["start_ns"]
        for c in sorted(children.get(s["span_id"], []), key=lambda c: c["start_ns"]):
            begin, end = max(c["start_ns"], cursor), min(c["end_ns"], s["end_ns"])
            if end > begin:
                covered += end - begin
                cursor = end
        out.append((s, max(0.0, s["end_ns"] - s["start_ns"] - covered)))
    return out


def _breakdown(phase: str, op: str, requests: Sequence[Sequence[Span]], top: int) -> list[str]:
    lines = [
        f"**{phase}: {op}** ({len(requests)} requests with traces)",
        "",
        "| span (service) | own ms, median | total ms, median | total p99 | per request |",
        "|---|---|---|---|---|",
    ]
    own: dict[tuple[str, str], list[float]] = defaultdict(list)
    whole: dict[tuple[str, str], list[float]] = defaultdict(list)
    counts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for spans in requests:
        selfs: dict[tuple[str, str], float] = defaultdict(float)
        totals: dict[tuple[str, str], float] = defaultdict(float)
        n: dict[tuple[str, str], int] = defaultdict(int)
        for s, self_ns in _self_times(_request_spans(spans)):
            key = (s["name"], s["service"].removeprefix("slate-"))
            selfs[key] += self_ns
            totals[key] += s["end_ns"] - s["start_ns"]
            n[key] += 1
        for key in totals:
            own[key].append(selfs[key])
            whole[key].append(totals[key])
            counts[key].append(n[key])
    ranked = sorted(own.items(), key=lambda kv: -statistics.median(kv[1]))
    for key, values in ranked[:top]:
        name, service = key
        lines.append(
            f"| {name} ({service}) | {_ms(statistics.median(values))} "
            f"| {_ms(statistics.median(whole[key]))} | {_ms(quantile(whole[key], 0.99))} "
            f"| {statistics.median(counts[key]):g} |"
        )
    return [*lines, ""]


def _visibility_steps(spans: Sequence[Span]) -> dict[str, float]:
    """Nanoseconds of each step from a confirm's answer to its engagement and contract."""
    root = _root(spans)
    publish = sorted(
        (s for s in spans if s["kind"] == "PRODUCER" and s["name"] == f"publish {BOOKING_TOPIC}"),
        key=lambda s: s["start_ns"],
    )
    if root is None or not publish:
        return {}
    sent = publish[-1]
    steps = {
        "answer → relay publishes": sent["start_ns"] - root["end_ns"],
        "publish acknowledged": sent["end_ns"] - sent["start_ns"],
    }
    written: dict[str, int] = {}
    for s in spans:
        if s["kind"] == "CONSUMER" and s["name"] == f"process {BOOKING_TOPIC}":
            service = s["service"].removeprefix("slate-")
            steps[f"publish → {service} starts"] = s["start_ns"] - sent["end_ns"]
            steps[f"{service} handles it"] = s["end_ns"] - s["start_ns"]
            written[service] = s["end_ns"]
    if "payroll" in written and "legal" in written:
        steps["visible: answer → engagement and contract written"] = (
            max(written["payroll"], written["legal"]) - root["end_ns"]
        )
        steps["visible"] = steps["visible: answer → engagement and contract written"]
    return steps


def _to_visible(requests: Sequence[Sequence[Span]]) -> list[str]:
    steps: dict[str, list[float]] = defaultdict(list)
    for spans in requests:
        for step, ns in _visibility_steps(spans).items():
            if step != "visible":
                steps[step].append(ns)
    if not steps:
        return []
    lines = ["| confirm → visible, step | median ms | p99 ms | n |", "|---|---|---|---|"]
    for step, values in steps.items():
        lines.append(
            f"| {step} | {_ms(statistics.median(values))} | {_ms(quantile(values, 0.99))} "
            f"| {len(values)} |"
        )
    return [*lines, ""]
