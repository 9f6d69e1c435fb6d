"""Scheduling service wiring."""

from __future__ import annotations

from slate.config import Settings
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from scheduling import events, rpc
from scheduling.schema import schema
from scheduling.store import SchedulingStore
from scheduling.usecases import PRODUCTION_TOPIC, Scheduling

HTTP_PORT = 4003
GRPC_PORT = 50053


async def wire(runtime: Runtime) -> Wiring:
    """Build scheduling's use cases on the runtime's clients."""
    store = SchedulingStore(runtime.db, on_events=runtime.wake_relay)
    await store.ensure_indexes()
    service = Scheduling(store, runtime.audit)
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=list(store.outbox_collections),
        publishes={PRODUCTION_TOPIC: 3},
        consumers=[
            ConsumerSpec(
                group_id="slate-scheduling.bookings",
                topics=[events.BOOKING_TOPIC],
                handler=events.booking_handler(service),
            )
        ],
        grpc_register=rpc.register(service),
        grpc_service_names=rpc.SERVICE_NAMES,
    )


def bootstrap() -> Settings:
    return Settings.from_env("scheduling", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
