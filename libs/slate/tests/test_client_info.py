"""The end user's address and user agent (slate.caller.current_client): trusted only when the
gateway signed them for the request's own authorization, over HTTP and forwarded over gRPC."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import httpx
import pytest
import strawberry
from slate import caller
from slate.auth import TokenVerifier, gateway_secret, issue_dev_token
from slate.caller import (
    CLIENT_HEADER,
    ClientInfo,
    acting_as,
    current_client,
    sign_client,
    verify_client,
)
from slate.config import Secret, Settings
from slate.graphql import SubgraphSchema
from slate.grpc import bound_port, call, create_channel, start_server, stop_server
from slate.runtime.app import SubgraphApp
from strawberry.types import Info

SECRET = b"s" * 64
AUTH = "Bearer abc.def.ghi"


def test_a_signed_header_round_trips() -> None:
    info = ClientInfo(ip="203.0.113.7", user_agent="Mozilla/5.0 (X11)")
    signed = verify_client(SECRET, sign_client(SECRET, info, AUTH), AUTH)
    assert signed is not None
    assert signed.info == info


@pytest.mark.parametrize(
    ("secret", "authorization", "tamper"),
    [
        (b"another secret", AUTH, False),  # not the gateway's
        (SECRET, "Bearer other.token.here", False),  # replayed with another token
        (SECRET, AUTH, True),  # payload changed after signing
    ],
)
def test_a_header_the_gateway_did_not_sign_for_this_request_is_ignored(
    secret: bytes, authorization: str, tamper: bool
) -> None:
    header = sign_client(SECRET, ClientInfo("203.0.113.7", "ua"), AUTH)
    if tamper:
        forged = sign_client(SECRET, ClientInfo("198.51.100.1", "ua"), AUTH)
        header = ".".join([*forged.split(".")[:2], header.split(".")[2]])
    assert verify_client(secret, header, authorization) is None


@pytest.mark.parametrize("header", [None, "", "v1", "v1..", "v2.e30.x", "garbage"])
def test_malformed_or_missing_headers_are_ignored(header: str | None) -> None:
    assert verify_client(SECRET, header, AUTH) is None
    assert verify_client(None, sign_client(SECRET, ClientInfo("1.2.3.4", None), AUTH), AUTH) is None


def test_a_bad_address_is_dropped_a_long_user_agent_cut_and_mapped_ipv4_unmapped() -> None:
    odd = verify_client(SECRET, sign_client(SECRET, ClientInfo("not-an-ip", "x" * 900), AUTH), AUTH)
    assert odd is not None
    assert odd.info.ip is None
    assert odd.info.user_agent == "x" * caller.MAX_USER_AGENT
    mapped = verify_client(
        SECRET, sign_client(SECRET, ClientInfo("::ffff:10.0.0.5", ""), AUTH), AUTH
    )
    assert mapped is not None
    assert mapped.info == ClientInfo("10.0.0.5", None)
    v6 = verify_client(SECRET, sign_client(SECRET, ClientInfo("2001:db8::1", "ua"), AUTH), AUTH)
    assert v6 is not None
    assert v6.info.ip == "2001:db8::1"


def test_acting_as_sets_the_client_and_restores_it() -> None:
    assert current_client() is None
    with acting_as(None, client=ClientInfo("1.2.3.4", "ua")):
        assert current_client() is None  # no principal: nobody's client
    from slate.auth import Principal

    who = Principal(sub="u", org="o", roles=frozenset({"producer"}))
    with acting_as(who, "Bearer t", client=ClientInfo("1.2.3.4", "ua")):
        assert current_client() == ClientInfo("1.2.3.4", "ua")
    assert current_client() is None


def test_the_dev_secret_is_created_once_and_the_variable_wins(tmp_path: Path) -> None:
    dev = Settings(service="t", env="test", dev_key_dir=tmp_path)
    first = gateway_secret(dev)
    assert first
    assert len(first) == 64
    assert gateway_secret(dev) == first
    assert (tmp_path / "gateway.secret").stat().st_mode & 0o077 == 0
    fixed = Settings(service="t", env="test", dev_key_dir=tmp_path, gateway_secret=Secret("k"))
    assert gateway_secret(fixed) == b"k"
    prod = Settings(service="t", env="prod", dev_key_dir=tmp_path / "none")
    assert gateway_secret(prod) is None


# --------------------------------------------------------------------------- through a subgraph


@strawberry.type
class Query:
    @strawberry.field
    def client(self, info: Info[Any, Any]) -> str:
        seen = current_client()
        return f"{seen.ip}|{seen.user_agent}" if seen else "unknown"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(service="test", env="test", dev_key_dir=tmp_path)


async def _ask(settings: Settings, headers: dict[str, str]) -> str:
    verifier = TokenVerifier.from_settings(settings)
    app = SubgraphApp(SubgraphSchema(query=Query), verifier, services=None)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post("/graphql", json={"query": "{ client }"}, headers=headers)
    body = answer.json()
    assert "errors" not in body, body
    return str(body["data"]["client"])


async def test_a_subgraph_sees_the_client_the_gateway_signed_and_ignores_a_forged_one(
    settings: Settings,
) -> None:
    auth = f"Bearer {issue_dev_token(settings, org='org_1', roles=['producer'])}"
    secret = gateway_secret(settings)
    assert secret is not None
    signed = sign_client(secret, ClientInfo("203.0.113.9", "Firefox"), auth)
    assert await _ask(settings, {"authorization": auth, CLIENT_HEADER: signed}) == (
        "203.0.113.9|Firefox"
    )
    forged = sign_client(b"guessed", ClientInfo("203.0.113.9", "Firefox"), auth)
    assert await _ask(settings, {"authorization": auth, CLIENT_HEADER: forged}) == "unknown"
    assert await _ask(settings, {"authorization": auth}) == "unknown"
    other = f"Bearer {issue_dev_token(settings, org='org_1', roles=['producer'], sub='x')}"
    assert await _ask(settings, {"authorization": other, CLIENT_HEADER: signed}) == "unknown"


# --------------------------------------------------------------------------- over gRPC


async def _whose_client(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    seen = current_client()
    return f"{seen.ip}|{seen.user_agent}".encode() if seen else b"unknown"


@pytest.fixture
async def peer(settings: Settings) -> AsyncIterator[grpc.aio.Channel]:
    def register(server: grpc.aio.Server) -> None:
        handler = grpc.unary_unary_rpc_method_handler(_whose_client)
        server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler("slate.test.Client", {"Who": handler}),)
        )

    srv = await start_server(
        0,
        register,
        service_names=["slate.test.Client"],
        verifier=TokenVerifier.from_settings(settings),
    )
    channel = create_channel(f"127.0.0.1:{bound_port(srv)}")
    yield channel
    await channel.close()
    await stop_server(srv, grace_s=0.1)


async def test_a_peer_call_forwards_the_signed_client_and_the_peer_checks_it(
    settings: Settings, peer: grpc.aio.Channel
) -> None:
    auth = f"Bearer {issue_dev_token(settings, org='org_1', roles=['producer'])}"
    secret = gateway_secret(settings)
    assert secret is not None
    who = peer.unary_unary("/slate.test.Client/Who")
    signed = verify_client(
        secret, sign_client(secret, ClientInfo("192.0.2.4", "Safari"), auth), auth
    )
    principal = TokenVerifier.from_settings(settings).principal_from_authorization(auth)
    tokens = caller.set_caller(principal, auth, signed)
    try:
        assert await call(who, b"") == b"192.0.2.4|Safari"
    finally:
        caller.reset_caller(tokens)
    # Unsigned (a test's acting_as): nothing to forward, the peer knows no client.
    with acting_as(principal, auth, client=ClientInfo("192.0.2.4", "Safari")):
        assert await call(who, b"") == b"unknown"
