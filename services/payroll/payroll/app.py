"""Payroll, as the runtime runs it (`python -m payroll`)."""

from __future__ import annotations

from slate.runtime import Runtime, Service

from payroll import events, rpc
from payroll.schema import schema
from payroll.store import PayrollStore
from payroll.usecases import Payroll

HTTP_PORT = 4002
GRPC_PORT = 50052


def build(store: PayrollStore, runtime: Runtime) -> Payroll:
    """Payroll's use cases seal payees' tax ids and bank accounts with the runtime's cipher."""
    return Payroll(store, runtime.audit, runtime.cipher)


SERVICE = Service(
    "payroll", schema, PayrollStore, None, events, rpc, consumer_group="bookings", build=build
)


def main() -> None:
    SERVICE.main(http_port=HTTP_PORT, grpc_port=GRPC_PORT)
