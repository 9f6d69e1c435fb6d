"""Casting's subgraph in process (`schema.execute` on the in-memory service): authentication,
roles, userErrors by field, `_entities` for each key, organisation isolation, guarded talent
fields, batched loaders, and the live `bookingEvents` subscription."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from casting.domain.model import Production
from casting.schema import schema
from casting.usecases import PERMISSIONS, Casting
from slate.auth import ROLES, Principal
from slate.repository import MemoryDatabase, MemoryRepository
from slate.testing import data, graphql_context, principal

from ..builders import run

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


def test_every_operation_of_the_subgraph_has_its_roles_in_permissions() -> None:
    graphql = schema._schema
    roots = (graphql.query_type, graphql.mutation_type, graphql.subscription_type)
    operations = {name for root in roots if root is not None for name in root.fields}
    assert operations <= set(PERMISSIONS), operations - set(PERMISSIONS)
    assert all(role in ROLES for roles in PERMISSIONS.values() for role in roles)


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($id: ID!) { talent(id: $id) { id } }", {"id": "tal_x"}),
        ("query($id: ID!) { role(id: $id) { id } }", {"id": "rol_x"}),
        ("query($id: ID!) { booking(id: $id) { id } }", {"id": "bkg_x"}),
        (ENTITIES, {"r": [{"__typename": "Talent", "id": "tal_x"}]}),
    ],
    ids=["talent", "role", "booking", "entities"],
)
async def test_reads_are_open_to_every_authenticated_role(
    casting: Casting, query: str, variables: dict[str, Any]
) -> None:
    for role in sorted(ROLES):  # (strawberry pops `__typename` from representations: copies)
        caller = principal("org_a", role)
        assert data(await run(casting, query, caller, **copy.deepcopy(variables)))


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
        ("producer", None, "****-**-**"),
        ("viewer", None, "****-**-**"),
        ("legal", None, "****-**-**"),
        ("themselves", "rosa@example.com", "1994-02-11"),
    ],
)
async def test_an_organisation_with_no_tie_to_the_talent_sees_no_personal_data(
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


# --- personal data across organisations (issue 8, finding 3) ----------------------------------

TALENT_PERSONAL = "query($id: ID!) { talent(id: $id) { name email dateOfBirth } }"
BOOKING_PERSONAL = "query($id: ID!) { booking(id: $id) { talent { name email dateOfBirth } } }"
ENTITY_PERSONAL = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Talent { name email dateOfBirth } } }
"""
BORN = "1994-02-11"
MASKED = "****-**-**"


async def as_(caller: Principal, casting: Casting, query: str, field: str, **variables: Any) -> Any:
    payload = data(await run(casting, query, caller, **variables))[field]
    assert payload["userErrors"] == [], payload
    return payload


async def book(
    casting: Casting, peers: Any, org: str, talent_id: str, *, then: str = "hold"
) -> str:
    """A hold of the talent in a production of `org` (then confirmed or released): its id."""
    peers.productions[(org, f"prd_{org}")] = Production(
        id=f"prd_{org}", org_id=org, timezone="America/Los_Angeles"
    )
    staff = principal(org, "producer", "casting")
    role = await as_(
        staff,
        casting,
        CREATE_ROLE,
        "createRole",
        p=f"prd_{org}",
        amount="1200",
        dates=["2027-03-02"],
    )
    hold = await as_(staff, casting, HOLD, "holdTalent", r=role["role"]["id"], t=talent_id)
    booking_id: str = hold["booking"]["id"]
    if then == "confirm":
        await as_(staff, casting, CONFIRM, "confirmBooking", b=booking_id)
    elif then == "release":
        await as_(staff, casting, RELEASE, "releaseBooking", b=booking_id)
    return booking_id


@pytest.fixture
async def network(casting: Casting, peers: Any) -> dict[str, str]:
    """Rosa, registered by org_a (the PRODUCER's); on hold with org_h, booked by org_b, held and
    released by org_r; org_c has nothing to do with her."""
    talent = await ok(casting, REGISTER, "registerTalent", dob=BORN)
    talent_id: str = talent["talent"]["id"]
    return {
        "talent": talent_id,
        "org_b": await book(casting, peers, "org_b", talent_id, then="confirm"),
        "org_h": await book(casting, peers, "org_h", talent_id),
        "org_r": await book(casting, peers, "org_r", talent_id, then="release"),
    }


