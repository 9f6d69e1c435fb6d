"""Gateway memory over rounds of the same mix of ordinary and hostile traffic (issue 8, finding 10).

Usage: .venv/bin/python bench/gateway_memory.py [--rounds 6] [--requests 2000] [--fresh]
           [--concurrency 8] [--gateway-dir services/gateway] [--rate-limit N] [--big-documents KB]

Starts, on loopback and free ports, one stub HTTP server standing in for the four subgraphs and
the OTLP trace receiver, and a gateway of its own (`<gateway-dir>/start.sh`, the real config, with
bench/gateway_memory_probe.mjs preloaded). Each round sends the same mix: distinct documents
(distinct literals: every one is a new entry in the parse, validation and plan caches), big
documents (28 aliases and an 8 KB literal; a 256 KB literal), a new identity per request
(rate-limiter keys, JWT verification), invalid tokens, malformed input (syntax errors, 3,000-deep
literals, 2 MiB bodies, lone surrogates), limit violations (aliases, depth, tokens), and subgraph
errors with and without a code (masking and logging). After each round the probe runs two full
GCs and reports process.memoryUsage(): heap after a full GC is what survives, i.e. caches and
leaks.

Without --fresh every round repeats the first one's requests (the issue's "identical rounds");
with --fresh every round brings new documents and identities, so a bounded cache plateaus once
full and a leak keeps growing by the same amount per round. Nothing here stays running: the stub
and the gateway are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from graphql import parse
from graphql.language import FieldNode, OperationDefinitionNode
from slate.auth import issue_dev_token
from slate.config import Settings

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT / "bench" / "gateway_memory_probe.mjs"
SUBGRAPHS = ("casting", "payroll", "scheduling", "legal")
MB = 1 << 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def top_level_keys(query: str) -> list[str]:
    keys: list[str] = []
    for definition in parse(query).definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    keys.append((selection.alias or selection.name).value)
    return keys


def subgraph_reply(request: dict[str, Any]) -> dict[str, Any]:
    """null for every root field; an uncoded error ("boom") or a coded one ("deny") on request."""
    values = json.dumps(request.get("variables") or {})
    data = {key: None for key in top_level_keys(request["query"])}
    if "boom-" in values:
        return {"data": data, "errors": [{"message": f"'utf-8' codec can't encode {values[:40]}"}]}
    if "deny-" in values:
        error = {"message": "not allowed", "extensions": {"code": "FORBIDDEN"}}
        return {"data": data, "errors": [error]}
    return {"data": data}


def start_stub() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def read_body(self) -> bytes:
            if "chunked" in self.headers.get("transfer-encoding", ""):
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("content-length") or 0))

        def do_POST(self) -> None:
            body = self.read_body()
            payload: dict[str, Any] = {}
            if not self.path.startswith("/v1/"):
                payload = subgraph_reply(json.loads(body))
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Gateway:
    def __init__(self, gateway_dir: Path, stub_port: int, tmp: Path, rate_limit: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.probe_out = tmp / "memory.jsonl"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "NODE_OPTIONS"))}
        env.update(
            {
                "SLATE_REPO_ROOT": str(ROOT),
                "SLATE_GATEWAY_PORT": str(self.port),
                "SLATE_SUPERGRAPH": str(tmp / "supergraph.graphql"),
                "SLATE_GATEWAY_LOG": str(tmp / "gateway.log"),
                "SLATE_GATEWAY_RATE_LIMIT": str(rate_limit),
                "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{stub_port}",
                "NODE_OPTIONS": f"--import={PROBE.as_uri()}",
                "SLATE_MEMORY_PROBE_OUT": str(self.probe_out),
                "LOG_JSON": "1",
            }
        )
        for name in SUBGRAPHS:
            env[f"SLATE_{name.upper()}_URL"] = f"http://127.0.0.1:{stub_port}/{name}/graphql"
        # start.sh composes, then execs node: the pid is the gateway's
        self.process = subprocess.Popen(
            ["bash", str(gateway_dir / "start.sh")],
            env=env,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                ready = f"http://127.0.0.1:{self.port}/readiness"
                if httpx.get(ready, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"gateway did not start; see {tmp / 'gateway.log'}")
            time.sleep(0.3)

    def memory(self) -> dict[str, float]:
        lines = self.probe_out.read_text().splitlines() if self.probe_out.exists() else []
        os.kill(self.process.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = self.probe_out.read_text().splitlines() if self.probe_out.exists() else []
            if len(now) > len(lines):
                sample: dict[str, float] = json.loads(now[-1])
                return sample
            time.sleep(0.1)
        raise RuntimeError("the memory probe did not answer (is NODE_OPTIONS --import allowed?)")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)


def token(org: str, sub: str) -> str:
    settings = Settings.from_env("bench", http_port=1, grpc_port=1)
    return issue_dev_token(settings, org=org, roles=["producer", "casting"], sub=sub)


TALENT = "query($id: ID!) { talent(id: $id) { id name } }"


def requests_for(
    round_key: str, n: int, tokens: list[str], big_kb: int = 0
) -> Iterator[dict[str, Any]]:
    """n requests; each is {"json": body} or {"content": bytes} plus optional "token"."""
    for i in range(n):
        key = f"{round_key}-{i}"
        if big_kb:  # distinct documents, each with a big_kb KB literal
            query = f'{{ talent(id: "{key}{"y" * (big_kb << 10)}") {{ id }} }}'
            yield {"json": {"query": query}, "token": tokens[i % len(tokens)]}
            continue
        kind = i % 10
        tok = tokens[i % len(tokens)]
        if kind in (0, 1, 2):  # distinct ordinary documents
            query = f'{{ talent(id: "tal_{key}") {{ id name }} role(id: "rol_{key}") {{ id }} }}'
            yield {"json": {"query": query}, "token": tok}
        elif kind == 3:  # big documents: 28 aliases and an 8 KB literal, or a 256 KB literal
            if (i // 10) % 2 == 0:
                fields = " ".join(f'a{j}: talent(id: "t{j}_{key}") {{ id }}' for j in range(27))
                query = f'{{ big: talent(id: "{key}{"x" * 8000}") {{ id }} {fields} }}'
            else:
                query = f'{{ talent(id: "{key}{"y" * (256 << 10)}") {{ id }} }}'
            yield {"json": {"query": query}, "token": tok}
        elif kind == 4:  # a new identity every request
            yield {
                "json": {"query": TALENT, "variables": {"id": key}},
                "token": token(f"org_{key}", f"user-{key}"),
            }
        elif kind == 5:  # an invalid token
            yield {"json": {"query": TALENT, "variables": {"id": key}}, "token": f"garbage.{key}"}
        elif kind == 6:  # malformed input
            sub = (i // 10) % 4
            if sub == 0:
                yield {"json": {"query": f'{{ talent(id: "{key}" '}}
            elif sub == 1:
                yield {"json": {"query": "{ talent(id: " + "[" * 3000 + "]" * 3000 + ") { id } }"}}
            elif sub == 2 and (i // 40) % 10 == 0:
                yield {"json": {"query": TALENT, "variables": {"id": key + "x" * (2 * MB)}}}
            else:
                body = {"query": TALENT, "variables": {"id": "\ud800" + key}}
                yield {"content": json.dumps(body).encode()}  # "\ud800" escaped: a lone surrogate
        elif kind == 7:  # limit violations: aliases, depth, tokens
            sub = (i // 10) % 3
            if sub == 0:
                fields = " ".join(f'a{j}: talent(id: "{key}") {{ id }}' for j in range(40))
                yield {"json": {"query": f"{{ {fields} }}"}, "token": tok}
            elif sub == 1:
                nested = "role { " * 14 + "id" + " }" * 14
                query = f'{{ talent(id: "{key}") {{ {nested} }} }}'
                yield {"json": {"query": query}, "token": tok}
            else:
                fields = " ".join(f"f{j}: id" for j in range(1100))
                yield {"json": {"query": f'{{ talent(id: "{key}") {{ {fields} }} }}'}, "token": tok}
        elif kind == 8:  # a subgraph's uncoded error: masked and logged
            yield {"json": {"query": TALENT, "variables": {"id": f"boom-{key}"}}, "token": tok}
        else:  # a subgraph's coded error: passed through
            yield {"json": {"query": TALENT, "variables": {"id": f"deny-{key}"}}, "token": tok}


def send(client: httpx.Client, url: str, request: dict[str, Any]) -> int:
    headers = {"content-type": "application/json"}
    if request.get("token"):
        headers["authorization"] = f"Bearer {request['token']}"
    try:
        if "content" in request:
            response = client.post(url, content=request["content"], headers=headers)
        else:
            response = client.post(url, json=request["json"], headers=headers)
        return response.status_code
    except httpx.HTTPError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=2000, help="per round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--fresh", action="store_true", help="new documents and identities per round"
    )
    parser.add_argument("--gateway-dir", type=Path, default=ROOT / "services" / "gateway")
    parser.add_argument("--rate-limit", type=int, default=600, help="per user per minute")
    parser.add_argument(
        "--big-documents",
        type=int,
        default=0,
        metavar="KB",
        help="send only distinct documents with a KB-kilobyte literal (the caches count entries)",
    )
    args = parser.parse_args()

    stub = start_stub()
    tmp = Path(tempfile.mkdtemp(prefix="gateway-memory-"))
    gateway = Gateway(args.gateway_dir.resolve(), stub.server_address[1], tmp, args.rate_limit)
    tokens = [token("org_bench", f"bench-{j}") for j in range(20)]
    rows = []
    try:
        rows.append({"round": 0, "seconds": 0.0, "statuses": {}, **gateway.memory()})
        with (
            httpx.Client(timeout=60, limits=httpx.Limits(max_connections=64)) as client,
            ThreadPoolExecutor(args.concurrency) as pool,
        ):
            for r in range(1, args.rounds + 1):
                round_key = f"r{r}" if args.fresh else "r1"
                start = time.monotonic()
                statuses = Counter(
                    pool.map(
                        lambda req: send(client, gateway.url, req),
                        requests_for(round_key, args.requests, tokens, args.big_documents),
                    )
                )
                seconds = time.monotonic() - start
                time.sleep(1.0)
                rows.append(
                    {"round": r, "seconds": seconds, "statuses": dict(statuses), **gateway.memory()}
                )
                row = rows[-1]
                print(
                    f"round {r}: {seconds:5.1f} s, heap after GC {row['heapUsed'] / MB:6.1f} MB, "
                    f"rss {row['rss'] / MB:6.1f} MB, statuses {dict(sorted(statuses.items()))}",
                    flush=True,
                )
    finally:
        gateway.stop()
        stub.shutdown()

    mode = "fresh documents and identities every round" if args.fresh else "identical rounds"
    if args.big_documents:
        mode += f", only distinct documents with a {args.big_documents} KB literal"
    print(f"\n{args.rounds} rounds x {args.requests} requests ({mode}), {args.gateway_dir}")
    print("| round | s | heap used after GC (MB) | Δ heap | heap total | RSS (MB) | Δ RSS |")
    print("|---|---|---|---|---|---|---|")
    for prev, row in zip([rows[0], *rows], rows, strict=False):
        print(
            f"| {row['round']} | {row['seconds']:.1f} | {row['heapUsed'] / MB:.1f} | "
            f"{(row['heapUsed'] - prev['heapUsed']) / MB:+.1f} | {row['heapTotal'] / MB:.1f} | "
            f"{row['rss'] / MB:.1f} | {(row['rss'] - prev['rss']) / MB:+.1f} |"
        )
    names = ["old_space", "large_object_space", "code_space"]
    print("\nheap spaces after GC (MB): round " + " / ".join(names))
    for row in rows:
        spaces = row.get("spaces") or {}
        print(f"  {row['round']}: " + " / ".join(f"{spaces.get(n, 0) / MB:.1f}" for n in names))


if __name__ == "__main__":
    main()
