"""A service, declared by the pieces that tell it from the others; how they are put together
(indexes, publications, consumer groups, gRPC, settings, the process) is written once, here.

    SERVICE = Service("legal", schema, LegalStore, Legal, events, rpc, consumer_group="bookings")

reads: legal serves `schema`; its store is `LegalStore(database, events.to_outbox)`; its use cases
are `Legal(store, audit)`; the consumer group "slate-legal.bookings" runs `events.handlers(legal)`;
gRPC serves `rpc.register(legal)` under `rpc.SERVICE_NAMES`; it publishes the catalogue's topics
whose producer is "slate-legal"; `SERVICE.main(http_port=…, grpc_port=…)` runs the process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import grpc
import strawberry

from slate.audit import AuditLog
from slate.config import Settings
from slate.events import catalogue
from slate.events.catalogue import Dispatch
from slate.events.model import OutboxEvent
from slate.repository import Database
from slate.runtime.app import ExtraRoute, serve
from slate.runtime.wiring import ConsumerSpec, Periodic, Runtime, Wiring

S = TypeVar("S")
S_contra = TypeVar("S_contra", contravariant=True)


class Store(Protocol):
    """What the runtime needs of a service's store (`<svc>/store.py`)."""

    @property
    def outbox_collections(self) -> Sequence[str]:
        """The collections whose documents carry outbox events (the relay drains them)."""
        ...

    async def ensure_indexes(self) -> None:
        """Declare the store's indexes (idempotent)."""
        ...


St = TypeVar("St", bound=Store)


class Events(Protocol[S_contra]):
    """What the runtime takes from a service's `events` module."""

    def to_outbox(self, event: Any, /) -> OutboxEvent | None:
        """The outbox entry publishing a domain event (None: the event stays internal)."""
        ...

    def handlers(self, service: S_contra, /) -> Dispatch:
        """The dispatch table of the events the service consumes, to its use cases."""
        ...


class Rpc(Protocol[S_contra]):
    """What the runtime takes from a service's `rpc` module."""

    @property
    def SERVICE_NAMES(self) -> Sequence[str]:
        """The full names of the gRPC services it serves (for health)."""
        ...

    def register(self, service: S_contra, /) -> Callable[[grpc.aio.Server], None]:
        """What adds its servicers, built on the use cases, to a gRPC server."""
        ...


@dataclass(frozen=True)
class Service(Generic[St, S]):
    """One service. `name` ("legal") names its settings (`SLATE_LEGAL_*`), its producer
    ("slate-legal") and its consumer group ("slate-legal.<consumer_group>").

    `store(database, events.to_outbox)` builds the store and `use_cases(store, audit)` the
    use cases the GraphQL context carries; a service whose use cases need more of the runtime
    (peer channels, the cipher, live topics) passes `build(store, runtime)` instead.
    `periodic(service)` lists the background jobs the process runs on the use cases (a sweep).
    """

    name: str
    schema: strawberry.federation.Schema
    store: Callable[[Database, Callable[[Any], OutboxEvent | None]], St]
    use_cases: Callable[[St, AuditLog], S] | None
    events: Events[S]
    rpc: Rpc[S] | None = None
    consumer_group: str | None = None
    build: Callable[[St, Runtime], S] | None = None
    live_topics: Sequence[str] = ()
    # Plain HTTP routes beside /graphql (see ExtraRoute), e.g. a calendar feed.
    extra_routes: Sequence[ExtraRoute] = ()
    periodic: Callable[[S], Sequence[Periodic]] | None = None

    def __post_init__(self) -> None:
        if (self.use_cases is None) == (self.build is None):
            raise TypeError(f"{self.name}: give either use_cases or build")

    @property
    def producer(self) -> str:
        """The service as a CloudEvents source and a topic's producer."""
        return f"slate-{self.name}"

    async def open_store(self, database: Database) -> St:
        """The store on `database` with its indexes declared (tests open it on theirs)."""
        store = self.store(database, self.events.to_outbox)
        await store.ensure_indexes()
        return store

    async def wire(self, runtime: Runtime) -> Wiring[S]:
        """Build the store (declaring its indexes) and the use cases on the runtime's clients."""
        store = await self.open_store(runtime.database)
        if self.build is not None:
            service = self.build(store, runtime)
        else:
            assert self.use_cases is not None
            service = self.use_cases(store, runtime.audit)
        consumers = []
        if self.consumer_group is not None:
            group = f"{self.producer}.{self.consumer_group}"
            consumers.append(ConsumerSpec.of(group, self.events.handlers(service)))
        return Wiring(
            schema=self.schema,
            services=service,
            outbox_collections=store.outbox_collections,
            publishes=catalogue.published_by(self.producer),
            consumers=consumers,
            grpc_register=self.rpc.register(service) if self.rpc is not None else None,
            grpc_service_names=self.rpc.SERVICE_NAMES if self.rpc is not None else (),
            live_topics=self.live_topics,
            periodic=self.periodic(service) if self.periodic is not None else (),
        )

    def main(self, *, http_port: int, grpc_port: int) -> None:
        """Run the service until SIGTERM/SIGINT (`python -m <service>`); the ports are its
        defaults, which `SLATE_<NAME>_HTTP_PORT` / `_GRPC_PORT` override."""
        serve(
            Settings.from_env(self.name, http_port=http_port, grpc_port=grpc_port),
            self.wire,
            self.extra_routes,
        )