SEES = [
    # org, roles, sees the email, sees the birth date
    ("org_b", ("producer", "casting"), True, False),  # books her: contact, but not her age
    ("org_b", ("legal",), False, True),  # legal of the organisation that books her
    ("org_b", ("producer", "legal"), True, True),
    ("org_b", ("viewer", "accounting"), False, False),
    ("org_h", ("producer", "casting"), True, False),  # holds her
    ("org_h", ("legal",), False, False),  # a hold is not a booking
    ("org_a", ("producer", "casting"), True, False),  # registered her
    ("org_a", ("legal",), False, False),  # registering is not booking
    ("org_r", ("producer", "casting", "legal"), False, False),  # released: no tie left
    ("org_c", ("producer", "casting", "accounting", "legal"), False, False),  # never any tie
]


@pytest.mark.parametrize(("org", "roles", "email", "born"), SEES)
async def test_personal_data_shows_only_to_organisations_tied_to_the_talent(
    casting: Casting,
    network: dict[str, str],
    org: str,
    roles: tuple[str, ...],
    email: bool,
    born: bool,
) -> None:
    caller = principal(org, *roles)
    expected = {
        "name": "Rosa Díaz",
        "email": "rosa@example.com" if email else None,
        "dateOfBirth": BORN if born else MASKED,
    }
    by_id = data(await run(casting, TALENT_PERSONAL, caller, id=network["talent"]))["talent"]
    entities = data(
        await run(
            casting,
            ENTITY_PERSONAL,
            caller,
            r=[{"__typename": "Talent", "id": network["talent"]}],
        )
    )["_entities"]
    assert (by_id, entities) == (expected, [expected])
    if org in network:  # and through the organisation's own booking of her
        booking = data(await run(casting, BOOKING_PERSONAL, caller, id=network[org]))["booking"]
        assert booking == {"talent": expected}


async def test_the_talent_sees_their_own_personal_data_from_any_organisation(
    casting: Casting, network: dict[str, str]
) -> None:
    herself = principal("org_z", "talent", talent_id=network["talent"])
    someone_else = principal("org_b", "talent", "legal", "producer", talent_id="tal_other")
    mine = {"name": "Rosa Díaz", "email": "rosa@example.com", "dateOfBirth": BORN}
    assert data(await run(casting, TALENT_PERSONAL, herself, id=network["talent"])) == {
        "talent": mine
    }
    entities = data(
        await run(
            casting, ENTITY_PERSONAL, herself, r=[{"__typename": "Talent", "id": network["talent"]}]
        )
    )
    assert entities == {"_entities": [mine]}
    # Being talent does not open anyone else's: org_b's staff rules apply to this caller.
    other = data(await run(casting, TALENT_PERSONAL, someone_else, id=network["talent"]))
    assert other == {"talent": mine}
    stranger = principal("org_c", "talent", talent_id="tal_other")
    assert data(await run(casting, TALENT_PERSONAL, stranger, id=network["talent"])) == {
        "talent": {"name": "Rosa Díaz", "email": None, "dateOfBirth": MASKED}
    }


async def test_a_live_booking_event_shows_the_talent_as_the_subscriber_may_see_her(
    casting: Casting, cast: Any, feed: Any, network: dict[str, str]
) -> None:
    stream = await schema.subscribe(
        "subscription($p: ID!) { bookingEvents(productionId: $p) "
        "{ kind booking { id talent { email dateOfBirth } } } }",
        variable_values={"p": "prd_org_b"},
        context_value=graphql_context(casting, principal("org_b", "legal")),
    )
    first = asyncio.ensure_future(anext(stream))
    await asyncio.wait_for(feed.listening.wait(), 2)
    for event in await cast.outbox(network["org_b"]):
        feed.publish(event)
    held = data(await asyncio.wait_for(first, 2))["bookingEvents"]
    assert held["booking"]["talent"] == {"email": None, "dateOfBirth": BORN}
    await stream.aclose()


async def test_personal_data_of_a_whole_cast_costs_constant_database_reads(
    casting: Casting, peers: Any, database: CountingDatabase
) -> None:
    query = """
    query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Production { bookings { talent { name email dateOfBirth } } } } }"""
    booker = principal("org_b", "producer", "legal")

    async def reads(cast_size: int) -> int:
        for _ in range(cast_size):
            talent = await ok(casting, REGISTER, "registerTalent", dob=BORN)
            await book(casting, peers, "org_b", talent["talent"]["id"], then="confirm")
        before = database.reads
        result = data(
            await run(casting, query, booker, r=[{"__typename": "Production", "id": "prd_org_b"}])
        )
        talents = [b["talent"] for b in result["_entities"][0]["bookings"]]
        assert {t["dateOfBirth"] for t in talents} == {BORN}
        assert {t["email"] for t in talents} == {"rosa@example.com"}
        return database.reads - before

    one = await reads(1)
    assert await reads(5) == one == 3  # the production's bookings, their talent, the ties
