"""GraphQL plumbing every subgraph shares: request context, authentication, user errors, paging.

Types defined here appear in several subgraphs, so they are `@shareable` for federation v2.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from pymongo.errors import ConnectionFailure
from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, Info

from slate import authz, limits
from slate.auth import Principal
from slate.caller import SignedClient, reset_caller, set_caller
from slate.errors import UserError as DomainUserError
from slate.errors import ValidationErrors

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")
K = TypeVar("K")
V = TypeVar("V")
E = TypeVar("E", bound="ExtendedEntity")


@strawberry.federation.type(shareable=True, description="A problem with the input, by field.")
class UserError:
    field: str | None
    message: str
    code: str


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.federation.type(shareable=True, description="Money as a decimal string.")
class Money:
    amount: str
    currency: str


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@dataclass
class GraphQLContext(Generic[S]):
    """Per-request context: who is asking, the service's read and command API, request loaders."""

    principal: Principal | None
    authorization: str | None
    auth_error: str | None
    services: S
    trace_id: str | None = None
    loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)
    # Set by strawberry from a WebSocket's connection_init payload (graphql-transport-ws).
    connection_params: dict[str, Any] | None = None
    # The end user's address and user agent, from the gateway's signed header (slate.caller).
    client: SignedClient | None = None

    def loader(self, name: str, factory: Callable[[], DataLoader[K, V]]) -> DataLoader[K, V]:
        """One DataLoader per name per request, created on first use."""
        if name not in self.loaders:
            self.loaders[name] = factory()
        found: DataLoader[K, V] = self.loaders[name]
        return found


def graphql_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def authorize(info: Info[GraphQLContext[Any], Any], *roles: str) -> Principal:
    """The caller's principal; UNAUTHENTICATED without a token, FORBIDDEN without one of roles."""
    context = info.context
    if context.principal is None:
        raise graphql_error(context.auth_error or "a bearer token is required", "UNAUTHENTICATED")
    try:
        return authz.require(context.principal, roles, info.field_name)
    except DomainUserError as exc:
        raise graphql_error(exc.message, exc.code) from None


class ExtendedEntity:
    """Base of an entity another subgraph owns and this one adds fields to
    (`@strawberry.federation.type(keys=["id"])` with `id: strawberry.ID`): a reference resolves
    to the id alone, for an authenticated caller holding one of `reference_roles` (any member of
    an organisation when empty; each added field checks its own roles)."""

    reference_roles: ClassVar[Collection[str]] = ()

    def __init__(self, id: strawberry.ID) -> None:  # replaced by strawberry's dataclass __init__
        self.id = id

    @classmethod
    def resolve_reference(
        cls: type[E], info: Info[GraphQLContext[Any], Any], id: strawberry.ID
    ) -> E:
        authorize(info, *cls.reference_roles)
        return cls(id=id)


class AuthenticationRequired(SchemaExtension):
    """Refuse every operation (including _service and _entities) that carries no valid token,
    and make the verified caller the request's caller (`slate.caller`) while it runs."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if not isinstance(context, GraphQLContext):
            yield
            return
        if context.principal is None:
            raise graphql_error(
                context.auth_error or "a bearer token is required", "UNAUTHENTICATED"
            )
        tokens = set_caller(context.principal, context.authorization, context.client)
        try:
            yield
        finally:
            reset_caller(tokens)


def encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def decode_cursor(cursor: str | None, field_name: str = "after") -> str | None:
    """Decode an opaque cursor; a malformed one is a user error naming the argument."""
    if cursor is None:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise graphql_error(f"{field_name}: not a valid cursor", "INVALID") from None


def clamp_first(first: int | None, default: int = 50, maximum: int = 200) -> int:
    """Page size bounds: at least 1, at most `maximum`."""
    if first is None:
        return default
    if first < 1 or first > maximum:
        raise graphql_error(f"first: must be between 1 and {maximum}", "INVALID")
    return first


def user_errors(errors: Sequence[DomainUserError]) -> list[UserError]:
    """The kernel's user errors as GraphQL UserErrors."""
    return [UserError(field=e.field, message=e.message, code=e.code) for e in errors]


