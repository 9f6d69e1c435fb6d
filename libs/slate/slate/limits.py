"""Limits every subgraph applies itself, whoever calls it (the gateway is not the only boundary).

Document limits (depth, aliases, tokens) refuse a query before it runs; `InputBounds` refuses any
string or list input beyond a generous bound (each field's own, tighter bound is the domain's
rule); `BodyLimit` refuses an oversized or undecodable request body with a 4xx before the GraphQL
layer reads it. Unexpected exceptions are masked for clients and logged without their message
(which may quote input), so internal text and personal data stay inside.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import GraphQLError
from graphql.language import ListValueNode, StringValueNode, visit
from graphql.language.visitor import Visitor
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionContext

from slate.errors import UserError

log = logging.getLogger("slate.graphql")

# Queries the gateway plans are deeper and longer than what clients send it (it adds
# `__typename`, keys and `_entities` wrappers), so these sit above the gateway's own limits
# (depth 12, 2,000 tokens) while still bounding the work one request can ask for.
MAX_DEPTH = 15
MAX_ALIASES = 100
MAX_TOKENS = 8_000
MAX_STRING = 10_000  # characters in any one string input
MAX_LIST = 1_000  # items in any one list input
MAX_BODY_BYTES = 1 << 20
MAX_JSON_DEPTH = 64


def _too_big(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            return f"{path}: at most {MAX_STRING} characters"
    elif isinstance(value, list):
        if len(value) > MAX_LIST:
            return f"{path}: at most {MAX_LIST} items"
        for i, item in enumerate(value):
            found = _too_big(item, f"{path}[{i}]")
            if found:
                return found
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found = _too_big(item, f"{path}.{key}")
            if found:
                return found
    return None


class _LiteralBounds(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.problem: str | None = None

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if len(node.value) > MAX_STRING and self.problem is None:
            self.problem = f"a string literal: at most {MAX_STRING} characters"

    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        if len(node.values) > MAX_LIST and self.problem is None:
            self.problem = f"a list literal: at most {MAX_LIST} items"


class InputBounds(SchemaExtension):
    """Refuse (code INVALID) a request whose variables or literals exceed the generic bounds."""

    def on_validate(self) -> Iterator[None]:
        context: ExecutionContext = self.execution_context
        problem = _too_big(context.variables or {}, "variables")
        if problem is None and context.graphql_document is not None:
            bounds = _LiteralBounds()
            visit(context.graphql_document, bounds)
            problem = bounds.problem
        if problem is not None:
            raise GraphQLError(f"input too large: {problem}", extensions={"code": "INVALID"})
        yield


def should_mask(error: GraphQLError) -> bool:
    """Mask what the code did not mean to say: exceptions that are neither GraphQL nor user
    errors (validation and authorization errors are GraphQLErrors and stay as they are)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | UserError)


def log_error(error: GraphQLError) -> None:
    """Log an error without its message or the document: type, path and a message-free trace."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError | UserError):
        code = (error.extensions or {}).get("code", "GRAPHQL")
        log.info("graphql error", extra={"code": code, "path": error.path})
        return
    frames = "".join(traceback.format_tb(original.__traceback__))
    log.error(
        "unexpected error in a resolver",
        extra={"error_type": type(original).__qualname__, "path": error.path, "frames": frames},
    )


def document_limits() -> list[Callable[[], SchemaExtension]]:
    """The extensions every subgraph schema carries after authentication, one set per request."""
    return [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        InputBounds,
        lambda: MaskErrors(should_mask_error=should_mask, error_message="internal error"),
    ]


def _depth(value: Any, limit: int) -> bool:
    """True when JSON `value` nests deeper than `limit` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return False


class BodyLimit:
    """ASGI middleware for POST /graphql: 413 past MAX_BODY_BYTES, 400 for a body that is not
    JSON or nests deeper than MAX_JSON_DEPTH; the accepted body is handed on unchanged."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(send, 413, f"request body: at most {self.max_bytes} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send, 413, f"request body: at most {self.max_bytes} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        content_type = dict(scope.get("headers") or ()).get(b"content-type", b"")
        if body and content_type.split(b";")[0].strip() == b"application/json":
            try:
                parsed = json.loads(body)
            except RecursionError:
                await _refuse(send, 400, "request body: JSON nested too deep")
                return
            except json.JSONDecodeError as exc:
                await _refuse(send, 400, f"request body: not valid JSON ({exc.msg})")
                return
            except ValueError:
                await _refuse(send, 400, "request body: not valid UTF-8 JSON")
                return
            if _depth(parsed, MAX_JSON_DEPTH):
                await _refuse(send, 400, f"request body: JSON nested deeper than {MAX_JSON_DEPTH}")
                return
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Any, status: int, message: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": "INVALID"}}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})
