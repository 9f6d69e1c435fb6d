"""Casting service wiring: settings, wire() and the process entry point."""

from __future__ import annotations

from slate.config import Settings
from slate.events import catalogue
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from casting import events, rpc
from casting.schema import schema
from casting.search import TalentIndex
from casting.store import CastingStore
from casting.usecases import Casting

HTTP_PORT = 4001
GRPC_PORT = 50051


async def wire(runtime: Runtime) -> Wiring[Casting]:
    """Build casting's use cases on the runtime's clients."""
    store = CastingStore(runtime.database, events.to_outbox)
    await store.ensure_indexes()
    service = Casting(
        store,
        rpc.GrpcPeers(runtime.channel),
        runtime.cipher,
        runtime.audit,
        live=events.live_bookings(runtime.listen),
        search=TalentIndex(),
    )
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=store.outbox_collections,
        publishes=catalogue.published_by("slate-casting"),
        consumers=[ConsumerSpec.of("slate-casting.productions", events.handlers(service))],
        grpc_register=rpc.register,
        live_topics=catalogue.topics_of(events.LIVE_KINDS),
    )


def bootstrap() -> Settings:
    return Settings.from_env("casting", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
