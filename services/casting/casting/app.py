"""Casting service wiring: settings, bootstrap() and the process entry point."""

from __future__ import annotations

from collections.abc import AsyncIterator

from slate.config import Settings
from slate.events import Envelope
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from casting import events
from casting.rpc import GrpcPeers
from casting.schema import schema
from casting.store import CastingStore
from casting.usecases import BOOKING_TOPIC, Casting

HTTP_PORT = 4001
GRPC_PORT = 50051


async def wire(runtime: Runtime) -> Wiring:
    """Build casting's use cases on the runtime's clients."""
    store = CastingStore(runtime.db, on_events=runtime.wake_relay)
    await store.ensure_indexes()
    service = Casting(store, GrpcPeers(runtime.channel), runtime.cipher, runtime.audit)

    def listen() -> AsyncIterator[Envelope]:
        if runtime.live is None:
            raise RuntimeError("live topics are not started")
        return runtime.live.listen()

    service.live_bookings = events.live_bookings(listen)
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=store.outbox_collections,
        publishes={BOOKING_TOPIC: 3},
        consumers=[
            ConsumerSpec(
                group_id="slate-casting.productions",
                topics=[events.PRODUCTION_TOPIC],
                handler=events.production_handler(service),
            )
        ],
        grpc_register=lambda server: None,
        live_topics=[BOOKING_TOPIC],
    )


def bootstrap() -> Settings:
    return Settings.from_env("casting", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
