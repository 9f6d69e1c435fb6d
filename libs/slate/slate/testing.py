"""Building blocks for the services' fast tests: principals, envelopes, GraphQL contexts.

Nothing here talks to a server. Use cases run on `slate.repository.MemoryDatabase` (which passes
the same contract tests as MongoDB); handlers get envelopes built exactly as the relay publishes
them; subgraphs run in process with `schema.execute(…, context_value=graphql_context(…))`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from slate_proto.slate.common.v1 import money_pb2
from slate_proto.slate.events.v1 import casting_pb2

from slate.auth import Principal
from slate.crypto import FieldCipher
from slate.events.model import Envelope, OutboxEvent, headers_for
from slate.events.snapshots import BookingSnapshot
from slate.graphql import GraphQLContext

S = TypeVar("S")


def principal(
    org: str = "org_a", *roles: str, sub: str = "u1", talent_id: str | None = None
) -> Principal:
    """A verified caller of `org` holding `roles` (producer if none are given)."""
    return Principal(sub=sub, org=org, roles=frozenset(roles or ("producer",)), talent_id=talent_id)


@dataclass(frozen=True)
class _Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


def envelope(event: OutboxEvent, *, partition: int = 0, offset: int = 0) -> Envelope:
    """The envelope a consumer receives for an outbox event (same headers the relay writes)."""
    record = _Record(
        topic=event.topic,
        partition=partition,
        offset=offset,
        key=event.key.encode(),
        value=event.payload,
        headers=headers_for(event),
    )
    return Envelope.from_record(record)


def graphql_context(
    services: S, caller: Principal | None, authorization: str | None = "Bearer test"
) -> GraphQLContext[S]:
    """A subgraph request context as the runtime builds it, for `schema.execute`."""
    return GraphQLContext(
        principal=caller,
        authorization=authorization if caller is not None else None,
        auth_error=None if caller is not None else "a bearer token is required",
        services=services,
    )


def booking_snapshot(**fields: Any) -> casting_pb2.BookingSnapshot:
    """A booking as casting announces it (an adult, on hold, 1,200.00 USD a day); any field can
    be overridden, e.g. `booking_snapshot(status="BOOKED", version=2)`."""
    values: dict[str, Any] = {
        "booking_id": "bkg_1",
        "org_id": "org_a",
        "production_id": "prd_1",
        "role_id": "rol_1",
        "role_name": "Lead",
        "talent_id": "tal_1",
        "talent_name": "Rosa",
        "rate": money_pb2.Rate(money=money_pb2.Money(amount="1200.00", currency="USD"), unit="DAY"),
        "work_dates": ["2027-03-02"],
        "status": "ON_HOLD",
        "is_minor": False,
        "union": "NONE",
        "version": 1,
        "production_timezone": "America/Los_Angeles",
    }
    values.update(fields)
    return casting_pb2.BookingSnapshot(**values)


def confirmed_booking(**changes: Any) -> BookingSnapshot:
    """A booking casting confirmed, decoded as its consumers read it (an adult, SAG-AFTRA,
    1,200.00 USD a day on 2 and 3 March 2027, version 2); any field can be changed, e.g.
    `confirmed_booking(is_minor=True)`."""
    confirmed = booking_snapshot(
        status="BOOKED", union="SAG_AFTRA", work_dates=["2027-03-02", "2027-03-03"], version=2
    )
    return replace(BookingSnapshot.from_proto(confirmed), **changes)


def cipher() -> FieldCipher:
    """A field cipher with a random key, for tests that encrypt personal data."""
    return FieldCipher({"test": os.urandom(32)}, "test")


def data(result: Any) -> Any:
    """The `data` of an execution result, failing with its errors if there were any."""
    if result.errors:
        raise AssertionError([e.formatted for e in result.errors])
    return result.data
