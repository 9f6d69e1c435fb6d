"""Legal's subgraph in process: authentication, roles, userErrors, entities, org isolation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from legal.schema import schema
from legal.usecases import Legal, contract_id_of
from slate.auth import Principal
from slate.events.snapshots import BookingSnapshot
from slate.testing import data, graphql_context, principal

PRODUCER = principal("org_a", "producer")
RECORD = """mutation($input: RecordWorkPermitInput!) { recordWorkPermit(input: $input) {
    workPermit { id talentId number expiresOn } userErrors { field message code } } }"""
PERMIT = {"talentId": "tal_1", "number": "EWP-1", "expiresOn": "2027-06-01"}
CONTRACT = "query($id: ID!) { contract(id: $id) { id status template bookingId roleName } }"
ENTITIES = """query($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Booking { id contract { id status } }
    ... on Production { id contracts { bookingId status } } } }"""


async def run(legal: Legal, query: str, variables: dict[str, Any], caller: Principal | None) -> Any:
    return await schema.execute(
        query, variable_values=variables, context_value=graphql_context(legal, caller)
    )


def codes(result: Any) -> list[str | None]:
    return [(e.extensions or {}).get("code") for e in result.errors or ()]


@pytest.fixture
async def drafted(legal: Legal, booking: Callable[..., BookingSnapshot]) -> Legal:
    await legal.draft_contract(booking())
    await legal.draft_contract(booking(booking_id="bkg_2", is_minor=True))
    return legal


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (RECORD, {"input": PERMIT}),
        (CONTRACT, {"id": "con_1"}),
        (ENTITIES, {"representations": [{"__typename": "Booking", "id": "bkg_1"}]}),
        ("{ _service { sdl } }", {}),
    ],
)
async def test_without_a_token_nothing_runs(
    legal: Legal, query: str, variables: dict[str, Any]
) -> None:
    result = await run(legal, query, variables, None)
    assert result.data is None
    assert codes(result) == ["UNAUTHENTICATED"]


async def test_a_producer_records_a_permit(legal: Legal) -> None:
    payload = data(await run(legal, RECORD, {"input": PERMIT}, PRODUCER))["recordWorkPermit"]
    assert payload["userErrors"] == []
    assert payload["workPermit"]["id"].startswith("wpm_")
    assert {k: v for k, v in payload["workPermit"].items() if k != "id"} == PERMIT


async def test_casting_may_not_record_a_permit(legal: Legal) -> None:
    caller = principal("org_a", "casting")
    payload = data(await run(legal, RECORD, {"input": PERMIT}, caller))["recordWorkPermit"]
    assert payload["workPermit"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"talentId": "bkg_1"}, "talentId"),
        ({"number": ""}, "number"),
        ({"expiresOn": "2027-13-01"}, "expiresOn"),
    ],
)
async def test_bad_permit_input_comes_back_as_user_errors_naming_the_field(
    legal: Legal, changes: dict[str, str], field: str
) -> None:
    variables = {"input": {**PERMIT, **changes}}
    payload = data(await run(legal, RECORD, variables, PRODUCER))["recordWorkPermit"]
    assert payload["workPermit"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "INVALID")]


async def test_a_contract_is_read_by_id(drafted: Legal) -> None:
    contract_id = contract_id_of("bkg_2")
    found = data(await run(drafted, CONTRACT, {"id": contract_id}, PRODUCER))["contract"]
    assert found["id"] == contract_id
    assert (found["status"], found["bookingId"], found["roleName"]) == ("DRAFT", "bkg_2", "Lead")
    assert found["template"].endswith("minor's addendum (Coogan)")


async def test_a_talent_reads_only_their_own_contracts(drafted: Legal) -> None:
    party = principal("org_a", "talent", talent_id="tal_1")
    own = data(await run(drafted, CONTRACT, {"id": contract_id_of("bkg_1")}, party))
    assert own["contract"]["bookingId"] == "bkg_1"
    stranger = principal("org_a", "talent", talent_id="tal_2")
    other = data(await run(drafted, CONTRACT, {"id": contract_id_of("bkg_1")}, stranger))
    assert other == {"contract": None}


async def test_crew_may_not_read_contracts(drafted: Legal) -> None:
    caller = principal("org_a", "crew")
    result = await run(drafted, CONTRACT, {"id": contract_id_of("bkg_1")}, caller)
    assert result.data == {"contract": None}
    assert codes(result) == ["FORBIDDEN"]


async def test_entities_carry_their_contracts(drafted: Legal) -> None:
    representations = [
        {"__typename": "Booking", "id": "bkg_1"},
        {"__typename": "Booking", "id": "bkg_2"},
        {"__typename": "Booking", "id": "bkg_none"},
        {"__typename": "Production", "id": "prd_1"},
        {"__typename": "Production", "id": "prd_none"},
    ]
    variables = {"representations": representations}
    entities = data(await run(drafted, ENTITIES, variables, PRODUCER))["_entities"]
    entities[3]["contracts"].sort(key=lambda c: c["bookingId"])  # stored order: by contract id
    assert entities == [
        {"id": "bkg_1", "contract": {"id": contract_id_of("bkg_1"), "status": "DRAFT"}},
        {"id": "bkg_2", "contract": {"id": contract_id_of("bkg_2"), "status": "DRAFT"}},
        {"id": "bkg_none", "contract": None},
        {
            "id": "prd_1",
            "contracts": [
                {"bookingId": "bkg_1", "status": "DRAFT"},
                {"bookingId": "bkg_2", "status": "DRAFT"},
            ],
        },
        {"id": "prd_none", "contracts": []},
    ]


async def test_a_voided_contract_shows_void_on_its_booking(
    drafted: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    await drafted.void_contract(booking(status="RELEASED"))
    variables = {"representations": [{"__typename": "Booking", "id": "bkg_1"}]}
    [entity] = data(await run(drafted, ENTITIES, variables, PRODUCER))["_entities"]
    assert entity["contract"]["status"] == "VOID"


async def test_another_organisation_sees_no_contract(drafted: Legal) -> None:
    intruder = principal("org_b", "producer", "legal", "casting", "accounting")
    by_id = await run(drafted, CONTRACT, {"id": contract_id_of("bkg_1")}, intruder)
    assert data(by_id) == {"contract": None}
    representations = [
        {"__typename": "Booking", "id": "bkg_1"},
        {"__typename": "Production", "id": "prd_1"},
    ]
    entities = await run(drafted, ENTITIES, {"representations": representations}, intruder)
    assert data(entities)["_entities"] == [
        {"id": "bkg_1", "contract": None},
        {"id": "prd_1", "contracts": []},
    ]


async def test_contracts_of_many_bookings_load_in_one_batch(
    drafted: Legal, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[list[str]] = []
    load = drafted.contract_by_booking

    async def counted(org_id: str, booking_ids: list[str]) -> Any:
        batches.append(list(booking_ids))
        return await load(org_id, booking_ids)

    monkeypatch.setattr(drafted, "contract_by_booking", counted)
    ids = ["bkg_1", "bkg_2", "bkg_3"]
    variables = {"representations": [{"__typename": "Booking", "id": i} for i in ids]}
    data(await run(drafted, ENTITIES, variables, PRODUCER))
    assert batches == [ids]


async def test_the_booked_talent_reads_their_bookings_contract_and_no_one_elses(
    legal: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    await legal.draft_contract(booking(booking_id="bkg_a", talent_id="tal_a"))
    await legal.draft_contract(booking(booking_id="bkg_b", talent_id="tal_b"))
    query = """query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Booking { id contract { id status } } } }"""

    def both() -> dict[str, Any]:  # fresh each time: strawberry pops __typename off the input
        return {
            "representations": [
                {"__typename": "Booking", "id": "bkg_a"},
                {"__typename": "Booking", "id": "bkg_b"},
            ]
        }

    me = principal("org_a", "talent", talent_id="tal_a")
    assert data(await run(legal, query, both(), me))["_entities"] == [
        {"id": "bkg_a", "contract": {"id": contract_id_of("bkg_a"), "status": "DRAFT"}},
        {"id": "bkg_b", "contract": None},
    ]
    forbidden = await run(legal, query, both(), principal("org_a", "viewer"))
    assert set(codes(forbidden)) == {"FORBIDDEN"}
