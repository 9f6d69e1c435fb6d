"""Who the current request acts for, carried in the request's context instead of every signature.

The GraphQL layer and the gRPC server interceptor set the verified principal and the raw
`authorization` header when a request starts; `slate.grpc.call` forwards that header to peers, so
use cases and peer clients never thread a token through their parameters.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from slate.auth import Principal

_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "slate_caller_principal", default=None
)
_authorization: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "slate_caller_authorization", default=None
)

Tokens = tuple[contextvars.Token[Principal | None], contextvars.Token[str | None]]


def current_principal() -> Principal | None:
    """The verified caller of the request being handled (None: anonymous or outside a request)."""
    return _principal.get()


def current_authorization() -> str | None:
    """The caller's `authorization` header, to forward to a peer (None when unauthenticated)."""
    return _authorization.get()


def set_caller(principal: Principal | None, authorization: str | None) -> Tokens:
    """Make `principal` the caller from here on in this context; a token never outlives it."""
    return _principal.set(principal), _authorization.set(
        authorization if principal is not None else None
    )


def reset_caller(tokens: Tokens | None) -> None:
    """Restore the caller that `set_caller` replaced."""
    if tokens is None:
        return
    try:
        _principal.reset(tokens[0])
        _authorization.reset(tokens[1])
    except ValueError:  # resumed in another context (a streaming handler); nothing to restore
        pass


@contextlib.contextmanager
def acting_as(principal: Principal | None, authorization: str | None = None) -> Iterator[None]:
    """Run a block as `principal` (tests, CLIs and event handlers that call peers)."""
    tokens = set_caller(principal, authorization)
    try:
        yield
    finally:
        reset_caller(tokens)
