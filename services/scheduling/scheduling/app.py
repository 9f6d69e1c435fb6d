"""Scheduling, as the runtime runs it (`python -m scheduling`)."""

from __future__ import annotations

from slate.runtime import Service

from scheduling import events, rpc
from scheduling.schema import schema
from scheduling.store import SchedulingStore
from scheduling.usecases import Scheduling

HTTP_PORT = 4003
GRPC_PORT = 50053
SERVICE = Service(
    "scheduling", schema, SchedulingStore, Scheduling, events, rpc, consumer_group="bookings"
)


def main() -> None:
    SERVICE.main(http_port=HTTP_PORT, grpc_port=GRPC_PORT)
