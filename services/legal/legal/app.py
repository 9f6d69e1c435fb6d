"""Legal, as the runtime runs it (`python -m legal`)."""

from __future__ import annotations

from slate.runtime import Service

from legal import events, rpc
from legal.schema import schema
from legal.store import LegalStore
from legal.usecases import Legal

HTTP_PORT = 4004
GRPC_PORT = 50054
SERVICE = Service("legal", schema, LegalStore, Legal, events, rpc, consumer_group="bookings")


def main() -> None:
    SERVICE.main(http_port=HTTP_PORT, grpc_port=GRPC_PORT)
