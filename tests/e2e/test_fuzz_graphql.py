"""Property-based fuzzing of every subgraph and the gateway with queries and mutations generated
from their own schemas (valid and invalid ones): never a 5xx, never a stack trace or internal
exception text in an answer, and the services' memory stays bounded."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from graphql import (
    GraphQLScalarType,
    NameNode,
    ObjectFieldNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    build_client_schema,
    build_schema,
    get_introspection_query,
    print_schema,
    specified_scalar_types,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema

from .conftest import ROOT, token

pytestmark = pytest.mark.e2e

ENDPOINTS = {
    "casting": "http://127.0.0.1:4001/graphql",
    "payroll": "http://127.0.0.1:4002/graphql",
    "scheduling": "http://127.0.0.1:4003/graphql",
    "legal": "http://127.0.0.1:4004/graphql",
    "gateway": "http://127.0.0.1:4000/graphql",
}
EXAMPLES = int(os.environ.get("SLATE_FUZZ_EXAMPLES", "60"))
# What must never reach a client: Python or Node stack traces and internal exception text.
LEAKS = re.compile(
    r"Traceback \(most recent call last\)|File \"/|\bat .+\.(?:js|mjs|ts):\d+|"
    r"codec can't|Exceeds the limit|KeyError|AttributeError|TypeError: |object has no attribute"
)
RUN = ROOT / ".local" / "run"
SPECIFIED = set(specified_scalar_types)


def rss_mb(name: str) -> float | None:
    """Resident memory of a stack process (from its pid file), in MB."""
    try:
        pid = (RUN / f"{name}.pid").read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=20) as c:
        yield c


def _entity(typename: str, id: str) -> ValueNode:
    """A federation representation, `{__typename, id}`, as the gateway sends in `_entities`."""
    return ObjectValueNode(
        fields=(
            ObjectFieldNode(
                name=NameNode(value="__typename"), value=StringValueNode(value=typename)
            ),
            ObjectFieldNode(name=NameNode(value="id"), value=StringValueNode(value=id)),
        )
    )


def custom_scalars(sdl: str) -> dict[str, st.SearchStrategy[ValueNode]]:
    """Strategies for the schema's own scalars: representations for `_Any`, strings otherwise."""
    schema = build_schema(sdl)
    out: dict[str, st.SearchStrategy[ValueNode]] = {}
    for name, kind in schema.type_map.items():
        if isinstance(kind, GraphQLScalarType) and name not in SPECIFIED:
            out[name] = st.text(max_size=40).map(lambda v: StringValueNode(value=v))
    out["_Any"] = st.builds(
        _entity,
        st.sampled_from(["Booking", "Talent", "Production", "Role", "ShootDay", "Nope"]),
        st.one_of(st.sampled_from(["bkg_1", "tal_1", "prd_1"]), st.text(max_size=30)),
    )
    return out


def schema_of(client: httpx.Client, url: str, auth: str) -> str:
    body = client.post(
        url, json={"query": get_introspection_query()}, headers={"authorization": auth}
    ).json()
    assert "errors" not in body, body
    return print_schema(build_client_schema(body["data"]))


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_generated_operations_never_crash_or_leak(name: str, client: httpx.Client) -> None:
    url = ENDPOINTS[name]
    org = f"org_fuzz_{name}"
    auth = "Bearer " + token(org, "producer", "casting", "legal", "accounting")
    sdl = schema_of(client, url, auth)
    before = rss_mb(name)
    scalars = custom_scalars(sdl)
    operations = st.one_of(
        from_schema(sdl, mode=Mode.POSITIVE, custom_scalars=scalars),
        from_schema(sdl, mode=Mode.NEGATIVE, custom_scalars=scalars),
    )
    answered: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(operations)
    def check(query: str) -> None:
        response = client.post(url, json={"query": query}, headers={"authorization": auth})
        answered.append(response.status_code)
        assert response.status_code < 500, (query, response.status_code, response.text[:500])
        assert not LEAKS.search(response.text), (query, response.text[:1000])

    check()
    assert len(answered) >= min(EXAMPLES, 10)
    after = rss_mb(name)
    if before is not None and after is not None:
        assert after - before < 150, f"{name} grew from {before:.0f} MB to {after:.0f} MB"
