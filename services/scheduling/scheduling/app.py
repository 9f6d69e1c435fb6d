"""Scheduling, as the runtime runs it (`python -m scheduling`)."""

from __future__ import annotations

import os

from slate.config import Settings
from slate.runtime import Runtime, Service

from scheduling import events, feed_route, rpc
from scheduling.peers import LegalCompliance
from scheduling.schema import schema
from scheduling.store import SchedulingStore
from scheduling.usecases import Scheduling

HTTP_PORT = 4003
GRPC_PORT = 50053


def build(store: SchedulingStore, runtime: Runtime) -> Scheduling:
    """Scheduling's use cases with legal as the compliance peer of the stage gate."""
    return Scheduling(
        store,
        runtime.audit,
        LegalCompliance(runtime.channel),
        feed_base_url=feed_base_url(runtime.settings),
    )


def feed_base_url(settings: Settings) -> str:
    """The address calendar apps subscribe to: SLATE_SCHEDULING_FEED_URL where the service sits
    behind a public host name, else the service's own HTTP address."""
    return os.environ.get("SLATE_SCHEDULING_FEED_URL") or (
        f"http://{settings.http_host}:{settings.http_port}"
    )


SERVICE = Service(
    "scheduling",
    schema,
    SchedulingStore,
    None,
    events,
    rpc,
    consumer_group="bookings",
    build=build,
    extra_routes=feed_route.ROUTES,
)


def main() -> None:
    SERVICE.main(http_port=HTTP_PORT, grpc_port=GRPC_PORT)
