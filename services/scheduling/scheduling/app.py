"""Scheduling service wiring."""

from __future__ import annotations

from slate.config import Settings
from slate.events import catalogue
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from scheduling import events, rpc
from scheduling.schema import schema
from scheduling.store import SchedulingStore
from scheduling.usecases import Scheduling

HTTP_PORT = 4003
GRPC_PORT = 50053


async def wire(runtime: Runtime) -> Wiring[Scheduling]:
    """Build scheduling's use cases on the runtime's clients."""
    store = SchedulingStore(runtime.database, events.to_outbox)
    await store.ensure_indexes()
    service = Scheduling(store, runtime.audit)
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=store.outbox_collections,
        publishes=catalogue.published_by("slate-scheduling"),
        consumers=[ConsumerSpec.of("slate-scheduling.bookings", events.handlers(service))],
        grpc_register=rpc.register(service),
        grpc_service_names=rpc.SERVICE_NAMES,
    )


def bootstrap() -> Settings:
    return Settings.from_env("scheduling", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
