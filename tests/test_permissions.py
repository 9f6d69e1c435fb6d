"""The permission matrix (docs/permissions.md) is the code's, and the code does what it says:
every mutation and every role-restricted query of every subgraph, run in process as each role,
is refused FORBIDDEN exactly when the matrix has no tick for that role (the RPCs are checked the
same way by each service's rpc tests). Pure: in-memory databases, no network."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
)
from slate.audit import AuditLog
from slate.auth import ROLES
from slate.grpc import PeerUnavailable
from slate.repository import MemoryDatabase
from slate.testing import cipher, graphql_context, principal
from slate_tools import permissions as matrix

FEDERATION = {"_service", "_entities"}


def test_the_document_is_the_code() -> None:
    assert matrix.DOC.read_text(encoding="utf-8") == matrix.render(matrix.entries()), (
        "docs/permissions.md is stale: run `python -m slate_tools.permissions --write`"
    )


@pytest.mark.parametrize("service", matrix.SERVICES)
def test_every_root_operation_has_its_roles_declared(service: str) -> None:
    declared = set(matrix.permissions(service))
    missing = sorted(set(matrix.root_fields(service)) - declared - FEDERATION)
    assert not missing, f"{service}: operations without an entry in PERMISSIONS: {missing}"


# ------------------------------------------------------------------ behaviour


class DownPeers:
    """Any peer question fails as if the peer were down (allowed callers get UNAVAILABLE)."""

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        async def down(*_: Any, **__: Any) -> Any:
            raise PeerUnavailable("peer is down", method=name, status="UNAVAILABLE")

        return down


async def services_of(name: str) -> Any:
    database = MemoryDatabase()
    audit = AuditLog(database)
    if name == "casting":
        from casting import events
        from casting.store import CastingStore
        from casting.usecases import Casting

        store = CastingStore(database, events.to_outbox)
        await store.ensure_indexes()
        return Casting(store, DownPeers(), cipher(), audit)
    app = __import__(f"{name}.app", fromlist=["SERVICE"])
    store = await app.SERVICE.open_store(database)
    if name == "scheduling":
        from scheduling.usecases import Scheduling

        # Legal (the stage gate's peer) down: allowed callers get UNAVAILABLE.
        return Scheduling(store, audit, DownPeers())
    if name == "payroll":
        from payroll.usecases import Payroll

        return Payroll(store, audit, cipher())  # payee profiles are sealed
    return app.SERVICE.use_cases(store, audit)


TALENT_ID = "tal_matrix"


def filler(kind: GraphQLInputType, name: str = "") -> Any:
    """A value of the input type that passes GraphQL validation (the use case may still refuse
    it, which is fine: only FORBIDDEN is looked for). A talent acts on their own profile, so a
    `talentId` names the calling talent (otherwise the refusal would be about the profile)."""
    if isinstance(kind, GraphQLNonNull):
        return filler(kind.of_type, name)
    if isinstance(kind, GraphQLList):
        return [filler(kind.of_type, name)]
    if name == "talentId":
        return TALENT_ID
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {
            field_name: filler(field.type, field_name)
            for field_name, field in kind.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    assert isinstance(kind, GraphQLScalarType)
    return {"Int": 1, "Float": 1.0, "Boolean": False}.get(kind.name, "2027-03-02")


def operation_cases() -> list[tuple[str, str, str]]:
    """Every mutation, and every query the matrix restricts to some roles."""
    return [
        (service, kind, operation)
        for service in matrix.SERVICES
        for operation, kind in matrix.root_fields(service).items()
        if kind == "mutation" or (kind == "query" and matrix.permissions(service).get(operation))
    ]


def caller(role: str) -> Any:
    return principal("org_a", role, talent_id=TALENT_ID if role == "talent" else None)


@pytest.mark.parametrize(("service", "kind", "operation"), operation_cases())
async def test_each_role_is_refused_exactly_where_the_matrix_says(
    service: str, kind: str, operation: str
) -> None:
    schema: Any = __import__(f"{service}.schema", fromlist=["schema"]).schema
    root = schema._schema.mutation_type if kind == "mutation" else schema._schema.query_type
    field = root.fields[operation]
    args = ", ".join(f"${a}: {t.type}" for a, t in field.args.items())
    passed = ", ".join(f"{a}: ${a}" for a in field.args)
    payload = get_named_type(field.type)
    selection = ""
    if isinstance(payload, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
        selection = "{ __typename }"
        if isinstance(payload, GraphQLObjectType) and "userErrors" in payload.fields:
            selection = "{ __typename userErrors { code field } }"
    call = f"{operation}({passed})" if passed else operation
    query = f"{kind}{f'({args})' if args else ''} {{ {call} {selection} }}"
    variables = {a: filler(t.type) for a, t in field.args.items()}
    allowed = set(matrix.permissions(service)[operation])
    for role in sorted(ROLES):
        context = graphql_context(await services_of(service), caller(role))
        result = await schema.execute(query, variable_values=variables, context_value=context)
        codes = {str((e.extensions or {}).get("code")) for e in result.errors or []}
        for value in (result.data or {}).values():
            if isinstance(value, dict):
                codes |= {e["code"] for e in value.get("userErrors", [])}
        forbidden = "FORBIDDEN" in codes
        expected = bool(allowed) and role not in allowed
        assert forbidden == expected, (service, operation, role, codes, result.errors)
