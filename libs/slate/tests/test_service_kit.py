"""What the kernel writes once for every service: its declared wiring, the booking-event handler,
typed loaders of the caller's organisation, entities other subgraphs own."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import grpc
import pytest
import strawberry
from slate.audit import AuditLog
from slate.errors import UserError, ValidationErrors
from slate.events import OutboxEvent, PoisonMessage
from slate.events.catalogue import (
    BOOKING_CONFIRMED,
    BOOKING_TOPIC,
    CONTRACT_TOPIC,
    Dispatch,
    dispatch,
    published_by,
)
from slate.events.snapshots import BookingSnapshot, Fee, on_booking
from slate.graphql import ExtendedEntity, GraphQLContext, SubgraphSchema, org_loader
from slate.mongo import IndexSpec
from slate.repository import Database, MemoryDatabase
from slate.runtime import Service
from slate.testing import booking_snapshot, data, envelope, graphql_context, principal
from slate_domain import Rate
from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2
from strawberry.types import Info

# --------------------------------------------------------------------------- on_booking


async def test_a_booking_event_reaches_the_use_case_decoded() -> None:
    seen: list[BookingSnapshot] = []

    async def use_case(booking: BookingSnapshot) -> None:
        seen.append(booking)

    table = dispatch({BOOKING_CONFIRMED: on_booking(use_case)})
    message = casting_pb2.BookingConfirmed(booking=booking_snapshot(status="BOOKED"))
    await table(envelope(BOOKING_CONFIRMED.outbox("bkg_1", message)))
    [booking] = seen
    assert (booking.booking_id, booking.status) == ("bkg_1", "BOOKED")
    assert booking.rate == Rate(amount=booking.rate.amount, currency="USD", unit="DAY")


def test_a_snapshot_carries_the_holds_rank_expiry_and_cancellation_fee() -> None:
    released = booking_snapshot(
        status="RELEASED",
        rank=2,
        expires_at="2027-03-01T17:00:00Z",
        cancellation_fee=money_pb2.Money(amount="600.00", currency="USD"),
    )
    booking = BookingSnapshot.from_proto(released)
    assert (booking.rank, booking.expires_at) == (2, "2027-03-01T17:00:00Z")
    assert booking.cancellation_fee == Fee(Decimal("600.00"), "USD")
    # Unset (a hold released before confirmation owes nothing) is None, not a zero fee.
    plain = BookingSnapshot.from_proto(booking_snapshot())
    assert (plain.rank, plain.expires_at, plain.cancellation_fee) == (0, "", None)


def test_a_cancellation_fee_that_is_not_a_number_is_poison() -> None:
    bad = booking_snapshot(cancellation_fee=money_pb2.Money(amount="six", currency="USD"))
    with pytest.raises(PoisonMessage, match="bad cancellation fee"):
        BookingSnapshot.from_proto(bad)


async def test_a_booking_the_use_case_refuses_as_invalid_is_poison() -> None:
    async def use_case(booking: BookingSnapshot) -> None:
        raise ValidationErrors([UserError("is required", field="talent_id")])

    handle = on_booking(use_case)
    message = casting_pb2.BookingConfirmed(booking=booking_snapshot(talent_id=""))
    with pytest.raises(PoisonMessage, match=r"booking 'bkg_1': talent_id: is required"):
        await handle(message)


async def test_a_booking_with_an_unreadable_rate_is_poison_before_the_use_case() -> None:
    calls: list[BookingSnapshot] = []

    async def use_case(booking: BookingSnapshot) -> None:
        calls.append(booking)

    snapshot = booking_snapshot()
    snapshot.rate.money.amount = "12,00"
    with pytest.raises(PoisonMessage, match="bad rate"):
        await on_booking(use_case)(casting_pb2.BookingReleased(booking=snapshot))
    assert calls == []


# --------------------------------------------------------------------------- Service


@dataclass
class Store:
    database: Database
    outbox: Callable[[Any], OutboxEvent | None]
    outbox_collections: Sequence[str] = ("things",)
    indexed: bool = False

    async def ensure_indexes(self) -> None:
        await self.database.ensure_indexes({"things": [IndexSpec([("org_id", 1), ("name", 1)])]})
        self.indexed = True


@dataclass
class Things:
    store: Store
    audit: AuditLog
    seen: list[str] = field(default_factory=list)

    async def on_booking(self, booking: BookingSnapshot) -> None:
        self.seen.append(booking.booking_id)


class ThingEvents:
    """Stands for a service's `events` module."""

    @staticmethod
    def to_outbox(event: Any, /) -> OutboxEvent | None:
        return None

    @staticmethod
    def handlers(things: Things, /) -> Dispatch:
        return dispatch({BOOKING_CONFIRMED: on_booking(things.on_booking)})


class ThingRpc:
    """Stands for a service's `rpc` module."""

    SERVICE_NAMES = ("slate.things.v1.Things",)
    registered: ClassVar[list[Things]] = []

    @classmethod
    def register(cls, things: Things, /) -> Callable[[grpc.aio.Server], None]:
        cls.registered.append(things)
        return lambda server: None


@strawberry.type
class Query:
    ok: bool = True


@dataclass
class FakeRuntime:
    database: MemoryDatabase = field(default_factory=MemoryDatabase)

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.database)


SCHEMA = SubgraphSchema(query=Query)
# "legal" publishes topics in the catalogue (contracts, permits): the service borrows its name.
THINGS = Service("legal", SCHEMA, Store, Things, ThingEvents(), ThingRpc(), consumer_group="x")


