"""Conflicts of people's calls: turnaround, a minor's hours, a double booking across productions
(pure rules, then through the use cases on the in-memory database)."""

from __future__ import annotations

import pytest
from scheduling.domain.turnaround import (
    DOUBLE_BOOKED,
    MINOR_HOURS,
    TURNAROUND,
    PersonDay,
    conflicts_of_day,
    minor_hours_conflicts,
    turnaround_conflicts,
)
from scheduling.schema import schema
from scheduling.usecases import Scheduling
from slate.errors import UserError, ValidationErrors
from slate.testing import graphql_context, principal

from .test_scheduling_callsheet_pdf import PRODUCER, two_day_shoot

LA = "America/Los_Angeles"


def span(day: str, call: str, wrap: str, *, talent: str = "tal_1", prd: str = "prd_1",
         zone: str = LA) -> PersonDay:  # fmt: skip
    return PersonDay(talent, f"day_{prd}_{day}", prd, day, call, wrap, zone)


def test_eleven_hours_between_wrap_and_call_is_short_and_twelve_is_enough() -> None:
    late = span("2027-03-01", "10:00", "20:00")
    assert turnaround_conflicts([late, span("2027-03-02", "08:00", "18:00")]) == []
    short = turnaround_conflicts([late, span("2027-03-02", "07:00", "17:00")])
    assert {(c.kind, c.day_id) for c in short} == {
        (TURNAROUND, "day_prd_1_2027-03-02"),
        (TURNAROUND, "day_prd_1_2027-03-01"),
    }
    assert "turnaround of 11h00 after the wrap of 2027-03-01" in short[0].message


def test_a_wrap_after_midnight_counts_into_the_next_day() -> None:
    # wrap 02:00 (after midnight) then an 12:00 call the same morning: 10 hours
    found = turnaround_conflicts(
        [span("2027-03-01", "16:00", "02:00"), span("2027-03-02", "12:00", "20:00")]
    )
    assert found
    assert "10h00" in found[0].message


def test_turnaround_is_measured_in_real_hours_across_time_zones() -> None:
    # wrap 20:00 in Los Angeles is 23:00 in New York: a 09:00 New York call is 10 hours later
    la = span("2027-03-01", "08:00", "20:00", prd="prd_la")
    ny = span("2027-03-02", "09:00", "17:00", prd="prd_ny", zone="America/New_York")
    found = turnaround_conflicts([la, ny])
    assert found
    assert "10h00" in found[0].message
    assert found[0].other_production_id == "prd_la"
    # across the spring-forward night (14 March 2027) a wall-clock 12 h is only 11 real hours
    dst = turnaround_conflicts(
        [span("2027-03-13", "08:00", "20:00"), span("2027-03-14", "08:00", "18:00")]
    )
    assert dst
    assert "11h00" in dst[0].message


def test_a_minor_works_from_5_am_to_10_pm_or_to_12_30_am_before_a_non_school_day() -> None:
    thursday, friday = "2027-03-04", "2027-03-05"
    assert minor_hours_conflicts(span(thursday, "05:00", "22:00")) == []
    early = minor_hours_conflicts(span(thursday, "04:30", "14:00"))
    assert [c.kind for c in early] == [MINOR_HOURS]
    assert "before 5:00 a.m." in early[0].message
    late = minor_hours_conflicts(span(thursday, "12:00", "22:30"))
    assert "after 10:00 p.m." in late[0].message
    # Friday night before a Saturday: until 12:30 a.m.
    assert minor_hours_conflicts(span(friday, "14:00", "00:30")) == []
    past = minor_hours_conflicts(span(friday, "14:00", "01:00"))
    assert "12:30 a.m. (before a non-school day)" in past[0].message
    # a holiday the production marks is a non-school day too
    holiday = frozenset({"2027-03-05"})
    assert minor_hours_conflicts(span(thursday, "14:00", "00:15"), holiday) == []


def test_the_day_reports_double_bookings_and_minors_only_for_its_own_people() -> None:
    mine = span("2027-03-04", "06:00", "18:00", talent="tal_kid", prd="prd_a")
    other = span("2027-03-04", "09:00", "17:00", talent="tal_kid", prd="prd_b")
    adult = span("2027-03-04", "04:00", "18:00", talent="tal_adult", prd="prd_a")
    found = conflicts_of_day(mine.day_id, [mine, other, adult], frozenset({"tal_kid"}))
    assert [(c.kind, c.talent_id) for c in found] == [(DOUBLE_BOOKED, "tal_kid")]
    assert found[0].other_production_id == "prd_b"
    early_kid = span("2027-03-04", "04:00", "18:00", talent="tal_kid", prd="prd_a")
    found = conflicts_of_day(early_kid.day_id, [early_kid], frozenset({"tal_kid"}))
    assert [c.kind for c in found] == [MINOR_HOURS]


