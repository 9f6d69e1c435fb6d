"""One process per service: GraphQL subgraph, gRPC server, outbox relay, consumers, health, metrics.

A service declares itself (`Service`: its schema, store, use cases, events and gRPC) or supplies
`wire(runtime) -> Wiring`; the runtime owns the lifecycle so every service starts and stops the
same way and nothing connects at import time. One concern per module: `service` (a service
declared), `wiring` (what a service plugs in), `lifespan` (starting and stopping resources),
`health` (`/healthz`, `/readyz`), `metrics` (`/metrics`, request latency), `app` (the ASGI app
and `serve`).
"""

from slate.runtime.app import SubgraphApp, create_app, serve
from slate.runtime.lifespan import StartupError
from slate.runtime.service import Service
from slate.runtime.wiring import ConsumerSpec, Periodic, Runtime, Wiring

__all__ = [
    "ConsumerSpec",
    "Periodic",
    "Runtime",
    "Service",
    "StartupError",
    "SubgraphApp",
    "Wiring",
    "create_app",
    "serve",
]
