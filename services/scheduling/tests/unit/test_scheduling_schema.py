"""Scheduling's subgraph in process: authentication, roles, userErrors, paging, entities, orgs."""

from __future__ import annotations

from typing import Any

import pytest
from scheduling.schema import schema
from scheduling.usecases import Scheduling
from slate.auth import Principal
from slate.testing import data, graphql_context, principal

PRODUCER = principal("org_a", "producer")
INTRUDER = principal("org_b", "producer", "casting", "accounting", "legal")

CREATE = """
mutation($title: String!, $timezone: String! = "America/Los_Angeles") {
  createProduction(input: {title: $title, client: "Acme Soda", kind: FILM, timezone: $timezone}) {
    production { id title client kind stage timezone createdAt }
    userErrors { field message code }
  }
}
"""
PRODUCTION = "query($id: ID!) { production(id: $id) { id title } }"
PRODUCTIONS = """
query($first: Int, $after: String) {
  productions(first: $first, after: $after) {
    edges { cursor node { id title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ENTITIES = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Production { id title } } }
"""


async def run(
    scheduling: Scheduling, query: str, caller: Principal | None, **variables: Any
) -> Any:
    return await schema.execute(
        query, variable_values=variables, context_value=graphql_context(scheduling, caller)
    )


async def created(scheduling: Scheduling, title: str = "Spring Spot") -> str:
    payload = data(await run(scheduling, CREATE, PRODUCER, title=title))["createProduction"]
    assert payload["userErrors"] == []
    production_id: str = payload["production"]["id"]
    return production_id


def codes(result: Any) -> list[str]:
    return [e.extensions["code"] for e in result.errors or []]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (CREATE, {"title": "Spot"}),
        (PRODUCTION, {"id": "prd_1"}),
        (PRODUCTIONS, {}),
        (ENTITIES, {"r": [{"__typename": "Production", "id": "prd_1"}]}),
        ("{ _service { sdl } }", {}),
    ],
)
async def test_without_a_token_nothing_runs(
    scheduling: Scheduling, query: str, variables: dict[str, Any]
) -> None:
    result = await run(scheduling, query, None, **variables)
    assert result.data is None
    assert codes(result) == ["UNAUTHENTICATED"]


async def test_a_producer_creates_a_production(scheduling: Scheduling) -> None:
    payload = data(await run(scheduling, CREATE, PRODUCER, title="  Spring Spot "))
    production = payload["createProduction"]["production"]
    assert production["id"].startswith("prd_")
    assert {k: production[k] for k in ("title", "client", "kind", "stage", "timezone")} == {
        "title": "Spring Spot",
        "client": "Acme Soda",
        "kind": "FILM",
        "stage": "PLANNING",
        "timezone": "America/Los_Angeles",
    }
    assert production["createdAt"]
    assert payload["createProduction"]["userErrors"] == []


async def test_another_role_is_refused_in_user_errors(scheduling: Scheduling) -> None:
    result = data(await run(scheduling, CREATE, principal("org_a", "casting"), title="Spot"))
    payload = result["createProduction"]
    assert payload["production"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (None, "FORBIDDEN")
    assert "createProduction" in error["message"]


async def test_bad_input_names_each_field(scheduling: Scheduling) -> None:
    result = data(await run(scheduling, CREATE, PRODUCER, title=" ", timezone="Mars/Olympus"))
    payload = result["createProduction"]
    assert payload["production"] is None
    assert payload["userErrors"] == [
        {"field": "title", "message": "must not be empty", "code": "INVALID"},
        {
            "field": "timezone",
            "message": "not an IANA time zone: 'Mars/Olympus'",
            "code": "INVALID",
        },
    ]
    assert data(await run(scheduling, PRODUCTIONS, PRODUCER))["productions"]["edges"] == []


async def test_a_production_is_read_by_its_organisation_only(scheduling: Scheduling) -> None:
    production_id = await created(scheduling)
    ours = data(await run(scheduling, PRODUCTION, principal("org_a", "viewer"), id=production_id))
    assert ours["production"] == {"id": production_id, "title": "Spring Spot"}
    theirs = data(await run(scheduling, PRODUCTION, INTRUDER, id=production_id))
    assert theirs["production"] is None
    missing = data(await run(scheduling, PRODUCTION, PRODUCER, id="prd_missing"))
    assert missing["production"] is None


async def test_productions_are_paged_with_cursors(scheduling: Scheduling) -> None:
    ids = sorted([await created(scheduling, f"Spot {i}") for i in range(3)])
    first = data(await run(scheduling, PRODUCTIONS, PRODUCER, first=2))["productions"]
    assert [e["node"]["id"] for e in first["edges"]] == ids[:2]
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": first["edges"][-1]["cursor"]}
    rest = data(
        await run(scheduling, PRODUCTIONS, PRODUCER, first=2, after=first["pageInfo"]["endCursor"])
    )["productions"]
    assert [e["node"]["id"] for e in rest["edges"]] == ids[2:]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert data(await run(scheduling, PRODUCTIONS, INTRUDER))["productions"]["edges"] == []


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 0}, "first: must be between 1 and 200"),
        ({"after": "x"}, "after: not a valid cursor"),
    ],
)
async def test_bad_paging_arguments_are_invalid(
    scheduling: Scheduling, variables: dict[str, Any], message: str
) -> None:
    result = await run(scheduling, PRODUCTIONS, PRODUCER, **variables)
    assert codes(result) == ["INVALID"]
    assert result.errors[0].message == message


async def test_entities_resolve_by_id_within_the_callers_organisation(
    scheduling: Scheduling,
) -> None:
    production_id = await created(scheduling)

    def representations() -> list[dict[str, str]]:  # the executor consumes __typename
        return [
            {"__typename": "Production", "id": production_id},
            {"__typename": "Production", "id": "prd_missing"},
        ]

    ours = data(await run(scheduling, ENTITIES, PRODUCER, r=representations()))
    assert ours["_entities"] == [{"id": production_id, "title": "Spring Spot"}, None]
    theirs = data(await run(scheduling, ENTITIES, INTRUDER, r=representations()))
    assert theirs["_entities"] == [None, None]


async def test_entities_are_loaded_in_one_batch(
    scheduling: Scheduling, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [await created(scheduling, f"Spot {i}") for i in range(3)]
    batches: list[list[str]] = []
    load = scheduling.productions_by_id

    async def counted(org_id: str, production_ids: Any) -> Any:
        batches.append(list(production_ids))
        return await load(org_id, production_ids)

    monkeypatch.setattr(scheduling, "productions_by_id", counted)
    representations = [{"__typename": "Production", "id": i} for i in ids]
    result = data(await run(scheduling, ENTITIES, PRODUCER, r=representations))
    assert [e["id"] for e in result["_entities"]] == ids
    assert batches == [ids]