async def attempt(work: Awaitable[R]) -> tuple[R | None, list[UserError]]:
    """Run a use case; its user errors become the payload's `userErrors`, a lost connection to
    the database a retriable UNAVAILABLE one, anything else raises."""
    try:
        return await work, []
    except ValidationErrors as exc:
        return None, user_errors(exc.errors)
    except DomainUserError as exc:
        return None, user_errors([exc])
    except ConnectionFailure:
        # The database restarting (measured by the soak run): say so and that a retry is safe,
        # instead of an internal error. A write that did land is found by the retry's own rules.
        message = "the database is unavailable (restarting?); retry shortly"
        return None, [UserError(field=None, message=message, code="UNAVAILABLE")]


def batch_loader(
    load: Callable[[list[str]], Awaitable[Mapping[str, T]]],
) -> DataLoader[str, T | None]:
    """A DataLoader for objects by id: one round trip per batch; missing ids load as None."""

    async def load_fn(keys: list[str]) -> list[T | None]:
        found = await load(keys)
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load_fn)


def org_loader(
    info: Info[GraphQLContext[S], Any],
    roles: Collection[str],
    query: Callable[[S], Callable[[str, list[str]], Awaitable[Mapping[str, T]]]],
) -> DataLoader[str, T | None]:
    """The request's loader of the caller's organisation's objects by key, for a field the
    caller may read with one of `roles` (FORBIDDEN otherwise). `query` picks the service's
    query method, e.g. `lambda legal: legal.contract_by_booking`, called as `(org, keys)` once
    per batch; keys it does not return load as None. One loader per query method per request."""
    org = authorize(info, *roles).org
    load = query(info.context.services)
    name = getattr(load, "__name__", repr(load))
    return info.context.loader(name, lambda: batch_loader(lambda keys: load(org, keys)))


def group_loader(
    load: Callable[[list[str]], Awaitable[Sequence[V]]], by: str | Callable[[V], str]
) -> DataLoader[str, list[V]]:
    """A DataLoader for the children of many parents at once, grouped by their parent's id:
    `by` names the parent field of a document, or returns the parent id of a typed object."""
    parent_of: Callable[[V], str] = (
        (lambda item: item[by])  # type: ignore[index]
        if isinstance(by, str)
        else by
    )

    async def load_fn(keys: list[str]) -> list[list[V]]:
        groups: dict[str, list[V]] = {k: [] for k in keys}
        for item in await load(keys):
            groups.setdefault(parent_of(item), []).append(item)
        return [groups[k] for k in keys]

    return DataLoader(load_fn=load_fn)


class SubgraphSchema(strawberry.federation.Schema):
    """A subgraph's schema with what every subgraph needs: federation v2.9, authentication on
    every operation (including `_service` and `_entities`), the document and input limits, masked
    unexpected errors, and error logs that never carry the document or an error's text."""

    def __init__(self, **kwargs: Any) -> None:
        extra = kwargs.pop("extensions", [])
        super().__init__(
            **kwargs,
            extensions=[AuthenticationRequired, *limits.document_limits(), *extra],
            federation_version="2.9",
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            limits.log_error(error)


async def until_expiry(
    principal: Principal, stream: AsyncIterator[T], *, clock: Callable[[], datetime] | None = None
) -> AsyncIterator[T]:
    """Items of `stream` until the caller's token expires; then UNAUTHENTICATED (the client
    reconnects with a fresh token). A subscription never outlives its credentials."""
    now = clock or (lambda: datetime.now(UTC))
    iterator = aiter(stream)
    try:
        while True:
            if principal.expires_at is None:
                item = await anext(iterator)
            else:
                left = (principal.expires_at - now()).total_seconds()
                if left <= 0:
                    raise graphql_error("token expired; subscribe again", "UNAUTHENTICATED")
                try:
                    item = await asyncio.wait_for(anext(iterator), left)
                except TimeoutError:
                    raise graphql_error(
                        "token expired; subscribe again", "UNAUTHENTICATED"
                    ) from None
            yield item
    except StopAsyncIteration:
        return
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
