"""Payroll service wiring."""

from __future__ import annotations

from slate.config import Settings
from slate.runtime import ConsumerSpec, Runtime, Wiring, serve

from payroll import events, rpc
from payroll.schema import schema
from payroll.store import PayrollStore
from payroll.usecases import ENGAGEMENT_TOPIC, Payroll

HTTP_PORT = 4002
GRPC_PORT = 50052


async def wire(runtime: Runtime) -> Wiring:
    """Build payroll's use cases on the runtime's clients."""
    store = PayrollStore(runtime.db, on_events=runtime.wake_relay)
    await store.ensure_indexes()
    service = Payroll(store, runtime.audit)
    return Wiring(
        schema=schema,
        services=service,
        outbox_collections=list(store.outbox_collections),
        publishes={ENGAGEMENT_TOPIC: 3},
        consumers=[
            ConsumerSpec(
                group_id="slate-payroll.bookings",
                topics=[events.BOOKING_TOPIC],
                handler=events.booking_handler(service),
            )
        ],
        grpc_register=rpc.register(),
        grpc_service_names=rpc.SERVICE_NAMES,
    )


def bootstrap() -> Settings:
    return Settings.from_env("payroll", http_port=HTTP_PORT, grpc_port=GRPC_PORT)


def main() -> None:
    serve(bootstrap(), wire)
