"""Legal service wiring."""

from __future__ import annotations

from slate.config import Settings
from slate.events import catalogue
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from legal import events, rpc
from legal.schema import schema
from legal.store import LegalStore
from legal.usecases import SERVICE, Legal

HTTP_PORT = 4004
GRPC_PORT = 50054


async def wire(runtime: Runtime) -> Wiring[Legal]:
    """Build legal's use cases on the runtime's clients."""
    store = LegalStore(runtime.database, events.to_outbox)
    await store.ensure_indexes()
    service = Legal(store, runtime.audit)
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=store.outbox_collections,
        publishes=catalogue.published_by(SERVICE),
        consumers=[ConsumerSpec.of("slate-legal.bookings", events.handlers(service))],
        grpc_register=rpc.register(service),
        grpc_service_names=rpc.SERVICE_NAMES,
    )


def bootstrap() -> Settings:
    return Settings.from_env("legal", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
