"""proposeStripboard on a production: the optimiser over its scenes, rates and constraints."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from scheduling.usecases import Scheduling
from slate.errors import Forbidden, ValidationErrors
from slate.testing import principal

from .test_scheduling_shoot import PRODUCER, book, production, publish_role

SLATE = Path(sys.executable).with_name("slate")


@dataclass
class Film:
    production_id: str
    locations: list[str]
    scenes: list[str]  # by number 1..8


async def film(scheduling: Scheduling, *, fixed: dict[int, str] | None = None) -> Film:
    """8 scenes at 3 locations, 4 booked talent (rates 1000, 800, 600, 400 a day) and one role
    nobody is booked on yet (300 a day)."""
    prd = await production(scheduling)
    locs = [
        (
            await scheduling.create_location(
                PRODUCER, production_id=prd, name=f"Loc {i}", address=f"{i} Main St"
            )
        ).id
        for i in range(3)
    ]
    for i, (talent, rate) in enumerate(
        [("tal_a", "1000"), ("tal_b", "800"), ("tal_c", "600"), ("tal_d", "400")]
    ):
        await book(scheduling, prd, f"rol_{i}", talent, amount=rate)
    await publish_role(scheduling, "rol_x", prd, amount="300.00")
    plan = [  # (location, duration, roles)
        (0, 1, [0, 1]),
        (1, 2, [0, 2]),
        (2, 1, [1, 3]),
        (0, 1, [2, 3, 9]),
        (1, 1, [0, 3]),
        (2, 2, [1, 2]),
        (0, 1, [0, 9]),
        (1, 1, [3]),
    ]
    scenes = []
    for n, (loc, days, roles) in enumerate(plan, start=1):
        scene = await scheduling.create_scene(
            PRODUCER,
            production_id=prd,
            number=str(n),
            location_id=locs[loc],
            duration=days,
            role_ids=["rol_x" if r == 9 else f"rol_{r}" for r in roles],
            fixed_date=(fixed or {}).get(n),
        )
        scenes.append(scene.id)
    return Film(prd, locs, scenes)


def cli(instance: dict[str, object]) -> dict[str, object]:
    done = subprocess.run(
        [str(SLATE), "schedule", "stripboard", "-"],
        input=json.dumps(instance),
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


async def test_the_proposal_is_optimal_and_costs_what_the_cli_says(
    scheduling: Scheduling,
) -> None:
    f = await film(scheduling)
    proposal = await scheduling.propose_stripboard(PRODUCER, production_id=f.production_id)
    assert sorted(proposal.scene_ids) == sorted(f.scenes)
    assert proposal.optimal
    assert proposal.lower_bound == proposal.cost
    assert proposal.currency == "USD"
    # 4 talent + the unbooked role, day rates in cents
    assert proposal.instance["actor_costs"] == [100000, 80000, 60000, 40000, 30000]
    from_cli = cli(proposal.instance)
    assert from_cli["cost"] == proposal.cost
    assert from_cli["optimal"] is True


async def test_a_fixed_date_pins_the_scene_to_its_shoot_day(scheduling: Scheduling) -> None:
    # shoot days from Monday 1 March 2027, Tuesday 2 March not shooting: scene 8 on 5 March
    f = await film(scheduling, fixed={8: "2027-03-05"})
    proposal = await scheduling.propose_stripboard(
        PRODUCER,
        production_id=f.production_id,
        start_date="2027-03-01",
        non_shooting_dates=["2027-03-02"],
    )
    assert proposal.instance["pinned"] == [{"scene": 7, "day": 3}]
    order = proposal.scene_ids
    durations = {s: d for s, d in zip(f.scenes, [1, 2, 1, 1, 1, 2, 1, 1], strict=True)}
    start = sum(durations[s] for s in order[: order.index(f.scenes[7])])
    assert start == 3
    assert cli(proposal.instance)["cost"] == proposal.cost


async def test_a_location_kept_together_and_a_talent_busy_elsewhere(
    scheduling: Scheduling,
) -> None:
    f = await film(scheduling)
    # tal_a is booked by another production on 1 and 2 March
    await book(scheduling, "prd_other", "rol_o", "tal_a", dates=("2027-03-01", "2027-03-02"))
    proposal = await scheduling.propose_stripboard(
        PRODUCER, production_id=f.production_id, start_date="2027-03-01"
    )
    assert proposal.instance["unavailable"] == [{"actor": 0, "days": [0, 1]}]
    assert cli(proposal.instance)["cost"] == proposal.cost
    loc = await scheduling.create_location(
        PRODUCER, production_id=f.production_id, name="Together", address="x", keep_together=True
    )
    for n in ("9", "10"):
        await scheduling.create_scene(
            PRODUCER,
            production_id=f.production_id,
            number=n,
            location_id=loc.id,
            duration=1,
            role_ids=["rol_0"],
        )
    proposal = await scheduling.propose_stripboard(PRODUCER, production_id=f.production_id)
    assert proposal.instance["together"] == [[8, 9]]
    order = list(proposal.scene_ids)
    together = [i for i, s in enumerate(order) if s not in f.scenes]
    assert max(together) - min(together) == 1


async def test_fixed_dates_that_cannot_all_be_met_name_the_field(
    scheduling: Scheduling, database: object
) -> None:
    f = await film(scheduling, fixed={1: "2027-03-01", 5: "2027-03-01"})
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.propose_stripboard(
            PRODUCER, production_id=f.production_id, start_date="2027-03-01"
        )
    assert [e.field for e in caught.value.errors] == ["fixedDate"]
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.propose_stripboard(PRODUCER, production_id=f.production_id)
    assert {e.field for e in caught.value.errors} == {"startDate"}
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.propose_stripboard(
            PRODUCER,
            production_id=f.production_id,
            start_date="2027-03-01",
            non_shooting_dates=["2027-03-01", "nope"],
        )
    assert {e.field for e in caught.value.errors} == {"nonShootingDates[1]"}


async def test_only_producers_propose_and_an_empty_production_is_refused(
    scheduling: Scheduling,
) -> None:
    prd = await production(scheduling)
    with pytest.raises(Forbidden):
        await scheduling.propose_stripboard(principal("org_a", "casting"), production_id=prd)
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.propose_stripboard(PRODUCER, production_id=prd)
    assert [e.field for e in caught.value.errors] == ["productionId"]
