"""Legal service wiring."""

from __future__ import annotations

from slate.config import Settings
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from legal import events, rpc
from legal.schema import schema
from legal.store import LegalStore
from legal.usecases import CONTRACT_TOPIC, Legal

HTTP_PORT = 4004
GRPC_PORT = 50054


async def wire(runtime: Runtime) -> Wiring:
    """Build legal's use cases on the runtime's clients."""
    store = LegalStore(runtime.db, on_events=runtime.wake_relay)
    await store.ensure_indexes()
    service = Legal(store, runtime.audit)
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=list(store.outbox_collections),
        publishes={CONTRACT_TOPIC: 3},
        consumers=[
            ConsumerSpec(
                group_id="slate-legal.bookings",
                topics=[events.BOOKING_TOPIC],
                handler=events.booking_handler(service),
            )
        ],
        grpc_register=rpc.register(service),
        grpc_service_names=rpc.SERVICE_NAMES,
    )


def bootstrap() -> Settings:
    return Settings.from_env("legal", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