async def test_a_late_wrap_shows_a_turnaround_conflict_on_both_days_and_a_move_rechecks(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)  # 2027-03-01 (Mon) and 03-02, Ada on both
    day1, day2 = shoot.day_ids
    assert await _conflicts(scheduling, day1) == []
    await scheduling.set_call_times(PRODUCER, shoot_day_id=day1, wrap_time="21:00")
    found = await _conflicts(scheduling, day2)
    assert found == [(TURNAROUND, "tal_ada")]
    assert (TURNAROUND, "tal_ada") in await _conflicts(scheduling, day1)
    # moving day 2 two days later gives Ada her rest: the conflict is gone on re-check
    await scheduling.move_shoot_day(PRODUCER, shoot_day_id=day2, to="2027-03-04")
    assert await _conflicts(scheduling, day2) == []


async def test_the_minor_booked_by_casting_is_checked_against_the_hours_window(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)  # Ben Ortiz is a minor, called on day 1
    day1 = shoot.day_ids[0]
    await scheduling.set_call_times(PRODUCER, shoot_day_id=day1, calls={"tal_ben": "04:45"})
    assert await _conflicts(scheduling, day1) == [(MINOR_HOURS, "tal_ben")]
    await scheduling.set_call_times(PRODUCER, shoot_day_id=day1, calls={"tal_ada": "04:45"})
    assert (MINOR_HOURS, "tal_ada") not in await _conflicts(scheduling, day1)


async def test_the_same_talent_on_two_productions_days_is_reported_and_another_org_is_not(
    scheduling: Scheduling,
) -> None:
    first = await two_day_shoot(scheduling)
    # a second production of the organisation books Ada too, on a date of its own...
    second = await two_day_shoot(
        scheduling,
        title="Second Unit",
        start="2027-03-08",
        people=(("Pilot", "tal_ada", "Ada Quinn", False),),
    )
    # ...and moving its first day onto Ada's first shoot day is refused outright
    with pytest.raises(ValidationErrors):
        await scheduling.move_shoot_day(PRODUCER, shoot_day_id=second.day_ids[0], to="2027-03-01")
    # another organisation calling Ada at 07:00 the morning after this org wraps her at 23:00
    # is none of this org's business: its shoot days stay invisible here
    await scheduling.set_call_times(PRODUCER, shoot_day_id=first.day_ids[1], wrap_time="23:00")
    other_org = principal("org_b", "producer", sub="u9")
    await two_day_shoot(
        scheduling,
        who=other_org,
        start="2027-03-03",
        people=(("Pilot", "tal_ada", "Ada Quinn", False),),
    )
    assert await _conflicts(scheduling, first.day_ids[1]) == []


async def test_a_double_booking_made_by_a_later_schedule_shows_on_both_sheets(
    scheduling: Scheduling,
) -> None:
    first = await two_day_shoot(scheduling)
    second = await two_day_shoot(
        scheduling,
        title="Second Unit",
        start="2027-03-08",
        people=(("Pilot", "tal_new", "Noor Said", False),),
    )
    # the second production's day is stored on the same date as the first's (as a schedule
    # written before a booking landed would be); both sheets report it
    day = await scheduling.shoot_day("org_a", second.day_ids[0])
    assert day is not None
    day.cast = (*day.cast, type(day.cast[0])("tal_ada", day.cast[0].role_ids, "09:00"))
    day.date = "2027-03-01"
    await scheduling._store.save_day(day)
    assert (DOUBLE_BOOKED, "tal_ada") in await _conflicts(scheduling, first.day_ids[0])
    assert (DOUBLE_BOOKED, "tal_ada") in await _conflicts(scheduling, second.day_ids[0])
    query = """query($id: ID!) { shootDay(id: $id) { callSheet { conflicts {
        kind talent { id } date otherProductionId message } } } }"""
    result = await schema.execute(
        query,
        variable_values={"id": first.day_ids[0]},
        context_value=graphql_context(scheduling, PRODUCER),
    )
    assert result.errors is None
    [conflict] = result.data["shootDay"]["callSheet"]["conflicts"]  # type: ignore[index]
    assert conflict["kind"] == DOUBLE_BOOKED
    assert conflict["otherProductionId"] == second.production_id
    assert conflict["date"] == "2027-03-01"


async def test_set_call_times_names_bad_fields_and_writes_nothing(scheduling: Scheduling) -> None:
    shoot = await two_day_shoot(scheduling)
    day1 = shoot.day_ids[0]
    before = await scheduling.shoot_day("org_a", day1)
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.set_call_times(
            PRODUCER,
            shoot_day_id=day1,
            general_call="7am",
            wrap_time="25:00",
            calls={"tal_zed": "08:00"},
        )
    assert {e.field for e in caught.value.errors} == {"generalCall", "wrapTime", "calls"}
    assert await scheduling.shoot_day("org_a", day1) == before


