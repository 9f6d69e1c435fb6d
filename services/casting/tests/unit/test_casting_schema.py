"""Casting's subgraph in process (`schema.execute` on the in-memory service): authentication,
roles, userErrors by field, `_entities` for each key, organisation isolation, guarded talent
fields, batched loaders, and the live `bookingEvents` subscription."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from casting.schema import schema
from casting.usecases import Casting
from slate.auth import Principal
from slate.repository import MemoryDatabase, MemoryRepository
from slate.testing import data, graphql_context, principal

PRODUCER = principal("org_a", "producer", "casting")
INTRUDER = principal("org_b", "producer", "casting", "accounting", "legal")

CREATE_ROLE = """
mutation($p: ID!, $amount: String!, $dates: [String!]!) {
  createRole(input: {productionId: $p, name: "Lead", rate: {amount: $amount}, workDates: $dates}) {
    role { id name rate { amount currency unit } workDates productionId production { id } }
    userErrors { field message code }
  }
}"""
REGISTER = """
mutation($dob: String!) {
  registerTalent(input: {name: "Rosa Díaz", email: "rosa@example.com", dateOfBirth: $dob,
                         union: SAG_AFTRA}) {
    talent { id name union } userErrors { field message code }
  }
}"""
HOLD = """
mutation($r: ID!, $t: ID!) {
  holdTalent(input: {roleId: $r, talentId: $t}) {
    booking { id status isMinor workDates } userErrors { field message code }
  }
}"""
CONFIRM = """
mutation($b: ID!) {
  confirmBooking(input: {bookingId: $b}) { booking { id status } userErrors { field message code } }
}"""
RELEASE = """
mutation($b: ID!) {
  releaseBooking(input: {bookingId: $b, reason: "recast"}) {
    booking { id status } userErrors { field message code }
  }
}"""
ENTITIES = """
query($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Booking { id status role { name } talent { name } production { id } }
    ... on Talent { id name email dateOfBirth }
    ... on Production { id roles { name bookings { id status talent { name } } } bookings { id } }
  }
}"""
SUBSCRIPTION = """
subscription($p: ID!) {
  bookingEvents(productionId: $p) { kind booking { id status talent { name } } }
}"""


class CountingDatabase(MemoryDatabase):
    """The in-memory database, counting the reads that would be round trips to MongoDB."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def repository(self, name: str, *, org_scoped: bool = True) -> MemoryRepository:
        return _Counting(self, name, org_scoped=org_scoped)


class _Counting(MemoryRepository):
    database: CountingDatabase

    async def get(self, org_id: str, id: str) -> Any:
        self.database.reads += 1
        return await super().get(org_id, id)

    async def get_many(self, org_id: str, ids: Sequence[str]) -> Any:
        self.database.reads += 1
        return await super().get_many(org_id, ids)

    async def find(self, org_id: str, filter: Mapping[str, Any], **kwargs: Any) -> Any:
        self.database.reads += 1
        return await super().find(org_id, filter, **kwargs)


@pytest.fixture
def database() -> CountingDatabase:
    return CountingDatabase()


async def run(
    casting: Casting, query: str, caller: Principal | None = PRODUCER, **variables: Any
) -> Any:
    return await schema.execute(
        query, variable_values=variables, context_value=graphql_context(casting, caller)
    )


async def ok(casting: Casting, query: str, field: str, **variables: Any) -> Any:
    payload = data(await run(casting, query, **variables))[field]
    assert payload["userErrors"] == [], payload
    return payload


async def spine(casting: Casting, dob: str = "1994-02-11") -> dict[str, str]:
    """Role, talent and hold through the schema, as a client would: the ids."""
    role = await ok(
        casting, CREATE_ROLE, "createRole", p="prd_1", amount="1200", dates=["2027-03-02"]
    )
    talent = await ok(casting, REGISTER, "registerTalent", dob=dob)
    hold = await ok(casting, HOLD, "holdTalent", r=role["role"]["id"], t=talent["talent"]["id"])
    return {
        "role": role["role"]["id"],
        "talent": talent["talent"]["id"],
        "booking": hold["booking"]["id"],
    }


