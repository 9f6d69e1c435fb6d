"""applyStripboard, shoot days, moving a day, and shoot days as conflicts."""

from __future__ import annotations

import pytest
from scheduling.usecases import Scheduling
from slate.errors import ValidationErrors
from slate.events import OutboxEvent
from slate.events.catalogue import SHOOT_DAY_SCHEDULED
from slate.repository import MemoryDatabase

from .test_scheduling_shoot import PRODUCER, book
from .test_scheduling_stripboard_usecases import film


async def test_applying_an_order_makes_shoot_days_skipping_non_shooting_dates(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    f = await film(scheduling)
    order = list(reversed(f.scenes))  # scene 8 first ... scene 1 last; 10 shoot days
    days = await scheduling.apply_stripboard(
        PRODUCER,
        production_id=f.production_id,
        scene_ids=order,
        start_date="2027-03-05",  # a Friday
        non_shooting_dates=["2027-03-08"],
        skip_weekends=True,
    )
    assert [d.date for d in days][:3] == ["2027-03-05", "2027-03-09", "2027-03-10"]
    assert len(days) == 10
    assert days[0].scene_ids == (f.scenes[7],)
    assert [c.talent_id for c in days[0].cast] == ["tal_d"]
    assert days[-1].scene_ids == (f.scenes[0],)
    raw = await database.repository("shoot_days").raw(days[0].id)
    assert raw is not None
    [event] = [OutboxEvent.from_doc(e) for e in raw["_outbox"]]
    assert event.type == SHOOT_DAY_SCHEDULED.name
    again = await scheduling.apply_stripboard(
        PRODUCER, production_id=f.production_id, scene_ids=f.scenes, start_date="2027-04-01"
    )
    assert [d.id for d in await scheduling.shoot_days("org_a", f.production_id)] == [
        d.id for d in again
    ]


async def test_bad_orders_name_the_field_and_write_nothing(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    f = await film(scheduling, fixed={2: "2027-03-01"})
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.apply_stripboard(
            PRODUCER,
            production_id=f.production_id,
            scene_ids=[f.scenes[0], f.scenes[0], "scn_nope"],
            start_date="2027-03-01",
        )
    assert {e.field for e in caught.value.errors} == {"sceneIds[1]", "sceneIds[2]", "sceneIds"}
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.apply_stripboard(
            PRODUCER, production_id=f.production_id, scene_ids=f.scenes, start_date="2027-03-01"
        )
    assert [e.field for e in caught.value.errors] == ["sceneIds"]  # scene 2 not on 1 March
    assert not database.collections.get("shoot_days")


async def test_a_talent_on_a_shoot_day_conflicts_with_another_production(
    scheduling: Scheduling,
) -> None:
    f = await film(scheduling)
    days = await scheduling.apply_stripboard(
        PRODUCER, production_id=f.production_id, scene_ids=f.scenes, start_date="2027-03-01"
    )
    first = days[0]
    assert "tal_a" in first.talent_ids
    conflicts = await scheduling.check_conflicts(
        org_id="org_a",
        talent_id="tal_a",
        booking_id="bkg_new",
        dates=[first.date],
        production_id="prd_other",
    )
    assert (first.date, True, "on a shoot day of another production") in [
        (c.date, c.blocking, c.reason) for c in conflicts
    ]
    own = await scheduling.check_conflicts(
        org_id="org_a",
        talent_id="tal_a",
        booking_id="bkg_new",
        dates=[first.date],
        production_id=f.production_id,
    )
    assert all(c.reason != "on a shoot day of another production" for c in own)


async def test_moving_a_day_rechecks_conflicts(scheduling: Scheduling) -> None:
    f = await film(scheduling)
    days = await scheduling.apply_stripboard(
        PRODUCER, production_id=f.production_id, scene_ids=f.scenes, start_date="2027-03-01"
    )
    first = days[0]
    talent = first.talent_ids[0]
    await book(scheduling, "prd_other", "rol_o", talent, dates=("2027-05-03",))
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.move_shoot_day(PRODUCER, shoot_day_id=first.id, to="2027-05-03")
    assert [(e.field, e.code) for e in caught.value.errors] == [("date", "CONFLICT")]
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.move_shoot_day(PRODUCER, shoot_day_id=first.id, to=days[1].date)
    assert [(e.field, e.code) for e in caught.value.errors] == [("date", "CONFLICT")]
    moved = await scheduling.move_shoot_day(PRODUCER, shoot_day_id=first.id, to="2027-05-04")
    assert moved.date == "2027-05-04"
    assert moved.version == first.version + 1


async def test_day_out_of_days_of_an_applied_board(scheduling: Scheduling) -> None:
    f = await film(scheduling)
    await scheduling.apply_stripboard(
        PRODUCER, production_id=f.production_id, scene_ids=f.scenes, start_date="2027-03-01"
    )
    report = await scheduling.day_out_of_days(PRODUCER, f.production_id)
    # scenes 1..8 in order over 10 days: 1 (a,b) | 2 2 (a,c) | 3 (b,d) | 4 (c,d) | 5 (a,d)
    # | 6 6 (b,c) | 7 (a) | 8 (d)
    assert dict(report.rows) == {
        "tal_a": ("SW", "W", "W", "H", "H", "W", "H", "H", "WF", ""),
        "tal_b": ("SW", "H", "H", "W", "H", "H", "W", "WF", "", ""),
        "tal_c": ("", "SW", "W", "H", "W", "H", "W", "WF", "", ""),
        "tal_d": ("", "", "", "SW", "W", "W", "H", "H", "H", "WF"),
    }
    assert report.csv.startswith("talent,2027-03-01,")


async def test_a_call_sheet_is_published_and_confirmed_by_the_talent_called(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    from slate.errors import Forbidden
    from slate.events.catalogue import CALL_SHEET_PUBLISHED
    from slate.testing import principal

    f = await film(scheduling)
    days = await scheduling.apply_stripboard(
        PRODUCER, production_id=f.production_id, scene_ids=f.scenes, start_date="2027-03-01"
    )
    day = days[0]
    cs = day.call_sheet_id
    talent = principal("org_a", "talent", sub="u_a", talent_id="tal_a")
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.confirm_call_sheet(talent, call_sheet_id=cs)
    assert [(e.field, e.code) for e in caught.value.errors] == [("callSheetId", "CONFLICT")]
    published = await scheduling.publish_call_sheet(PRODUCER, shoot_day_id=day.id)
    assert published.call_sheet_published
    raw = await database.repository("shoot_days").raw(day.id)
    assert raw is not None
    assert CALL_SHEET_PUBLISHED.name in [OutboxEvent.from_doc(e).type for e in raw["_outbox"]]
    confirmed = await scheduling.confirm_call_sheet(talent, call_sheet_id=cs)
    [call] = [c for c in confirmed.cast if c.talent_id == "tal_a"]
    assert call.confirmed_at is not None
    again = await scheduling.confirm_call_sheet(talent, call_sheet_id=cs)
    assert again.version == confirmed.version
    stranger = principal("org_a", "talent", sub="u_d", talent_id="tal_d")
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.confirm_call_sheet(stranger, call_sheet_id=cs)
    assert [e.field for e in caught.value.errors] == ["callSheetId"]
    with pytest.raises(Forbidden):
        await scheduling.confirm_call_sheet(PRODUCER, call_sheet_id=cs)


async def test_a_call_sheet_for_a_day_with_no_scenes_names_the_day_and_writes_nothing(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    f = await film(scheduling)
    days = await scheduling.apply_stripboard(
        PRODUCER, production_id=f.production_id, scene_ids=f.scenes, start_date="2027-03-01"
    )
    # Empty the last day by moving its one-day scenes to the first day.
    emptied, other = days[-1], days[0]
    for scene_id in emptied.scene_ids:
        await scheduling.move_scene(PRODUCER, scene_id=scene_id, shoot_day_id=other.id)
    before = await database.repository("shoot_days").raw(emptied.id)
    assert before is not None
    assert before["scene_ids"] == []
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.publish_call_sheet(PRODUCER, shoot_day_id=emptied.id)
    assert [e.field for e in caught.value.errors] == ["shootDayId"]
    after = await database.repository("shoot_days").raw(emptied.id)
    assert after == before
