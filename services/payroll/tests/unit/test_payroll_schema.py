"""Payroll's subgraph in process: authentication, roles, errors, `_entities`, organisations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from payroll.domain.engagements import Engagement
from payroll.schema import schema
from payroll.store import PayrollStore
from payroll.usecases import Payroll, engagement_id_for
from slate.audit import AuditLog
from slate.auth import Principal
from slate.events.snapshots import BookingSnapshot
from slate.repository import MemoryDatabase
from slate.testing import cipher, data, graphql_context, principal
from slate_domain import Rate

Booking = Callable[..., BookingSnapshot]
ENG_1 = engagement_id_for("bkg_1")

FRAGMENT = """
fragment E on Engagement {
    id status agreement rate { amount currency } rateUnit workDates
    estimatedCost { total { amount currency } lines { kind amount { amount } rule } warnings }
}
"""
BOOKINGS = (
    """query($reps: [_Any!]!) { _entities(representations: $reps) {
         ... on Booking { id engagement { ...E } } } }"""
    + FRAGMENT
)
ENGAGEMENT = "query($id: ID!) { engagement(id: $id) { ...E } }" + FRAGMENT


def bookings(*ids: str) -> dict[str, Any]:
    return {"reps": [{"__typename": "Booking", "id": i} for i in ids]}


async def run(
    service: Payroll, caller: Principal | None, query: str, variables: dict[str, Any]
) -> Any:
    return await schema.execute(
        query, variable_values=variables, context_value=graphql_context(service, caller)
    )


def codes(result: Any) -> list[str]:
    return [e.extensions["code"] for e in result.errors or ()]


@pytest.fixture
async def opened(payroll: Payroll, booking: Booking) -> Payroll:
    await payroll.on_booking_confirmed(booking())
    return payroll


async def test_a_bookings_engagement_resolves_through_entities_with_its_cost(
    opened: Payroll,
) -> None:
    result = data(await run(opened, principal("org_a", "casting"), BOOKINGS, bookings("bkg_1")))
    [entity] = result["_entities"]
    assert entity["id"] == "bkg_1"
    engagement = entity["engagement"]
    assert engagement["id"] == ENG_1
    assert engagement["status"] == "PENDING_ONBOARDING"
    assert engagement["agreement"] == "sag-aftra-commercials"
    assert engagement["rate"] == {"amount": "1200.00", "currency": "USD"}
    assert (engagement["rateUnit"], engagement["workDates"]) == (
        "DAY",
        ["2027-03-02", "2027-03-03"],
    )
    cost = engagement["estimatedCost"]
    assert cost["total"] == {"amount": "2964.00", "currency": "USD"}
    assert [line["kind"] for line in cost["lines"]] == ["gross", "pension_health"]


async def test_a_booking_without_an_engagement_resolves_it_as_null(opened: Payroll) -> None:
    result = data(await run(opened, principal("org_a"), BOOKINGS, bookings("bkg_held")))
    assert result["_entities"] == [{"id": "bkg_held", "engagement": None}]


async def test_an_engagement_resolves_by_id(opened: Payroll) -> None:
    result = data(await run(opened, principal("org_a", "accounting"), ENGAGEMENT, {"id": ENG_1}))
    assert result["engagement"]["status"] == "PENDING_ONBOARDING"


async def test_another_orgs_engagement_resolves_to_null(opened: Payroll) -> None:
    other = principal("org_b", "producer")
    assert data(await run(opened, other, ENGAGEMENT, {"id": ENG_1})) == {"engagement": None}
    result = data(await run(opened, other, BOOKINGS, bookings("bkg_1")))
    assert result["_entities"] == [{"id": "bkg_1", "engagement": None}]


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (ENGAGEMENT, {"id": ENG_1}),
        (BOOKINGS, bookings("bkg_1")),
        ("{ _service { sdl } }", {}),
    ],
    ids=["engagement", "entities", "service"],
)
async def test_without_a_token_every_operation_is_unauthenticated(
    opened: Payroll, query: str, variables: dict[str, Any]
) -> None:
    result = await run(opened, None, query, variables)
    assert result.data is None
    assert codes(result) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("role", ["talent", "viewer", "legal", "crew"])
async def test_roles_that_may_not_see_pay_are_forbidden(opened: Payroll, role: str) -> None:
    caller = principal("org_a", role, talent_id="tal_1" if role == "talent" else None)
    by_id = await run(opened, caller, ENGAGEMENT, {"id": ENG_1})
    assert by_id.data == {"engagement": None}
    assert codes(by_id) == ["FORBIDDEN"]
    via_booking = await run(opened, caller, BOOKINGS, bookings("bkg_1"))
    assert via_booking.data == {"_entities": [{"id": "bkg_1", "engagement": None}]}
    assert codes(via_booking) == ["FORBIDDEN"]


async def test_terms_that_cannot_be_priced_are_an_invalid_cost_naming_the_field(
    payroll: Payroll, booking: Booking
) -> None:
    await payroll.on_booking_confirmed(booking(rate=Rate(Decimal("5.00"), "USD", "HOUR")))
    result = await run(payroll, principal("org_a"), BOOKINGS, bookings("bkg_1"))
    engagement = result.data["_entities"][0]["engagement"]
    assert engagement["status"] == "PENDING_ONBOARDING"
    assert engagement["estimatedCost"] is None
    assert codes(result) == ["INVALID"]
    assert result.errors[0].message.startswith("rate.amount: ")
    assert result.errors[0].path == ["_entities", 0, "engagement", "estimatedCost"]


class CountingPayroll(Payroll):
    def __init__(self, database: MemoryDatabase, store: PayrollStore) -> None:
        super().__init__(store, AuditLog(database), cipher())
        self.batches: list[list[str]] = []

    async def engagements_by_booking(
        self, org_id: str, booking_ids: Sequence[str]
    ) -> dict[str, Engagement]:
        self.batches.append(list(booking_ids))
        return await super().engagements_by_booking(org_id, booking_ids)


async def test_engagements_of_many_bookings_load_in_one_batch(
    database: MemoryDatabase, store: PayrollStore, booking: Booking
) -> None:
    service = CountingPayroll(database, store)
    for n in range(5):
        await service.on_booking_confirmed(booking(booking_id=f"bkg_{n}"))
    ids = [f"bkg_{n}" for n in range(5)]
    result = data(await run(service, principal("org_a"), BOOKINGS, bookings(*ids)))
    assert [e["engagement"]["status"] for e in result["_entities"]] == ["PENDING_ONBOARDING"] * 5
    assert service.batches == [ids]
