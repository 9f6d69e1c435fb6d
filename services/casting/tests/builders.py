"""What casting's tests build again and again, through the use cases: a role of production
`prd_1` (which the scripted scheduling knows) and registered talent, each with the defaults a
test keeps unless it names what it changes; and a query run through the subgraph in process."""

from __future__ import annotations

from typing import Any

from casting.domain.model import Role, Talent
from casting.schema import schema
from casting.usecases import Casting
from slate.auth import Principal
from slate.testing import graphql_context, principal

PRODUCER = principal("org_a", "producer", "casting")


def role_input(**changes: Any) -> dict[str, Any]:
    """createRole's arguments: a one-day Lead at 1200.00 USD a day, with `changes`."""
    values: dict[str, Any] = {
        "production_id": "prd_1",
        "name": "Lead",
        "amount": "1200.00",
        "currency": "USD",
        "unit": "DAY",
        "work_dates": ["2027-03-02"],
    }
    return values | changes


def talent_input(n: int | str = 0, **changes: Any) -> dict[str, Any]:
    """registerTalent's arguments for talent number `n` (an adult, non-union), with `changes`."""
    values: dict[str, Any] = {
        "name": f"Talent {n}",
        "email": f"t{n}@example.com",
        "date_of_birth": "1990-01-01",
        "union": "NONE",
    }
    return values | changes


async def new_role(casting: Casting, caller: Principal = PRODUCER, **changes: Any) -> Role:
    return await casting.create_role(caller, **role_input(**changes))


async def new_talent(
    casting: Casting, caller: Principal = PRODUCER, n: int | str = 0, **changes: Any
) -> Talent:
    return await casting.register_talent(caller, **talent_input(n, **changes))


async def new_talents(casting: Casting, count: int, caller: Principal = PRODUCER) -> list[Talent]:
    return [await new_talent(casting, caller, i) for i in range(count)]


async def run(
    casting: Casting, query: str, caller: Principal | None = PRODUCER, **variables: Any
) -> Any:
    """`query` through the subgraph in process, as `caller` (None: no token)."""
    return await schema.execute(
        query, variable_values=variables, context_value=graphql_context(casting, caller)
    )
