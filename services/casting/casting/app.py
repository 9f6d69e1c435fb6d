"""Casting, as the runtime runs it (`python -m casting`)."""

from __future__ import annotations

from slate.events import catalogue
from slate.runtime import Runtime, Service

from casting import events, rpc, sweep
from casting.schema import schema
from casting.search import TalentIndex
from casting.store import CastingStore
from casting.usecases import Casting

HTTP_PORT = 4001
GRPC_PORT = 50051


def build(store: CastingStore, runtime: Runtime) -> Casting:
    """Casting's use cases ask scheduling, payroll and legal, seal birth dates, stream live
    booking events and search an index of their own."""
    return Casting(
        store,
        rpc.GrpcPeers(runtime.channel),
        runtime.cipher,
        runtime.audit,
        live=events.live_bookings(runtime.listen),
        search=TalentIndex(),
    )


SERVICE = Service(
    "casting",
    schema,
    CastingStore,
    None,
    events,
    rpc,
    consumer_group="productions",
    build=build,
    live_topics=catalogue.topics_of(events.LIVE_KINDS),
    periodic=sweep.jobs,
)


def main() -> None:
    SERVICE.main(http_port=HTTP_PORT, grpc_port=GRPC_PORT)
