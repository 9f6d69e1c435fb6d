"""Crew calls on a shoot day: the rules of the list, the use case on the in-memory database,
the subgraph (who sees a crew member's contact) and the call sheet PDF."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from scheduling.domain.days import CrewCall, CrewCallDraft, crew_by_department, validate_crew
from scheduling.schema import schema
from scheduling.usecases import Scheduling
from slate.audit import AuditLog
from slate.errors import Forbidden, UserError, ValidationErrors
from slate.repository import MemoryDatabase
from slate.testing import graphql_context, principal
from slate_domain import Invalid

from .test_scheduling_callsheet_pdf import pdf_text, two_day_shoot

PRODUCER = principal("org_a", "producer")
TALENT = principal("org_a", "talent", sub="u_ada", talent_id="tal_ada")
CREW_MEMBER = principal("org_a", "crew", sub="u_crew")
OTHER_ORG = principal("org_b", "producer", sub="u2")

CREW = [
    CrewCallDraft("Sam Lee", "camera", "1st AC", "06:00", "+1 415 555 0133"),
    CrewCallDraft("Ria Khan", "Sound", "Sound mixer", "07:30", "ria@example.com"),
    CrewCallDraft("Jo Park", "Camera", "Director of photography", "05:45", None),
    CrewCallDraft("Max Ortiz", "Grip", "Key grip", "06:00", " "),
]


# ------------------------------------------------------------------ domain


def test_the_crew_is_kept_in_call_order_with_known_departments_spelled_one_way() -> None:
    calls = validate_crew(CREW)
    assert [(c.name, c.department, c.call_time) for c in calls] == [
        ("Jo Park", "Camera", "05:45"),
        ("Sam Lee", "Camera", "06:00"),
        ("Max Ortiz", "Grip", "06:00"),
        ("Ria Khan", "Sound", "07:30"),
    ]
    assert [c.contact for c in calls] == ["", "+1 415 555 0133", "", "ria@example.com"]
    # a department no list foresaw is taken as entered
    [vfx] = validate_crew([CrewCallDraft("Ann", "VFX", "Supervisor", "09:00")])
    assert vfx.department == "VFX"


def test_every_bad_field_is_named_by_its_index() -> None:
    with pytest.raises(Invalid) as caught:
        validate_crew(
            [
                CrewCallDraft("Ok", "Grip", "Grip", "06:00"),
                CrewCallDraft(" ", "", "", "6am", "not a contact"),
                CrewCallDraft("B", "Sound", "Boom", "24:00", "x@y"),
            ]
        )
    assert {p.field for p in caught.value.problems} == {
        "crew[1].name",
        "crew[1].department",
        "crew[1].position",
        "crew[1].callTime",
        "crew[1].contact",
        "crew[2].callTime",
        "crew[2].contact",
    }


def test_departments_are_grouped_in_order_of_their_first_call() -> None:
    crew = (
        CrewCall("Ria", "Sound", "Mixer", "07:30"),
        CrewCall("Max", "Grip", "Key grip", "06:00"),
        CrewCall("Jo", "Camera", "DP", "06:00"),
        CrewCall("Sam", "Camera", "1st AC", "08:00"),
        CrewCall("Lu", "Catering", "Chef", "05:00"),
    )
    grouped = [(d, [c.name for c in calls]) for d, calls in crew_by_department(crew)]
    # Camera and Grip both start at 06:00: the usual order of departments breaks the tie
    assert grouped == [
        ("Catering", ["Lu"]),
        ("Camera", ["Jo", "Sam"]),
        ("Grip", ["Max"]),
        ("Sound", ["Ria"]),
    ]


# ------------------------------------------------------------------ use case


async def test_the_producer_replaces_the_crew_list_and_it_is_audited(
    scheduling: Scheduling, database: MemoryDatabase
) -> None:
    shoot = await two_day_shoot(scheduling)
    day = shoot.day_ids[0]
    saved = await scheduling.set_crew_calls(PRODUCER, shoot_day_id=day, crew=CREW)
    assert [c.name for c in saved.crew] == ["Jo Park", "Sam Lee", "Max Ortiz", "Ria Khan"]
    stored = await scheduling.shoot_day("org_a", day)
    assert stored is not None
    assert stored.crew == saved.crew
    replaced = await scheduling.set_crew_calls(PRODUCER, shoot_day_id=day, crew=CREW[3:])
    assert [c.name for c in replaced.crew] == ["Max Ortiz"]
    records = [r for r in await AuditLog(database).for_target("org_a", day)]
    crew_records = [r for r in records if r["action"] == "setCrewCalls"]
    assert len(crew_records) == 2
    # the audit keeps the count, never the names or contacts
    assert "ria@example.com" not in repr(crew_records)


async def test_bad_input_writes_nothing(scheduling: Scheduling, database: MemoryDatabase) -> None:
    shoot = await two_day_shoot(scheduling)
    day = shoot.day_ids[0]
    await scheduling.set_crew_calls(PRODUCER, shoot_day_id=day, crew=CREW[:1])
    before = await database.repository("shoot_days").raw(day)
    with pytest.raises(ValidationErrors) as caught:
        await scheduling.set_crew_calls(
            PRODUCER,
            shoot_day_id=day,
            crew=[*CREW, CrewCallDraft("Late", "Electric", "Gaffer", "7:5")],
        )
    assert [e.field for e in caught.value.errors] == ["crew[4].callTime"]
    assert await database.repository("shoot_days").raw(day) == before
    with pytest.raises(UserError) as missing:
        await scheduling.set_crew_calls(PRODUCER, shoot_day_id="day_nope", crew=CREW)
    assert (missing.value.field, missing.value.code) == ("shootDayId", "NOT_FOUND")


@pytest.mark.parametrize("who", [TALENT, CREW_MEMBER, principal("org_a", "casting")])
async def test_only_the_producer_sets_crew_calls(scheduling: Scheduling, who: Any) -> None:
    shoot = await two_day_shoot(scheduling)
    with pytest.raises(Forbidden):
        await scheduling.set_crew_calls(who, shoot_day_id=shoot.day_ids[0], crew=CREW)
    day = await scheduling.shoot_day("org_a", shoot.day_ids[0])
    assert day is not None
    assert day.crew == ()


async def test_another_organisation_cannot_reach_the_day(scheduling: Scheduling) -> None:
    shoot = await two_day_shoot(scheduling)
    with pytest.raises(UserError) as caught:
        await scheduling.set_crew_calls(OTHER_ORG, shoot_day_id=shoot.day_ids[0], crew=CREW)
    assert caught.value.code == "NOT_FOUND"
    day = await scheduling.shoot_day("org_a", shoot.day_ids[0])
    assert day is not None
    assert day.crew == ()


async def test_a_crew_change_leaves_the_casts_confirmations(scheduling: Scheduling) -> None:
    shoot = await two_day_shoot(scheduling)
    day = shoot.day_ids[0]
    await scheduling.publish_call_sheet(PRODUCER, shoot_day_id=day)
    await scheduling.confirm_call_sheet(TALENT, call_sheet_id="cs_" + day.removeprefix("day_"))
    saved = await scheduling.set_crew_calls(PRODUCER, shoot_day_id=day, crew=CREW)
    assert saved.call_sheet_published
    confirmed = {c.talent_id: c.confirmed_at for c in saved.cast}
    assert confirmed["tal_ada"] is not None


# ------------------------------------------------------------------ subgraph and PDF

SET = """
mutation($day: ID!, $crew: [CrewCallInput!]!) {
  setCrewCalls(input: {shootDayId: $day, crew: $crew}) {
    shootDay { crew { name } } userErrors { field code }
  }
}
"""
SHEET = """
query($id: ID!) {
  shootDay(id: $id) {
    crew { name department }
    callSheet { crew { name department position callTime contact } pdfUrl }
  }
}
"""


async def run(scheduling: Scheduling, caller: Any, q: str, **v: Any) -> Any:
    result = await schema.execute(
        q, variable_values=v, context_value=graphql_context(scheduling, caller)
    )
    assert result.errors is None, result.errors
    return result.data


def as_input(c: CrewCallDraft) -> dict[str, Any]:
    return {
        "name": c.name,
        "department": c.department,
        "position": c.position,
        "callTime": c.call_time,
        "contact": c.contact,
    }


async def test_staff_see_contacts_talent_do_not_and_another_org_sees_nothing(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)
    day = shoot.day_ids[0]
    bad = await run(
        scheduling, PRODUCER, SET, day=day, crew=[as_input(CrewCallDraft("A", "", "B", "x"))]
    )
    assert bad["setCrewCalls"]["shootDay"] is None
    assert {e["field"] for e in bad["setCrewCalls"]["userErrors"]} == {
        "crew[0].department",
        "crew[0].callTime",
    }
    made = await run(scheduling, PRODUCER, SET, day=day, crew=[as_input(c) for c in CREW])
    assert made["setCrewCalls"]["userErrors"] == []

    staff = (await run(scheduling, CREW_MEMBER, SHEET, id=day))["shootDay"]
    assert [c["name"] for c in staff["crew"]] == [
        "Jo Park",
        "Sam Lee",
        "Max Ortiz",
        "Ria Khan",
    ]
    sheet = staff["callSheet"]["crew"]
    assert sheet[1] == {
        "name": "Sam Lee",
        "department": "Camera",
        "position": "1st AC",
        "callTime": "06:00",
        "contact": "+1 415 555 0133",
    }
    assert [c["contact"] for c in sheet] == [None, "+1 415 555 0133", None, "ria@example.com"]

    talent = (await run(scheduling, TALENT, SHEET, id=day))["shootDay"]["callSheet"]
    assert [c["name"] for c in talent["crew"]] == ["Jo Park", "Sam Lee", "Max Ortiz", "Ria Khan"]
    assert all(c["contact"] is None for c in talent["crew"])
    talent_pdf = pdf_text(base64.b64decode(talent["pdfUrl"].split(",", 1)[1]))
    assert "Sam Lee" in talent_pdf
    assert "+1 415 555 0133" not in talent_pdf
    assert "ria@example.com" not in talent_pdf

    assert (await run(scheduling, OTHER_ORG, SHEET, id=day))["shootDay"] is None


async def test_the_pdf_lists_the_crew_by_department_in_call_order(
    scheduling: Scheduling,
) -> None:
    shoot = await two_day_shoot(scheduling)
    day = shoot.day_ids[0]
    await scheduling.set_crew_calls(PRODUCER, shoot_day_id=day, crew=CREW)
    data = await run(scheduling, PRODUCER, SHEET, id=day)
    lines = pdf_text(base64.b64decode(data["shootDay"]["callSheet"]["pdfUrl"].split(",", 1)[1]))
    lines_of = lines.split("\n")
    crew = lines_of[lines_of.index("Crew") + 1 : lines_of.index("Contacts")]
    assert crew == [
        "Camera",
        *("Jo Park", "Director of photography", "05:45", "-"),
        *("Sam Lee", "1st AC", "06:00", "+1 415 555 0133"),
        "Grip",
        *("Max Ortiz", "Key grip", "06:00", "-"),
        "Sound",
        *("Ria Khan", "Sound mixer", "07:30", "ria@example.com"),
    ]
    # the location contact is still printed under contacts
    assert "Dana (location manager) 415-555-0101" in lines
