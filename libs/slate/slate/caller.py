"""Who the current request acts for, carried in the request's context instead of every signature.

The GraphQL layer and the gRPC server interceptor set the verified principal and the raw
`authorization` header when a request starts; `slate.grpc.call` forwards that header to peers, so
use cases and peer clients never thread a token through their parameters.

The same goes for the client's network address and user agent (`current_client()`, e.g. for an
e-signature record). Only the gateway sees the client's connection, so it sends them in the
`x-slate-client` header, signed with a secret it shares with the services (HMAC-SHA256 over the
header and the request's `authorization`): a copy a client sends itself, one replayed with another
token, or one the services cannot check is ignored, never trusted. Peers receive it as gRPC
metadata and check it the same way.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass

from slate.auth import Principal

CLIENT_HEADER = "x-slate-client"
_VERSION = "v1"
MAX_USER_AGENT = 512


@dataclass(frozen=True)
class ClientInfo:
    """The end user's client as the gateway saw it: address (IPv4/IPv6 text) and User-Agent."""

    ip: str | None
    user_agent: str | None


@dataclass(frozen=True)
class SignedClient:
    """A verified `x-slate-client` header: what it says, and the header itself to forward."""

    info: ClientInfo
    header: str


_principal: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "slate_caller_principal", default=None
)
_authorization: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "slate_caller_authorization", default=None
)
_client: contextvars.ContextVar[SignedClient | None] = contextvars.ContextVar(
    "slate_caller_client", default=None
)

Tokens = tuple[
    contextvars.Token[Principal | None],
    contextvars.Token[str | None],
    contextvars.Token[SignedClient | None],
]


def current_principal() -> Principal | None:
    """The verified caller of the request being handled (None: anonymous or outside a request)."""
    return _principal.get()


def current_authorization() -> str | None:
    """The caller's `authorization` header, to forward to a peer (None when unauthenticated)."""
    return _authorization.get()


def current_client() -> ClientInfo | None:
    """The end user's address and user agent as the gateway saw them (None: not known, e.g. a
    request that did not come through the gateway, an event handler, a CLI)."""
    found = _client.get()
    return found.info if found is not None else None


def current_client_header() -> str | None:
    """The signed `x-slate-client` header of the request being handled, to forward to a peer."""
    found = _client.get()
    return found.header if found is not None else None


def set_caller(
    principal: Principal | None, authorization: str | None, client: SignedClient | None = None
) -> Tokens:
    """Make `principal` the caller from here on in this context; a token never outlives it."""
    known = principal is not None
    return (
        _principal.set(principal),
        _authorization.set(authorization if known else None),
        _client.set(client if known else None),
    )


def reset_caller(tokens: Tokens | None) -> None:
    """Restore the caller that `set_caller` replaced."""
    if tokens is None:
        return
    try:
        _principal.reset(tokens[0])
        _authorization.reset(tokens[1])
        _client.reset(tokens[2])
    except ValueError:  # resumed in another context (a streaming handler); nothing to restore
        pass


@contextlib.contextmanager
def acting_as(
    principal: Principal | None,
    authorization: str | None = None,
    client: ClientInfo | None = None,
) -> Iterator[None]:
    """Run a block as `principal` (tests, CLIs and event handlers that call peers); `client`
    is what `current_client()` answers inside it (not forwarded to peers: it is not signed)."""
    signed = SignedClient(client, "") if client is not None else None
    tokens = set_caller(principal, authorization, signed)
    try:
        yield
    finally:
        reset_caller(tokens)


# --------------------------------------------------------------------------- the signed header


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: str, authorization: str) -> str:
    message = f"{_VERSION}.{payload}\n{authorization}".encode()
    return _b64(hmac.new(secret, message, hashlib.sha256).digest())


def sign_client(secret: bytes, info: ClientInfo, authorization: str) -> str:
    """The `x-slate-client` header for `info` on a request carrying `authorization` (what the
    gateway computes; here for tests and tools)."""
    body = {"ip": info.ip, "ua": info.user_agent}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    return f"{_VERSION}.{payload}.{_mac(secret, payload, authorization)}"


def verify_client(
    secret: bytes | None, header: str | None, authorization: str | None
) -> SignedClient | None:
    """The client a genuine header describes; None when absent, unsigned, signed with another
    secret or for another `authorization`, or malformed (an address that is not an IP address
    is dropped, a user agent cut to MAX_USER_AGENT characters)."""
    if not secret or not header or not authorization:
        return None
    version, _, rest = header.strip().partition(".")
    payload, _, mac = rest.partition(".")
    if version != _VERSION or not payload or not mac:
        return None
    if not hmac.compare_digest(mac, _mac(secret, payload, authorization)):
        return None
    try:
        body = json.loads(_unb64(payload))
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    ip, agent = body.get("ip"), body.get("ua")
    if isinstance(ip, str):
        try:
            ip = str(ipaddress.ip_address(ip.removeprefix("::ffff:") if "." in ip else ip))
        except ValueError:
            ip = None
    else:
        ip = None
    agent = agent[:MAX_USER_AGENT] if isinstance(agent, str) and agent else None
    return SignedClient(ClientInfo(ip=ip, user_agent=agent), header.strip())
