"""Payroll, as the runtime runs it (`python -m payroll`)."""

from __future__ import annotations

from slate.runtime import Service

from payroll import events, rpc
from payroll.schema import schema
from payroll.store import PayrollStore
from payroll.usecases import Payroll

HTTP_PORT = 4002
GRPC_PORT = 50052
SERVICE = Service("payroll", schema, PayrollStore, Payroll, events, rpc, consumer_group="bookings")


def main() -> None:
    SERVICE.main(http_port=HTTP_PORT, grpc_port=GRPC_PORT)
