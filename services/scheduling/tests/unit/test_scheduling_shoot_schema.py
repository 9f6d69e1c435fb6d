"""The shoot schedule through scheduling's subgraph in process."""

from __future__ import annotations

from typing import Any

from scheduling.schema import schema
from scheduling.usecases import Scheduling
from slate.auth import Principal
from slate.testing import graphql_context

from .test_scheduling_shoot import PRODUCER, book, production
from .test_scheduling_stripboard_usecases import film

LOCATION = """
mutation($p: ID!, $name: String!) {
  createLocation(input: {productionId: $p, name: $name, address: "1 Main St", parking: "Lot"}) {
    location { id name parking } userErrors { field code }
  }
}
"""
SCENE = """
mutation($p: ID!, $loc: ID!, $roles: [ID!]!) {
  createScene(input: {productionId: $p, number: "1", locationId: $loc, duration: 1,
                      roleIds: $roles}) {
    scene { id number location { name } roleIds } userErrors { field code }
  }
}
"""
PROPOSE = """
mutation($p: ID!) {
  proposeStripboard(input: {productionId: $p}) {
    proposal { sceneIds cost optimal lowerBound currency instance } userErrors { field code }
  }
}
"""


async def run(scheduling: Scheduling, query: str, caller: Principal | None, **v: Any) -> Any:
    result = await schema.execute(
        query, variable_values=v, context_value=graphql_context(scheduling, caller)
    )
    return result


async def test_locations_scenes_and_a_proposal(scheduling: Scheduling) -> None:
    prd = await production(scheduling)
    await book(scheduling, prd, "rol_1", "tal_1")
    made = (await run(scheduling, LOCATION, PRODUCER, p=prd, name="Stage")).data
    loc = made["createLocation"]["location"]
    assert loc["name"] == "Stage"
    bad = (await run(scheduling, SCENE, PRODUCER, p=prd, loc="loc_nope", roles=["rol_zz"])).data
    assert bad["createScene"]["scene"] is None
    assert {e["field"] for e in bad["createScene"]["userErrors"]} == {"locationId", "roleIds[0]"}
    good = (await run(scheduling, SCENE, PRODUCER, p=prd, loc=loc["id"], roles=["rol_1"])).data
    assert good["createScene"]["scene"]["location"] == {"name": "Stage"}
    f = await film(scheduling)
    proposed = (await run(scheduling, PROPOSE, PRODUCER, p=f.production_id)).data
    proposal = proposed["proposeStripboard"]["proposal"]
    assert proposal["optimal"] is True
    assert proposal["cost"] == proposal["lowerBound"]
    assert len(proposal["sceneIds"]) == 8


async def test_without_a_token_nothing_runs(scheduling: Scheduling) -> None:
    result = await run(scheduling, LOCATION, None, p="prd_x", name="A")
    assert result.errors
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
