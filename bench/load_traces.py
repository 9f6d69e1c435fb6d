"""Where the time of bench/load_gateway.py's requests went, from the spans the stack exported to
.local/traces.jsonl (read with slate_tools.trace_sink.read_spans).

For each measured phase: the gateway requests of each operation, and per span name (service and
operation) its median total time in one request, largest first. For confirmBooking also the
path to visibility: from the gateway's answer to the relay's publish span, to each consumer's
process span, and how long each consumer took.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from load_stack import TRACES, quantile
from slate_tools.trace_sink import read_spans

Span = dict[str, Any]
OPERATIONS = ("BenchHold", "BenchConfirm", "BenchDashboard", "BenchVisible")


class Window(Protocol):
    name: str
    start_ns: int
    end_ns: int


def _operation(spans: Iterable[Span]) -> str | None:
    for span in spans:
        document = span["attributes"].get("graphql.document") or ""
        for name in OPERATIONS:
            if name in document:
                return name
    return None


def _ms(ns: float) -> str:
    return f"{ns / 1e6:,.1f}"


def report(windows: Sequence[Window], top: int = 8) -> str:
    if not windows:
        return ""
    first = min(w.start_ns for w in windows) - 1_000_000_000
    traces: dict[str, list[Span]] = defaultdict(list)
    for span in read_spans(TRACES):
        if span["start_ns"] >= first:
            traces[span["trace_id"]].append(span)
    lines = ["### Where the time went (spans in .local/traces.jsonl)", ""]
    for window in windows:
        if window.name == "rest":
            continue
        by_op: dict[str, list[list[Span]]] = defaultdict(list)
        for spans in traces.values():
            root = next(
                (
                    s
                    for s in spans
                    if s["parent_span_id"] is None
                    and s["service"] == "slate-gateway"
                    and s["name"] == "POST /graphql"
                ),
                None,
            )
            if root is None or not window.start_ns <= root["start_ns"] <= window.end_ns:
                continue
            op = _operation(spans)
            if op is not None:
                by_op[op].append(spans)
        for op, requests in sorted(by_op.items()):
            lines.append(f"**{window.name}: {op}** ({len(requests)} requests with traces)")
            lines.append("")
            lines.append("| span (service) | self ms, median | total ms, median | total p99 | n |")
            lines.append("|---|---|---|---|---|")
            own: dict[tuple[str, str], list[float]] = defaultdict(list)
            whole: dict[tuple[str, str], list[float]] = defaultdict(list)
            counts: dict[tuple[str, str], list[int]] = defaultdict(list)
            for spans in requests:
                selfs: dict[tuple[str, str], float] = defaultdict(float)
                totals: dict[tuple[str, str], float] = defaultdict(float)
                n: dict[tuple[str, str], int] = defaultdict(int)
                for s, self_ns in _self_times(_within_request(spans)):
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
            lines.append("")
            if op == "BenchConfirm":
                lines.extend(_to_visible(requests))
    return "\n".join(lines)


def _root(spans: Sequence[Span]) -> Span:
    return next(s for s in spans if s["parent_span_id"] is None and s["name"] == "POST /graphql")


def _within_request(spans: Sequence[Span]) -> list[Span]:
    """The spans of the request itself (not the consumers that later react to its events)."""
    root = _root(spans)
    return [s for s in spans if s["start_ns"] <= root["end_ns"]]


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


def _to_visible(requests: Sequence[Sequence[Span]]) -> list[str]:
    """Answer -> publish -> each consumer, from the confirm's trace (the event carries it)."""
    steps: dict[str, list[float]] = defaultdict(list)
    for spans in requests:
        root = next(
            s for s in spans if s["parent_span_id"] is None and s["name"] == "POST /graphql"
        )
        publish = sorted(
            (
                s
                for s in spans
                if s["kind"] == "PRODUCER" and s["name"] == "publish slate.casting.booking.v1"
            ),
            key=lambda s: s["start_ns"],
        )
        if not publish:
            continue
        sent = publish[-1]
        steps["answer → relay publishes"].append(sent["start_ns"] - root["end_ns"])
        steps["publish acknowledged"].append(sent["end_ns"] - sent["start_ns"])
        for s in spans:
            if s["kind"] == "CONSUMER" and s["name"] == "process slate.casting.booking.v1":
                service = s["service"].removeprefix("slate-")
                steps[f"publish → {service} starts"].append(s["start_ns"] - sent["end_ns"])
                steps[f"{service} handles it"].append(s["end_ns"] - s["start_ns"])
    if not steps:
        return []
    lines = ["| confirm → visible, step | median ms | p99 ms | n |", "|---|---|---|---|"]
    for step, values in steps.items():
        lines.append(
            f"| {step} | {_ms(statistics.median(values))} | {_ms(quantile(values, 0.99))} "
            f"| {len(values)} |"
        )
    lines.append("")
    return lines
