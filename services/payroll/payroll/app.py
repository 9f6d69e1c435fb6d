"""Payroll service wiring."""

from __future__ import annotations

from slate.config import Settings
from slate.events import catalogue
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from payroll import events, rpc
from payroll.schema import schema
from payroll.store import PayrollStore
from payroll.usecases import SERVICE, Payroll

HTTP_PORT = 4002
GRPC_PORT = 50052


async def wire(runtime: Runtime) -> Wiring[Payroll]:
    """Build payroll's use cases on the runtime's clients."""
    store = PayrollStore(runtime.database, events.to_outbox)
    await store.ensure_indexes()
    service = Payroll(store, runtime.audit)
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=PayrollStore.outbox_collections,
        publishes=catalogue.published_by(SERVICE),
        consumers=[ConsumerSpec.of("slate-payroll.bookings", events.handlers(service))],
        grpc_register=rpc.register(service),
        grpc_service_names=rpc.SERVICE_NAMES,
    )


def bootstrap() -> Settings:
    return Settings.from_env("payroll", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
