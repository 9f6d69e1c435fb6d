"""What a service plugs into the runtime, and the clients the runtime hands it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import grpc
import strawberry
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from slate import grpc as slate_grpc
from slate import telemetry_names
from slate.audit import AuditLog
from slate.auth import TokenVerifier
from slate.config import Settings
from slate.crypto import FieldCipher
from slate.events import Envelope, OutboxRelay
from slate.events.catalogue import Dispatch
from slate.events.live import LiveTopics
from slate.mongo import create_client
from slate.repository import MongoDatabase

S = TypeVar("S")


@dataclass(frozen=True)
class ConsumerSpec:
    """A consumer group of this service: the topics it reads and the handler of one envelope."""

    group_id: str
    topics: Sequence[str]
    handler: Callable[[Envelope], Awaitable[None]]

    @classmethod
    def of(cls, group_id: str, dispatch: Dispatch) -> ConsumerSpec:
        """A consumer group reading exactly the topics its dispatch table has handlers for."""
        return cls(group_id=group_id, topics=dispatch.topics, handler=dispatch)


@dataclass(frozen=True)
class Periodic:
    """A job the service runs in the background while it runs: right after start, then every
    `interval_s` seconds after the previous pass ended. A failed pass is logged and the next one
    tries again, so `run` should be idempotent (several replicas run it too)."""

    name: str
    interval_s: float
    run: Callable[[], Awaitable[object]]


@dataclass
class Wiring(Generic[S]):
    """What a service plugs into the runtime; `services` is what its GraphQL context carries."""

    schema: strawberry.federation.Schema
    services: S
    outbox_collections: Sequence[str] = ()
    publishes: Mapping[str, int] = field(default_factory=dict)
    consumers: Sequence[ConsumerSpec] = ()
    grpc_register: Callable[[grpc.aio.Server], None] | None = None
    grpc_service_names: Sequence[str] = ()
    live_topics: Sequence[str] = ()
    periodic: Sequence[Periodic] = ()


class Runtime:
    """Clients owned by the process lifespan, handed to the service's wiring.

    Creating it opens nothing: the Mongo client connects lazily and gRPC channels on first use;
    `close()` releases whatever was opened.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: AsyncMongoClient[dict[str, Any]] = create_client(settings)
        self.db: AsyncDatabase[dict[str, Any]] = self.client[settings.database]
        self.verifier = TokenVerifier.from_settings(settings)
        self.cipher = FieldCipher.from_settings(settings)
        self.database = MongoDatabase(self.db, self.wake_relay)
        self.audit = AuditLog(self.database)
        self.metrics = telemetry_names.metrics(f"slate-{settings.service}")
        self.registry = self.metrics.registry
        self.relay: OutboxRelay | None = None
        self.live: LiveTopics | None = None
        self._channels: dict[str, grpc.aio.Channel] = {}

    def wake_relay(self, collection: str, doc_id: Any, doc: dict[str, Any] | None = None) -> None:
        """Wake the outbox relay right after a write that carried events (with the document as
        written, which spares the relay reading it back)."""
        if self.relay is not None:
            self.relay.wake(collection, doc_id, doc)

    def channel(self, peer: str) -> grpc.aio.Channel:
        """One long-lived channel per peer service."""
        if peer not in self._channels:
            self._channels[peer] = slate_grpc.create_channel(self.settings.grpc_targets[peer])
        return self._channels[peer]

    def listen(self) -> AsyncGenerator[Envelope, None]:
        """Envelopes of the live topics as they arrive (GraphQL subscriptions)."""
        if self.live is None:
            raise RuntimeError("live topics are not started")
        return self.live.listen()

    async def close(self) -> None:
        channels, self._channels = list(self._channels.values()), {}
        for channel in channels:
            await channel.close()
        await self.client.close()