async def test_a_changed_call_must_be_confirmed_again(scheduling: Scheduling) -> None:
    shoot = await two_day_shoot(scheduling)
    day1 = shoot.day_ids[0]
    await scheduling.publish_call_sheet(PRODUCER, shoot_day_id=day1)
    ada = principal("org_a", "talent", sub="ada", talent_id="tal_ada")
    ben = principal("org_a", "talent", sub="ben", talent_id="tal_ben")
    sheet = "cs_" + day1.removeprefix("day_")
    await scheduling.confirm_call_sheet(ada, call_sheet_id=sheet)
    await scheduling.confirm_call_sheet(ben, call_sheet_id=sheet)
    day = await scheduling.set_call_times(PRODUCER, shoot_day_id=day1, calls={"tal_ben": "09:00"})
    confirmed = {c.talent_id: c.confirmed_at for c in day.cast}
    assert confirmed["tal_ada"] is not None
    assert confirmed["tal_ben"] is None


async def _conflicts(scheduling: Scheduling, day_id: str) -> list[tuple[str, str]]:
    day = await scheduling.shoot_day("org_a", day_id)
    assert day is not None
    return sorted({(c.kind, c.talent_id) for c in await scheduling.day_conflicts("org_a", day)})


async def test_moving_a_scene_moves_its_calls_and_rechecks_the_conflicts(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)  # day 1: scene 2 (Ada, Ben); day 2: scene 1 (Ada)
    day1, day2 = shoot.day_ids
    scene1, scene2 = shoot.scene_ids
    # Ben (a minor) moves with scene 2 onto day 2, after scene 1; day 1 is left empty
    await scheduling.set_call_times(PRODUCER, shoot_day_id=day2, general_call="04:30")
    moved = await scheduling.move_scene(PRODUCER, scene_id=scene2, shoot_day_id=day2)
    assert [d.id for d in moved] == [day2, day1]
    target, source = moved
    assert target.scene_ids == (scene1, scene2)
    assert {c.talent_id: c.call_time for c in target.cast} == {
        "tal_ada": "07:00",  # already called there: her call is kept
        "tal_ben": "04:30",  # newly called at the day's general call
    }
    assert source.scene_ids == ()
    assert source.cast == ()
    # the re-check sees the minor's 4:30 call on his new day
    assert (MINOR_HOURS, "tal_ben") in await _conflicts(scheduling, day2)
    # and back to the front of day 1
    back = await scheduling.move_scene(PRODUCER, scene_id=scene2, shoot_day_id=day1, position=0)
    assert back[0].scene_ids == (scene2,)
    assert {c.talent_id for c in back[1].cast} == {"tal_ada"}
    assert await _conflicts(scheduling, day2) == []


async def test_a_scene_cannot_move_onto_a_talents_day_elsewhere_and_nothing_is_written(
    scheduling: Scheduling,
) -> None:
    first = await two_day_shoot(scheduling)
    second = await two_day_shoot(
        scheduling,
        title="Second Unit",
        start="2027-03-08",
        people=(("Pilot", "tal_new", "Noor Said", False),),
    )
    # Ben is on a shoot day of another production on 2027-03-08 (written directly, as a
    # schedule made before his booking here would be)
    other_day = await scheduling.shoot_day("org_a", second.day_ids[0])
    assert other_day is not None
    other_day.cast = (*other_day.cast, type(other_day.cast[0])("tal_ben", (), "08:00"))
    await scheduling._store.save_day(other_day)
    day1_before = await scheduling.shoot_day("org_a", first.day_ids[0])
    # first's day 2 moves to 2027-03-08 is refused... so put scene 2 (with Ben) onto a day of
    # the first production dated 2027-03-08 instead: move day 2 there first (Ada is free)
    await scheduling.move_shoot_day(PRODUCER, shoot_day_id=first.day_ids[1], to="2027-03-08")
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.move_scene(
            PRODUCER, scene_id=first.scene_ids[1], shoot_day_id=first.day_ids[1]
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [("shootDayId", "CONFLICT")]
    assert await scheduling.shoot_day("org_a", first.day_ids[0]) == day1_before
    # unknown ids name their field
    with pytest.raises(UserError) as unknown:
        await scheduling.move_scene(PRODUCER, scene_id="scn_nope", shoot_day_id=first.day_ids[0])
    assert unknown.value.field == "sceneId"
    with pytest.raises(UserError) as elsewhere:
        await scheduling.move_scene(
            PRODUCER, scene_id=first.scene_ids[0], shoot_day_id=second.day_ids[0]
        )
    assert elsewhere.value.field == "shootDayId"