async def test_a_declared_service_is_wired_the_same_way_as_every_service() -> None:
    runtime: Any = FakeRuntime()
    wiring = await THINGS.wire(runtime)
    things = wiring.services
    assert isinstance(things, Things)
    assert things.store.indexed
    assert things.store.outbox is ThingEvents.to_outbox
    assert wiring.schema is SCHEMA
    assert list(wiring.outbox_collections) == ["things"]
    assert dict(wiring.publishes) == published_by("slate-legal")
    assert CONTRACT_TOPIC.name in wiring.publishes
    assert [(c.group_id, list(c.topics)) for c in wiring.consumers] == [
        ("slate-legal.x", [BOOKING_TOPIC.name])
    ]
    assert list(wiring.grpc_service_names) == ["slate.things.v1.Things"]
    assert wiring.grpc_register is not None
    assert ThingRpc.registered[-1] is things
    message = casting_pb2.BookingConfirmed(booking=booking_snapshot())
    await wiring.consumers[0].handler(envelope(BOOKING_CONFIRMED.outbox("bkg_1", message)))
    assert things.seen == ["bkg_1"]


async def test_a_service_without_consumers_or_grpc_has_none() -> None:
    bare = Service("legal", SCHEMA, Store, Things, ThingEvents())
    wiring = await bare.wire(FakeRuntime())  # type: ignore[arg-type]
    assert (list(wiring.consumers), wiring.grpc_register, list(wiring.grpc_service_names)) == (
        [],
        None,
        [],
    )


async def test_build_gives_the_use_cases_the_whole_runtime() -> None:
    runtime: Any = FakeRuntime()
    built = Service(
        "legal", SCHEMA, Store, None, ThingEvents(), build=lambda s, r: Things(s, r.audit)
    )
    wiring = await built.wire(runtime)
    assert wiring.services.store.database is runtime.database


def test_use_cases_and_build_are_exclusive() -> None:
    with pytest.raises(TypeError, match="either use_cases or build"):
        Service("legal", SCHEMA, Store, None, ThingEvents())
    with pytest.raises(TypeError, match="either use_cases or build"):
        Service(
            "legal", SCHEMA, Store, Things, ThingEvents(), build=lambda s, r: Things(s, r.audit)
        )


# --------------------------------------------------------------------------- GraphQL helpers


@dataclass
class Library:
    """A service with one query by key, counting its batches."""

    batches: list[tuple[str, list[str]]] = field(default_factory=list)

    async def titles(self, org_id: str, keys: Sequence[str]) -> Mapping[str, str]:
        self.batches.append((org_id, list(keys)))
        return {k: f"{org_id}:{k}" for k in keys if k != "missing"}


Ctx = Info[GraphQLContext[Library], None]


@strawberry.federation.type(keys=["id"])
class Book(ExtendedEntity):
    id: strawberry.ID

    @strawberry.field
    async def title(self, info: Ctx) -> str | None:
        return await org_loader(info, ("reader",), lambda lib: lib.titles).load(str(self.id))


@strawberry.type
class LibraryQuery:
    @strawberry.field
    def ok(self) -> bool:
        return True


@strawberry.federation.type(keys=["id"])
class Shelf(ExtendedEntity):
    """An extended entity whose references only some roles may resolve."""

    reference_roles = ("librarian",)
    id: strawberry.ID


LIBRARY = SubgraphSchema(query=LibraryQuery, types=[Book, Shelf])
ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Book { id title } } }"""


async def run(library: Library, roles: tuple[str, ...], *ids: str) -> Any:
    representations = [{"__typename": "Book", "id": i} for i in ids]
    context = graphql_context(library, principal("org_a", *roles))
    return await LIBRARY.execute(ENTITIES, {"r": representations}, context_value=context)


async def test_an_extended_entity_resolves_to_its_id_and_its_loader_batches_per_org() -> None:
    library = Library()
    result = data(await run(library, ("reader",), "b1", "b2", "missing"))
    assert result["_entities"] == [
        {"id": "b1", "title": "org_a:b1"},
        {"id": "b2", "title": "org_a:b2"},
        {"id": "missing", "title": None},
    ]
    assert library.batches == [("org_a", ["b1", "b2", "missing"])]


async def test_a_loader_refuses_a_caller_without_its_roles() -> None:
    library = Library()
    result = await run(library, ("viewer",), "b1")
    assert [e.extensions["code"] for e in result.errors] == ["FORBIDDEN"]
    assert library.batches == []


async def test_an_extended_entity_needs_a_caller() -> None:
    context = graphql_context(Library(), None)
    result = await LIBRARY.execute(
        ENTITIES, {"r": [{"__typename": "Book", "id": "b1"}]}, context_value=context
    )
    assert [e.extensions["code"] for e in result.errors] == ["UNAUTHENTICATED"]


async def test_an_extended_entity_may_ask_for_roles_to_resolve_a_reference() -> None:
    shelves = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Shelf { id } } }"""

    def variables() -> dict[str, Any]:  # strawberry consumes the representations it resolves
        return {"r": [{"__typename": "Shelf", "id": "s1"}]}

    allowed = graphql_context(Library(), principal("org_a", "librarian"))
    result = await LIBRARY.execute(shelves, variables(), context_value=allowed)
    assert data(result) == {"_entities": [{"id": "s1"}]}
    refused = graphql_context(Library(), principal("org_a", "reader"))
    result = await LIBRARY.execute(shelves, variables(), context_value=refused)
    assert [e.extensions["code"] for e in result.errors] == ["FORBIDDEN"]
