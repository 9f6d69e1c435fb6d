"""Studio teachers scheduled per shoot day (8 CCR §§11755, 11755.2): certification checked,
each person counted once a day, and the day's report counts them toward the minors' ratio."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from legal.domain.teachers import StudioTeacherAssignment, teachers_by_day
from legal.schema import schema
from legal.usecases import Legal
from slate.errors import Forbidden
from slate.events.snapshots import BookingSnapshot
from slate.testing import data, graphql_context, principal
from slate_domain import Invalid

LEGAL = principal("org_a", "legal")


def teacher(name: str = "Jo Park", day: str = "2027-03-02", expires: str = "2028-01-01") -> Any:
    return StudioTeacherAssignment.schedule(
        id=f"stt_{name}",
        org_id="org_a",
        production_id="prd_1",
        day=day,
        name=name,
        credential_expires_on=expires,
    )


def test_a_lapsed_or_impossible_certification_is_refused_8_ccr_11755() -> None:
    with pytest.raises(Invalid) as lapsed:
        teacher(expires="2027-03-01")
    assert [p.field for p in lapsed.value.problems] == ["credentialExpiresOn"]
    with pytest.raises(Invalid) as too_long:
        teacher(expires="2031-01-01")
    assert [p.field for p in too_long.value.problems] == ["credentialExpiresOn"]
    with pytest.raises(Invalid) as bad:
        teacher(name=" ", day="Tuesday")
    assert {p.field for p in bad.value.problems} == {"name", "date"}


def test_each_teacher_counts_once_a_day() -> None:
    counted = teachers_by_day([teacher(), teacher("jo  park"), teacher("Ann Lee")])
    assert counted == {date(2027, 3, 2): 2}


async def test_the_days_report_counts_scheduled_teachers(
    legal: Legal, booking: Callable[..., BookingSnapshot]
) -> None:
    for n in range(11):
        await legal.draft_contract(
            booking(booking_id=f"bkg_{n}", is_minor=True, work_dates=("2027-03-02",))
        )

    async def schedule(name: str) -> None:
        await legal.schedule_studio_teacher(
            LEGAL,
            production_id="prd_1",
            day="2027-03-02",
            name=name,
            credential_expires_on="2028-01-01",
        )

    async def teacher_items() -> list[str]:
        items = await legal.compliance_report(LEGAL, "prd_1", "2027-03-02")
        return [i.message for i in items if i.code == "STUDIO_TEACHER_NOT_SCHEDULED"]

    assert await teacher_items() == ["11 minor(s) on call need 2 studio teacher(s); 0 scheduled"]
    await schedule("Jo Park")
    assert await teacher_items() == ["11 minor(s) on call need 2 studio teacher(s); 1 scheduled"]
    await schedule("Ann Lee")
    assert await teacher_items() == []
    with pytest.raises(Forbidden):
        await legal.schedule_studio_teacher(
            principal("org_a", "casting"),
            production_id="prd_1",
            day="2027-03-02",
            name="X",
            credential_expires_on="2028-01-01",
        )
    other = await legal.compliance_report(principal("org_b", "legal"), "prd_1", "2027-03-02")
    assert not any(i.code == "STUDIO_TEACHER_NOT_SCHEDULED" for i in other)


SCHEDULE = """mutation($input: ScheduleStudioTeacherInput!) { scheduleStudioTeacher(input: $input) {
    studioTeacher { date name credentialExpiresOn } userErrors { field } } }"""


async def test_the_subgraph_schedules_and_names_errors(legal: Legal) -> None:
    context = graphql_context(legal, LEGAL)
    variables = {
        "input": {
            "productionId": "prd_1",
            "date": "2027-03-02",
            "name": "Jo Park",
            "credentialExpiresOn": "2027-01-01",
        }
    }
    refused = data(await schema.execute(SCHEDULE, variable_values=variables, context_value=context))
    assert refused["scheduleStudioTeacher"]["userErrors"] == [{"field": "credentialExpiresOn"}]
    variables["input"]["credentialExpiresOn"] = "2028-01-01"
    done = data(await schema.execute(SCHEDULE, variable_values=variables, context_value=context))
    assert done["scheduleStudioTeacher"]["studioTeacher"]["name"] == "Jo Park"