def codes(result: Any) -> list[str]:
    return [e.extensions.get("code") for e in result.errors or []]


# --- authentication and roles --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ _service { sdl } }", {}),
        (ENTITIES, {"r": [{"__typename": "Booking", "id": "bkg_x"}]}),
        ("query($id: ID!) { booking(id: $id) { id } }", {"id": "bkg_x"}),
        (CONFIRM, {"b": "bkg_x"}),
    ],
    ids=["service", "entities", "query", "mutation"],
)
async def test_without_a_token_nothing_runs(
    casting: Casting, query: str, variables: dict[str, Any]
) -> None:
    result = await run(casting, query, None, **variables)
    assert result.data is None
    assert codes(result) == ["UNAUTHENTICATED"]


async def test_a_mutation_without_one_of_its_roles_is_refused_in_user_errors(
    casting: Casting, cast: Any
) -> None:
    payload = data(
        await run(
            casting,
            CREATE_ROLE,
            principal("org_a", "viewer"),
            p="prd_1",
            amount="1200",
            dates=["2027-03-02"],
        )
    )["createRole"]
    assert payload["role"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "FORBIDDEN"
    assert "createRole" in error["message"]
    assert await cast.docs("roles") == 0


async def test_a_talent_registers_their_own_profile_and_no_other(casting: Casting) -> None:
    me = principal("org_t", "talent", talent_id="tal_me")
    first = data(await run(casting, REGISTER, me, dob="1994-02-11"))["registerTalent"]
    assert first == {
        "talent": {"id": "tal_me", "name": "Rosa Díaz", "union": "SAG_AFTRA"},
        "userErrors": [],
    }
    again = data(await run(casting, REGISTER, me, dob="1994-02-11"))["registerTalent"]
    assert again["talent"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [(None, "CONFLICT")]
    nameless = data(await run(casting, REGISTER, principal("org_t", "talent"), dob="1994-02-11"))
    assert nameless["registerTalent"]["talent"] is None
    assert [e["code"] for e in nameless["registerTalent"]["userErrors"]] == ["FORBIDDEN"]
    mine = data(await run(casting, '{ talent(id: "tal_me") { id email dateOfBirth } }', me))[
        "talent"
    ]
    assert mine == {"id": "tal_me", "email": "rosa@example.com", "dateOfBirth": "1994-02-11"}


# --- userErrors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"p": "prd_1", "amount": "-100.00", "dates": ["2027-01-04"]}, "rate.amount"),
        ({"p": "prd_1", "amount": "twelve hundred", "dates": ["2027-01-04"]}, "rate.amount"),
        ({"p": "prd_1", "amount": "1200.00", "dates": ["2027-13-01"]}, "workDates[0]"),
        ({"p": "prd_does_not_exist", "amount": "1200.00", "dates": ["2027-01-04"]}, "productionId"),
    ],
)
async def test_bad_role_input_names_the_field_and_writes_nothing(
    casting: Casting, cast: Any, variables: dict[str, Any], field: str
) -> None:
    payload = data(await run(casting, CREATE_ROLE, **variables))["createRole"]
    assert payload["role"] is None
    assert [e["field"] for e in payload["userErrors"]] == [field]
    assert await cast.docs("roles") == 0


async def test_a_birth_date_in_the_future_is_refused_by_field(casting: Casting) -> None:
    payload = data(await run(casting, REGISTER, dob="2099-01-01"))["registerTalent"]
    assert payload["talent"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("dateOfBirth", "INVALID")]


