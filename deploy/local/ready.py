"""Readiness checks with the real protocols, for deploy/local/infra.sh.

    python ready.py kafka  127.0.0.1:9092   [--timeout S] [--pid PID]
    python ready.py mongo  127.0.0.1:27017  [--timeout S] [--pid PID]
    python ready.py jaeger 127.0.0.1:16686  [--timeout S] [--pid PID]

Retries until the service answers or the timeout passes. Exit 0 when ready; 1 on timeout;
3 when --pid is given and that process has exited (no point in waiting longer).
Kafka: an ApiVersions + Metadata request through aiokafka's admin client (cluster id, brokers).
Mongo (FerretDB): a `ping` and `buildInfo` through pymongo.
Jaeger: GET /api/services on the query port.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import time
import urllib.request


def _alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _kafka_once(addr: str) -> str:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=addr, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(admin.start(), 5)
        cluster = await asyncio.wait_for(admin.describe_cluster(), 5)
        brokers = len(cluster.get("brokers", []))
        if brokers < 1:
            raise RuntimeError("metadata has no broker yet")
        return f"cluster_id={cluster.get('cluster_id')} brokers={brokers}"
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(admin.close(), 5)


def kafka_once(addr: str) -> str:
    return asyncio.run(_kafka_once(addr))


def mongo_once(addr: str) -> str:
    import pymongo

    client: pymongo.MongoClient = pymongo.MongoClient(
        f"mongodb://{addr}/?directConnection=true&retryWrites=false",
        serverSelectionTimeoutMS=2000,
        connectTimeoutMS=2000,
    )
    try:
        client.admin.command("ping")
        hello = client.admin.command("hello")
        info = client.admin.command("buildInfo")
        return (
            f"mongodb protocol, version {info.get('version')}, wire {hello.get('maxWireVersion')}"
        )
    finally:
        client.close()


def jaeger_once(addr: str) -> str:
    with urllib.request.urlopen(f"http://{addr}/api/services", timeout=3) as r:
        r.read()
        return f"http {r.status}"


CHECKS = {"kafka": kafka_once, "mongo": mongo_once, "jaeger": jaeger_once}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=sorted(CHECKS))
    p.add_argument("addr")
    p.add_argument("--timeout", type=float, default=0)
    p.add_argument("--pid", type=int)
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # aiokafka logs every refused connection
    deadline = time.monotonic() + a.timeout
    last = ""
    while True:
        try:
            detail = CHECKS[a.kind](a.addr)
            if not a.quiet:
                print(f"{a.kind} {a.addr} ready: {detail}")
            return 0
        except Exception as e:
            last = f"{type(e).__name__}: {e}"
        if not _alive(a.pid):
            if not a.quiet:
                print(f"{a.kind}: process {a.pid} exited ({last})", file=sys.stderr)
            return 3
        if time.monotonic() >= deadline:
            if not a.quiet and a.timeout:
                print(
                    f"{a.kind} {a.addr} not ready after {a.timeout:.0f}s: {last}", file=sys.stderr
                )
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
