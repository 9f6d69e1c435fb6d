"""Every subgraph's own limits: document depth, aliases, tokens, input sizes, request bodies,
masked internal errors, error logs without input, subscriptions that end with their token."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import strawberry
from graphql import GraphQLError
from slate import limits
from slate.auth import Principal
from slate.graphql import GraphQLContext, SubgraphSchema, until_expiry
from slate.limits import BodyLimit
from slate.testing import graphql_context, principal
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.types import ExecutionResult


@strawberry.type
class Node:
    name: str

    @strawberry.field
    def child(self) -> Node:
        return Node(name=self.name + "+")


@strawberry.type
class Query:
    @strawberry.field
    def node(self) -> Node:
        return Node(name="root")

    @strawberry.field
    def echo(self, text: str, items: list[str] | None = None) -> str:
        return text

    @strawberry.field
    def broken(self) -> str:
        # Built at run time, as user data would be, so the source line does not contain it.
        raise KeyError("".join(["sec", "ret", "@example.com ", "1994", "-02-11"]))


SCHEMA = SubgraphSchema(query=Query)
CALLER = principal("org_a", "producer")


async def run(query: str, variables: dict[str, object] | None = None) -> ExecutionResult:
    context: GraphQLContext[None] = graphql_context(None, CALLER)
    return await SCHEMA.execute(query, variable_values=variables, context_value=context)


def codes(result: ExecutionResult) -> list[str]:
    return [str((e.extensions or {}).get("code", e.message)) for e in result.errors or []]


async def test_a_query_deeper_than_the_limit_is_refused_before_it_runs() -> None:
    deep = "node { " + "child { " * limits.MAX_DEPTH + "name" + " }" * limits.MAX_DEPTH + " }"
    result = await run("{ " + deep + " }")
    assert result.errors
    assert "exceeds maximum operation depth" in result.errors[0].message
    ok = await run("{ node { child { child { name } } } }")
    assert ok.errors is None


async def test_more_aliases_than_the_limit_are_refused() -> None:
    many = " ".join(f'a{i}: echo(text: "x")' for i in range(limits.MAX_ALIASES + 1))
    result = await run("{ " + many + " }")
    assert result.errors
    assert "aliases" in result.errors[0].message


async def test_string_and_list_inputs_are_bounded_with_the_path_named() -> None:
    long_text = "x" * (limits.MAX_STRING + 1)
    result = await run("query($t: String!) { echo(text: $t) }", {"t": long_text})
    assert codes(result) == ["INVALID"]
    assert "variables.t" in result.errors[0].message
    items = ["a"] * (limits.MAX_LIST + 1)
    result = await run('query($i: [String!]) { echo(text: "x", items: $i) }', {"i": items})
    assert codes(result) == ["INVALID"]
    assert "at most" in result.errors[0].message
    inline = await run('{ echo(text: "' + long_text + '") }')
    assert codes(inline) == ["INVALID"]


async def test_unexpected_errors_are_masked_and_logged_without_their_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="slate.graphql"):
        result = await run("{ broken }")
    assert result.errors
    assert result.errors[0].message == "internal error"
    logged = " ".join(
        f"{r.getMessage()} {r.__dict__.get('error_type')} {r.__dict__.get('frames')}"
        for r in caplog.records
    )
    assert "KeyError" in logged
    assert "secret@example.com" not in logged
    assert "1994-02-11" not in logged


async def test_a_validation_error_keeps_its_message_but_is_not_logged_with_the_document(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="slate.graphql"):
        result = await run('{ echo(text: "rosa@example.com", nope: 1) }')
    assert result.errors
    assert "nope" in result.errors[0].message
    assert all("rosa@example.com" not in r.getMessage() for r in caplog.records)


async def test_without_a_token_even_federation_fields_are_refused() -> None:
    context: GraphQLContext[None] = graphql_context(None, None)
    result = await SCHEMA.execute("{ _service { sdl } }", context_value=context)
    assert codes(result) == ["UNAUTHENTICATED"]


# ------------------------------------------------------------------ request bodies


async def echo_body(request: Request) -> JSONResponse:
    return JSONResponse({"received": len(await request.body())})


APP = BodyLimit(Starlette(routes=[Route("/graphql", echo_body, methods=["POST"])]), 1000)


async def post(body: bytes) -> httpx.Response:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        return await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )


async def test_a_body_over_the_limit_is_413_and_never_reaches_the_app() -> None:
    response = await post(json.dumps({"query": "x" * 2000}).encode())
    assert response.status_code == 413
    assert "at most 1000 bytes" in response.json()["errors"][0]["message"]


async def test_deeply_nested_or_broken_json_is_a_400_with_a_message() -> None:
    nested = ("[" * 400 + "]" * 400).encode()
    response = await post(nested)
    assert response.status_code == 400
    assert "nested" in response.json()["errors"][0]["message"]
    broken = await post(b'{"query": ')
    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["errors"][0]["message"]
    fine = await post(b'{"query": "{ ok }"}')
    assert fine.status_code == 200
    assert fine.json() == {"received": len(b'{"query": "{ ok }"}')}


# ------------------------------------------------------------------ subscriptions


async def ticks() -> AsyncIterator[int]:
    i = 0
    while True:
        await asyncio.sleep(0.01)
        i += 1
        yield i


async def test_a_subscription_ends_when_its_token_expires() -> None:
    soon = Principal(
        sub="u",
        org="org_a",
        roles=frozenset({"producer"}),
        expires_at=datetime.now(UTC) + timedelta(seconds=0.2),
    )
    received: list[int] = []

    async def consume(who: Principal) -> None:
        async for tick in until_expiry(who, ticks()):
            received.append(tick)

    with pytest.raises(GraphQLError) as exc:
        await consume(soon)
    assert (exc.value.extensions or {}).get("code") == "UNAUTHENTICATED"
    assert received  # it did deliver until then
    expired = Principal(
        sub="u", org="o", roles=frozenset({"producer"}), expires_at=datetime.now(UTC)
    )
    received.clear()
    with pytest.raises(GraphQLError):
        await consume(expired)
    assert received == []


async def test_a_lost_database_connection_is_a_retriable_user_error() -> None:
    from pymongo.errors import AutoReconnect
    from slate.graphql import attempt

    async def write() -> str:
        raise AutoReconnect("connection reset")

    result, errors = await attempt(write())
    assert result is None
    assert [(e.code, e.field) for e in errors] == [("UNAVAILABLE", None)]
    assert "retry" in errors[0].message