async def test_a_peer_that_is_down_is_a_retriable_user_error(casting: Casting, peers: Any) -> None:
    ids = await spine(casting)
    peers.down.add("legal")
    payload = data(await run(casting, CONFIRM, b=ids["booking"]))["confirmBooking"]
    assert payload["booking"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["UNAVAILABLE"]


async def test_the_loser_of_two_concurrent_confirmations_gets_a_conflict_on_booking_id(
    casting: Casting, peers: Any
) -> None:
    ids = await spine(casting)
    peers.compliance_gate = asyncio.Barrier(2)
    results = await asyncio.gather(*(run(casting, CONFIRM, b=ids["booking"]) for _ in range(2)))
    payloads = [data(r)["confirmBooking"] for r in results]
    assert sorted(bool(p["userErrors"]) for p in payloads) == [False, True]
    [winner] = [p for p in payloads if not p["userErrors"]]
    [loser] = [p for p in payloads if p["userErrors"]]
    assert winner["booking"]["status"] == "BOOKED"
    assert (loser["userErrors"][0]["field"], loser["userErrors"][0]["code"]) == (
        "bookingId",
        "CONFLICT",
    )


async def test_a_released_booking_cannot_be_confirmed(casting: Casting) -> None:
    ids = await spine(casting)
    released = await ok(casting, RELEASE, "releaseBooking", b=ids["booking"])
    assert released["booking"]["status"] == "RELEASED"
    again = data(await run(casting, CONFIRM, b=ids["booking"]))["confirmBooking"]
    assert [e["code"] for e in again["userErrors"]] == ["CONFLICT"]


async def test_peer_calls_act_for_the_requests_caller(casting: Casting, peers: Any) -> None:
    await spine(casting)
    assert peers.calls
    assert {authorization for _, authorization in peers.calls} == {"Bearer test"}


# --- reads, entities and isolation -------------------------------------------------------------


async def test_the_spine_reads_back_through_queries_and_entities(casting: Casting) -> None:
    ids = await spine(casting)
    await ok(casting, CONFIRM, "confirmBooking", b=ids["booking"])
    booking = data(
        await run(casting, "query($id: ID!) { booking(id: $id) { id status } }", id=ids["booking"])
    )
    assert booking == {"booking": {"id": ids["booking"], "status": "BOOKED"}}
    role = data(
        await run(
            casting,
            "query($id: ID!) { role(id: $id) { name rate { amount unit } workDates } }",
            id=ids["role"],
        )
    )
    assert role == {
        "role": {
            "name": "Lead",
            "rate": {"amount": "1200.00", "unit": "DAY"},
            "workDates": ["2027-03-02"],
        }
    }
    entities = data(
        await run(
            casting,
            ENTITIES,
            r=[
                {"__typename": "Booking", "id": ids["booking"]},
                {"__typename": "Talent", "id": ids["talent"]},
                {"__typename": "Production", "id": "prd_1"},
            ],
        )
    )["_entities"]
    assert entities == [
        {
            "id": ids["booking"],
            "status": "BOOKED",
            "role": {"name": "Lead"},
            "talent": {"name": "Rosa Díaz"},
            "production": {"id": "prd_1"},
        },
        {
            "id": ids["talent"],
            "name": "Rosa Díaz",
            "email": "rosa@example.com",
            "dateOfBirth": "****-**-**",
        },
        {
            "id": "prd_1",
            "roles": [
                {
                    "name": "Lead",
                    "bookings": [
                        {"id": ids["booking"], "status": "BOOKED", "talent": {"name": "Rosa Díaz"}}
                    ],
                }
            ],
            "bookings": [{"id": ids["booking"]}],
        },
    ]


async def test_another_organisations_objects_resolve_to_null(casting: Casting) -> None:
    ids = await spine(casting)
    booking = await run(
        casting, "query($id: ID!) { booking(id: $id) { id } }", INTRUDER, id=ids["booking"]
    )
    role = await run(casting, "query($id: ID!) { role(id: $id) { id } }", INTRUDER, id=ids["role"])
    assert (data(booking), data(role)) == ({"booking": None}, {"role": None})
    entities = data(
        await run(
            casting,
            ENTITIES,
            INTRUDER,
            r=[
                {"__typename": "Booking", "id": ids["booking"]},
                {"__typename": "Production", "id": "prd_1"},
            ],
        )
    )["_entities"]
    assert entities == [None, {"id": "prd_1", "roles": [], "bookings": []}]
    refused = data(await run(casting, CONFIRM, INTRUDER, b=ids["booking"]))["confirmBooking"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("bookingId", "NOT_FOUND")]


@pytest.mark.parametrize(
    ("who", "email", "born"),
    [
        ("producer", "rosa@example.com", "****-**-**"),
        ("viewer", None, "****-**-**"),
        ("legal", None, "1994-02-11"),
        ("themselves", "rosa@example.com", "1994-02-11"),
    ],
)
async def test_talent_contact_and_birth_date_show_only_to_whom_they_may(
    casting: Casting, who: str, email: str | None, born: str
) -> None:
    ids = await spine(casting)
    viewer = (
        principal("org_z", "talent", talent_id=ids["talent"])
        if who == "themselves"
        else principal("org_z", who)
    )
    talent = data(
        await run(
            casting,
            "query($id: ID!) { talent(id: $id) { name email dateOfBirth } }",
            viewer,
            id=ids["talent"],
        )
    )["talent"]
    assert talent == {"name": "Rosa Díaz", "email": email, "dateOfBirth": born}


async def test_database_reads_per_query_do_not_grow_with_the_cast(
    casting: Casting, database: CountingDatabase
) -> None:
    async def reads_for_production(production_id: str) -> int:
        before = database.reads
        result = await run(casting, ENTITIES, r=[{"__typename": "Production", "id": production_id}])
        assert data(result)["_entities"][0]["id"] == production_id
        return database.reads - before

    await spine(casting)
    one = await reads_for_production("prd_1")
    for _ in range(4):
        await spine(casting)
    assert (
        await reads_for_production("prd_1") == one == 4
    )  # roles, their bookings, talent, bookings


# --- live subscription ---------------------------------------------------------------------------


async def test_a_subscriber_sees_the_confirmation_of_its_productions_booking(
    casting: Casting, cast: Any, feed: Any
) -> None:
    ids = await spine(casting)
    stream = await schema.subscribe(
        SUBSCRIPTION,
        variable_values={"p": "prd_1"},
        context_value=graphql_context(casting, PRODUCER),
    )
    first = asyncio.ensure_future(anext(stream))
    await asyncio.wait_for(feed.listening.wait(), 2)
    await ok(casting, CONFIRM, "confirmBooking", b=ids["booking"])
    for event in await cast.outbox(ids["booking"]):
        feed.publish(event)  # held (before subscribing: a live view still shows it), confirmed
    held = await asyncio.wait_for(first, 2)
    confirmed = await asyncio.wait_for(anext(stream), 2)
    assert data(held)["bookingEvents"]["kind"] == "HELD"
    assert data(confirmed) == {
        "bookingEvents": {
            "kind": "CONFIRMED",
            "booking": {"id": ids["booking"], "status": "BOOKED", "talent": {"name": "Rosa Díaz"}},
        }
    }
    await stream.aclose()
    await asyncio.wait_for(feed.idle.wait(), 2)  # strawberry closes the resolver right after


@pytest.mark.parametrize(
    ("caller", "code", "text"),
    [
        (INTRUDER, "NOT_FOUND", "productionId"),
        (principal("org_a", "crew"), "FORBIDDEN", "bookingEvents"),
    ],
    ids=["another-org", "no-reader-role"],
)
async def test_a_subscription_the_caller_may_not_have_is_refused(
    casting: Casting, peers: Any, caller: Principal, code: str, text: str
) -> None:
    await spine(casting)
    stream = await schema.subscribe(
        SUBSCRIPTION, variable_values={"p": "prd_1"}, context_value=graphql_context(casting, caller)
    )
    result = await asyncio.wait_for(anext(stream), 2)
    assert result.data is None
    assert codes(result) == [code]
    assert text in result.errors[0].message
    assert peers.calls[-1][1] == "Bearer test"
